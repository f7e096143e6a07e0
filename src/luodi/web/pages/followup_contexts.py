"""Page contexts of the follow-up pages (CONVENTIONS 9): one documented dataclass per template.

Templates under ``web/templates/followup/`` receive one of these as ``page`` and never query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from luodi.models import AcceptanceRound, Blocker, Item, Submission
from luodi.render.report_views import CarryOverView, ClosureView, MetricsView, StandupView, TodayView, WeeklyView


@dataclass(frozen=True)
class TodayPage:
    """今日跟进: the coordinator's follow-ups of one day, blockers first, each with a done form."""

    view: TodayView                  # the lines: reason, owner, channel, message, outcome, FU-2 responses
    day: date                        # the day shown
    coordinator: str | None          # whose agenda (None: everyone's items)
    can_edit: bool                   # may mark entries done / clear blockers
    blockers: list[Blocker]          # open blockers of the items shown, with their clear forms
    error: str | None = None         # a form error to show


@dataclass(frozen=True)
class StandupPage:
    """The day's standup: the viewer's form and the digest of everyone's answers."""

    view: StandupView                # answers, missing people, open blockers
    day: date                        # the day shown
    mine: dict[str, str]             # the viewer's own answers today (yesterday/today/blockers), for the form
    error: str | None = None         # a form error to show


@dataclass(frozen=True)
class WeeklyPage:
    """The weekly review of one ISO week: the four parts, the agenda and the metrics."""

    view: WeeklyView                 # the report's read model
    responses: dict[int, list[str]]  # risk index → its responses in words
    risk_labels: dict[int, str]      # risk index → its kind in words (障碍, 有风险 …)
    charts: dict[str, Markup] | None  # the metrics' SVG charts (figures, owners, trend)
    projects: list[str]              # choices of the project filter
    previous: str                    # the week before (ISO), for the pager
    following: str                   # the week after (ISO)


@dataclass(frozen=True)
class MetricsPage:
    """MET-1 dashboard: the figures, per-owner reliability, per-meeting on-time rate, the trend."""

    view: MetricsView                # the figures
    charts: dict[str, Markup]        # SVG charts drawn on the server
    project: str | None              # the filter (team = project)
    projects: list[str]              # choices of the project filter


@dataclass(frozen=True)
class ItemFollowUpPage:
    """One item's follow-up: its cadence plan, blockers, submissions, checklist, acceptance rounds."""

    item: Item                       # the item (owner loaded)
    cadence: dict[str, Any]          # services.cadence.plan's document
    cadence_words: dict[str, str]    # the plan in words: profile, rule, channels (the page's language)
    blockers: list[Blocker]          # every blocker, open first
    submissions: list[Submission]    # oldest first
    checklist: list[str]             # the acceptance checklist lines
    rounds: list[AcceptanceRound]    # every acceptance round, oldest first
    criteria: list[tuple[str, str, int]]  # (key, label, weight %) of the rubric
    pass_mark: int                   # the rubric's pass mark
    can_update: bool                 # the owner (or a coordinator): submit, report a blocker
    can_edit: bool                   # a coordinator: accept, clear blockers
    tz: ZoneInfo                     # for showing times
    today: date                      # the organisation's date
    error: str | None = None         # a form error to show
    notice: str | None = None        # what was just done


@dataclass(frozen=True)
class ClosurePage:
    """CLOSE-1: the closure agenda, every item with its score, the retrospective form."""

    meeting_id: int                  # the meeting
    view: ClosureView                # agenda, items, retrospective once recorded
    can_edit: bool                   # a coordinator may close the meeting
    next_meeting_id: int | None      # the next phase's list, once spun off
    error: str | None = None         # a form error to show
    values: dict[str, str] = field(default_factory=dict)  # the form's values after an error


@dataclass(frozen=True)
class CarryOverPage:
    """The next follow-up meeting's agenda: every open item of the meetings before, 「延续自 9月28日」."""

    meeting_id: int                  # the meeting whose open items carry over
    view: CarryOverView              # time, place, goal, the carried items
    following: int | None            # the next meeting's id, once started
    can_edit: bool                   # a coordinator may start the next meeting's list
