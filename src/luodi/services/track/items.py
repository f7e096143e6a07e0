"""Items: listing, the public JSON shape, and audited changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from luodi.domain.enums import ItemStatus
from luodi.models import Dependency, Item, Person, Project
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput, NotFound


def get(session: Session, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound("item", item_id)
    return item


def by_code(session: Session, code: str, *, project: str | None = None) -> Item:
    """The item with ``code`` (T001). With several projects holding that code, ``project`` is needed."""
    query = select(Item).where(Item.code == code.strip().upper())
    if project:
        query = query.join(Project, Project.id == Item.project_id).where(Project.name == project)
    found = session.scalars(query.limit(2)).all()
    if not found:
        raise NotFound("item", code)
    if len(found) > 1:
        from luodi.i18n import gettext as _

        raise InvalidInput(_("{code} exists in several projects; add --project").format(code=code),
                           field="project")
    return found[0]


def list_query(
    *,
    meeting_id: int | None = None,
    owner: str | None = None,
    status: ItemStatus | None = None,
    project: str | None = None,
) -> Select[Any]:
    query = select(Item)
    if meeting_id is not None:
        query = query.where(Item.meeting_id == meeting_id)
    if owner:
        query = query.join(Person, Person.id == Item.owner_id).where(Person.name == owner)
    if status is not None:
        query = query.where(Item.status == status)
    if project:
        query = query.join(Project, Project.id == Item.project_id).where(Project.name == project)
    # The owner is shown, the owner's supervisor is not: skip that second join on every row.
    return query.options(joinedload(Item.owner).lazyload(Person.supervisor)).order_by(Item.project_id, Item.code)


def list_items(session: Session, *, limit: int = 1000, offset: int = 0, **filters: Any) -> Sequence[Item]:
    return session.scalars(list_query(**filters).limit(limit).offset(offset)).unique().all()


def dependency_codes(session: Session, items: Sequence[Item]) -> dict[int, list[str]]:
    """For each item id, the codes of the items it depends on (one query for the page)."""
    if not items:
        return {}
    ids = [item.id for item in items]
    rows = session.execute(
        select(Dependency.item_id, Item.code)
        .join(Item, Item.id == Dependency.depends_on_id)
        .where(Dependency.item_id.in_(ids))
        .order_by(Item.code)
    ).all()
    result: dict[int, list[str]] = {item_id: [] for item_id in ids}
    for item_id, code in rows:
        result[item_id].append(code)
    return result


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def item_public(item: Item, depends_on: list[str]) -> dict[str, Any]:
    """The item JSON of the CLI/API contract."""
    return {
        "id": item.id,
        "code": item.code,
        "title": item.title,
        "owner": item.owner.name,
        "start": _iso(item.start),
        "due": item.due.isoformat(),
        "deliverable": item.deliverable,
        "status": item.status.value,
        "priority": item.priority.value,
        "depends_on": depends_on,
        "confirmed": item.confirmed_at is not None,
        "meeting_id": item.meeting_id,
    }


def public_list(session: Session, items: Sequence[Item]) -> list[dict[str, Any]]:
    deps = dependency_codes(session, items)
    return [item_public(item, deps[item.id]) for item in items]


def set_status(session: Session, item: Item, status: ItemStatus, *, actor: Actor, now: datetime) -> bool:
    """Change the status, audited. Return False when it already had that status."""
    if item.status == status:
        return False
    before = item.status
    item.status = status
    item.updated_at = now
    if status is ItemStatus.DONE:
        item.done_at = now
    if status is ItemStatus.DELAYED and item.delayed_at is None:
        item.delayed_at = now
    record(session, actor=actor, at=now, entity="item", entity_id=item.id, item_id=item.id,
           action="changed", field="status", before=before, after=status)
    return True
