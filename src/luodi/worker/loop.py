"""The worker: plan rule firings, deliver due messages, keep a heartbeat. Steps are plain
functions (``plan_step``, ``deliver_step``) that tests call directly; the loop only schedules.

Isolation (issue 16): a plan step that fails is logged and the round still delivers; a row that
fails is that row's attempt (worker/deliver.py). Liveness (issue 17): a heartbeat thread beats
every ``LUODI_HEARTBEAT_SECONDS`` while the worker runs, whatever a send is waiting for; after
three missed beats other workers take its claims back, and the worker itself stops sending from
a batch once its own last beat is two intervals old, so no row is ever worked on by two live
workers.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import FrameType

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from luodi.clock import Clock
from luodi.config import Settings
from luodi.models import WorkerHeartbeat
from luodi.notify.apptoken import TokenCache
from luodi.services.rules.outbox import still_relevant
from luodi.services.rules.planning import Plan, plan
from luodi.services.rules.rule_context import RuleContext
from luodi.worker.deliver import INTERRUPTS, DeliveryPolicy, claim_many, deliver, release
from luodi.worker.metrics import PLAN_STEP_SECONDS
from luodi.worker.senders import Senders

log = logging.getLogger(__name__)


def plan_step(session: Session, *, now: datetime, ctx: RuleContext) -> Plan:
    """One plan step at ``now``, committed. Poison-safe: an error rolls back and re-raises.
    Its duration goes to ``luodi_plan_step_duration_seconds`` (worker/metrics.py)."""
    started = time.perf_counter()
    try:
        result = plan(session, now=now, ctx=ctx, scheduled=True)
        session.commit()
        PLAN_STEP_SECONDS.labels("ok").observe(time.perf_counter() - started)
        return result
    except BaseException:
        session.rollback()
        PLAN_STEP_SECONDS.labels("failed").observe(time.perf_counter() - started)
        log.exception("plan step at %s failed", now.isoformat())
        raise


def webhook_step(session: Session, *, now: datetime) -> int:
    """Turn new audited changes into outgoing webhook deliveries (INT-4), committed. Returns the
    rows queued; an error rolls back, is logged, and the round goes on (the cursor did not move)."""
    from luodi.services.integrate.webhooks import fan_out

    try:
        written = fan_out(session, now=now)
        session.commit()
        return written
    except Exception:
        session.rollback()
        log.exception("webhook fan-out at %s failed", now.isoformat())
        return 0


def deliver_step(session: Session, *, worker_id: str, clock: Clock, senders: Senders, policy: DeliveryPolicy,
                 rng: random.Random, batch: int = 20, keep_going: Callable[[], bool] | None = None) -> bool:
    """Claim a batch of due messages (one transaction) and deliver them. Return True if there was work.

    Each outcome is committed on its own, so a crash mid-batch resends only the message in flight.
    ``keep_going`` is asked before each message: once it says no (the worker is stopping, or its
    heartbeat is too old to be sure it still holds its claims) the rest of the batch is released.
    An interrupt releases the rest of the batch too, then propagates.
    """
    claimed = claim_many(session, worker_id=worker_id, now=clock.now(), policy=policy, limit=batch,
                         relevant=still_relevant)
    for index, (row, attempt) in enumerate(claimed):
        if keep_going is not None and not keep_going():
            release(session, claimed[index:], worker_id=worker_id, now=clock.now())
            break
        try:
            deliver(session, row, worker_id=worker_id, send=senders, relevant=None, clock=clock.now,
                    policy=policy, rng=rng, pace=senders.pace, attempt=attempt)
        except INTERRUPTS:
            release(session, claimed[index + 1:], worker_id=worker_id, now=clock.now())
            raise
    return bool(claimed)


def heartbeat(session: Session, *, worker_id: str, now: datetime, started_at: datetime) -> None:
    values = {"worker_id": worker_id, "host": socket.gethostname(), "pid": os.getpid(),
              "started_at": started_at, "seen_at": now}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(WorkerHeartbeat).values(**values)
    session.execute(stmt.on_conflict_do_update(index_elements=["worker_id"], set_={"seen_at": now}))
    session.commit()


def _default_senders(settings: Settings, clock: Clock) -> Senders:
    return Senders(settings, clock=clock)


@dataclass
class Worker:
    """Runs plan and deliver steps until stopped. SIGTERM lets the message in flight finish."""

    settings: Settings
    sessions: sessionmaker[Session]
    clock: Clock
    interval: float = 30.0
    policy: DeliveryPolicy | None = None
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{random.randrange(1 << 16)}")
    stopping: threading.Event = field(default_factory=threading.Event)
    make_senders: Callable[[Settings, Clock], Senders] = _default_senders
    last_beat: datetime | None = None   # the clock's time of the last heartbeat stored
    started_at: datetime = field(init=False)
    _beating: bool = field(default=False, init=False)
    tokens: TokenCache = field(default_factory=TokenCache)  # IM app tokens, kept across rounds

    def __post_init__(self) -> None:
        if self.policy is None:
            self.policy = DeliveryPolicy.from_settings(self.settings)
        self.started_at = self.clock.now()

    def run_once(self) -> tuple[Plan, int]:
        """One plan step at the current time, then deliver everything that is due.

        A failed plan step is logged and delivery runs all the same.
        """
        ctx = RuleContext.from_settings(self.settings)
        assert self.policy is not None
        senders, rng, delivered = self.make_senders(self.settings, self.clock), random.Random(), 0
        senders.tokens = self.tokens  # app tokens outlive a round
        try:
            with self._heartbeats(), self.sessions() as session:
                now = self.clock.now()
                try:
                    result = plan_step(session, now=now, ctx=ctx)
                except INTERRUPTS:
                    raise
                except BaseException:   # logged by plan_step; this round still delivers
                    result = Plan(at=now)
                webhook_step(session, now=now)
                while not self.stopping.is_set() and deliver_step(
                        session, worker_id=self.worker_id, clock=self.clock, senders=senders,
                        policy=self.policy, rng=rng, keep_going=self._keep_going):
                    delivered += 1
        finally:
            senders.close()
        return result, delivered

    def run(self) -> None:
        if self.settings.imap_host:  # replies to the email: read in a thread, IDLE or polling
            from luodi.worker.mailbox import MailboxReader

            reader = MailboxReader(self.settings, self.sessions, self.clock)
            threading.Thread(target=reader.run, args=(self.stopping,), name="luodi-mailbox", daemon=True).start()
        with self._heartbeats():
            while not self.stopping.is_set():
                try:
                    self.run_once()
                except Exception:  # the loop boundary: log and go on with the next round
                    log.exception("worker round failed")
                self.stopping.wait(self.interval)

    # --- liveness -------------------------------------------------------------------------
    def beat(self) -> None:
        """Store this worker's heartbeat now (own session); remember when it last succeeded."""
        now = self.clock.now()
        with self.sessions() as session:
            heartbeat(session, worker_id=self.worker_id, now=now, started_at=self.started_at)
        self.last_beat = now

    def _keep_going(self) -> bool:
        """Still stopping-free and sure of its claims: the last beat is under two intervals old
        (others take the claims back after three)."""
        if self.stopping.is_set() or self.last_beat is None:
            return False
        return self.clock.now() - self.last_beat < timedelta(seconds=2 * self.settings.heartbeat_seconds)

    @contextmanager
    def _heartbeats(self) -> Iterator[None]:
        """Beat now, then every ``heartbeat_seconds`` in a thread until the block ends (nested: once)."""
        if self._beating:
            yield
            return
        self.beat()
        done = threading.Event()

        def _loop() -> None:
            while not done.wait(self.settings.heartbeat_seconds):
                try:
                    self.beat()
                except Exception:   # the database is away: the beat is missed, the next one retries
                    log.warning("heartbeat of %s failed", self.worker_id, exc_info=True)

        thread = threading.Thread(target=_loop, name=f"luodi-heartbeat-{self.worker_id}", daemon=True)
        self._beating = True
        thread.start()
        try:
            yield
        finally:
            self._beating = False
            done.set()
            thread.join()

    def install_signal_handlers(self) -> None:
        def _stop(signum: int, _frame: FrameType | None) -> None:
            log.info("signal %s: finishing the message in flight, then stopping", signum)
            self.stopping.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
