"""Confirming an item is 收到并理解, not 完成: a confirmed owner still gets the T−3 reminder and the
due-morning one; only finishing the item (done) cancels them. (Issue 16: code and docs agree.)"""

from __future__ import annotations

import random

from sqlalchemy import select

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.domain.enums import ItemStatus, OutboxStatus
from luodi.domain.workdays import Calendar
from luodi.models import Item, OutboxMessage
from luodi.services.rules.outbox import still_relevant
from luodi.services.rules.planning import plan
from luodi.services.rules.rule_context import RuleContext
from luodi.services.send.confirmations import confirm
from luodi.worker.deliver import DeliveryPolicy, claim, deliver
from luodi.worker.senders import Senders
from support.q4 import SHANGHAI, load_q4, local, open_session
from support.smtpd import SMTPSink

MORNING = local(2026, 9, 30, 9, 35)   # T001 due-morning reminder, T003 three-day reminder


def test_a_confirmed_owner_still_gets_reminders_and_a_done_item_does_not(db_url: str) -> None:
    load_q4(db_url)
    with SMTPSink() as sink, open_session(db_url) as session:
        items = {i.code: i for i in session.scalars(select(Item))}
        for code in ("T001", "T003"):
            confirm(session, items[code], items[code].owner, via="web", now=local(2026, 9, 26, 16, 30))
        session.commit()
        plan(session, now=MORNING, ctx=RuleContext(tz=SHANGHAI, calendar=Calendar("china")))
        session.commit()
        items["T003"].status = ItemStatus.DONE   # finished before the reminder went out
        session.commit()
        clock, policy = FrozenClock(MORNING), DeliveryPolicy()
        senders = Senders(Settings(database_url=db_url, secret_key="k" * 24, smtp_port=sink.port),
                          clock=clock)
        while (row := claim(session, worker_id="w", now=clock.now(), policy=policy)) is not None:
            deliver(session, row, worker_id="w", send=senders, relevant=still_relevant, clock=clock.now,
                    policy=policy, rng=random.Random(1))
        senders.close()
        outcome = {(r.kind, tuple(r.payload.get("items", []))): r.status
                   for r in session.scalars(select(OutboxMessage))}
        assert outcome[("remind_due_morning", (items["T001"].id,))] is OutboxStatus.SENT   # confirmed, not done
        assert outcome[("remind_before_3d", (items["T003"].id,))] is OutboxStatus.CANCELLED   # done
        wang = items["T001"].owner.email
        assert any(wang in m.envelope_to for m in sink.messages)
