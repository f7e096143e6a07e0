"""Issue 16: one broken message never stops delivery. Whatever composing, rendering or sending
one row raises is that row's failed attempt; every other row of the batch goes out."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.domain.enums import OutboxStatus
from luodi.models import DeliveryAttempt, OutboxMessage, Person
from luodi.worker.deliver import DeliveryPolicy, claim_many
from luodi.worker.loop import Worker, deliver_step
from luodi.worker.senders import Senders
from support.cli import Cli
from support.q4 import load_q4, local, open_session
from support.smtpd import SMTPSink

NOW = local(2026, 10, 8, 10, 0)


class Poisoned(BaseException):
    """Not an Exception: a BaseException that is neither KeyboardInterrupt nor SystemExit."""


class PoisonedSenders(Senders):
    """The real sender, except that the rows in ``poison`` raise what a renderer bug would."""

    def __init__(self, settings: Settings, poison: dict[int, BaseException], **kwargs: object) -> None:
        super().__init__(settings, **kwargs)  # type: ignore[arg-type]
        self.poison = poison

    def __call__(self, session, row, now):  # type: ignore[no-untyped-def]
        if row.id in self.poison:
            raise self.poison[row.id]
        super().__call__(session, row, now)


def _queue(url: str, count: int) -> list[int]:
    with open_session(url) as session:
        wang = session.scalars(select(Person).where(Person.name == "小王")).one()
        rows = [OutboxMessage(key=f"iso|{n}", kind="test", recipient_id=wang.id, channel="email",
                              address=wang.email, subject=f"消息 {n}", body_text=f"第 {n} 条",
                              next_attempt_at=NOW - timedelta(minutes=count - n), created_at=NOW, payload={})
                for n in range(count)]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def _settings(url: str, port: int) -> Settings:
    return Settings(database_url=url, secret_key="k" * 24, smtp_port=port, smtp_timeout=2,
                    backoff_seconds=1, lease_seconds=300, max_attempts=8)


@pytest.mark.parametrize("error", [KeyError("owner_name"), Poisoned("renderer bug")], ids=["KeyError", "BaseException"])
def test_one_poisoned_message_goes_dead_at_the_limit_while_the_others_are_delivered(
        db_url: str, error: BaseException, cli: Cli) -> None:
    load_q4(db_url)
    poisoned, *healthy = _queue(db_url, 3)   # the broken row is the oldest: it is claimed first
    clock = FrozenClock(NOW)
    with SMTPSink() as sink, open_session(db_url) as session:
        settings = _settings(db_url, sink.port)
        policy = DeliveryPolicy.from_settings(settings)
        for _ in range(12):   # twelve lease periods
            senders = PoisonedSenders(settings, {poisoned: error}, clock=clock)
            try:
                while deliver_step(session, worker_id="w1", clock=clock, senders=senders, policy=policy,
                                   rng=random.Random(1)):
                    pass
            finally:
                senders.close()
            clock.advance(seconds=policy.lease.total_seconds())
        session.expire_all()
        rows = {row.id: row for row in session.scalars(select(OutboxMessage))}
        assert [rows[i].status for i in healthy] == [OutboxStatus.SENT, OutboxStatus.SENT]
        assert sorted(m.parsed()["Message-ID"] for m in sink.messages) == sorted(rows[i].message_id for i in healthy)
        dead = rows[poisoned]
        assert dead.status is OutboxStatus.DEAD and dead.attempts == 8 and dead.lease_until is None
        assert type(error).__name__ in (dead.last_error or "")
        attempts = session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.outbox_id == poisoned)
                                   .order_by(DeliveryAttempt.id)).all()
        assert [a.number for a in attempts] == list(range(1, 9))
        assert [a.outcome for a in attempts] == ["retry"] * 7 + ["dead"]
        assert all(a.finished_at is not None and type(error).__name__ in (a.error or "") for a in attempts)
    listed = json.loads(cli("outbox", "list", "--status", "dead", "--json").stdout)
    assert [(m["id"], m["attempts"]) for m in listed] == [(poisoned, 8)]
    assert type(error).__name__ in listed[0]["last_error"]


def test_a_relevance_check_raising_a_bare_base_exception_sends_the_row_and_keeps_the_claim_consistent(
        db_url: str) -> None:
    """The re-check made at the claim raises (a bug, not a database error): that row is sent all the
    same, every other row of the batch too, and claim, attempt and lease agree afterwards."""
    load_q4(db_url)
    ids = _queue(db_url, 3)
    clock = FrozenClock(NOW)

    def relevant(session, row, now):  # type: ignore[no-untyped-def]
        if row.id == ids[0]:
            raise Poisoned("relevance bug")
        return True

    with SMTPSink() as sink, open_session(db_url) as session:
        settings = _settings(db_url, sink.port)
        policy = DeliveryPolicy.from_settings(settings)
        claimed = claim_many(session, worker_id="w1", now=clock.now(), policy=policy, relevant=relevant)
        assert sorted(row.id for row, _ in claimed) == ids
        senders = Senders(settings, clock=clock)
        try:
            from luodi.worker.deliver import deliver

            for row, attempt in claimed:
                deliver(session, row, worker_id="w1", send=senders, relevant=None, clock=clock.now, policy=policy,
                        rng=random.Random(1), attempt=attempt)
        finally:
            senders.close()
        session.expire_all()
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(r.status, r.attempts, r.lease_until) for r in rows] == [(OutboxStatus.SENT, 1, None)] * 3
        outcomes = session.scalars(select(DeliveryAttempt.outcome).order_by(DeliveryAttempt.id)).all()
        assert outcomes == ["sent"] * 3
        assert len(sink.messages) == 3


def test_a_row_whose_lease_expired_at_the_limit_goes_dead_instead_of_a_ninth_attempt(db_url: str) -> None:
    """A row that kills its worker every time (the attempt never finishes) still ends dead."""
    load_q4(db_url)
    [row_id] = _queue(db_url, 1)
    clock, policy = FrozenClock(NOW), DeliveryPolicy(max_attempts=3, lease=timedelta(seconds=60))
    with open_session(db_url) as session:
        for n in range(5):
            claimed = claim_many(session, worker_id=f"dying-{n}", now=clock.now(), policy=policy)
            assert len(claimed) == (1 if n < 3 else 0)
            clock.advance(seconds=61)   # the worker died holding it; its lease runs out
        row = session.get_one(OutboxMessage, row_id)
        session.refresh(row)
        assert row.status is OutboxStatus.DEAD and row.attempts == 3
        assert "3" in (row.last_error or "")
        outcomes = session.scalars(select(DeliveryAttempt.outcome).where(DeliveryAttempt.outbox_id == row_id)
                                   .order_by(DeliveryAttempt.id)).all()
        assert outcomes == ["lost", "lost", "lost"]


def test_keyboard_interrupt_puts_the_message_and_the_rest_of_the_batch_back(db_url: str) -> None:
    load_q4(db_url)
    first = _queue(db_url, 3)[0]
    clock = FrozenClock(NOW)
    with SMTPSink() as sink, open_session(db_url) as session:
        settings = _settings(db_url, sink.port)
        senders = PoisonedSenders(settings, {first: KeyboardInterrupt()}, clock=clock)
        with pytest.raises(KeyboardInterrupt):
            deliver_step(session, worker_id="w1", clock=clock, senders=senders,
                         policy=DeliveryPolicy.from_settings(settings), rng=random.Random(1))
        senders.close()
        session.expire_all()
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        # Nothing waits out a lease: every row is pending again, due now.
        assert [(r.status, r.lease_until, r.next_attempt_at <= NOW) for r in rows] == \
            [(OutboxStatus.PENDING, None, True)] * 3
        assert [r.attempts for r in rows] == [1, 0, 0]   # only the interrupted one counts an attempt
        assert sink.messages == []


def test_the_worker_round_goes_on_after_a_poisoned_row(db_url: str) -> None:
    load_q4(db_url)
    poisoned, *healthy = _queue(db_url, 3)
    clock = FrozenClock(NOW)
    with SMTPSink() as sink:
        settings = _settings(db_url, sink.port)
        from luodi.db import make_engine, make_sessionmaker

        engine = make_engine(db_url)
        worker = Worker(settings, make_sessionmaker(engine), clock, worker_id="w1",
                        make_senders=lambda s, c: PoisonedSenders(s, {poisoned: RuntimeError("boom")}, clock=c))
        _, delivered = worker.run_once()
        engine.dispose()
        with open_session(db_url) as session:
            ids = {row.id: row.message_id for row in session.scalars(select(OutboxMessage))}
            statuses = {i: s for i, s in session.execute(select(OutboxMessage.id, OutboxMessage.status))}
        received = {m.parsed()["Message-ID"] for m in sink.messages}
        assert delivered >= 1 and {ids[i] for i in healthy} <= received and ids[poisoned] not in received
        assert statuses[poisoned] is OutboxStatus.PENDING
        assert {s for i, s in statuses.items() if i != poisoned} == {OutboxStatus.SENT}


def _beat(session, worker_id: str, at) -> None:  # type: ignore[no-untyped-def]
    from luodi.worker.loop import heartbeat

    heartbeat(session, worker_id=worker_id, now=at, started_at=NOW)


def test_a_live_workers_claims_are_never_taken_and_a_stale_ones_are_taken_before_the_lease_ends(
        db_url: str) -> None:
    load_q4(db_url)
    ids = _queue(db_url, 3)
    policy = DeliveryPolicy(lease=timedelta(seconds=300), stale_after=timedelta(seconds=30))
    with open_session(db_url) as a, open_session(db_url) as b:
        _beat(a, "A", NOW)
        claimed = claim_many(a, worker_id="A", now=NOW, policy=policy)
        assert sorted(row.id for row, _ in claimed) == ids
        # A beats every 10 s: however long its sends take, B never gets its rows.
        for seconds in (10, 20, 30, 40, 290):
            _beat(a, "A", NOW + timedelta(seconds=seconds - 5))
            assert claim_many(b, worker_id="B", now=NOW + timedelta(seconds=seconds), policy=policy) == []
        # A stops beating (kill -9): 31 s after its last beat B takes every claim, before the lease ends.
        last = NOW + timedelta(seconds=285)
        taken = claim_many(b, worker_id="B", now=last + timedelta(seconds=31), policy=policy)
        assert sorted(row.id for row, _ in taken) == ids
        assert all(row.claimed_by == "B" and row.attempts == 2 for row, _ in taken)
        # Had A been alive after all, its late outcome is not applied over B's claim.
        row, attempt = claimed[0]
        from luodi.worker.deliver import _Claim, _record

        assert not _record(a, row, _Claim(row.id, 1, "A"), now=last, outcome="sent", attempt=attempt,
                           values={"status": OutboxStatus.SENT})
        b.expire_all()
        assert b.get_one(OutboxMessage, row.id).status is OutboxStatus.SENDING
        assert b.get_one(OutboxMessage, row.id).claimed_by == "B"


def test_a_worker_stops_sending_its_batch_once_its_own_heartbeat_is_too_old(db_url: str) -> None:
    load_q4(db_url)
    _queue(db_url, 3)
    clock = FrozenClock(NOW)
    with SMTPSink() as sink:
        settings = _settings(db_url, sink.port)
        from luodi.db import make_engine, make_sessionmaker

        engine = make_engine(db_url)
        worker = Worker(settings, make_sessionmaker(engine), clock, worker_id="w1")
        worker.beat()
        clock.advance(seconds=2 * settings.heartbeat_seconds)   # no beat got through for two intervals
        senders = Senders(settings, clock=clock)
        with worker.sessions() as session:
            assert deliver_step(session, worker_id="w1", clock=clock, senders=senders, policy=worker.policy,  # type: ignore[arg-type]
                                rng=random.Random(1), keep_going=worker._keep_going)
        senders.close()
        with worker.sessions() as session:
            rows = session.scalars(select(OutboxMessage)).all()
            assert {(r.status, r.attempts) for r in rows} == {(OutboxStatus.PENDING, 0)}
        engine.dispose()
        assert sink.messages == []
