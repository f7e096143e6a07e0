"""Reading the follow-up forms: a day in the query string, the acceptance form's verdict."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import Query

from luodi.clock import Clock
from luodi.config import Settings
from luodi.domain.roles import Role
from luodi.domain.scoring import RubricError, parse_scores
from luodi.i18n import gettext as _
from luodi.services.accept.acceptance import Verdict
from luodi.services.accounts.access import Viewer
from luodi.services.errors import Forbidden, InvalidInput

day_param = Annotated[str | None, Query(max_length=10, description="A day, YYYY-MM-DD (default today)")]


def parse_date(value: str, *, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(_("{field} must be YYYY-MM-DD, got {value!r}").format(field=field, value=value),
                           field=field) from None


def parse_day(value: str | None, *, settings: Settings, clock: Clock, field: str = "day") -> datetime:
    """The moment a page looks at: now, or 09:00 local on the given day (UTC-aware)."""
    if not value:
        return clock.now()
    day = parse_date(value, field=field)
    return datetime.combine(day, time(9, 0), tzinfo=settings.tz).astimezone(UTC)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def verdict_from_form(*, scores: list[str], decision: str, checks: list[str], problems: str, strengths: str,
                      suggestions: str, revise_by: str) -> Verdict:
    """The acceptance form: one ``scores`` value per criterion ("accuracy=5"), ``decision`` pass|fail."""
    if decision not in ("pass", "fail"):
        raise InvalidInput(_("choose pass or fail"), field="decision")
    try:
        parsed = parse_scores(",".join(scores))
    except RubricError as exc:
        raise InvalidInput(str(exc), field=exc.field) from exc
    return Verdict(scores=parsed, passed=decision == "pass", checks=checks, problems=lines(problems),
                   strengths=lines(strengths), suggestions=lines(suggestions),
                   revise_by=parse_date(revise_by, field="revise_by") if revise_by else None)


def require_reporter(viewer: Viewer) -> None:
    """Standups are answered by people who carry work: owners and coordinators (not viewers)."""
    if viewer.read_only or not (viewer.is_admin or viewer.has_role(Role.OWNER) or viewer.has_role(Role.COORDINATOR)):
        raise Forbidden(_("Your role does not allow this."), field="role")
