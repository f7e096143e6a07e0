"""One item's page (BOARD-3, BOARD-6): history, comments, subtasks, links, confirmation, milestones.

Every list is bounded; the history shows the newest HISTORY_LIMIT entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from luodi.domain.enums import ItemStatus
from luodi.domain.roles import Permission
from luodi.models import (
    AuditEntry,
    Blocker,
    Comment,
    Dependency,
    Item,
    ItemResponse,
    Milestone,
    MilestoneItem,
    Person,
)
from luodi.services.accounts.access import Viewer
from luodi.services.track import items
from luodi.services.track.progress import Progress, rollup

HISTORY_LIMIT = 200
COMMENT_LIMIT = 200
SUBTASK_LIMIT = 200


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str                 # a person's name, a rule id, or "import"/"cli"
    action: str              # created | changed | confirmed | commented | …
    field: str | None
    before: str | None
    after: str | None
    actor_kind: str = "person"   # person | rule | system (render/history.py names each)
    entity: str = "item"         # item | blocker | followup | milestone (what the row is about)


@dataclass(frozen=True)
class Link:
    """Another item this page points to (a prerequisite, a dependent, a subtask, the parent)."""

    id: int
    code: str
    title: str
    owner: str
    status: ItemStatus
    due: date
    reason: str | None = None
    progress: Progress | None = None


@dataclass(frozen=True)
class ItemDetail:
    item: Item
    history: list[HistoryEntry]
    comments: list[Comment]
    responses: list[ItemResponse]
    parent: Link | None
    subtasks: list[Link]
    progress: Progress | None
    depends_on: list[Link]
    dependents: list[Link]
    milestones: list[Milestone]
    blockers: list[Blocker]          # open first, then cleared (FU-3; recorded on the follow-up page)
    can_update: bool
    can_edit: bool
    can_comment: bool


def load(session: Session, viewer: Viewer, item_id: int) -> ItemDetail:
    """Raises NotFound when the item does not exist or its project is not readable by ``viewer``."""
    item = items.get(session, item_id)
    viewer.require_item(Permission.READ, item)
    subtasks = _links(session, select(Item).where(Item.parent_id == item.id).order_by(Item.due, Item.id)
                      .limit(SUBTASK_LIMIT))
    progress = rollup(session, [item.id, *(link.id for link in subtasks)])
    subtasks = [Link(**{**link.__dict__, "progress": progress.get(link.id)}) for link in subtasks]
    parent = session.get(Item, item.parent_id) if item.parent_id else None
    return ItemDetail(
        item=item,
        history=history(session, item.id, oldest_first=True),
        comments=list(session.scalars(select(Comment).where(Comment.item_id == item.id).order_by(Comment.id)
                                      .limit(COMMENT_LIMIT))),
        responses=list(session.scalars(select(ItemResponse).where(ItemResponse.item_id == item.id)
                                       .order_by(ItemResponse.id))),
        parent=_link(parent) if parent else None,
        subtasks=subtasks,
        progress=progress.get(item.id),
        depends_on=_edges(session, item.id, prerequisites=True),
        dependents=_edges(session, item.id, prerequisites=False),
        milestones=list(session.scalars(
            select(Milestone).join(MilestoneItem, MilestoneItem.milestone_id == Milestone.id)
            .where(MilestoneItem.item_id == item.id).order_by(Milestone.due))),
        blockers=list(session.scalars(select(Blocker).where(Blocker.item_id == item.id)
                                      .order_by(Blocker.cleared_at.is_not(None), Blocker.id.desc()).limit(50))),
        can_update=viewer.can_item(Permission.UPDATE, item),
        can_edit=viewer.can_item(Permission.EDIT, item),
        can_comment=viewer.can_item(Permission.COMMENT, item),
    )


def _link(item: Item, reason: str | None = None) -> Link:
    return Link(item.id, item.code, item.title, item.owner.name, item.status, item.due, reason)


def _links(session: Session, query: Select[Item]) -> list[Link]:
    return [_link(found) for found in session.scalars(query)]


def _edges(session: Session, item_id: int, *, prerequisites: bool) -> list[Link]:
    other = aliased(Item)
    near, far = (Dependency.item_id, Dependency.depends_on_id) if prerequisites else \
        (Dependency.depends_on_id, Dependency.item_id)
    rows = session.execute(select(other, Dependency.reason).join(Dependency, far == other.id)
                           .where(near == item_id).order_by(other.code)).all()
    return [_link(found, reason) for found, reason in rows]


def history(session: Session, item_id: int, *, oldest_first: bool = False) -> list[HistoryEntry]:
    """Who changed what, when, from → to, in the order it happened (by time, then by row): newest
    first, or the newest HISTORY_LIMIT oldest first for reading as a story (the item page)."""
    rows = session.execute(
        select(AuditEntry, Person.name).outerjoin(Person, Person.id == AuditEntry.actor_id)
        .where(AuditEntry.item_id == item_id).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    entries = [HistoryEntry(at=entry.at, who=name or entry.actor_label or entry.actor_kind.value,
                            action=entry.action, field=entry.field, before=entry.before, after=entry.after,
                            actor_kind=entry.actor_kind.value if name is None else "person", entity=entry.entity)
               for entry, name in rows]
    return entries[::-1] if oldest_first else entries
