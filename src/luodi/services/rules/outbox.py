"""Outbox read model and the relevance re-check made just before sending."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus
from luodi.models import Item, OutboxMessage

if TYPE_CHECKING:
    from luodi.services.accounts.access import Viewer


def still_relevant(session: Session, row: OutboxMessage, now: datetime) -> bool:
    """False when the message no longer needs to go out (e.g. every item it reminds of is done).

    The action list itself is always relevant. Rule messages carry ``payload["items"]`` and
    ``payload["cancel_when"]`` (statuses that make the reminder moot).
    """
    cancel_when = row.payload.get("cancel_when")
    item_ids = row.payload.get("items") or []
    if not cancel_when or not item_ids:
        return True
    statuses = session.scalars(select(Item.status).where(Item.id.in_(item_ids))).all()
    moot = {ItemStatus(s) for s in cancel_when}
    return any(status not in moot for status in statuses)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def list_rows(session: Session, *, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    from luodi.domain.enums import OutboxStatus
    from luodi.i18n import gettext as _
    from luodi.models import Person
    from luodi.services.errors import InvalidInput

    query = select(OutboxMessage, Person.name).outerjoin(Person, Person.id == OutboxMessage.recipient_id)
    if status:
        try:
            query = query.where(OutboxMessage.status == OutboxStatus(status))
        except ValueError as exc:
            raise InvalidInput(_("status must be one of {choices}").format(
                choices=", ".join(s.value for s in OutboxStatus)), field="status") from exc
    rows = session.execute(query.order_by(OutboxMessage.id.desc()).limit(limit)).all()
    return [
        {"id": row.id, "kind": row.kind, "recipient": name, "channel": row.channel, "address": row.address,
         "subject": row.subject, "status": row.status.value, "attempts": row.attempts,
         "next_attempt_at": _iso(row.next_attempt_at), "sent_at": _iso(row.sent_at), "last_error": row.last_error,
         "created_at": _iso(row.created_at)}
        for row, name in rows
    ]


def status_counts(session: Session) -> dict[str, int]:
    """How many messages are in each status (every status listed, zero included)."""
    from sqlalchemy import func

    from luodi.domain.enums import OutboxStatus

    found = dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status.value: int(found.get(status, 0)) for status in OutboxStatus}


def messages_for(session: Session, viewer: Viewer, *, status: str | None = None,
                 limit: int = 100) -> list[dict[str, Any]]:
    """The outbox as ``luodi outbox list`` shows it, for the web; Forbidden unless ``viewer.watches_outbox``."""
    from luodi.i18n import gettext as _
    from luodi.services.errors import Forbidden

    if not viewer.watches_outbox:
        raise Forbidden(_("only an admin or a coordinator of every project sees the outbox"))
    return list_rows(session, status=status, limit=limit)


def _get(session: Session, outbox_id: int) -> OutboxMessage:
    from luodi.services.errors import NotFound

    row = session.get(OutboxMessage, outbox_id)
    if row is None:
        raise NotFound("outbox message", outbox_id)
    return row


def retry(session: Session, outbox_id: int, *, now: datetime) -> OutboxMessage:
    """Queue a message again now (after fixing a channel's secret, say). Sent ones are refused."""
    from luodi.domain.enums import OutboxStatus
    from luodi.i18n import gettext as _
    from luodi.services.audit import Actor, record
    from luodi.services.errors import Conflict

    row = _get(session, outbox_id)
    if row.status in (OutboxStatus.SENT, OutboxStatus.SENDING):
        raise Conflict(_("outbox {id} is {status}; nothing to retry").format(id=outbox_id, status=row.status.value))
    before = row.status
    row.status, row.next_attempt_at, row.lease_until = OutboxStatus.PENDING, now, None
    if before is OutboxStatus.DEAD:
        row.attempts = 0
    record(session, actor=Actor.system("cli"), at=now, entity="outbox", entity_id=row.id, action="retry",
           field="status", before=before, after=row.status)
    return row


def cancel(session: Session, outbox_id: int, *, now: datetime) -> OutboxMessage:
    from luodi.domain.enums import OutboxStatus
    from luodi.i18n import gettext as _
    from luodi.services.audit import Actor, record
    from luodi.services.errors import Conflict

    row = _get(session, outbox_id)
    if row.status in (OutboxStatus.SENT, OutboxStatus.SENDING):
        raise Conflict(_("outbox {id} is {status}; it cannot be cancelled").format(
            id=outbox_id, status=row.status.value))
    before = row.status
    row.status, row.lease_until = OutboxStatus.CANCELLED, None
    record(session, actor=Actor.system("cli"), at=now, entity="outbox", entity_id=row.id, action="cancel",
           field="status", before=before, after=row.status)
    return row
