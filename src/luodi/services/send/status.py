"""Who has confirmed, and after the deadline the call list (CONF-1: 「下午5点前,逐个电话确认」)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.models import Item
from luodi.services.capture import meetings
from luodi.services.track.items import public_list


@dataclass
class CallEntry:
    owner: str
    phone: str | None
    items: list[str]


@dataclass
class MeetingStatus:
    meeting_id: int
    title: str
    sent_at: datetime | None
    deadline: datetime | None
    past_deadline: bool
    items: list[dict[str, Any]]
    call_list: list[CallEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "meeting_id": self.meeting_id,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "items": self.items,
            "call_list": [{"owner": c.owner, "phone": c.phone, "items": c.items} for c in self.call_list],
        }


def meeting_status(session: Session, meeting_id: int, *, at: datetime) -> MeetingStatus:
    """Confirmation state of each item at ``at``; the call list once the deadline has passed.

    The call list holds each owner with unconfirmed items, once, with their phone.
    """
    meeting = meetings.get(session, meeting_id)
    items = session.scalars(select(Item).where(Item.meeting_id == meeting.id).order_by(Item.number, Item.id)).all()
    past = meeting.confirm_deadline is not None and at >= meeting.confirm_deadline
    status = MeetingStatus(
        meeting_id=meeting.id, title=meeting.title, sent_at=meeting.list_sent_at,
        deadline=meeting.confirm_deadline, past_deadline=past, items=public_list(session, items),
    )
    if past:
        by_owner: dict[int, CallEntry] = {}
        for item in items:
            confirmed = item.confirmed_at is not None and item.confirmed_at <= at
            if confirmed:
                continue
            entry = by_owner.setdefault(item.owner_id, CallEntry(item.owner.name, item.owner.phone, []))
            entry.items.append(item.code)
        status.call_list = list(by_owner.values())
    return status
