"""The worker: plan rule firings, deliver due messages, keep a heartbeat. Steps are plain
functions (``plan_step``, ``deliver_step``) that tests call directly; the loop only schedules."""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime
from types import FrameType

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from luodi.clock import Clock
from luodi.config import Settings
from luodi.models import WorkerHeartbeat
from luodi.services.rules.outbox import still_relevant
from luodi.services.rules.planning import Plan, plan
from luodi.services.rules.rule_context import RuleContext
from luodi.worker.deliver import DeliveryPolicy, claim_many, deliver
from luodi.worker.senders import Senders

log = logging.getLogger(__name__)


def plan_step(session: Session, *, now: datetime, ctx: RuleContext) -> Plan:
    """One plan step at ``now``, committed. Poison-safe: an error rolls back and re-raises."""
    try:
        result = plan(session, now=now, ctx=ctx, scheduled=True)
        session.commit()
        return result
    except Exception:
        session.rollback()
        log.exception("plan step at %s failed", now.isoformat())
        raise


def deliver_step(session: Session, *, worker_id: str, clock: Clock, senders: Senders, policy: DeliveryPolicy,
                 rng: random.Random, batch: int = 20) -> bool:
    """Claim a batch of due messages (one transaction) and deliver them. Return True if there was work.

    Each outcome is committed on its own, so a crash mid-batch resends only the message in flight.
    """
    claimed = claim_many(session, worker_id=worker_id, now=clock.now(), policy=policy, limit=batch,
                         relevant=still_relevant)
    for row, attempt in claimed:
        deliver(session, row, worker_id=worker_id, send=senders, relevant=None, clock=clock.now, policy=policy,
                rng=rng, pace=senders.pace, attempt=attempt)
    return bool(claimed)


def heartbeat(session: Session, *, worker_id: str, now: datetime, started_at: datetime) -> None:
    values = {"worker_id": worker_id, "host": socket.gethostname(), "pid": os.getpid(),
              "started_at": started_at, "seen_at": now}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(WorkerHeartbeat).values(**values)
    session.execute(stmt.on_conflict_do_update(index_elements=["worker_id"], set_={"seen_at": now}))
    session.commit()


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

    def __post_init__(self) -> None:
        if self.policy is None:
            self.policy = DeliveryPolicy.from_settings(self.settings)

    def run_once(self) -> tuple[Plan, int]:
        """One plan step at the current time, then deliver everything that is due."""
        ctx = RuleContext.from_settings(self.settings)
        assert self.policy is not None
        senders, rng, delivered = Senders(self.settings, clock=self.clock), random.Random(), 0
        started = self.clock.now()
        try:
            with self.sessions() as session:
                heartbeat(session, worker_id=self.worker_id, now=started, started_at=started)
                result = plan_step(session, now=self.clock.now(), ctx=ctx)
                while not self.stopping.is_set() and deliver_step(
                        session, worker_id=self.worker_id, clock=self.clock, senders=senders,
                        policy=self.policy, rng=rng):
                    delivered += 1
        finally:
            senders.close()
        return result, delivered

    def run(self) -> None:
        started = self.clock.now()
        while not self.stopping.is_set():
            try:
                self.run_once()
                with self.sessions() as session:
                    heartbeat(session, worker_id=self.worker_id, now=self.clock.now(), started_at=started)
            except Exception:  # the loop boundary: log and go on with the next round
                log.exception("worker round failed")
            self.stopping.wait(self.interval)

    def install_signal_handlers(self) -> None:
        def _stop(signum: int, _frame: FrameType | None) -> None:
            log.info("signal %s: finishing the message in flight, then stopping", signum)
            self.stopping.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)

