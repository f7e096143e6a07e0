"""The events other systems can subscribe to, read off the audit log (every change is audited).

``event_type`` maps one audit entry to at most one event; ``event_data`` is what the event's
body carries: the item as ``luodi item list --json`` shows it (acceptance adds its score), or
for ``meeting.sent`` the meeting and its items.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.models import AuditEntry, Item, Meeting
from luodi.services.track.items import public_list

EVENTS = ("item.created", "item.status_changed", "item.due_changed", "item.confirmed", "meeting.sent",
          "acceptance.recorded")

# Audited with field "due", but the due date stayed: an owner's request, and its refusal.
NOT_A_DUE_CHANGE = frozenset({"reschedule_requested", "reschedule_declined"})


def event_type(entry: AuditEntry) -> str | None:
    """The event an audit entry is, if any."""
    if entry.entity == "meeting":
        return "meeting.sent" if entry.action in ("list_sent", "list_resent") else None
    if entry.entity != "item":
        return None
    if entry.action == "created":
        return "item.created"
    if entry.action == "confirmed":
        return "item.confirmed"
    if entry.action in ("accepted", "revision_requested"):
        return "acceptance.recorded"
    if entry.field == "status":
        return "item.status_changed"
    if entry.field == "due" and entry.action not in NOT_A_DUE_CHANGE:
        return "item.due_changed"
    return None


def project_of(session: Session, entry: AuditEntry) -> int | None:
    """The project the entry's item or meeting belongs to (None when it is gone)."""
    subject: Meeting | Item | None = (session.get(Meeting, entry.entity_id) if entry.entity == "meeting"
                                      else session.get(Item, entry.entity_id))
    return subject.project_id if subject is not None else None


def event_data(session: Session, kind: str, entry: AuditEntry) -> dict[str, Any] | None:
    """The event's ``data``; None when its item or meeting no longer exists."""
    if kind == "meeting.sent":
        meeting = session.get(Meeting, entry.entity_id)
        if meeting is None:
            return None
        items = session.scalars(select(Item).where(Item.meeting_id == meeting.id).order_by(Item.code)).all()
        return {"id": meeting.id, "title": meeting.title, "project": meeting.project.name,
                "list_sent_at": meeting.list_sent_at.isoformat() if meeting.list_sent_at else None,
                "items": public_list(session, items)}
    item = session.get(Item, entry.entity_id)
    if item is None:
        return None
    [data] = public_list(session, [item])
    if kind == "acceptance.recorded":
        data["acceptance"] = {"passed": entry.action == "accepted",
                              "score": _number(entry.after)}
    return data


def _number(text: str | None) -> float | int | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return int(value) if value is not None and value.is_integer() else value
