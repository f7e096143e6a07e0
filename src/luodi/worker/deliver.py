"""The deliver step (RULE-4): claim one due outbox row with a lease, send it, record the attempt.

At-least-once: the claim is committed before any network call, so a worker that dies after its
claim leaves a lease that expires and another worker delivers the row. The only duplicate
possible is a crash between the provider's acceptance and our record of it; the stable
Message-ID per row lets a receiver recognise it.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from luodi.domain.enums import OutboxStatus
from luodi.models import DeliveryAttempt, OutboxMessage
from luodi.notify.base import TransportError as DeliveryError

if TYPE_CHECKING:
    from luodi.config import Settings

log = logging.getLogger(__name__)


Relevance = Callable[[Session, OutboxMessage, datetime], bool]


class Sender(Protocol):
    def __call__(self, session: Session, row: OutboxMessage, now: datetime) -> None:
        """Deliver ``row`` or raise TransportError (permanent or not). Called outside any transaction."""


@dataclass(frozen=True)
class DeliveryPolicy:
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 8
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_cap: timedelta = timedelta(hours=2)

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryPolicy:
        return cls(lease=timedelta(seconds=settings.lease_seconds), max_attempts=settings.max_attempts,
                   backoff_base=timedelta(seconds=settings.backoff_seconds))

    def backoff(self, attempt: int, rng: random.Random) -> timedelta:
        """Exponential backoff with jitter: base·2^(n−1), capped, times a factor in [0.5, 1]."""
        raw = min(self.backoff_cap.total_seconds(), self.backoff_base.total_seconds() * 2 ** (attempt - 1))
        return timedelta(seconds=raw * (0.5 + rng.random() / 2))


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now),
    )


def _candidates(session: Session, now: datetime, limit: int, only: list[int] | None) -> list[int]:
    """Due rows, oldest first: expired leases, then pending rows whose time has come.

    Two index-shaped queries (``ix_outbox_lease``, ``ix_outbox_due``) rather than one OR, which
    would make both databases scan and sort the whole outbox, sent history included, per claim.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    queries = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now)
        .order_by(OutboxMessage.lease_until, OutboxMessage.id),
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id),
    )
    found: list[int] = []
    for query in queries:
        if only is not None:
            query = query.where(OutboxMessage.id.in_(only))
        if postgres:
            query = query.with_for_update(skip_locked=True)
        found += session.scalars(query.limit(limit - len(found))).all()
        if len(found) >= limit:
            break
    return found


def claim_many(
    session: Session, *, worker_id: str, now: datetime, policy: DeliveryPolicy, limit: int = 20,
    only: list[int] | None = None, relevant: Relevance | None = None,
) -> list[tuple[OutboxMessage, DeliveryAttempt]]:
    """Claim up to ``limit`` due rows (expired leases included) in one transaction and commit it.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets many workers claim different rows at once.
    SQLite: the engine begins every transaction IMMEDIATE (one writer at a time), and the
    conditional UPDATE … RETURNING shows which rows this worker won. Given ``relevant``, rows
    no longer worth sending are cancelled in the same transaction. Returns (row, attempt) pairs.
    """
    ids = _candidates(session, now, limit, only)
    if not ids:
        session.rollback()
        return []
    won = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), _due(now))
        .values(status=OutboxStatus.SENDING, lease_until=now + policy.lease, claimed_by=worker_id,
                attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(won)).order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    ).all()
    claimed = []
    for row in rows:
        attempt = DeliveryAttempt(outbox_id=row.id, number=row.attempts, worker=worker_id, started_at=now)
        session.add(attempt)
        if relevant is not None and not relevant(session, row, now):
            row.status, row.lease_until = OutboxStatus.CANCELLED, None
            attempt.outcome, attempt.finished_at = "cancelled", now
            continue
        claimed.append((row, attempt))
    session.commit()  # the claim is durable before any network call
    return claimed


def claim(
    session: Session, *, worker_id: str, now: datetime, policy: DeliveryPolicy, only: list[int] | None = None
) -> OutboxMessage | None:
    """Claim the oldest due row and commit the claim; None when there is none (see claim_many)."""
    claimed = claim_many(session, worker_id=worker_id, now=now, policy=policy, limit=1, only=only)
    return claimed[0][0] if claimed else None


def _finish(session: Session, row: OutboxMessage, *, worker_id: str, now: datetime, outcome: str,
            error: str | None = None, attempt: DeliveryAttempt | None = None) -> None:
    if attempt is None:
        attempt = session.scalar(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.outbox_id == row.id, DeliveryAttempt.number == row.attempts,
                   DeliveryAttempt.worker == worker_id)
            .order_by(DeliveryAttempt.id.desc()).limit(1)
        )
    if attempt is not None:
        attempt.outcome, attempt.finished_at, attempt.error = outcome, now, error


def deliver(
    session: Session,
    row: OutboxMessage,
    *,
    worker_id: str,
    send: Sender,
    relevant: Relevance | None,
    clock: Callable[[], datetime],
    policy: DeliveryPolicy,
    rng: random.Random,
    pace: Callable[[Session, OutboxMessage, datetime], datetime | None] | None = None,
    attempt: DeliveryAttempt | None = None,
) -> OutboxStatus:
    """Re-check relevance, respect the channel's rate limit, send, and record the outcome.

    ``pace`` answers the earliest moment the channel may send again (None: now is fine); a row
    that must wait goes back to pending for that moment without counting as an attempt, so a
    bot's rate limit delays messages and never drops them.
    """
    now = clock()
    if relevant is not None and not relevant(session, row, now):
        row.status, row.lease_until = OutboxStatus.CANCELLED, None
        _finish(session, row, worker_id=worker_id, now=now, outcome="cancelled", attempt=attempt)
        session.commit()
        return row.status
    wait_until = pace(session, row, now) if pace else None
    if wait_until is not None and wait_until > now:
        row.status, row.next_attempt_at, row.lease_until = OutboxStatus.PENDING, wait_until, None
        row.attempts -= 1
        _finish(session, row, worker_id=worker_id, now=now, outcome="deferred", attempt=attempt)
        session.commit()
        return row.status
    if session.in_transaction():
        session.commit()  # no transaction stays open across the network call (nor a SQLite lock)
    try:
        send(session, row, now)
    except DeliveryError as exc:
        now = clock()
        if exc.permanent or row.attempts >= policy.max_attempts:
            row.status = OutboxStatus.DEAD
        else:
            delay = policy.backoff(row.attempts, rng)
            if exc.retry_after:
                delay = max(delay, timedelta(seconds=exc.retry_after))
            row.status, row.next_attempt_at = OutboxStatus.PENDING, now + delay
        row.last_error, row.lease_until = exc.message[:2000], None
        _finish(session, row, worker_id=worker_id, now=now,
                outcome="dead" if row.status is OutboxStatus.DEAD else "retry", error=exc.message[:2000],
                attempt=attempt)
        log.warning("outbox %s attempt %s failed: %s", row.id, row.attempts, exc.message)
    else:
        now = clock()
        row.status, row.sent_at, row.lease_until, row.last_error = OutboxStatus.SENT, now, None, None
        _finish(session, row, worker_id=worker_id, now=now, outcome="sent", attempt=attempt)
    session.commit()
    return row.status
