"""Regular sync meetings (SYNC-1…3) and the closure meeting (CLOSE-1): which meeting, which agenda.

The article's 「第四步：定期同步会议」: a daily standup (每天早上9:00, 15分钟, three questions) for an
urgent project (< 1 month), many parties (> 3 departments) or a high risk; a weekly review (每周五
下午, 30–45 分钟) for a project of 1–6 months with a steady rhythm. Agendas are time-boxed; the
closure meeting (闭环会议) takes 15–30 minutes. Pure: dates in, plain data out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum

from luodi.domain.checklists import N_
from luodi.i18n import gettext as _

URGENT_DAYS = 30  # 「紧急项目(<1个月)」
MANY_DEPARTMENTS = 3  # 「多方协作(>3个部门)」
LONG_DAYS = 183  # 「中长期项目(1-6个月)」


class SyncKind(StrEnum):
    STANDUP = "standup"
    WEEKLY = "weekly"


class SyncReason(StrEnum):
    URGENT = "urgent"  # shorter than a month
    MANY_DEPARTMENTS = "many_departments"  # more than 3 departments
    HIGH_RISK = "high_risk"  # items at risk or late, or open blockers
    STEADY = "steady"  # 1–6 months, steady rhythm
    LONG = "long"  # longer than 6 months: still weekly, the article has nothing longer


@dataclass(frozen=True)
class ProjectFacts:
    """``span_days``: first start to last due of the open work; ``departments``: distinct teams
    of the people involved; ``high_risk``: any item at risk or delayed, or an open blocker."""

    span_days: int
    departments: int
    high_risk: bool


@dataclass(frozen=True)
class SyncRecommendation:
    kind: SyncKind
    minutes: tuple[int, int]  # (shortest, longest)
    at: time  # 09:00 standup; 16:00 on Friday for the weekly review
    weekday: int | None  # 4 = Friday for the weekly review; None = every working day
    reasons: tuple[SyncReason, ...]


def recommend(facts: ProjectFacts) -> SyncRecommendation:
    """A daily standup when any standup condition holds, else a weekly review."""
    reasons = []
    if facts.span_days < URGENT_DAYS:
        reasons.append(SyncReason.URGENT)
    if facts.departments > MANY_DEPARTMENTS:
        reasons.append(SyncReason.MANY_DEPARTMENTS)
    if facts.high_risk:
        reasons.append(SyncReason.HIGH_RISK)
    if reasons:
        return SyncRecommendation(SyncKind.STANDUP, (15, 15), time(9, 0), None, tuple(reasons))
    reason = SyncReason.STEADY if facts.span_days <= LONG_DAYS else SyncReason.LONG
    return SyncRecommendation(SyncKind.WEEKLY, (30, 45), time(16, 0), 4, (reason,))


@dataclass(frozen=True)
class AgendaPoint:
    title: str  # an English msgid; translate where shown
    minutes: int


WEEKLY_AGENDA = (
    AgendaPoint(N_("Review of last week's results"), 10),
    AgendaPoint(N_("Confirm next week's plan"), 10),
    AgendaPoint(N_("Identify and resolve risks"), 15),
    AgendaPoint(N_("Confirm next week's action items"), 5),
)
CLOSURE_AGENDA = (
    AgendaPoint(N_("Review how every action item was completed"), 5),
    AgendaPoint(N_("Lessons learned: what went well, what to improve, what to reuse"), 10),
    AgendaPoint(N_("Start the next phase"), 10),
    AgendaPoint(N_("Thanks and celebration"), 5),
)
STANDUP_QUESTIONS = (
    N_("What did you finish yesterday?"),
    N_("What do you plan to do today?"),
    N_("What is blocking you?"),
)


def translated(points: tuple[AgendaPoint, ...]) -> list[tuple[str, int]]:
    """(title, minutes) in the current language."""
    return [(_(point.title), point.minutes) for point in points]


def agenda_minutes(points: tuple[AgendaPoint, ...]) -> int:
    return sum(point.minutes for point in points)


_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


def parse_iso_week(text: str) -> tuple[date, date]:
    """``2026-W40`` → (Monday, Sunday) of that ISO week. ValueError names the text."""
    match = _WEEK.match(text)
    if not match:
        raise ValueError(_("expected an ISO week such as 2026-W40, got {text!r}").format(text=text))
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(_("{year} has no week {week}").format(year=year, week=week)) from None
    return monday, monday + timedelta(days=6)


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"
