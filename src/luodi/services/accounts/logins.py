"""Logging in: password checks with a per-account rate limit, and revocable web sessions.

Both live in the database, so they hold across any number of web processes: the failure count
and lock of an account are columns of its row (read under a row lock), a session is a row whose
``revoked_at`` ends it at once. The browser holds a random token; the row holds its SHA-256.

A session ends after :attr:`Lifetime.idle` without a request and :attr:`Lifetime.absolute` after
its login, whichever comes first (LUODI_SESSION_IDLE_HOURS, LUODI_SESSION_MAX_DAYS). Both are
checked against the row's own times on every request, so a shorter setting applies to the
sessions already open. A login always starts a new session (a new random token), and ends the
one whose cookie the browser presented, if any: a cookie known before login is worthless after.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from luodi.db import rowcount
from luodi.i18n import gettext as _
from luodi.models import User, WebSession
from luodi.services.accounts.passwords import hash_password, needs_rehash, verify_password
from luodi.services.audit import Actor, record
from luodi.services.errors import TooManyAttempts

MAX_FAILURES = 5                        # failed passwords within WINDOW lock the account …
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)            # … for this long
TOUCH_EVERY = timedelta(minutes=5)      # how often a busy session's expiry is pushed back (one write)


@dataclass(frozen=True)
class Lifetime:
    """How long a web session lives (from the settings: web/auth.py ``lifetime``)."""

    idle: timedelta = timedelta(hours=12)      # ends this long after its last request …
    absolute: timedelta = timedelta(days=7)    # … and this long after the login, busy or not

    @property
    def touch_every(self) -> timedelta:
        """How stale ``seen_at`` may get: TOUCH_EVERY, or a tenth of a short idle lifetime."""
        return min(TOUCH_EVERY, self.idle / 10)

    def expiry(self, row: WebSession) -> datetime:
        return min(row.seen_at + self.idle, row.created_at + self.absolute)


DEFAULT_LIFETIME = Lifetime()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the name is unknown, so both answers take the same time."""
    return hash_password(secrets.token_urlsafe(16))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, name: str, password: str, *, now: datetime) -> User | None:
    """The active user with this name and password, or None (a failure is counted; commit either way).

    Raises TooManyAttempts while the account is locked, without looking at the password.
    """
    user = session.scalar(select(User).where(User.name == name.strip()).with_for_update(of=User))
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise TooManyAttempts(_("Too many failed attempts. Try again in {n} minutes.").format(n=minutes),
                              field="password")
    if not verify_password(user.password_hash, password) or not user.active:
        _count_failure(session, user, now=now)
        return None
    if user.failed_logins:
        user.failed_logins, user.failed_since, user.locked_until = 0, None, None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _count_failure(session: Session, user: User, *, now: datetime) -> None:
    if user.failed_since is None or now - user.failed_since > WINDOW:
        user.failed_logins, user.failed_since = 1, now
    else:
        user.failed_logins += 1
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = now + LOCK
        record(session, actor=Actor.system("login"), at=now, entity="user", entity_id=user.id, action="locked",
               after=user.locked_until)


@dataclass(frozen=True)
class StartedSession:
    token: str           # the cookie value (only the browser keeps it)
    row: WebSession


def start_session(session: Session, user: User, *, now: datetime, lifetime: Lifetime = DEFAULT_LIFETIME,
                  replacing: str | None = None) -> StartedSession:
    """A new session with a fresh random token and CSRF token; ``replacing`` (the cookie the browser
    brought to the login form) is ended, so no session id survives a login (no fixation)."""
    if replacing:
        end_session(session, replacing, now=now)
    token = secrets.token_urlsafe(32)
    row = WebSession(id=digest(token), user_id=user.id, csrf=secrets.token_urlsafe(32), created_at=now,
                     seen_at=now, expires_at=now)
    row.expires_at = lifetime.expiry(row)
    session.add(row)
    session.flush()
    return StartedSession(token, row)


def resolve(session: Session, token: str, *, now: datetime, lifetime: Lifetime = DEFAULT_LIFETIME
            ) -> tuple[WebSession, User] | None:
    """The live session of the cookie ``token`` and its user, or None (ended, idle or too old, deactivated).

    Reads only (a read-only session will do); see :func:`needs_touch` for the idle expiry.
    """
    found = session.execute(
        select(WebSession, User).join(User, User.id == WebSession.user_id).where(WebSession.id == digest(token))
    ).first()
    if found is None:
        return None
    row, user = found
    if row.revoked_at is not None or min(row.expires_at, lifetime.expiry(row)) <= now or not user.active:
        return None
    return row, user


def needs_touch(row: WebSession, *, now: datetime, lifetime: Lifetime = DEFAULT_LIFETIME) -> bool:
    """Push the idle expiry back at most every ``touch_every``: one write per busy session, not per request."""
    return now - row.seen_at >= lifetime.touch_every


def touch(session: Session, session_id: str, *, now: datetime, lifetime: Lifetime = DEFAULT_LIFETIME) -> None:
    row = session.get(WebSession, session_id)
    if row is not None and row.revoked_at is None:
        row.seen_at = now
        row.expires_at = lifetime.expiry(row)


def end_session(session: Session, token: str, *, now: datetime) -> bool:
    result = session.execute(update(WebSession).where(WebSession.id == digest(token),
                                                      WebSession.revoked_at.is_(None)).values(revoked_at=now))
    return rowcount(result) == 1


def end_all(session: Session, user_id: int, *, now: datetime) -> int:
    """End every session of the user at once (deactivation, new password)."""
    result = session.execute(update(WebSession).where(WebSession.user_id == user_id,
                                                      WebSession.revoked_at.is_(None)).values(revoked_at=now))
    return rowcount(result)
