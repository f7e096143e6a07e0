"""View models of the reports (SYNC-2/3, CLOSE-1, MET-1, FU-5 digest), built by services.

Plain frozen dataclasses; dates and times already local. Generated sentences (risk responses,
delay reasons in words) are made at render time in the reader's language, so the views hold facts
and the user's own words only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from luodi.domain.enums import ItemStatus


@dataclass(frozen=True)
class ReportItem:
    """An item line of a report."""

    code: str
    title: str
    owner: str
    due: date
    status: ItemStatus
    done_on: date | None = None
    score: int | None = None  # the passing acceptance score, when accepted
    carried_from: date | None = None  # 「延续自 9月28日」: the earlier meeting's day
    note: str | None = None  # the user's words: a delay reason, a blocker, an outcome


@dataclass(frozen=True)
class Risk:
    """A risk and its responses. ``kind``: blocker | at_risk | overdue | threatened."""

    item: ReportItem
    kind: str
    detail: str | None = None  # the blocker's words, the late prerequisite's code
    who: tuple[str, ...] = ()  # whom the response involves: waited on, or the predecessors' owners
    supervisor: str | None = None  # the owner's supervisor (escalation)


@dataclass(frozen=True)
class MetricsView:
    """MET-1 figures for display; rates are 0…1 or None (nothing to count)."""

    period: tuple[date, date]
    items: int
    landing_rate: float | None
    clear_owner: float | None
    followed_up: float | None
    on_time: float | None
    average_delay: float | None
    owners: tuple[tuple[str, float | None, float | None, int], ...]  # (owner, on-time, avg delay, items)
    trend: tuple[tuple[str, float | None, float | None], ...]  # (ISO week, on-time, followed up)
    meetings: tuple[tuple[str, float | None, int], ...] = ()  # (meeting title, on-time, items)


@dataclass(frozen=True)
class WeeklyView:
    """SYNC-3: the weekly review of one ISO week (and project, when given)."""

    week: str
    monday: date
    sunday: date
    project: str | None
    completed: tuple[ReportItem, ...]
    delayed: tuple[ReportItem, ...]
    next_week: tuple[ReportItem, ...]
    risks: tuple[Risk, ...]
    agenda: tuple[tuple[str, int], ...]  # (msgid, minutes)
    generated_at: datetime
    metrics: MetricsView | None = None
    recommendation: str | None = None  # "standup" | "weekly"


@dataclass(frozen=True)
class StandupLine:
    person: str
    yesterday: str
    today: str
    blockers: str | None


@dataclass(frozen=True)
class StandupView:
    """SYNC-2: one day's standup digest."""

    day: date
    answers: tuple[StandupLine, ...]
    missing: tuple[str, ...]
    blockers: tuple[Risk, ...]
    questions: tuple[str, ...]  # msgids of the three questions


@dataclass(frozen=True)
class ClosureView:
    """CLOSE-1: the closure meeting's agenda and, once held, the retrospective."""

    title: str
    meeting_day: date
    items: tuple[ReportItem, ...]
    agenda: tuple[tuple[str, int], ...]  # (msgid, minutes)
    all_accepted: bool
    went_well: str | None = None
    improve: str | None = None
    reusable: str | None = None
    closed_at: datetime | None = None
    next_title: str | None = None


@dataclass(frozen=True)
class CarryOverView:
    """The next follow-up meeting's agenda: every open item of the meetings before it."""

    title: str
    at: datetime | None
    place: str | None
    goal: str | None
    items: tuple[ReportItem, ...]
    today: date


@dataclass(frozen=True)
class TodayLine:
    id: int | None  # the stored follow-up (None until marked done)
    key: str        # the entry's slug (item-12-2026-09-28): the page's anchors and its done form
    code: str
    title: str
    owner: str
    reason: str
    channel: str
    message: str
    done: bool
    outcome: str | None
    responses: tuple[str, ...] = field(default_factory=tuple)  # FU-2 responses, already in words
    kind: str = ""  # the reason's code (blocker, at_risk …), for styling
    phone: str | None = None  # the owner's phone number (a tel: link on the page)
    channel_code: str = ""  # the channel's code (phone, im …)


@dataclass(frozen=True)
class TodayView:
    """FU-5: the coordinator's daily digest."""

    day: date
    coordinator: str | None
    lines: tuple[TodayLine, ...]
