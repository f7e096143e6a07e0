"""Outgoing webhooks (INT-4): subscriptions, and the fan-out of audited changes into the outbox.

``fan_out`` (a worker step) reads the audit log past its cursor (``plan_state``
``webhooks.audit_cursor``) and writes one outbox row per event and subscription, keyed
``webhook:<subscription>:<audit id>`` (written once, whatever runs it twice). The worker delivers
them like every other message (same retries, same dead letters), signed per Standard Webhooks;
``webhook-id`` is the event id ``evt_<audit id>``, the same on every retry, for the receiver to
de-duplicate. Entries younger than ``SETTLE`` are left for the next pass: on PostgreSQL a
transaction can commit after one with a higher id, and the cursor must not step over it.
"""

from __future__ import annotations

import base64
import json
import secrets
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luodi.domain.addresses import is_private
from luodi.i18n import gettext as _
from luodi.models import AuditEntry, OutboxMessage, PlanState, Project, WebhookSubscription
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput, NotFound
from luodi.services.integrate.events import EVENTS, event_data, event_type, project_of

CURSOR = "webhooks.audit_cursor"
SETTLE = timedelta(seconds=5)
BATCH = 500
CHANNEL_PREFIX = "subscription:"


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` + base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def parse_events(text: str) -> list[str]:
    """``item.created,item.confirmed`` → the list; InvalidInput naming an unknown event."""
    events = [e.strip() for e in text.split(",") if e.strip()]
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise InvalidInput(_("unknown event {names}; events are: {events}").format(
            names=", ".join(unknown) or "''", events=", ".join(EVENTS)), field="events")
    return list(dict.fromkeys(events))


def check_target(url: str, *, allow_private: bool) -> None:
    """Refuse a URL that is not http(s), or whose host resolves to a loopback or private address
    (unless ``allow_private``: an admin's decision). Raises InvalidInput naming the address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(_("the webhook URL must be http:// or https:// with a host"), field="url")
    if allow_private:
        return
    try:
        found = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443,
                                                             type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError) as exc:
        raise InvalidInput(_("cannot resolve {host}").format(host=parts.hostname), field="url") from exc
    blocked = sorted(str(a) for a in found if is_private(str(a)))
    if blocked:
        raise InvalidInput(_("{host} resolves to a loopback or private address ({address}); an admin may "
                             "allow it with --allow-private").format(host=parts.hostname, address=blocked[0]),
                           field="url")


def add(session: Session, url: str, events: Sequence[str], *, project: Project | None, allow_private: bool,
        actor: Actor, now: datetime) -> WebhookSubscription:
    """A new subscription with a fresh secret, told of events from now on; audited."""
    check_target(url, allow_private=allow_private)
    row = WebhookSubscription(url=url, events=list(events), project_id=project.id if project else None,
                              secret=new_secret(), allow_private=allow_private, enabled=True,
                              since_audit_id=session.scalar(select(func.max(AuditEntry.id))) or 0,
                              created_by=actor.label, created_at=now)
    session.add(row)
    session.flush()
    record(session, actor=actor, at=now, entity="webhook", entity_id=row.id, action="created",
           after=f"{url} {','.join(events)}")
    return row


def remove(session: Session, subscription_id: int, *, actor: Actor, now: datetime) -> None:
    """Delete the subscription; its queued deliveries are cancelled by the sender (it is gone)."""
    row = get(session, subscription_id)
    record(session, actor=actor, at=now, entity="webhook", entity_id=row.id, action="removed", before=row.url)
    session.delete(row)
    session.flush()


def get(session: Session, subscription_id: int) -> WebhookSubscription:
    row = session.get(WebhookSubscription, subscription_id)
    if row is None:
        raise NotFound("webhook", subscription_id)
    return row


def list_all(session: Session, *, projects: list[int] | None = None) -> list[WebhookSubscription]:
    """Every subscription (``projects``: only those of these projects)."""
    query = select(WebhookSubscription).order_by(WebhookSubscription.id)
    if projects is not None:
        query = query.where(WebhookSubscription.project_id.in_(projects))
    return list(session.scalars(query))


def public(row: WebhookSubscription, project_names: dict[int, str]) -> dict[str, Any]:
    """``luodi webhook list --json``: everything but the secret."""
    return {"id": row.id, "url": row.url, "events": row.events,
            "project": project_names.get(row.project_id) if row.project_id else None,
            "allow_private": row.allow_private, "enabled": row.enabled, "created_at": row.created_at.isoformat()}


def _cursor(session: Session) -> PlanState | None:
    return session.get(PlanState, CURSOR)


def fan_out(session: Session, *, now: datetime) -> int:
    """One pass: new audit entries → outbox rows for the subscriptions that want them. Returns
    the number of rows written. Flushes; the caller commits."""
    subscriptions = list(session.scalars(select(WebhookSubscription).where(WebhookSubscription.enabled)))
    state = _cursor(session)
    if state is None:  # first pass ever: from the oldest subscription's start, never from the beginning
        newest = session.scalar(select(func.max(AuditEntry.id))) or 0
        state = PlanState(key=CURSOR, value=str(min((s.since_audit_id for s in subscriptions), default=newest)))
        session.add(state)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.id > int(state.value),
                                                       AuditEntry.at <= now - SETTLE)
                              .order_by(AuditEntry.id).limit(BATCH)).all()
    written = 0
    for entry in entries:
        state.value = str(entry.id)
        kind = event_type(entry)
        wanted = [s for s in subscriptions if kind in s.events and entry.id > s.since_audit_id] if kind else []
        if not wanted:
            continue
        project_id = project_of(session, entry)
        wanted = [s for s in wanted if s.project_id is None or s.project_id == project_id]
        data = event_data(session, kind, entry) if wanted and kind else None
        if data is None or kind is None:
            continue
        body = json.dumps({"type": kind, "timestamp": entry.at.isoformat(), "data": data},
                          ensure_ascii=False, separators=(",", ":"))
        for subscription in wanted:
            written += _queue(session, subscription, entry, kind, body, now=now)
    session.flush()
    return written


def _queue(session: Session, subscription: WebhookSubscription, entry: AuditEntry, kind: str, body: str, *,
           now: datetime) -> int:
    key = f"webhook:{subscription.id}:{entry.id}"
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
        return 0
    session.add(OutboxMessage(key=key, kind="webhook", channel=f"{CHANNEL_PREFIX}{subscription.id}",
                              language="en", subject=kind, body_text=body,
                              payload={"event_id": f"evt_{entry.id}", "type": kind},
                              next_attempt_at=now, created_at=now))
    return 1
