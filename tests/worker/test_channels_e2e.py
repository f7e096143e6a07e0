"""INT-2 through the worker: rule messages reach the project's group bots with @-mentions,
bots' rate limits delay messages and never drop them, and a bad secret flags the channel."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.domain.enums import OutboxStatus
from luodi.domain.workdays import Calendar
from luodi.models import Channel, OutboxMessage, Person, Project
from luodi.services.rules.outbox import still_relevant
from luodi.services.rules.planning import plan
from luodi.services.rules.rule_context import RuleContext
from luodi.services.send import channels
from luodi.worker.deliver import DeliveryPolicy, claim, deliver
from luodi.worker.senders import Senders
from support.fakebots import DingTalkBot, FeishuBot
from support.q4 import SHANGHAI, load_q4, local, open_session
from support.smtpd import SMTPSink

MORNING = local(2026, 9, 30, 9, 35)


def _drain(session, senders: Senders, clock: FrozenClock) -> dict[int, OutboxStatus]:  # type: ignore[no-untyped-def]
    outcomes = {}
    policy = DeliveryPolicy()
    while (row := claim(session, worker_id="w", now=clock.now(), policy=policy)) is not None:
        outcomes[row.id] = deliver(session, row, worker_id="w", send=senders, relevant=still_relevant,
                                   clock=clock.now, policy=policy, rng=random.Random(3), pace=senders.pace)
    return outcomes


def test_rule_messages_reach_email_and_the_group_bots_with_mentions(db_url: str) -> None:
    """A project that chose to route reminders and coordinator notices to its group too
    (by default they are private: tests/worker/test_direct_messages.py)."""
    load_q4(db_url)
    clock = FrozenClock(MORNING)
    with SMTPSink() as sink, DingTalkBot(secret="SEC-ding", clock=lambda: clock.now().timestamp()) as ding, \
            FeishuBot(secret="feishu-secret", clock=lambda: clock.now().timestamp()) as feishu, \
            open_session(db_url) as session:
        channels.add(session, name="q4-ding", kind="dingtalk", url=ding.url, secret="SEC-ding", project="Q4",
                     now=MORNING)
        channels.add(session, name="q4-feishu", kind="feishu", url=feishu.url, secret="feishu-secret",
                     project=None, now=MORNING)
        project = session.scalars(select(Project).where(Project.name == "Q4")).one()
        project.settings = {**(project.settings or {}),
                            "routes": {"reminder": "direct,group", "coordinator": "direct,group"}}
        session.commit()
        result = plan(session, now=MORNING, ctx=RuleContext(tz=SHANGHAI, calendar=Calendar("china")))
        session.commit()
        assert {(f.item.code if f.item else "", f.rule_id) for f in result.firings} >= {
            ("T001", "remind_due_morning"), ("T002", "at_risk_before_1d"), ("T003", "remind_before_3d")}
        senders = Senders(Settings(database_url=db_url, secret_key="k" * 24, smtp_port=sink.port),
                          clock=clock)
        outcomes = _drain(session, senders, clock)
        senders.close()
        assert set(outcomes.values()) == {OutboxStatus.SENT}
        # Email: one message per person per moment. 小林 gets two: the caught-up "list still unsent"
        # notice (its moment was 09-26 16:30) and 09:30's at-risk notice about T002.
        subjects: dict[str, list[str]] = {m.envelope_to[0]: [] for m in sink.messages}
        for m in sink.messages:
            subjects[m.envelope_to[0]].append(str(m.parsed()["Subject"]))
        assert {k: len(v) for k, v in subjects.items()} == {
            "xiaowang@example.com": 1, "xiaoli@example.com": 1, "xiaochen@example.com": 1,
            "xiaolin@example.com": 2}
        # DingTalk: the @-mentioned phones are in at.atMobiles and "@phone" in the text, as DingTalk needs.
        bodies = [r.json for r in ding.accepted]
        mobiles = sorted(m for body in bodies for m in body["at"]["atMobiles"])
        # three moments → three group messages: 16:30 (小林), 09:00 (小王, 小李), 09:30 (小林, 小陈)
        assert len(bodies) == 3
        assert mobiles == sorted(["13800000002", "13800000003", "13800000004", "13800000002", "13800000005"])
        assert all(f"@{m}" in body["markdown"]["text"] for body in bodies for m in body["at"]["atMobiles"])
        # Feishu: a signed card holding markdown.
        assert feishu.accepted and all(r.json["msg_type"] == "interactive" for r in feishu.accepted)
        assert any("T001" in str(r.json) for r in feishu.accepted)


def test_dingtalk_rate_limit_delays_and_never_drops(db_url: str) -> None:
    load_q4(db_url)
    clock = FrozenClock(MORNING)
    with DingTalkBot(clock=lambda: clock.now().timestamp()) as ding, open_session(db_url) as session:
        channels.add(session, name="ding", kind="dingtalk", url=ding.url, secret=None, project=None, now=MORNING)
        for n in range(25):
            session.add(OutboxMessage(key=f"burst|{n}", kind="test", channel="ding", subject=f"#{n}",
                                      body_text=f"消息 {n}", body_markdown=f"消息 {n}", payload={},
                                      next_attempt_at=MORNING, created_at=MORNING))
        session.commit()
        senders = Senders(Settings(database_url=db_url, secret_key="k" * 24), clock=clock)
        first = _drain(session, senders, clock)
        assert list(first.values()).count(OutboxStatus.SENT) == 20
        waiting = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
        assert len(waiting) == 5 and all(w.next_attempt_at > MORNING + timedelta(seconds=50) for w in waiting)
        assert all(w.attempts == 0 for w in waiting)   # a delay is not a failed attempt
        clock.advance(seconds=61)
        _drain(session, senders, clock)
        senders.close()
        assert len(ding.accepted) == 25
        assert all(r.json and r.json.get("errcode") is None for r in ding.requests)  # never refused
        assert sorted(r.json["markdown"]["text"] for r in ding.accepted) == sorted(f"消息 {n}" for n in range(25))


def test_a_bad_secret_flags_the_channel_and_the_message_is_kept(db_url: str) -> None:
    load_q4(db_url)
    clock = FrozenClock(MORNING)
    with FeishuBot(secret="right", clock=lambda: clock.now().timestamp()) as feishu, open_session(db_url) as session:
        channels.add(session, name="fs", kind="feishu", url=feishu.url, secret="wrong", project=None, now=MORNING)
        wang = session.scalars(select(Person).where(Person.name == "小王")).one()
        session.add(OutboxMessage(key="one", kind="test", channel="fs", subject="s", body_text="t", payload={
            "mentions": [{"name": wang.name, "mobile": wang.phone}]}, next_attempt_at=MORNING, created_at=MORNING))
        session.commit()
        senders = Senders(Settings(database_url=db_url, secret_key="k" * 24), clock=clock)
        assert list(_drain(session, senders, clock).values()) == [OutboxStatus.DEAD]
        senders.close()
        channel = session.scalars(select(Channel).where(Channel.name == "fs")).one()
        assert channel.needs_attention and channel.last_error
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.key == "one")).one()
        assert row.status is OutboxStatus.DEAD and "19021" in (row.last_error or "")
