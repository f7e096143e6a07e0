"""Running the deliver step: right away for ``luodi meeting send``, or in the worker loop."""

from __future__ import annotations

import os
import random
import socket
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from luodi.clock import Clock
from luodi.services.rules.outbox import still_relevant
from luodi.worker.deliver import DeliveryPolicy, claim, deliver
from luodi.worker.senders import Senders

if TYPE_CHECKING:
    from luodi.config import Settings
    from luodi.services.audit import Actor


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def deliver_now(
    session: Session, ids: list[int], *, settings: Settings, clock: Clock | None = None,
    policy: DeliveryPolicy | None = None,
) -> dict[int, str]:
    """Deliver the given outbox rows now; return each row's status afterwards.

    Rows that fail stay in the outbox with a retry time, for the worker to deliver later.
    """
    clock = clock or settings.make_clock()
    policy = policy or DeliveryPolicy.from_settings(settings)
    senders = Senders(settings, clock=clock)
    rng = random.Random()
    me = worker_id()
    try:
        while ids:
            row = claim(session, worker_id=me, now=clock.now(), policy=policy, only=ids)
            if row is None:
                break
            deliver(session, row, worker_id=me, send=senders, relevant=still_relevant, clock=clock.now,
                    policy=policy, rng=rng, pace=senders.pace)
    finally:
        senders.close()
    from luodi.models import OutboxMessage

    session.expire_all()
    return {row_id: session.get_one(OutboxMessage, row_id).status.value for row_id in ids}


def test_channel(session: Session, name: str, *, settings: Settings, now: datetime,
                 actor: Actor | None = None) -> str | None:
    """Send a test message through channel ``name`` now; the error text, or None on success.

    The outcome is recorded on the channel (a permanent error flags it) and in the audit log, and
    committed: one transaction (``luodi channel test``, the admin's channels page)."""
    from luodi.i18n import gettext as _
    from luodi.notify.base import Message, TransportError
    from luodi.services.audit import Actor, record
    from luodi.services.send import channels

    channel = channels.get(session, name)
    text = _("luodi test message: this channel will receive reminders and escalations.")
    message = Message(message_id=f"<test-{channel.id}-{int(now.timestamp())}@luodi>",
                      subject=_("luodi test message"), text=text, markdown=text)
    senders = Senders(settings)
    try:
        from luodi.notify.registry import build_transport

        build_transport(channel.kind, channel.config, http=senders.http, clock=senders.timestamp).send(message)
    except TransportError as exc:
        if exc.permanent:
            channel.needs_attention, channel.last_error = True, exc.message[:2000]
        record(session, actor=actor or Actor.system("cli"), at=now, entity="channel", entity_id=channel.id,
               action="tested", after=f"failed: {exc.message}"[:500])
        session.commit()
        return exc.message
    finally:
        senders.close()
    channel.needs_attention, channel.last_error = False, None
    record(session, actor=actor or Actor.system("cli"), at=now, entity="channel", entity_id=channel.id,
           action="tested", after="delivered")
    session.commit()
    return None


def register_dingtalk_callback(settings: Settings, *, force: bool) -> tuple[str, str | None, str | None]:
    """Bind the DingTalk card callback route to ``<LUODI_BASE_URL>/callbacks/dingtalk``
    (``notify/dingtalk_card.py``). Returns our URL, the URL registered now (another one when the
    route was bound before and not ``force``) and DingTalk's refusal (safe to show), one of them None."""
    import time

    import httpx

    from luodi.notify.appbase import TokenRefused
    from luodi.notify.base import TransportError
    from luodi.notify.dingtalk_card import CardApi

    assert settings.dingtalk_app_key and settings.dingtalk_app_secret and settings.dingtalk_card_callback_secret
    url = f"{settings.base_url.rstrip('/')}/callbacks/dingtalk"
    with httpx.Client(timeout=10.0) as http:
        api = CardApi(http, base_url=settings.dingtalk_api_base_url, app_key=settings.dingtalk_app_key,
                      app_secret=settings.dingtalk_app_secret, template_id=settings.dingtalk_card_template_id or "",
                      route_key=settings.dingtalk_card_route_key, clock=time.time)
        try:
            token, _lifetime = api.fetch_token()
            registered = api.register_route(token, callback_url=url, force=force,
                                            api_secret=settings.dingtalk_card_callback_secret.get_secret_value())
        except TokenRefused as exc:  # a token fetched a moment ago refused: not worth a retry here
            return url, None, f"dingtalk_app: access token refused ({exc})"
        except TransportError as exc:
            return url, None, exc.message
    return url, registered, None
