"""The board's statements, built once per *shape* and run with parameters.

Building a SQLAlchemy statement (joins, column proxies, coercions) costs more Python time than
SQLite spends answering it. A request's filters decide only which conditions are present (the
shape); their values are bound parameters. So each shape's statements are built once, cached
here, and SQLAlchemy's compiled cache reuses their SQL: a board request pays for executing and
reading rows, not for building queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, case, func, select

from luodi.domain.enums import ItemStatus, Priority
from luodi.models import Item, Meeting, Person, Project

STATUS_ORDER = tuple(ItemStatus)
CARD_COLUMNS = (Item.id, Item.code, Item.title, Person.name, Item.due, Item.start, Item.priority, Item.status,
                Item.version, Item.confirmed_at, Item.owner_id, Item.project_id, Item.deliverable)
_FILTERS = ("project_id", "meeting_id", "owner_id", "status", "priority", "due_from", "due_to")


@dataclass(frozen=True)
class Shape:
    """Which conditions a query has (not their values)."""

    scoped: bool            # limited to the viewer's projects
    present: frozenset[str]  # which of _FILTERS are set
    open_only: bool         # the "overdue" window: not done


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


def shape_of(visible: list[int] | None, values: dict[str, Any], window: str | None, today: date
             ) -> tuple[Shape, dict[str, Any]]:
    """The shape and the parameters of a filtered query. ``values``: the set filters by name."""
    start, end = window_range(window, today)
    params = {key: value for key, value in values.items() if value is not None and key in _FILTERS}
    if start is not None:
        params.setdefault("due_from", start)
    if end is not None:
        params.setdefault("due_to", end)
    if visible is not None:
        params["projects"] = visible
    return Shape(visible is not None, frozenset(k for k in params if k in _FILTERS), window == "overdue"), params


@lru_cache(maxsize=256)
def where(shape: Shape) -> tuple[ColumnElement[bool], ...]:
    columns: dict[str, Any] = {"project_id": Item.project_id, "meeting_id": Item.meeting_id,
                               "owner_id": Item.owner_id, "status": Item.status, "priority": Item.priority}
    found: list[ColumnElement[bool]] = []
    if shape.scoped:
        found.append(Item.project_id.in_(bindparam("projects", expanding=True)))
    found += [columns[name] == bindparam(name) for name in sorted(shape.present) if name in columns]
    if "due_from" in shape.present:
        found.append(Item.due >= bindparam("due_from"))
    if "due_to" in shape.present:
        found.append(Item.due <= bindparam("due_to"))
    if shape.open_only:
        found.append(Item.status != ItemStatus.DONE)
    return tuple(found)


@lru_cache(maxsize=256)
def capped_count(shape: Shape) -> Select[int]:
    """Items of the status ``:column_status``, counted up to ``:cap`` (an index range of at most
    ``cap`` entries: a column of 100k done items costs what a column of 1,000 does)."""
    inner = (select(Item.id).where(*where(shape), Item.status == bindparam("column_status"))
             .limit(bindparam("cap")).subquery())
    return select(func.count()).select_from(inner)


@lru_cache(maxsize=256)
def column_cards(shape: Shape) -> Select[*tuple[Any, ...]]:
    """The first ``:per_column`` cards of the status ``:column_status``, by due date."""
    return (select(*CARD_COLUMNS).join(Person, Person.id == Item.owner_id)
            .where(*where(shape), Item.status == bindparam("column_status"))
            .order_by(Item.due, Item.id).limit(bindparam("per_column")))


@lru_cache(maxsize=256)
def total(shape: Shape) -> Select[int]:
    return select(func.count()).select_from(Item).where(*where(shape))


def ordering(sort: str, descending: bool) -> list[Any]:
    keys: dict[str, Any] = {
        "due": Item.due, "code": Item.code, "title": Item.title, "owner": Person.name, "start": Item.start,
        "meeting": Meeting.starts_at,
        "status": case({s: n for n, s in enumerate(STATUS_ORDER)}, value=Item.status),
        "priority": case({Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}, value=Item.priority),
    }
    key = keys.get(sort, Item.due)
    return [key.desc() if descending else key.asc(), Item.id.desc() if descending else Item.id.asc()]


@lru_cache(maxsize=512)
def table_page(shape: Shape, sort: str, descending: bool) -> Select[*tuple[Any, ...]]:
    """One page (``:limit``, ``:offset``) of the table, with each row's meeting and project."""
    return (select(*CARD_COLUMNS, Meeting.title, Project.name)
            .join(Person, Person.id == Item.owner_id)
            .join(Project, Project.id == Item.project_id)
            .outerjoin(Meeting, Meeting.id == Item.meeting_id)
            .where(*where(shape)).order_by(*ordering(sort, descending))
            .limit(bindparam("limit")).offset(bindparam("offset")))
