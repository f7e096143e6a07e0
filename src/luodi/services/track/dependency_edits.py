"""Adding and removing dependencies between items of one project, refusing cycles.

The cycle check walks only from the new prerequisite through its own prerequisites (the part of
the graph that could lead back), one query per level, never the whole table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from luodi.db import rowcount
from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.models import Dependency, Item
from luodi.services.accounts.access import Viewer
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput
from luodi.services.text import optional_text

MAX_WALK = 10_000


def _prerequisite(session: Session, item: Item, code: str) -> Item:
    found = session.scalar(select(Item).where(Item.project_id == item.project_id,
                                              Item.code == code.strip().upper()))
    if found is None:
        raise InvalidInput(_("No item {code} in this project").format(code=code.strip()), field="depends_on")
    if found.id == item.id:
        raise InvalidInput(_("An item cannot depend on itself."), field="depends_on")
    return found


def _reaches(session: Session, start: int, target: int) -> bool:
    """Whether ``start`` depends, directly or not, on ``target``."""
    seen, frontier = {start}, [start]
    while frontier and len(seen) < MAX_WALK:
        following = session.scalars(select(Dependency.depends_on_id).where(Dependency.item_id.in_(frontier))).all()
        if target in following:
            return True
        frontier = [node for node in following if node not in seen]
        seen.update(frontier)
    return False


def add(session: Session, viewer: Viewer, item: Item, code: str, *, reason: str | None, now: datetime) -> Item:
    """``item`` depends on the item ``code`` from now on. Raises InvalidInput on a cycle."""
    viewer.require_item(Permission.EDIT, item)
    prerequisite = _prerequisite(session, item, code)
    reason = optional_text(reason, field="reason", max_length=500)
    if session.get(Dependency, (item.id, prerequisite.id)) is not None:
        return prerequisite
    if _reaches(session, prerequisite.id, item.id):
        raise InvalidInput(_("{a} already depends on {b}: this would make a cycle.").format(
            a=prerequisite.code, b=item.code), field="depends_on")
    session.add(Dependency(item_id=item.id, depends_on_id=prerequisite.id, reason=reason))
    record(session, actor=Actor.person(viewer.person_id, "web"), at=now, entity="item", entity_id=item.id,
           item_id=item.id, action="dependency_added", field="depends_on", after=prerequisite.code)
    session.flush()
    return prerequisite


def remove(session: Session, viewer: Viewer, item: Item, prerequisite_id: int, *, now: datetime) -> bool:
    viewer.require_item(Permission.EDIT, item)
    prerequisite = session.get(Item, prerequisite_id)
    result = session.execute(delete(Dependency).where(Dependency.item_id == item.id,
                                                      Dependency.depends_on_id == prerequisite_id))
    if rowcount(result) and prerequisite is not None:
        record(session, actor=Actor.person(viewer.person_id, "web"), at=now, entity="item", entity_id=item.id,
               item_id=item.id, action="dependency_removed", field="depends_on", before=prerequisite.code)
        return True
    return False
