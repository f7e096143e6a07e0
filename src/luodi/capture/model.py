"""Plain data read from an action list (CAP-1, CAP-2): what importers hand to the services.

No SQLAlchemy here: ``services.meetings`` turns a :class:`ParsedMeeting` into rows after
``luodi.domain.lint`` has checked it.

``Finding.field`` names what is wrong, so the web form and the CLI can point at it. The parser
(:mod:`luodi.capture.markdown`) uses:

- ``"file"`` (too large, binary, not UTF-8), ``"title"`` (the H1 line, or an empty 行动项 cell),
  ``"meta"`` (a ``- key: value`` line before the sections it cannot read), ``"section"`` (an
  unknown or repeated ``##`` heading), ``"时间"`` (the meeting's time: missing or unreadable);
- ``"decisions"``, ``"dependencies"``, ``"next_meeting"``, ``"attachments"`` for their sections;
- the table: ``"table"`` (no table, missing or repeated column, wrong cell count), ``"序号"``
  (not a number, repeated), ``"start"``, ``"due"``, ``"status"``, ``"priority"``.

:func:`luodi.domain.lint.lint` adds ``"owner"``, ``"due"``, ``"deliverable"`` and ``"dependencies"``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from luodi.domain.dates import END_OF_DAY
from luodi.domain.enums import ItemStatus, Priority
from luodi.domain.workdays import Calendar
from luodi.i18n import gettext as _

Severity = Literal["error", "warning"]


@dataclass
class Finding:
    """One problem found in an action list. ``line`` is 1-based; 0 when not tied to a line."""

    line: int
    field: str
    message: str  # translated, for people
    severity: Severity

    @classmethod
    def error(cls, line: int, field: str, message: str) -> Finding:
        return cls(line, field, message, "error")

    @classmethod
    def warning(cls, line: int, field: str, message: str) -> Finding:
        return cls(line, field, message, "warning")


class Findings(list[Finding]):
    """A list of findings with shorthands to add one; what the importers collect into."""

    def error(self, line: int, field: str, message: str) -> None:
        self.append(Finding.error(line, field, message))

    def warning(self, line: int, field: str, message: str) -> None:
        self.append(Finding.warning(line, field, message))

    def errors_after(self, index: int) -> bool:
        """True when an error was added at position ``index`` or later."""
        return any(finding.severity == "error" for finding in self[index:])


@dataclass
class Question:
    """An ambiguity the coordinator answers before anything is stored: two people named, a date
    with two readings, a missing meeting time. ``choices[0]`` is what ``--accept-defaults`` takes."""

    line: int
    field: str  # "owner", "due", "start" or "时间"
    message: str  # translated, for people
    choices: list[str]

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "message": self.message, "choices": list(self.choices)}


Answers = dict[tuple[int, str], str]
"""(line, field) → the coordinator's answer to that question."""


@dataclass
class ReadOptions:
    """What a reader needs besides the text; all optional, so the readers stay pure.

    ``now`` is the local time of the import (a paste without a meeting time asks whether the
    meeting was now); ``calendar`` counts working days; ``end_of_day`` is what 下班前 means.
    """

    now: dt.datetime | None = None
    calendar: Calendar | None = None
    end_of_day: dt.time = END_OF_DAY
    answers: Answers = field(default_factory=dict)
    accept_defaults: bool = False


class Asker:
    """Collects questions; returns the given answer, the default when accepting defaults, or the
    first choice provisionally (the question then stays open and nothing may be stored)."""

    def __init__(self, options: ReadOptions, findings: Findings) -> None:
        self.options, self.findings = options, findings
        self.questions: list[Question] = []

    def ask(self, line: int, field: str, message: str, choices: list[str]) -> str:
        answer = self.options.answers.get((line, field))
        if answer is not None:
            return answer
        if self.options.accept_defaults:
            note = _("{question} Took the first choice: {choice}").format(question=message, choice=choices[0])
            self.findings.warning(line, field, note)
            return choices[0]
        self.questions.append(Question(line, field, message, list(choices)))
        return choices[0]


@dataclass
class ParsedItem:
    """One row of the action-item table."""

    line: int
    number: int  # 序号 as written (T003 → 3)
    title: str
    owner: str  # "" when the cell is empty; lint decides whether it is one clear person
    start: dt.date | None
    due: dt.date | None
    due_time: dt.time | None
    deliverable: str | None
    status: ItemStatus
    priority: Priority
    acceptance: str | None
    depends_on: list[int] = field(default_factory=list)  # prerequisites' numbers, from the dependencies
    due_text: str = ""  # the due cell as written; lint skips "no due date" when the parser could not read it

    @property
    def source_line(self) -> int:
        """The line (or spreadsheet row) the item was read from."""
        return self.line


@dataclass
class ParsedDependency:
    """``dependent`` depends on ``prerequisite`` (both 序号), stated on ``line``."""

    line: int
    dependent: int
    prerequisite: int
    reason: str | None = None


@dataclass
class ParsedNextMeeting:
    """The next follow-up meeting; ``line`` is its heading's."""

    line: int
    at: dt.datetime | None  # naive local time
    place: str | None
    goal: str | None


@dataclass
class ParsedMeeting:
    """Everything an action list says about one meeting."""

    title: str  # the H1 without its 【行动项】 prefix
    name: str | None  # 会议 / Meeting
    starts_at: dt.datetime | None  # naive local time
    ends_at: dt.datetime | None
    place: str | None
    organizer: str | None
    attendees: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    dependencies: list[ParsedDependency] = field(default_factory=list)
    next_meeting: ParsedNextMeeting | None = None
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (title, url)
    language: Literal["zh", "en"] = "zh"


@dataclass
class ParseResult:
    """What an importer returns: the meeting (None when the file could not be read) and findings."""

    meeting: ParsedMeeting | None
    findings: list[Finding] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "warning"]
