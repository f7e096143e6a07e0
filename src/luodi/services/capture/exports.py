"""Export a meeting's action list, or any filtered set of items, as .xlsx or .csv (INT-1), in
the layout :mod:`luodi.render.spreadsheet` writes and :mod:`luodi.capture.sheet` reads back.

A meeting's export round-trips: importing it gives the same title, meeting, items,
dependencies, decisions and next follow-up meeting, and exporting that again gives the same
cells. An item export (by project, owner or meeting) writes each item's code as its 序号 and
its prerequisites' codes when the items are of one project, else their positions (codes repeat
across projects); either imports back as one list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from luodi.models import Dependency, Item, Meeting, Person
from luodi.render.spreadsheet import Format, SheetExport, SheetRow, write
from luodi.services.capture.meetings import get
from luodi.services.track.items import list_items


def export_meeting(session: Session, meeting_id: int, fmt: Format, *, tz: ZoneInfo, now: datetime,
                   language: str = "zh") -> bytes:
    """The meeting's action list as file content, headed in ``language`` (the user's: zh or en);
    :class:`~luodi.services.errors.NotFound` when there is no such meeting."""
    meeting = get(session, meeting_id)
    # Plain columns, not Item objects (10k ORM items with their joined owners cost seconds).
    found = session.execute(
        select(Item.id, Item.number, Item.code, Item.title, Person.name, Item.due, Item.due_time, Item.deliverable,
               Item.status, Item.priority, Item.start, Item.acceptance)
        .join(Person, Person.id == Item.owner_id)
        .where(Item.meeting_id == meeting.id)
        .order_by(Item.number, Item.id)
    ).all()
    numbers = _prerequisites(session, [row.id for row in found], by_number=True)
    language = _language(language)
    export = SheetExport(title=meeting.title, meta=_meta(meeting, tz, language),
                         attendees=[a.person.name for a in sorted(meeting.attendees, key=lambda a: a.position)],
                         decisions=[decision.text for decision in meeting.decisions],
                         next_meeting=_next_meeting(meeting, tz), language=language)
    export.rows = [SheetRow(number=str(number or code), title=title, owner=owner, due=due, due_time=due_time,
                            deliverable=deliverable, status=status, priority=priority,
                            depends_on=numbers.get(item_id, []), start=start, acceptance=acceptance)
                   for (item_id, number, code, title, owner, due, due_time, deliverable, status, priority, start,
                        acceptance) in found]
    return write(export, fmt, modified=now)


def export_items(
    session: Session, fmt: Format, *, title: str, now: datetime, meeting_id: int | None = None,
    project: str | None = None, owner: str | None = None, limit: int = 100_000, language: str = "zh",
) -> tuple[bytes, int]:
    """Items by the same filters as ``luodi item list`` (in its order: project, code), as file
    content, and how many. Within one project each item's 序号 is its code (T001) and its 依赖
    its prerequisites' codes; items of several projects share codes (each project has its T001),
    so there the 序号 is the row's position (1, 2, …: unique, and the same for the same items)
    and the 依赖 names the positions of the prerequisites in the export (one outside it is left
    out: no row of the sheet stands for it)."""
    items = list_items(session, meeting_id=meeting_id, project=project, owner=owner, limit=limit)
    if len({item.project_id for item in items}) <= 1:
        codes = _prerequisites(session, [item.id for item in items], by_number=False)
        rows = [_row(item, item.code, codes.get(item.id, [])) for item in items]
    else:
        position = {item.id: number for number, item in enumerate(items, start=1)}
        edges = _prerequisite_ids(session, list(position))
        rows = [_row(item, str(position[item.id]),
                     [str(number) for number in sorted(position[p] for p in edges.get(item.id, []) if p in position)])
                for item in items]
    return write(SheetExport(title=title, rows=rows, language=_language(language)), fmt, modified=now), len(items)


def _language(language: str) -> str:
    return "en" if language == "en" else "zh"


def _meta(meeting: Meeting, tz: ZoneInfo, language: str) -> list[tuple[str, str]]:
    """The meeting's rows by key; ``language`` only when the meeting's own differs from the sheet's."""
    starts = meeting.starts_at.astimezone(tz)
    when = starts.strftime("%Y-%m-%d %H:%M")
    if meeting.ends_at is not None:
        ends = meeting.ends_at.astimezone(tz)
        when += "-" + (ends.strftime("%H:%M") if ends.date() == starts.date() else ends.strftime("%Y-%m-%d %H:%M"))
    own = meeting.language or "zh"
    return [
        ("meeting", meeting.name or ""),
        ("time", when),
        ("place", meeting.place or ""),
        ("organizer", meeting.organizer.name if meeting.organizer else ""),
        ("language", own if own != language else ""),
    ]


def _next_meeting(meeting: Meeting, tz: ZoneInfo) -> list[tuple[str, str]]:
    """The next follow-up meeting's rows by key (time, place, goal), the empty ones left out by the writer."""
    at = meeting.next_meeting_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if meeting.next_meeting_at else ""
    return [("time", at), ("place", meeting.next_meeting_place or ""), ("goal", meeting.next_meeting_goal or "")]


def _row(item: Item, number: str, depends_on: list[str]) -> SheetRow:
    return SheetRow(number=number, title=item.title, owner=item.owner.name, due=item.due, due_time=item.due_time,
                    deliverable=item.deliverable, status=item.status, priority=item.priority,
                    depends_on=depends_on, start=item.start, acceptance=item.acceptance)


def _prerequisite_ids(session: Session, ids: Sequence[int], chunk: int = 5000) -> dict[int, list[int]]:
    """Item id → the ids of the items it depends on (IN lists of at most ``chunk`` ids)."""
    result: dict[int, list[int]] = {}
    for start in range(0, len(ids), chunk):
        rows = session.execute(select(Dependency.item_id, Dependency.depends_on_id)
                               .where(Dependency.item_id.in_(ids[start:start + chunk])))
        for item_id, prerequisite in rows:
            result.setdefault(item_id, []).append(prerequisite)
    return result


def _prerequisites(session: Session, ids: Sequence[int], *, by_number: bool) -> dict[int, list[str]]:
    """Item id → its prerequisites' 序号 (``by_number``) or codes, in order; one query."""
    if not ids:
        return {}
    prerequisite = aliased(Item)
    rows = session.execute(
        select(Dependency.item_id, prerequisite.number, prerequisite.code)
        .join(prerequisite, prerequisite.id == Dependency.depends_on_id)
        .where(Dependency.item_id.in_(ids))
        .order_by(Dependency.item_id, prerequisite.number, prerequisite.code)
    ).all()
    result: dict[int, list[str]] = {}
    for item_id, number, code in rows:
        result.setdefault(item_id, []).append(str(number) if by_number and number is not None else code)
    return result
