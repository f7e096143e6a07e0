"""The board's read models (BOARD-1, BOARD-2): the kanban and the task table.

Pages query what they show: the kanban counts items per status with one GROUP BY and loads
only the first ``per_column`` cards of each column; the table loads one page. Both select the
columns they show (no ORM objects) through indexes shaped like these queries
(models.board: ix_item_project_status_due, ix_item_project_due; models.items: ix_item_status_due,
ix_item_owner_due, ix_item_meeting).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus, Priority
from luodi.domain.roles import Permission
from luodi.models import Item, Meeting, Person, Project
from luodi.services.access import Viewer
from luodi.services.progress import Progress, rollup

WINDOWS = ("overdue", "today", "week", "next7", "next30")
STATUS_ORDER = tuple(ItemStatus)
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


def window_range(window: str | None, today: date) -> tuple[date | None, date | None]:
    """The due-date range of a named window (``overdue`` also excludes done items)."""
    if window == "overdue":
        return None, today - timedelta(days=1)
    if window == "today":
        return today, today
    if window == "week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if window == "next7":
        return today, today + timedelta(days=7)
    if window == "next30":
        return today, today + timedelta(days=30)
    return None, None


def conditions(viewer: Viewer, filters: Filters, *, today: date) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    visible = viewer.visible_projects()
    if visible is not None:
        found.append(Item.project_id.in_(visible))
    for column, value in ((Item.project_id, filters.project_id), (Item.meeting_id, filters.meeting_id),
                          (Item.owner_id, filters.owner_id), (Item.status, filters.status),
                          (Item.priority, filters.priority)):
        if value is not None:
            found.append(column == value)
    start, end = window_range(filters.window, today)
    start, end = filters.due_from or start, filters.due_to or end
    if start is not None:
        found.append(Item.due >= start)
    if end is not None:
        found.append(Item.due <= end)
    if filters.window == "overdue":
        found.append(Item.status != ItemStatus.DONE)
    return found


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
    deliverable: str | None = None
    meeting: str | None = None
    project: str = ""
    progress: Progress | None = None  # subtasks done / rolled-up percentage


_CARD_COLUMNS = (Item.id, Item.code, Item.title, Person.name, Item.due, Item.start, Item.priority, Item.status,
                 Item.version, Item.confirmed_at, Item.owner_id, Item.project_id, Item.deliverable)


def _cards(session: Session, query: Select[*tuple[Any, ...]], viewer: Viewer, *, today: date) -> list[Card]:
    rows = session.execute(query).all()
    progress = rollup(session, [row[0] for row in rows])
    cards = []
    for (item_id, code, title, owner, due, start, priority, status, version, confirmed_at, owner_id, project_id,
         deliverable, *extra) in rows:
        cards.append(Card(
            id=item_id, code=code, title=title, owner=owner, due=due, start=start, priority=priority, status=status,
            version=version, confirmed=confirmed_at is not None, overdue=due < today and status is not ItemStatus.DONE,
            can_update=viewer.can(Permission.UPDATE, project_id, owns_item=owner_id == viewer.person_id),
            deliverable=deliverable, meeting=extra[0] if extra else None, project=extra[1] if extra else "",
            progress=progress.get(item_id),
        ))
    return cards


@dataclass(frozen=True)
class Column:
    status: ItemStatus
    count: int                       # every item of this status under the filters
    cards: list[Card]                # the first cards, by due date

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def kanban(session: Session, viewer: Viewer, filters: Filters, *, today: date, per_column: int = 40) -> list[Column]:
    """Five columns, one per status: a count and the first ``per_column`` cards each."""
    where = conditions(viewer, replace(filters, status=None), today=today)
    counts = dict(session.execute(select(Item.status, func.count()).where(*where).group_by(Item.status)).tuples())
    columns = []
    for status in STATUS_ORDER:
        count = counts.get(status, 0)
        cards: list[Card] = []
        if count and filters.status in (None, status):
            query = (select(*_CARD_COLUMNS).join(Person, Person.id == Item.owner_id)
                     .where(*where, Item.status == status).order_by(Item.due, Item.id).limit(per_column))
            cards = _cards(session, query, viewer, today=today)
        columns.append(Column(status, count if filters.status in (None, status) else 0, cards))
    return columns


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


def _order(sort: str, descending: bool) -> list[Any]:
    keys: dict[str, Any] = {
        "due": Item.due, "code": Item.code, "title": Item.title, "owner": Person.name, "start": Item.start,
        "meeting": Meeting.starts_at,
        "status": case({s: n for n, s in enumerate(STATUS_ORDER)}, value=Item.status),
        "priority": case({Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}, value=Item.priority),
    }
    key = keys.get(sort, Item.due)
    return [key.desc() if descending else key.asc(), Item.id.desc() if descending else Item.id.asc()]


def table(session: Session, viewer: Viewer, filters: Filters, *, today: date, sort: str = "due",
          descending: bool = False, page: int = 1, per_page: int = 50) -> TablePage:
    """One page of the item table, sorted and filtered, with the total under the filters."""
    where = conditions(viewer, filters, today=today)
    total = session.scalar(select(func.count()).select_from(Item).where(*where)) or 0
    page = max(1, min(page, max(1, -(-total // per_page))))
    query = (select(*_CARD_COLUMNS, Meeting.title, Project.name)
             .join(Person, Person.id == Item.owner_id)
             .join(Project, Project.id == Item.project_id)
             .outerjoin(Meeting, Meeting.id == Item.meeting_id)
             .where(*where).order_by(*_order(sort, descending)).limit(per_page).offset((page - 1) * per_page))
    rows = _cards(session, query, viewer, today=today)
    return TablePage(rows, total, page, per_page, sort if sort in SORTS else "due", descending)


@dataclass(frozen=True)
class Choices:
    """The options of the filter menus, limited to what the viewer may read."""

    projects: dict[int, str]
    meetings: dict[int, str]
    people: dict[int, str]


def choices(session: Session, viewer: Viewer, *, limit: int = 300) -> Choices:
    visible = viewer.visible_projects()
    projects = select(Project.id, Project.name).order_by(Project.name)
    meetings = select(Meeting.id, Meeting.title).order_by(Meeting.starts_at.desc()).limit(limit)
    if visible is not None:
        projects = projects.where(Project.id.in_(visible))
        meetings = meetings.where(Meeting.project_id.in_(visible))
    people = select(Person.id, Person.name).order_by(Person.name).limit(limit)
    return Choices(dict(session.execute(projects).tuples().all()), dict(session.execute(meetings).tuples().all()),
                   dict(session.execute(people).tuples().all()))
