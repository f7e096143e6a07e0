"""Page contexts of the board (CONVENTIONS 9): one documented dataclass per template."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from luodi.services.rules.escalations import Escalated, Firing
from luodi.services.track.board import Choices, Column, Filters, TablePage
from luodi.services.track.item_detail import HistoryEntry, ItemDetail


@dataclass(frozen=True)
class BoardPage:
    """The kanban: five status columns with their counts and first cards; cards move by drag or form."""

    columns: list[Column]            # ⚪ 🔵 🟠 ⚫ 🟢, each: count, first cards
    filters: Filters                 # what the board is narrowed to
    choices: Choices                 # options of the filter menus
    per_column: int                  # cards shown per column at most
    today: date                      # the organisation's today (overdue marks)
    calendar_warnings: list[str] = field(default_factory=list)  # a line per statutory-only year shown


@dataclass(frozen=True)
class ItemTablePage:
    """The task table (BOARD-1): sortable, filterable, paginated."""

    table: TablePage                 # one page of rows, total, sort
    filters: Filters
    choices: Choices
    today: date
    title: str                       # "Items" or "My action items"
    mine: bool                       # the "my items" view (owner fixed to the viewer)


@dataclass(frozen=True)
class ItemPage:
    """One item: details, status, subtasks and progress, dependencies, milestones, confirmation,
    comments and history (BOARD-3, BOARD-6)."""

    detail: ItemDetail               # everything loaded for the item
    tz: ZoneInfo                     # for showing times
    today: date
    people: dict[int, str]           # owner choices for a new subtask
    error: str | None                # a refused form (comment, subtask, dependency)
    calendar_warnings: list[str] = field(default_factory=list)  # the due date's year has statutory data only
    history: list[tuple[HistoryEntry, str]] = field(default_factory=list)  # each row and its sentence


@dataclass(frozen=True)
class ItemEditPage:
    """The coordinator's form for an item's fields; carries the version it was loaded at."""

    item_id: int
    code: str
    version: int                     # posted back; a newer version in the database is a conflict
    values: dict[str, str]           # title, owner, start, due, deliverable, priority, acceptance, status
    people: dict[int, str]           # owner choices
    error: str | None
    error_field: str | None


@dataclass(frozen=True)
class ConflictPage:
    """A stale form: someone changed the item meanwhile. Both values side by side; nothing was saved."""

    item_id: int
    code: str
    rows: list[tuple[str, str, str]]  # (field, your value, the current value), only fields that differ
    version: int                      # the current version (to re-apply your values deliberately)
    yours: dict[str, str]             # everything you submitted (for "save mine anyway")
    action: str = ""                  # where "apply mine anyway" posts ``yours`` (inline edits; else /edit, /status)
    back: str = ""                    # "keep the current values": back to the page you came from


@dataclass(frozen=True)
class EscalationsPage:
    """A supervisor's view: late or risky items of their reports, and escalations sent to them."""

    items: list[Escalated]
    firings: list[Firing]
    tz: ZoneInfo


@dataclass(frozen=True)
class LoginPage:
    """The login form."""

    next_url: str                    # where to go after logging in
    name: str                        # the name typed (kept after a failure)
    error: str | None


@dataclass(frozen=True)
class ApiDocsPage:
    """The API reference, drawn from the OpenAPI document (no CDN, no script)."""

    operations: list[dict[str, Any]]  # method, path, summary, parameters, request and response schemas
    schemas: dict[str, Any]           # components.schemas
