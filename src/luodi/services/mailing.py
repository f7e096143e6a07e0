"""Queue a report as e-mail: one outbox row per recipient, written in the caller's transaction.

The worker's deliver step (or the command, right away) sends it. The key makes queueing the same
report twice for the same person write it once (the existing row is returned).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.models import OutboxMessage, Person
from luodi.render.views import RenderedMessage


def queue_email(session: Session, *, key: str, kind: str, person: Person, message: RenderedMessage,
                now: datetime, meeting_id: int | None = None, payload: dict[str, Any] | None = None
                ) -> OutboxMessage | None:
    """The row for ``person`` (None when they have no address). ``key`` is made unique per person."""
    if not person.email:
        return None
    full_key = f"{key}|p{person.id}|email"[:255]
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.key == full_key))
    if existing is not None:
        return existing
    row = OutboxMessage(key=full_key, kind=kind, meeting_id=meeting_id, recipient_id=person.id, channel="email",
                        address=person.email, language=person.language, subject=message.subject[:500],
                        body_text=message.text, body_html=message.html, body_markdown=message.markdown,
                        payload=payload or {}, next_attempt_at=now, created_at=now)
    session.add(row)
    session.flush()
    return row


def unique_people(people: Iterable[Person | None]) -> list[Person]:
    """Distinct people in order, Nones left out."""
    seen: dict[int, Person] = {}
    for person in people:
        if person is not None:
            seen.setdefault(person.id, person)
    return list(seen.values())
