"""Page contexts: one documented dataclass per template (CONVENTIONS 9). Templates never query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from luodi.models import Item, ItemResponse, Meeting, Person


@dataclass(frozen=True)
class ConfirmPage:
    """An owner's confirmation page: their items in one meeting and a form to answer."""

    token: str                       # the signed link token; the form posts back to /c/<token>
    meeting: Meeting                 # the meeting the list came from
    person: Person                   # the owner the link was made for
    items: list[Item]                # the owner's items in that meeting
    responses: list[ItemResponse]    # earlier answers (confirmations, questions, reschedule requests)
    done: str | None                 # the answer just recorded (confirm|question|reschedule), for a notice
    error: str | None                # a form error to show next to the form
    tz: ZoneInfo                     # the organisation's time zone, for showing times
    all_confirmed: bool              # every item of the link is confirmed


@dataclass(frozen=True)
class MeetingsPage:
    """The meetings list: newest first, with sending and confirmation state."""

    meetings: list[dict[str, Any]]   # rows of services.meetings.list_meetings
    tz: ZoneInfo                     # for showing times


@dataclass(frozen=True)
class MeetingPage:
    """One meeting: its rendered 【行动项】 list and who has confirmed."""

    meeting: Meeting                 # the meeting
    list_html: str                   # the list as rendered for email (already escaped HTML)
    items: list[dict[str, Any]]      # item JSON rows (code, owner, due, status, confirmed …)
    call_list: list[Any]             # after the deadline: owners to phone (services.status.CallEntry)
    past_deadline: bool              # the confirmation deadline has passed
    now: datetime                    # when the page was built
    tz: ZoneInfo                     # for showing times
    can_edit: bool = False           # a coordinator of the project: edit, add items, send
    people: dict[int, str] = field(default_factory=dict)   # owner choices of the "add an item" form
    error: str | None = None         # a refused form on this page


@dataclass(frozen=True)
class MeetingFormPage:
    """Create or edit a meeting (coordinators). Times are local, ``YYYY-MM-DDTHH:MM``."""

    meeting_id: int | None           # None: a new meeting
    values: dict[str, str]           # the form's values (submitted ones after an error)
    projects: dict[int, str]         # projects the viewer may create meetings in (new meetings only)
    can_create_project: bool         # may type a new project's name
    error: str | None                # the refusal to show above the form
    error_field: str | None          # the field it names, marked invalid


@dataclass(frozen=True)
class ImportPage:
    """Paste or upload an action-list Markdown; then preview (lint + rendered list) before importing."""

    source: str                      # the Markdown (kept across preview and import)
    projects: dict[int, str]         # projects the viewer may import into
    project_id: int | None           # the chosen project
    new_project: str                 # or a new project's name (coordinators of every project)
    can_create_project: bool
    errors: list[dict[str, Any]]     # lint errors: line, field, message (import is refused)
    warnings: list[dict[str, Any]]   # lint warnings (import is allowed)
    preview_html: str | None         # the 【行动项】 list as it will be sent (escaped HTML), after a clean lint
    preview_subject: str | None      # its subject line
    items: list[dict[str, Any]]      # the items it would create
    error: str | None                # a refusal that is not a lint finding (empty file, role)
    sheet: str = ""                  # an uploaded .xlsx/.csv (base64), carried from the preview to the import
    questions: list[dict[str, Any]] = field(default_factory=list)  # open ambiguities: line, field, message, choices
    answers: dict[str, str] = field(default_factory=dict)          # "LINE:FIELD" → the answer already given
    carried: dict[str, str] = field(default_factory=dict)          # answers to questions no longer open: kept


@dataclass(frozen=True)
class OutboxPage:
    """The outbox (what `luodi outbox list` shows): every message with its status, attempts and last
    error, newest first; dead ones are what an admin acts on (docs/worker.md)."""

    messages: list[dict[str, Any]]   # rows of services.rules.outbox.list_rows
    counts: dict[str, int]           # messages per status, every status listed
    status: str | None               # the status filter in use (None: all)
    max_attempts: int                # LUODI_MAX_ATTEMPTS: a message is dead at this many attempts
    tz: ZoneInfo                     # for showing times


@dataclass(frozen=True)
class CalendarPage:
    """The working-day calendar: where each year's holidays come from, and how to load a notice
    (the board's and the item page's statutory-year warning links here)."""

    years: list[dict[str, Any]]      # {"year", "source", "holidays", "workdays"} (luodi calendar show --json)
    warnings: list[str]              # a line per statutory-only year among them


@dataclass(frozen=True)
class WebhooksPage:
    """Outgoing webhooks (INT-4) for admins and coordinators: the subscriptions of the projects the
    viewer edits (an admin: all, and those for every project), their secrets, a form to add one."""

    subscriptions: list[dict[str, Any]]  # webhooks.public() rows plus "secret"
    projects: dict[int, str]             # where the viewer may add one
    all_projects: bool                   # may add one for every project (admins)
    may_allow_private: bool              # may allow a loopback or private address (admins)
    events: tuple[str, ...]              # the events one can subscribe to
    error: str | None                    # a refused form
    values: dict[str, Any] = field(default_factory=dict)  # the refused form's values


@dataclass(frozen=True)
class AcceptancePage:
    """验收: items handed in and waiting for acceptance, being revised, accepted with their score."""

    view: Any                        # services.accept.overview.Overview
    tz: ZoneInfo                     # for showing times
    can_edit: bool                   # a coordinator somewhere: the rows lead to the acceptance form


@dataclass(frozen=True)
class Navigation:
    """The header's navigation for the viewer: which steps they see, and 今日跟进's badge."""

    coordinator: bool                # a coordinator somewhere (or an admin): 今日跟进 first
    followups_today: int             # open follow-ups of today (the badge; 0: none shown)
    admin: bool                      # an admin: the 管理 entry
