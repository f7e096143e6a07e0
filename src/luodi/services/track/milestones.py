"""Milestones (BOARD-5): dated key nodes of a project, linked to the items that reach them.

A milestone moves when one of its items, slipping, would finish after it (the impact view).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus
from luodi.domain.graph import Slip
from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.models import Item, Milestone, MilestoneItem, Project
from luodi.services.accounts.access import Viewer
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput, NotFound
from luodi.services.text import clean_text

TIMELINE_ITEMS = 60   # items drawn per milestone; the rest are counted


def get(session: Session, milestone_id: int) -> Milestone:
    found = session.get(Milestone, milestone_id)
    if found is None:
        raise NotFound("milestone", milestone_id)
    return found


def _items_by_code(session: Session, project_id: int, codes: Iterable[str]) -> list[Item]:
    wanted = [code.strip().upper() for code in codes if code.strip()]
    found = {item.code: item for item in session.scalars(
        select(Item).where(Item.project_id == project_id, Item.code.in_(wanted)))}
    missing = [code for code in wanted if code not in found]
    if missing:
        raise InvalidInput(_("No item {code} in this project").format(code=missing[0]), field="items")
    return [found[code] for code in dict.fromkeys(wanted)]


def create(session: Session, viewer: Viewer, *, project_id: int, title: str, due: date, item_codes: Iterable[str],
           now: datetime) -> Milestone:
    """Raises NotFound/Forbidden (role), InvalidInput (empty title, unknown item code)."""
    viewer.require(Permission.EDIT, project_id)
    if session.get(Project, project_id) is None:
        raise NotFound("project", project_id)
    milestone = Milestone(project_id=project_id, title=clean_text(title, field="title", max_length=200), due=due,
                          created_at=now)
    linked = _items_by_code(session, project_id, item_codes)
    session.add(milestone)
    session.flush()
    for item in linked:
        session.add(MilestoneItem(milestone_id=milestone.id, item_id=item.id))
    record(session, actor=Actor.person(viewer.person_id, "web"), at=now, entity="milestone",
           entity_id=milestone.id, action="created", after=f"{milestone.title} {due.isoformat()}")
    return milestone


def link(session: Session, viewer: Viewer, milestone: Milestone, codes: Iterable[str], *, now: datetime) -> int:
    viewer.require(Permission.EDIT, milestone.project_id)
    added = 0
    for item in _items_by_code(session, milestone.project_id, codes):
        if session.get(MilestoneItem, (milestone.id, item.id)) is None:
            session.add(MilestoneItem(milestone_id=milestone.id, item_id=item.id))
            record(session, actor=Actor.person(viewer.person_id, "web"), at=now, entity="milestone",
                   entity_id=milestone.id, item_id=item.id, action="linked", after=item.code)
            added += 1
    session.flush()
    return added


def of_project(session: Session, project_id: int) -> list[tuple[Milestone, list[int]]]:
    """The project's milestones by date, each with the ids of its items."""
    found = list(session.scalars(select(Milestone).where(Milestone.project_id == project_id)
                                 .order_by(Milestone.due, Milestone.id)))
    links: dict[int, list[int]] = {m.id: [] for m in found}
    if found:
        for milestone_id, item_id in session.execute(
                select(MilestoneItem.milestone_id, MilestoneItem.item_id)
                .where(MilestoneItem.milestone_id.in_(list(links)))):
            links[milestone_id].append(item_id)
    return [(m, links[m.id]) for m in found]


@dataclass(frozen=True)
class MilestoneMove:
    title: str
    due: date
    new_due: date
    by: list[str]          # codes of the slipping items that push it


def moves(milestones: list[tuple[Milestone, list[int]]], slips: Mapping[int, Slip[int]],
          codes: Mapping[int, str]) -> list[MilestoneMove]:
    """Milestones pushed past their date by ``slips`` (item id → Slip), with the items that push them."""
    result = []
    for milestone, item_ids in milestones:
        late = [(slips[i].due, i) for i in item_ids if i in slips and slips[i].due > milestone.due]
        if late:
            result.append(MilestoneMove(milestone.title, milestone.due, max(due for due, _ in late),
                                        sorted(codes.get(i, str(i)) for _, i in late)))
    return result


@dataclass(frozen=True)
class TimelineItem:
    id: int
    code: str
    title: str
    owner: str
    status: ItemStatus
    start: date | None
    due: date


@dataclass(frozen=True)
class TimelineRow:
    milestone: Milestone | None      # None: the project's items without a milestone (the first ones)
    items: list[TimelineItem]
    hidden: int                      # items not drawn (over TIMELINE_ITEMS)
    done: bool                       # every item of the milestone is done


def timeline(session: Session, viewer: Viewer, project_id: int) -> list[TimelineRow]:
    """Milestones of the project in date order, each with its items (bounded)."""
    viewer.require(Permission.READ, project_id)
    rows = []
    for milestone, item_ids in of_project(session, project_id):
        drawn = _timeline_items(session, select(Item).where(Item.id.in_(item_ids[:TIMELINE_ITEMS])))
        rows.append(TimelineRow(milestone, drawn, max(0, len(item_ids) - TIMELINE_ITEMS),
                                bool(drawn) and all(i.status is ItemStatus.DONE for i in drawn)))
    return rows


def _timeline_items(session: Session, query: Select[Item]) -> list[TimelineItem]:
    found = session.scalars(query.order_by(Item.due, Item.id))
    return [TimelineItem(i.id, i.code, i.title, i.owner.name, i.status, i.start, i.due) for i in found]
