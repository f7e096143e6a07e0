"""Writing audit rows. Every change to an item goes through :func:`record` (an import's many
``created`` entries through :func:`record_created`, one INSERT)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import insert
from sqlalchemy.orm import Session

from luodi.domain.enums import ActorKind
from luodi.models import AuditEntry


class Actor:
    """Who made a change: a person, a rule (by id) or the system (import, cli)."""

    def __init__(self, kind: ActorKind, *, person_id: int | None = None, label: str | None = None) -> None:
        self.kind, self.person_id, self.label = kind, person_id, label

    @classmethod
    def person(cls, person_id: int | None, label: str | None = None) -> Actor:
        return cls(ActorKind.PERSON, person_id=person_id, label=label)

    @classmethod
    def rule(cls, rule_id: str) -> Actor:
        return cls(ActorKind.RULE, label=rule_id)

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(ActorKind.SYSTEM, label=label)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def record(
    session: Session,
    *,
    actor: Actor,
    at: datetime,
    entity: str,
    entity_id: int,
    action: str,
    item_id: int | None = None,
    field: str | None = None,
    before: object = None,
    after: object = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=at,
        actor_kind=actor.kind,
        actor_id=actor.person_id,
        actor_label=actor.label,
        entity=entity,
        entity_id=entity_id,
        item_id=item_id,
        action=action,
        field=field,
        before=_text(before),
        after=_text(after),
    )
    session.add(entry)
    return entry


def record_created(session: Session, *, actor: Actor, at: datetime, items: Sequence[tuple[int, int | None]],
                   entity: str = "item") -> None:
    """One ``created`` entry per (entity id, item id) in a single INSERT: an import of 10k items
    writes 10k entries without 10k ORM objects (the rows are the same as :func:`record`'s)."""
    if not items:
        return
    session.execute(insert(AuditEntry), [
        {"at": at, "actor_kind": actor.kind, "actor_id": actor.person_id, "actor_label": actor.label,
         "entity": entity, "entity_id": entity_id, "item_id": item_id, "action": "created", "field": None,
         "before": None, "after": None}
        for entity_id, item_id in items
    ])
