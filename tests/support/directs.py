"""Set-up shared by the tests of direct messages, card callbacks and email replies: settings for
the app platforms of ``fakeapps.py``, people's IM ids, a project's group robots, and the outbox
delivered the way the worker does it (claim, deliver, until nothing is due)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.models import Person
from luodi.services.rules.outbox import still_relevant
from luodi.services.send import channels, lists
from luodi.worker.deliver import DeliveryPolicy, claim, deliver
from luodi.worker.loop import deliver_step
from luodi.worker.senders import Senders
from support.fakeapps import DingTalkPlatform, FeishuPlatform, WeComPlatform
from support.imapd import Dovecot
from support.smtpd import SMTPSink


def app_settings(db_url: str, *, sink: SMTPSink | None = None, feishu: FeishuPlatform | None = None,
                 dingtalk: DingTalkPlatform | None = None, wecom: WeComPlatform | None = None,
                 **extra: Any) -> Settings:
    """Settings whose app bots are the given stand-ins (their credentials and addresses)."""
    values: dict[str, Any] = {"database_url": db_url, "secret_key": "k" * 24, "base_url": "http://luodi.test"}
    if sink is not None:
        values["smtp_port"] = sink.port
    if feishu is not None:
        values |= {"feishu_app_id": feishu.app_id, "feishu_app_secret": feishu.app_secret,
                   "feishu_base_url": feishu.base_url}
    if dingtalk is not None:
        values |= {"dingtalk_app_key": dingtalk.app_key, "dingtalk_app_secret": dingtalk.app_secret,
                   "dingtalk_agent_id": dingtalk.agent_id, "dingtalk_base_url": dingtalk.base_url,
                   "dingtalk_api_base_url": dingtalk.base_url}
    if wecom is not None:
        values |= {"wecom_corp_id": wecom.corp_id, "wecom_corp_secret": wecom.corp_secret,
                   "wecom_agent_id": wecom.agent_id, "wecom_base_url": wecom.base_url}
    return Settings(**(values | extra))


def set_im_ids(session: Session, field: str, ids: Mapping[str, str]) -> None:
    """Each person named in ``ids`` gets that id in ``field`` (``feishu_open_id`` …); the caller commits."""
    for person in session.scalars(select(Person)):
        if person.name in ids:
            setattr(person, field, ids[person.name])


def add_group_robots(session: Session, project: str, robots: Mapping[str, tuple[str, Any]], *,
                     now: datetime) -> None:
    """The project's group robots: ``{name: (kind, stand-in with .url)}``; the caller commits."""
    for name, (kind, bot) in robots.items():
        channels.add(session, name=name, kind=kind, url=bot.url, secret=None, project=project, now=now)


def drain(session: Session, senders: Senders, clock: FrozenClock) -> None:
    """Deliver every due outbox row, as one worker would."""
    policy = DeliveryPolicy()
    while (row := claim(session, worker_id="w", now=clock.now(), policy=policy)) is not None:
        deliver(session, row, worker_id="w", send=senders, relevant=still_relevant, clock=clock.now, policy=policy,
                rng=random.Random(1))


def replies_settings(db_url: str, sink: SMTPSink, imap: Dovecot, **extra: Any) -> Settings:
    """Email through ``sink``, replies read from ``imap`` (user luodi, password mailpass)."""
    values: dict[str, Any] = {"database_url": db_url, "secret_key": "k" * 24, "smtp_port": sink.port,
                              "imap_host": "127.0.0.1", "imap_port": imap.port, "imap_tls": "none",
                              "imap_user": "luodi", "imap_password": "mailpass", "imap_address": "luodi@example.com"}
    return Settings(**(values | extra))


def mail_the_list(session: Session, settings: Settings, clock: FrozenClock, sink: SMTPSink,
                  *, meeting_id: int = 1) -> dict[str, EmailMessage]:
    """Send the list, deliver it with the worker's deliver step, and return each copy by recipient."""
    lists.send(session, meeting_id, resend=False, now=clock.now(), options=lists.SendOptions.from_settings(settings))
    session.commit()
    senders = Senders(settings, clock=clock)
    while deliver_step(session, worker_id="w", clock=clock, senders=senders, policy=DeliveryPolicy(),
                       rng=random.Random(1)):
        pass
    senders.close()
    session.rollback()
    return {m.envelope_to[0]: m.parsed() for m in sink.messages}
