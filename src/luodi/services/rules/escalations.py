"""What a supervisor sees (RULE-1's escalations): the late and risky items of the people they
supervise, and the escalations the rules sent them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from luodi.domain.enums import ItemStatus
from luodi.models import Item, Person, RuleFiring
from luodi.services.accounts.access import Viewer

LIMIT = 100


@dataclass(frozen=True)
class Escalated:
    id: int
    code: str
    title: str
    owner: str
    due: date
    status: ItemStatus
    overdue_days: int


@dataclass(frozen=True)
class Firing:
    at: datetime
    rule_id: str
    item_id: int | None
    code: str | None
    title: str | None


def items_of_reports(session: Session, viewer: Viewer, *, today: date) -> list[Escalated]:
    """Open items of the viewer's reports that are at risk, delayed or past due, most overdue first."""
    owner = aliased(Person)
    query = (select(Item.id, Item.code, Item.title, owner.name, Item.due, Item.status)
             .join(owner, owner.id == Item.owner_id)
             .where(owner.supervisor_id == viewer.person_id, Item.status != ItemStatus.DONE,
                    or_(Item.status.in_([ItemStatus.AT_RISK, ItemStatus.DELAYED]), Item.due < today))
             .order_by(Item.due, Item.id).limit(LIMIT))
    visible = viewer.visible_projects()
    if visible is not None:
        query = query.where(Item.project_id.in_(visible))
    return [Escalated(i, code, title, name, due, status, max(0, (today - due).days))
            for i, code, title, name, due, status in session.execute(query)]


def firings_to(session: Session, viewer: Viewer) -> list[Firing]:
    """Escalations the rules addressed to the viewer, newest first."""
    rows = session.execute(
        select(RuleFiring.scheduled_at, RuleFiring.rule_id, RuleFiring.item_id, Item.code, Item.title)
        .outerjoin(Item, Item.id == RuleFiring.item_id)
        .where(RuleFiring.recipient_id == viewer.person_id, RuleFiring.rule_id.like("escalate%"))
        .order_by(RuleFiring.id.desc()).limit(LIMIT)
    )
    return [Firing(*row) for row in rows]
