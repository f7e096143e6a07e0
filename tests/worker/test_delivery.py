"""RULE-4 delivery: leases, retries with growing gaps, relevance, exactly-once on crash."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.domain.enums import ItemStatus, OutboxStatus
from luodi.domain.workdays import Calendar
from luodi.models import DeliveryAttempt, Item, OutboxMessage
from luodi.services.rules.outbox import still_relevant
from luodi.services.rules.planning import plan
from luodi.services.rules.rule_context import RuleContext
from luodi.services.send import lists
from luodi.worker.deliver import DeliveryPolicy, claim, deliver
from luodi.worker.senders import Senders
from support.q4 import SHANGHAI, load_q4, local, open_session
from support.smtpd import SMTPSink, free_port

SEND_AT = local(2026, 9, 26, 16, 10)


def _settings(url: str, port: int, **extra: object) -> Settings:
    return Settings(database_url=url, secret_key="k" * 24, smtp_port=port, smtp_timeout=2,
                    **extra)  # type: ignore[arg-type]


def _queue_list(url: str) -> list[int]:
    with open_session(url) as session:
        options = lists.SendOptions(tz=SHANGHAI, secret="k" * 24, base_url="http://luodi.test")
        report = lists.send(session, 1, resend=False, now=SEND_AT, options=options)
        session.commit()
        return report.outbox_ids


def test_smtp_down_then_up_delivers_once_after_growing_gaps(db_url: str) -> None:
    load_q4(db_url)
    row_id = _queue_list(db_url)[0]
    sink = SMTPSink()  # its port is reserved but nothing listens yet: the server is down
    clock, policy, rng = FrozenClock(SEND_AT), DeliveryPolicy(backoff_base=timedelta(seconds=30)), random.Random(7)
    senders = Senders(_settings(db_url, sink.port))
    gaps = []
    with open_session(db_url) as session:
        for _ in range(5):
            row = claim(session, worker_id="w1", now=clock.now(), policy=policy, only=[row_id])
            assert row is not None
            assert deliver(session, row, worker_id="w1", send=senders, relevant=still_relevant, clock=clock.now,
                           policy=policy, rng=rng) is OutboxStatus.PENDING
            gaps.append((row.next_attempt_at - clock.now()).total_seconds())
            assert claim(session, worker_id="w1", now=clock.now(), policy=policy, only=[row_id]) is None
            clock.current = row.next_attempt_at
        assert gaps == sorted(gaps) and gaps[-1] > 4 * gaps[0], gaps
        with sink:
            row = claim(session, worker_id="w1", now=clock.now(), policy=policy, only=[row_id])
            assert row is not None
            deliver(session, row, worker_id="w1", send=senders, relevant=still_relevant, clock=clock.now,
                    policy=policy, rng=rng)
            assert [m.parsed()["Message-ID"] for m in sink.wait_for(1)] == [row.message_id]
            outcomes = session.scalars(select(DeliveryAttempt.outcome).where(DeliveryAttempt.outbox_id == row_id)
                                       .order_by(DeliveryAttempt.id)).all()
            assert outcomes == ["retry"] * 5 + ["sent"]
            assert session.get_one(OutboxMessage, row_id).status is OutboxStatus.SENT
            time.sleep(0.2)
            assert len(sink.messages) == 1
    senders.close()


def test_a_message_gives_up_after_max_attempts(db_url: str) -> None:
    load_q4(db_url)
    row_id = _queue_list(db_url)[0]
    clock, policy = FrozenClock(SEND_AT), DeliveryPolicy(max_attempts=3)
    senders = Senders(_settings(db_url, free_port()))
    with open_session(db_url) as session:
        for _ in range(3):
            row = claim(session, worker_id="w", now=clock.now(), policy=policy, only=[row_id])
            assert row is not None
            deliver(session, row, worker_id="w", send=senders, relevant=still_relevant, clock=clock.now,
                    policy=policy, rng=random.Random(1))
            clock.current = max(clock.current, row.next_attempt_at)
        row = session.get_one(OutboxMessage, row_id)
        assert row.status is OutboxStatus.DEAD and row.attempts == 3 and row.last_error
    senders.close()


def test_a_reminder_about_an_item_done_meanwhile_is_cancelled(db_url: str) -> None:
    load_q4(db_url)
    ctx = RuleContext(tz=SHANGHAI, calendar=Calendar("china"))
    with SMTPSink() as sink, open_session(db_url) as session:
        plan(session, now=local(2026, 9, 30, 9, 5), ctx=ctx)
        session.commit()
        t001 = session.scalars(select(Item).where(Item.code == "T001")).one()
        t001.status = ItemStatus.DONE
        session.commit()
        clock, policy = FrozenClock(local(2026, 9, 30, 9, 6)), DeliveryPolicy()
        senders = Senders(_settings(str(session.get_bind().engine.url), sink.port))
        outcomes = {}
        while (row := claim(session, worker_id="w", now=clock.now(), policy=policy)) is not None:
            outcomes[row.recipient_id, row.kind] = deliver(
                session, row, worker_id="w", send=senders, relevant=still_relevant, clock=clock.now,
                policy=policy, rng=random.Random(1))
        senders.close()
        wang = session.scalars(select(Item.owner_id).where(Item.code == "T001")).one()
        assert outcomes[wang, "remind_due_morning"] is OutboxStatus.CANCELLED
        assert OutboxStatus.SENT in outcomes.values()   # 小李's reminder for T002 still went out
        assert all("xiaowang" not in m.envelope_to[0] for m in sink.messages)


def _black_hole() -> tuple[socket.socket, list[socket.socket]]:
    """A TCP server that accepts and never answers: an SMTP client hangs on the greeting."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            held.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    return server, held


def test_kill_9_after_the_claim_then_its_claims_come_back_after_three_missed_heartbeats(
        db_url: str, tmp_path: Path) -> None:
    load_q4(db_url)
    ids = _queue_list(db_url)
    hole, held = _black_hole()
    env = os.environ | {
        "LUODI_DATABASE_URL": db_url, "LUODI_SECRET_KEY": "k" * 24, "LUODI_CLOCK": "2026-09-26T16:10+08:00",
        "LUODI_SMTP_HOST": "127.0.0.1", "LUODI_SMTP_PORT": str(hole.getsockname()[1]),
        "LUODI_SMTP_TIMEOUT": "120", "LUODI_CONFIG": str(tmp_path / "none.toml"),   # the 300 s lease
    }
    worker = subprocess.Popen([sys.executable, "-m", "luodi", "worker", "--once"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        claimed = None
        deadline = time.monotonic() + 30
        while claimed is None and time.monotonic() < deadline:
            with open_session(db_url) as session:
                claimed = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "sending")).first()
            time.sleep(0.05)
        assert claimed is not None, "the worker never claimed a message"
        while not held and time.monotonic() < deadline:   # it is inside the SMTP connection now
            time.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        hole.close()
    policy = DeliveryPolicy(stale_after=timedelta(seconds=30))   # heartbeats every 10 s
    with SMTPSink() as sink, open_session(db_url) as session:
        senders = Senders(_settings(db_url, sink.port))
        # The killed worker claimed its whole batch: every row is leased to it for 300 s, and its
        # heartbeat was fresh 29 s ago.
        early = FrozenClock(SEND_AT + timedelta(seconds=29))
        assert claim(session, worker_id="w2", now=early.now(), policy=policy) is None
        assert {r.status for r in session.scalars(select(OutboxMessage))} == {OutboxStatus.SENDING}
        assert all(r.lease_until == SEND_AT + timedelta(seconds=300) for r in session.scalars(select(OutboxMessage)))
        # Three missed heartbeats later the claims come back, long before the lease ends (issue 17).
        later = FrozenClock(SEND_AT + timedelta(seconds=31))
        while (row := claim(session, worker_id="w2", now=later.now(), policy=policy)) is not None:
            assert row.attempts == 2
            deliver(session, row, worker_id="w2", send=senders, relevant=still_relevant, clock=later.now,
                    policy=policy, rng=random.Random(1))
        senders.close()
        received = [m.parsed()["Message-ID"] for m in sink.wait_for(len(ids))]
        assert sorted(received) == sorted(session.get_one(OutboxMessage, i).message_id for i in ids)
        time.sleep(0.2)
        assert len(sink.messages) == len(ids)
        attempts = session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.outbox_id == claimed.id)
                                   .order_by(DeliveryAttempt.id)).all()
        assert [a.outcome for a in attempts] == ["lost", "sent"]   # the killed attempt never finished
        assert attempts[0].worker != "w2"
