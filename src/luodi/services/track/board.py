"""The board's read models (BOARD-1, BOARD-2): the kanban and the task table.

Pages query what they show: the kanban counts each status with a count that stops at COUNT_CAP
(one indexed query per column) and loads only the first ``per_column`` cards of each non-empty
column; the table loads one page. Both select the
columns they show (no ORM objects) through indexes shaped like these queries
(models.board: ix_item_project_status_due, ix_item_project_due; models.items: ix_item_status_due,
ix_item_owner_due, ix_item_meeting).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus, Priority
from luodi.domain.roles import Permission
from luodi.models import Meeting, Person, Project
from luodi.services.accounts.access import Viewer
from luodi.services.track import board_queries as queries
from luodi.services.track.progress import Progress, rollup

WINDOWS = ("overdue", "today", "week", "next7", "next30")
COUNT_CAP = 999   # a column shows "999+" beyond: counting 100k done items exactly costs more than it tells
STATUS_ORDER = queries.STATUS_ORDER
window_range = queries.window_range
SORTS = ("due", "code", "title", "owner", "start", "status", "priority", "meeting")


@dataclass(frozen=True)
class Filters:
    """What the board and the table are narrowed to (query parameters of both pages)."""

    project_id: int | None = None
    meeting_id: int | None = None
    owner_id: int | None = None
    status: ItemStatus | None = None
    priority: Priority | None = None
    window: str | None = None          # one of WINDOWS: a due window relative to today
    due_from: date | None = None
    due_to: date | None = None

    def with_owner(self, owner_id: int) -> Filters:
        return replace(self, owner_id=owner_id)


def _shape(viewer: Viewer, filters: Filters, today: date) -> tuple[queries.Shape, dict[str, Any]]:
    values = {"project_id": filters.project_id, "meeting_id": filters.meeting_id, "owner_id": filters.owner_id,
              "status": filters.status, "priority": filters.priority, "due_from": filters.due_from,
              "due_to": filters.due_to}
    return queries.shape_of(viewer.visible_projects(), values, filters.window, today)


def conditions(viewer: Viewer, filters: Filters, *, today: date
               ) -> tuple[tuple[ColumnElement[bool], ...], dict[str, Any]]:
    """The filters as conditions and the parameters to execute them with (for ORM queries: the API list)."""
    shape, params = _shape(viewer, filters, today)
    return queries.where(shape), params


@dataclass(frozen=True)
class Card:
    """One item as a card or a table row."""

    id: int
    code: str
    title: str
    owner: str
    due: date
    start: date | None
    priority: Priority
    status: ItemStatus
    version: int
    confirmed: bool
    overdue: bool                    # due before today and not done
    can_update: bool                 # the viewer may move it (its owner, a coordinator)
    can_edit: bool = False           # the viewer may change its owner, due date, priority (a coordinator)
    owner_id: int = 0
    deliverable: str | None = None
    meeting: str | None = None
    project: str = ""
    progress: Progress | None = None  # subtasks done / rolled-up percentage
    days_late: int = 0               # whole days past the due date (today − due), 0 when not overdue


def _cards(rows: Sequence[Row[*tuple[Any, ...]]], viewer: Viewer, *, today: date) -> list[Card]:
    cards = []
    for (item_id, code, title, owner, due, start, priority, status, version, confirmed_at, owner_id, project_id,
         deliverable, *extra) in rows:
        cards.append(Card(
            id=item_id, code=code, title=title, owner=owner, due=due, start=start, priority=priority, status=status,
            version=version, confirmed=confirmed_at is not None, overdue=due < today and status is not ItemStatus.DONE,
            days_late=(today - due).days if due < today and status is not ItemStatus.DONE else 0,
            can_update=viewer.can(Permission.UPDATE, project_id, owns_item=owner_id == viewer.person_id),
            can_edit=viewer.can(Permission.EDIT, project_id), owner_id=owner_id,
            deliverable=deliverable, meeting=extra[0] if extra else None, project=extra[1] if extra else "",
        ))
    return cards


def with_progress(session: Session, cards: list[Card]) -> list[Card]:
    """The cards with their subtask progress (one query for all of them, more only for deeper trees)."""
    progress = rollup(session, [card.id for card in cards])
    return [replace(card, progress=progress[card.id]) if card.id in progress else card for card in cards]


@dataclass(frozen=True)
class Column:
    status: ItemStatus
    count: int                       # items of this status under the filters, at most COUNT_CAP
    cards: list[Card]                # the first cards, by due date
    capped: bool = False             # there are more than COUNT_CAP ("999+")

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def kanban(session: Session, viewer: Viewer, filters: Filters, *, today: date, per_column: int = 40) -> list[Column]:
    """Five columns, one per status: a count and the first ``per_column`` cards each."""
    shape, params = _shape(viewer, replace(filters, status=None), today)
    counts = {status: session.scalar(queries.capped_count(shape),
                                     {**params, "column_status": status, "cap": COUNT_CAP + 1}) or 0
              for status in STATUS_ORDER if filters.status in (None, status)}
    cards: list[Card] = []
    for status in STATUS_ORDER:
        if counts.get(status) and filters.status in (None, status):
            rows = session.execute(queries.column_cards(shape),
                                   {**params, "column_status": status, "per_column": per_column}).all()
            cards += _cards(rows, viewer, today=today)
    cards = with_progress(session, cards)
    return [Column(status, min(counts.get(status, 0), COUNT_CAP), [c for c in cards if c.status is status],
                   capped=counts.get(status, 0) > COUNT_CAP) for status in STATUS_ORDER]


@dataclass(frozen=True)
class TablePage:
    rows: list[Card]
    total: int
    page: int                        # 1-based
    per_page: int
    sort: str
    descending: bool

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def table(session: Session, viewer: Viewer, filters: Filters, *, today: date, sort: str = "due",
          descending: bool = False, page: int = 1, per_page: int = 50) -> TablePage:
    """One page of the item table, sorted and filtered, with the total under the filters."""
    shape, params = _shape(viewer, filters, today)
    total = session.scalar(queries.total(shape), params) or 0
    page = max(1, min(page, max(1, -(-total // per_page))))
    sort = sort if sort in SORTS else "due"
    rows = session.execute(queries.table_page(shape, sort, descending),
                           {**params, "limit": per_page, "offset": (page - 1) * per_page}).all()
    return TablePage(with_progress(session, _cards(rows, viewer, today=today)), total, page, per_page, sort,
                     descending)


@dataclass(frozen=True)
class Choices:
    """The options of the filter menus, limited to what the viewer may read."""

    projects: dict[int, str]
    meetings: dict[int, str]
    people: dict[int, str]


def choices(session: Session, viewer: Viewer, *, limit: int = 100) -> Choices:
    visible = viewer.visible_projects()
    projects = select(Project.id, Project.name).order_by(Project.name)
    meetings = select(Meeting.id, Meeting.title).order_by(Meeting.starts_at.desc()).limit(limit)
    if visible is not None:
        projects = projects.where(Project.id.in_(visible))
        meetings = meetings.where(Meeting.project_id.in_(visible))
    people = select(Person.id, Person.name).order_by(Person.name).limit(limit)
    return Choices(dict(session.execute(projects).all()), dict(session.execute(meetings).all()),
                   dict(session.execute(people).all()))
