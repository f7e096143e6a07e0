"""The deliver step (RULE-4): claim due outbox rows with a lease, send each, record the attempt.

At-least-once: the claim is committed before any network call, so a worker that dies after its
claim leaves a lease that expires (or a heartbeat that goes stale) and another worker delivers
the row. The only duplicate possible is a crash between the provider's acceptance and our
record of it; the stable Message-ID per row lets a receiver recognise it.

Failure isolation (issue 16): whatever sending one row raises — a transport error, a bug in a
renderer, any ``BaseException`` but ``KeyboardInterrupt``/``SystemExit`` — is that row's failed
attempt: recorded with its error text, retried with backoff, ``dead`` at the attempt limit and
never above it. Every other row goes on. An interrupt puts the row back (and the caller puts
the rest of its batch back, see :func:`release`) so nothing waits out a lease.

Over 300 lines: claim, attempt, lease and outcome are one consistency argument, kept together
so the isolation guarantees (docs/worker.md) can be read in one place.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from luodi.db import rowcount
from luodi.domain.enums import OutboxStatus
from luodi.models import DeliveryAttempt, OutboxMessage, WorkerHeartbeat
from luodi.notify.base import TransportError as DeliveryError

if TYPE_CHECKING:
    from luodi.config import Settings

log = logging.getLogger(__name__)

#: Raised to stop the process; everything else a row raises is that row's failed attempt.
INTERRUPTS = (KeyboardInterrupt, SystemExit)
ERROR_LIMIT = 2000

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
    # A worker whose heartbeat is older than this is dead: its claims are taken back at once,
    # without waiting for their leases (issue 17). Three heartbeat intervals.
    stale_after: timedelta = timedelta(seconds=30)

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryPolicy:
        return cls(lease=timedelta(seconds=settings.lease_seconds), max_attempts=settings.max_attempts,
                   backoff_base=timedelta(seconds=settings.backoff_seconds),
                   stale_after=timedelta(seconds=3 * settings.heartbeat_seconds))

    def backoff(self, attempt: int, rng: random.Random) -> timedelta:
        """Exponential backoff with jitter: base·2^(n−1), capped, times a factor in [0.5, 1]."""
        raw = min(self.backoff_cap.total_seconds(), self.backoff_base.total_seconds() * 2 ** (attempt - 1))
        return timedelta(seconds=raw * (0.5 + rng.random() / 2))


def _abandoned(now: datetime, worker_id: str, policy: DeliveryPolicy) -> ColumnElement[bool]:
    """Claimed rows nobody is working on: the lease ran out, the claiming worker's heartbeat is
    stale, or the claim is this worker's own (left by a batch it did not finish: a worker
    delivers one row at a time, so none of its claims is in flight while it claims)."""
    stale = select(WorkerHeartbeat.worker_id).where(WorkerHeartbeat.seen_at < now - policy.stale_after,
                                                    WorkerHeartbeat.worker_id != worker_id)
    return and_(OutboxMessage.status == OutboxStatus.SENDING,
                or_(OutboxMessage.lease_until < now, OutboxMessage.claimed_by == worker_id,
                    OutboxMessage.claimed_by.in_(stale)))


def _due(now: datetime, worker_id: str, policy: DeliveryPolicy) -> ColumnElement[bool]:
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        _abandoned(now, worker_id, policy),
    )


def _candidates(session: Session, now: datetime, limit: int, only: list[int] | None, *, worker_id: str,
                policy: DeliveryPolicy) -> list[tuple[int, int, OutboxStatus]]:
    """Due rows, oldest first, as (id, attempts, status): abandoned claims, then pending rows
    whose time has come.

    Two index-shaped queries (``ix_outbox_lease``, ``ix_outbox_due``) rather than one OR, which
    would make both databases scan and sort the whole outbox, sent history included, per claim.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    columns = (OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.status)
    queries = (
        select(*columns).where(_abandoned(now, worker_id, policy))
        .order_by(OutboxMessage.lease_until, OutboxMessage.id),
        select(*columns)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id),
    )
    found: list[tuple[int, int, OutboxStatus]] = []
    for query in queries:
        if only is not None:
            query = query.where(OutboxMessage.id.in_(only))
        if postgres:
            query = query.with_for_update(of=OutboxMessage, skip_locked=True)
        found += [(r.id, r.attempts, r.status) for r in session.execute(query.limit(limit - len(found)))]
        if len(found) >= limit:
            break
    return found


def _close_lost_attempts(session: Session, ids: Sequence[int], *, now: datetime) -> None:
    """The unfinished attempts of reclaimed rows: their worker died (or was fenced off)."""
    if ids:
        session.execute(
            update(DeliveryAttempt)
            .where(DeliveryAttempt.outbox_id.in_(ids), DeliveryAttempt.outcome == "sending")
            .values(outcome="lost", finished_at=now, error="the worker stopped before recording this attempt")
            .execution_options(synchronize_session=False))


def claim_many(
    session: Session, *, worker_id: str, now: datetime, policy: DeliveryPolicy, limit: int = 20,
    only: list[int] | None = None, relevant: Relevance | None = None,
) -> list[tuple[OutboxMessage, DeliveryAttempt]]:
    """Claim up to ``limit`` due rows (abandoned claims included) in one transaction and commit it.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets many workers claim different rows at once.
    SQLite: the engine begins every transaction IMMEDIATE (one writer at a time), and the
    conditional UPDATE … RETURNING shows which rows this worker won. A due row that already
    used its ``max_attempts`` (its last attempt never finished) becomes ``dead`` here instead of
    being tried once more. Given ``relevant``, rows no longer worth sending are cancelled in the
    same transaction. Returns (row, attempt) pairs.
    """
    candidates = _candidates(session, now, limit, only, worker_id=worker_id, policy=policy)
    if not candidates:
        session.rollback()
        return []
    _close_lost_attempts(session, [i for i, _, status in candidates if status is OutboxStatus.SENDING], now=now)
    exhausted = [i for i, attempts, _ in candidates if attempts >= policy.max_attempts]
    if exhausted:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(exhausted), _due(now, worker_id, policy))
            .values(status=OutboxStatus.DEAD, lease_until=None,
                    last_error=f"gave up after {policy.max_attempts} attempts; the last one never finished "
                               "(its worker stopped)")
            .execution_options(synchronize_session=False))
        log.warning("outbox %s: attempt limit reached by lost attempts; dead", exhausted)
    won = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([i for i, attempts, _ in candidates if attempts < policy.max_attempts]),
               OutboxMessage.attempts < policy.max_attempts, _due(now, worker_id, policy))
        .values(status=OutboxStatus.SENDING, lease_until=now + policy.lease, claimed_by=worker_id,
                attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(won)).order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    ).all() if won else []
    claimed = []
    for row in rows:
        attempt = DeliveryAttempt(outbox_id=row.id, number=row.attempts, worker=worker_id, started_at=now)
        session.add(attempt)
        if relevant is not None and not _still_relevant(relevant, session, row, now):
            row.status, row.lease_until = OutboxStatus.CANCELLED, None
            attempt.outcome, attempt.finished_at = "cancelled", now
            continue
        claimed.append((row, attempt))
    session.commit()  # the claim is durable before any network call
    return claimed


def _still_relevant(relevant: Relevance, session: Session, row: OutboxMessage, now: datetime) -> bool:
    """The re-check, isolated: a check that breaks on one row sends it (a reminder too many beats
    one lost); a database error aborts the claim as a whole."""
    try:
        return relevant(session, row, now)
    except (SQLAlchemyError, *INTERRUPTS):
        raise
    except BaseException:  # a bare BaseException from a bug too: one row's check, not the batch's
        log.exception("outbox %s: the relevance re-check failed; sending it anyway", row.id)
        return True


def claim(
    session: Session, *, worker_id: str, now: datetime, policy: DeliveryPolicy, only: list[int] | None = None
) -> OutboxMessage | None:
    """Claim the oldest due row and commit the claim; None when there is none (see claim_many)."""
    claimed = claim_many(session, worker_id=worker_id, now=now, policy=policy, limit=1, only=only)
    return claimed[0][0] if claimed else None


@dataclass(frozen=True)
class _Claim:
    """What identifies one claim of one row, read before anything can expire the row."""

    row_id: int
    number: int
    worker_id: str


def _attempt_of(session: Session, held: _Claim) -> DeliveryAttempt | None:
    return session.scalar(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.outbox_id == held.row_id, DeliveryAttempt.number == held.number,
               DeliveryAttempt.worker == held.worker_id)
        .order_by(DeliveryAttempt.id.desc()).limit(1))


def _record(session: Session, row: OutboxMessage, held: _Claim, *, now: datetime, outcome: str,
            values: dict[str, Any], error: str | None = None, attempt: DeliveryAttempt | None = None) -> bool:
    """Store an attempt's outcome and commit; True if this worker still held the claim.

    The row is changed only where it is still this worker's claim (status ``sending``, same
    worker, same attempt number): a worker whose claim was taken back meanwhile records its own
    attempt and leaves the row to the worker that holds it now.
    """
    held_now = rowcount(session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == held.row_id, OutboxMessage.status == OutboxStatus.SENDING,
               OutboxMessage.claimed_by == held.worker_id, OutboxMessage.attempts == held.number)
        .values(**values).execution_options(synchronize_session=False))) == 1
    if attempt is None:
        attempt = _attempt_of(session, held)
    if attempt is not None:
        attempt.outcome, attempt.finished_at, attempt.error = outcome, now, error
        if not held_now:
            attempt.outcome, attempt.error = "lost", f"claim taken back before the outcome ({outcome}) was recorded"
    session.commit()
    if held_now:
        for key, value in values.items():
            set_committed_value(row, key, value)
    else:
        log.warning("outbox %s attempt %s: the claim was taken back meanwhile; outcome %s not applied",
                    held.row_id, held.number, outcome)
    return held_now


def _failure(exc: BaseException) -> tuple[str, bool, float | None]:
    """(error text, permanent?, retry after) of whatever a send raised."""
    if isinstance(exc, DeliveryError):
        return exc.message[:ERROR_LIMIT], exc.permanent, exc.retry_after
    return f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT], False, None


def _failed(session: Session, row: OutboxMessage, held: _Claim, exc: BaseException, *, now: datetime,
            policy: DeliveryPolicy, rng: random.Random, attempt: DeliveryAttempt | None) -> None:
    message, permanent, retry_after = _failure(exc)
    values: dict[str, Any] = {"last_error": message, "lease_until": None}
    if permanent or held.number >= policy.max_attempts:
        values["status"] = OutboxStatus.DEAD
    else:
        delay = policy.backoff(held.number, rng)
        if retry_after:
            delay = max(delay, timedelta(seconds=retry_after))
        values.update(status=OutboxStatus.PENDING, next_attempt_at=now + delay)
    outcome = "dead" if values["status"] is OutboxStatus.DEAD else "retry"
    _record(session, row, held, now=now, outcome=outcome, values=values, error=message, attempt=attempt)
    log.warning("outbox %s attempt %s/%s failed (%s): %s", held.row_id, held.number, policy.max_attempts,
                outcome, message)


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
    bot's rate limit delays messages and never drops them. Anything raised on the way is this
    row's failed attempt (module docstring); ``KeyboardInterrupt``/``SystemExit`` put the row
    back as due and propagate. A database error while recording propagates too: the claim is
    then taken back by the next claim (this worker's or, once its heartbeat is stale, another's).
    Returns the row's status afterwards.
    """
    held = _Claim(row.id, row.attempts, worker_id)
    now = clock()
    try:
        if relevant is not None and not relevant(session, row, now):
            _record(session, row, held, now=now, outcome="cancelled", attempt=attempt,
                    values={"status": OutboxStatus.CANCELLED, "lease_until": None})
            return row.status
        wait_until = pace(session, row, now) if pace else None
        if wait_until is not None and wait_until > now:
            _record(session, row, held, now=now, outcome="deferred", attempt=attempt,
                    values={"status": OutboxStatus.PENDING, "next_attempt_at": wait_until, "lease_until": None,
                            "attempts": held.number - 1})
            return row.status
        if session.in_transaction():
            session.commit()  # no transaction stays open across the network call (nor a SQLite lock)
        send(session, row, now)
    except INTERRUPTS:
        _put_back(session, row, held, now=clock(), attempt=attempt)
        raise
    except BaseException as exc:  # any failure of one row is that row's attempt (issue 16)
        if not isinstance(exc, DeliveryError):
            log.error("outbox %s attempt %s raised", held.row_id, held.number, exc_info=exc)
        session.rollback()  # whatever the failure left half-done in the session
        _failed(session, row, held, exc, now=clock(), policy=policy, rng=rng, attempt=attempt)
        reset = getattr(send, "reset", None)
        if reset is not None and not isinstance(exc, DeliveryError):
            reset()  # a connection an unexpected error left mid-conversation is not reused
    else:
        now = clock()
        _record(session, row, held, now=now, outcome="sent", attempt=attempt,
                values={"status": OutboxStatus.SENT, "sent_at": now, "lease_until": None, "last_error": None})
    return row.status


def _put_back(session: Session, row: OutboxMessage, held: _Claim, *, now: datetime,
              attempt: DeliveryAttempt | None) -> None:
    """Best effort on an interrupt: the row is due again now; its attempt stays counted."""
    try:
        session.rollback()
        _record(session, row, held, now=now, outcome="interrupted", attempt=attempt,
                error="interrupted before the outcome was known",
                values={"status": OutboxStatus.PENDING, "next_attempt_at": now, "lease_until": None})
    except Exception:
        log.exception("outbox %s: could not put the interrupted message back; its lease will expire", row.id)


def release(session: Session, claimed: Sequence[tuple[OutboxMessage, DeliveryAttempt]], *, worker_id: str,
            now: datetime) -> None:
    """Give back claims this worker will not deliver (it is stopping): due again now, and the
    attempt not counted. Best effort: if the database is unreachable their leases expire."""
    try:
        session.rollback()
        for row, attempt in claimed:
            held = _Claim(row.id, attempt.number, worker_id)
            _record(session, row, held, now=now, outcome="released", attempt=attempt,
                    values={"status": OutboxStatus.PENDING, "next_attempt_at": now, "lease_until": None,
                            "attempts": held.number - 1})
    except Exception:
        log.exception("could not release %d claimed messages; their leases will expire", len(claimed))
