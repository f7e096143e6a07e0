"""The acceptance rubric (ACC-3): weighted criteria scored 1–5, a total out of 100, a pass mark.

The article's 「质量评估」 table: completeness 30% · accuracy 30% · executability 25% ·
innovation 15%; total = Σ(weight × score) / 5 × 100, so 4, 5, 3, 3 gives 78. With weights in
whole percent the total is Σ(weight% × score) / 5, rounded half up: it lies in [20, 100] and grows
with every criterion's score. Rubrics and the pass mark are configurable (a project's
``settings.acceptance``); a rubric's weights must add up to 100%.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from luodi.i18n import gettext as _

MIN_SCORE, MAX_SCORE = 1, 5
DEFAULT_PASS_MARK = 60

# Chinese names accepted on the command line: 完整性=4,准确性=5,可执行性=3,创新性=3
ALIASES = {"完整性": "completeness", "准确性": "accuracy", "可执行性": "executability", "创新性": "innovation"}


class SubmissionKind(StrEnum):
    """What an owner hands in (ACC-1, FU-6)."""

    DRAFT = "draft"  # early, for feedback (the article's trap 5: 允许提前提交draft版本)
    PARTIAL = "partial"  # a short version (简版) with a date for the full one
    FINAL = "final"  # to be accepted


class RubricError(ValueError):
    """Bad scores or a bad rubric; ``field`` names the criterion (or "rubric")."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: int  # whole percent


@dataclass(frozen=True)
class Rubric:
    criteria: tuple[Criterion, ...]
    pass_mark: int = DEFAULT_PASS_MARK

    def __post_init__(self) -> None:
        total = sum(c.weight for c in self.criteria)
        if total != 100 or any(c.weight <= 0 for c in self.criteria):
            message = _("rubric weights must be positive and add up to 100, got {total}").format(total=total)
            raise RubricError(message, field="rubric")
        if len({c.key for c in self.criteria}) != len(self.criteria):
            raise RubricError(_("rubric criteria must have distinct names"), field="rubric")
        if not 0 <= self.pass_mark <= 100:
            raise RubricError(_("pass mark must lie in 0…100"), field="pass_mark")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.criteria)

    def weights(self) -> dict[str, int]:
        return {c.key: c.weight for c in self.criteria}


DEFAULT_RUBRIC = Rubric((
    Criterion("completeness", 30),
    Criterion("accuracy", 30),
    Criterion("executability", 25),
    Criterion("innovation", 15),
))


def rubric_from_settings(acceptance: Mapping[str, Any] | None) -> Rubric:
    """A project's ``settings.acceptance``: ``{"rubric": {name: weight%}, "pass_mark": 70}``."""
    if not acceptance:
        return DEFAULT_RUBRIC
    table = acceptance.get("rubric")
    criteria = DEFAULT_RUBRIC.criteria
    if table:
        if not isinstance(table, Mapping) or not all(isinstance(w, int) for w in table.values()):
            raise RubricError(_("settings.acceptance.rubric must map names to whole percents"), field="rubric")
        criteria = tuple(Criterion(str(key), int(weight)) for key, weight in table.items())
    mark = acceptance.get("pass_mark", DEFAULT_PASS_MARK)
    if not isinstance(mark, int):
        raise RubricError(_("settings.acceptance.pass_mark must be a whole number"), field="pass_mark")
    return Rubric(criteria, mark)


def check_scores(rubric: Rubric, scores: Mapping[str, int]) -> None:
    """Raise RubricError naming the criterion: unknown, missing, or not a whole 1…5."""
    for key in scores:
        if key not in rubric.keys:
            message = _("unknown criterion {key!r}; expected {keys}").format(key=key, keys=", ".join(rubric.keys))
            raise RubricError(message, field=key)
    for key in rubric.keys:
        if key not in scores:
            raise RubricError(_("missing a score for {key}").format(key=key), field=key)
        value = scores[key]
        if isinstance(value, bool) or not isinstance(value, int) or not MIN_SCORE <= value <= MAX_SCORE:
            message = _("{key} must be a whole score from 1 to 5, got {value!r}").format(key=key, value=value)
            raise RubricError(message, field=key)


def total(rubric: Rubric, scores: Mapping[str, int]) -> int:
    """Σ(weight% × score) / 5, rounded half up — in [20, 100]. Raises RubricError on bad scores."""
    check_scores(rubric, scores)
    exact = Fraction(sum(c.weight * scores[c.key] for c in rubric.criteria), MAX_SCORE)
    return int(exact + Fraction(1, 2))  # floor(x + ½): half up, no banker's rounding


def passed(rubric: Rubric, score: int) -> bool:
    return score >= rubric.pass_mark


def parse_scores(text: str) -> dict[str, int]:
    """``completeness=4,accuracy=5,executability=3,innovation=3`` (also ``完整性=4`` …, ``:``)."""
    scores: dict[str, int] = {}
    for part in text.replace("，", ",").split(","):
        if not part.strip():
            continue
        key, sep, value = part.replace("：", "=").replace(":", "=").partition("=")
        key = ALIASES.get(key.strip(), key.strip().lower())
        if not sep or not value.strip().lstrip("-").isdigit():
            raise RubricError(_("expected name=score, got {part!r}").format(part=part.strip()), field=key or "score")
        if key in scores:
            raise RubricError(_("{key} is scored twice").format(key=key), field=key)
        scores[key] = int(value.strip())
    if not scores:
        raise RubricError(_("no scores given"), field="score")
    return scores
