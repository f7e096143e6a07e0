"""Turn an outbox row into a notify.Message and hand it to the right transport.

One SMTP connection is kept open across the rows of one worker pass (≈1.5× the throughput of a
connection per message); HTTP bots share one httpx client.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.routing import APP_KINDS
from luodi.models import Channel, DeliveryAttempt, OutboxMessage, WebhookSubscription
from luodi.notify.apptoken import TokenCache
from luodi.notify.base import Mention, Message, Transport, TransportError
from luodi.notify.ratelimit import next_allowed
from luodi.notify.registry import app_values, build_transport
from luodi.notify.subscription import send_event
from luodi.render.cards import Button
from luodi.services.integrate.webhooks import CHANNEL_PREFIX
from luodi.services.send import replies

if TYPE_CHECKING:
    from luodi.clock import Clock
    from luodi.config import Settings


def message_for(row: OutboxMessage) -> Message:
    mentions = tuple(Mention(**m) for m in row.payload.get("mentions", []))
    buttons = tuple(Button.from_dict(b) for b in row.payload.get("buttons", []))
    direct = row.channel in APP_KINDS  # an app bot: ``address`` is the person's id in that app
    return Message(
        message_id=row.message_id, subject=row.subject, text=row.body_text, html=row.body_html,
        markdown=row.body_markdown, to=(row.address,) if row.address and row.channel == "email" else (),
        mentions=mentions, language=row.language, recipient=row.address if direct else None, buttons=buttons,
        card_update=row.payload.get("card_update"),
    )


class Senders:
    """The worker's sender: email from the settings, bots from their channel rows."""

    def __init__(self, settings: Settings, *, http: httpx.Client | None = None, clock: Clock | None = None,
                 tokens: TokenCache | None = None) -> None:
        self.settings = settings
        self.http = http or httpx.Client(timeout=10.0)
        self._email: Transport[Any] | None = None
        # App tokens outlive one worker round when the worker passes its own cache.
        self.tokens = tokens if tokens is not None else TokenCache()
        self._apps: dict[str, Transport[Any]] = {}
        # Signatures carry a timestamp: the transports read the worker's one clock.
        source = clock or settings.make_clock()
        self.timestamp: Callable[[], float] = lambda: source.now().timestamp()

    def __call__(self, session: Session, row: OutboxMessage, now: datetime) -> None:
        message = message_for(row)
        if row.channel == "email":
            if not row.address:
                raise TransportError("no email address", permanent=True)
            if self.settings.imap_address and row.kind == "action_list" and row.recipient_id is not None:
                # Replies come back to the replies mailbox, tagged with this copy (services/send/replies.py).
                message = replace(message, reply_to=replies.reply_address(
                    self.settings.imap_address, self.settings.signing_keys[0], row.id))
            self._email_transport().send(message)
            return
        if row.channel in APP_KINDS:
            self._app(row.channel).send(message)
            return
        if row.channel.startswith(CHANNEL_PREFIX):
            self._subscription(session, row)
            return
        channel = session.scalar(select(Channel).where(Channel.name == row.channel))
        session.commit()
        if channel is None or not channel.enabled:
            raise TransportError(f"channel {row.channel!r} is missing or disabled", permanent=True)
        try:
            build_transport(channel.kind, channel.config, http=self.http, clock=self.timestamp).send(message)
        except TransportError as exc:
            if exc.permanent:  # a bad key or URL: flag the channel for a person to fix
                channel.needs_attention, channel.last_error = True, exc.message[:2000]
                session.commit()
            raise
        if channel.needs_attention:
            channel.needs_attention, channel.last_error = False, None
            session.commit()

    def _subscription(self, session: Session, row: OutboxMessage) -> None:
        """An outgoing webhook's event (services/integrate/webhooks.py queued it)."""
        found = session.get(WebhookSubscription, int(row.channel.removeprefix(CHANNEL_PREFIX)))
        session.commit()
        if found is None or not found.enabled:
            raise TransportError("webhook subscription removed or disabled", permanent=True)
        send_event(self.http, url=found.url, secret=found.secret, event_id=str(row.payload.get("event_id")),
                   body=row.body_text.encode("utf-8"), allow_private=found.allow_private)

    def pace(self, session: Session, row: OutboxMessage, now: datetime) -> datetime | None:
        """The earliest moment ``row``'s bot may send, from every worker's recent attempts."""
        if row.channel == "email" or row.channel in APP_KINDS:
            return None  # apps' own limits are far above one worker's pace; their 429s are retried
        kind = session.scalar(select(Channel.kind).where(Channel.name == row.channel))
        if kind is None:
            return None
        recent = session.scalars(
            select(DeliveryAttempt.started_at)
            .join(OutboxMessage, OutboxMessage.id == DeliveryAttempt.outbox_id)
            .where(OutboxMessage.channel == row.channel, OutboxMessage.id != row.id,
                   DeliveryAttempt.outcome != "deferred",
                   DeliveryAttempt.started_at > now - timedelta(minutes=2))
        ).all()
        allowed = next_allowed(kind, [t.timestamp() for t in recent], now.timestamp())
        return datetime.fromtimestamp(allowed, UTC) if allowed > now.timestamp() + 0.001 else None

    def _app(self, kind: str) -> Transport[Any]:
        if kind not in self._apps:
            if app_values(kind, self.settings) is None:
                raise TransportError(f"{kind}: not set up in the settings", permanent=True)
            self._apps[kind] = build_transport(kind, None, http=self.http, settings=self.settings,
                                               clock=self.timestamp, tokens=self.tokens)
        return self._apps[kind]

    def _email_transport(self) -> Transport[Any]:
        if self._email is None:
            self._email = build_transport("email", None, http=self.http, settings=self.settings,
                                          clock=self.timestamp)
            self._email.__enter__()  # type: ignore[attr-defined]
        return self._email

    def reset(self) -> None:
        """Drop the open SMTP connection (the deliver step calls this after an unexpected error,
        which may have left it mid-conversation); the next email opens a fresh one."""
        if self._email is not None:
            email, self._email = self._email, None
            # A broken connection may fail to say QUIT; it is dropped all the same.
            with suppress(Exception):
                email.__exit__(None, None, None)  # type: ignore[attr-defined]

    def close(self) -> None:
        self.reset()
        self.http.close()
