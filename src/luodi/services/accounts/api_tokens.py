"""Personal API tokens (INT-4): ``Authorization: Bearer ld_…``, shown once, stored as SHA-256.

A token acts as its user, with the user's roles; a read-only token only reads. Deactivating the
user stops every token at once (the check reads the user's ``active`` flag on each request).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.models import ApiToken, User
from luodi.services.accounts.logins import digest
from luodi.services.audit import Actor, record
from luodi.services.errors import NotFound
from luodi.services.text import clean_text

PREFIX = "ld_"
TOUCH_EVERY = timedelta(minutes=1)   # last_used_at is written at most this often per token


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str          # the value to print once


def create(session: Session, user: User, *, name: str = "cli", read_only: bool = False, now: datetime,
           actor: Actor | None = None) -> NewToken:
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=clean_text(name, field="name", max_length=100), prefix=secret[:10],
                   token_hash=digest(secret), read_only=read_only, created_at=now)
    session.add(row)
    session.flush()
    record(session, actor=actor or Actor.system("cli"), at=now, entity="api_token", entity_id=row.id,
           action="created",
           after=f"{user.name}{' read-only' if read_only else ''}")
    return NewToken(row, secret)


def resolve(session: Session, secret: str, *, now: datetime) -> ApiToken | None:
    """The live token for ``secret`` (its user active), or None. Reads only (see :func:`needs_touch`)."""
    if not secret.startswith(PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row


def needs_touch(row: ApiToken, *, now: datetime) -> bool:
    """``last_used_at`` is written at most every TOUCH_EVERY per token."""
    return row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY


def touch(session: Session, token_id: int, *, now: datetime) -> None:
    row = session.get(ApiToken, token_id)
    if row is not None:
        row.last_used_at = now


def revoke(session: Session, token_id: int, *, now: datetime, actor: Actor | None = None) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("token", token_id)
    if row.revoked_at is None:
        row.revoked_at = now
        record(session, actor=actor or Actor.system("cli"), at=now, entity="api_token", entity_id=row.id,
               action="revoked")
    return row


def list_tokens(session: Session, *, user: User | None = None) -> list[dict[str, object]]:
    query = select(ApiToken).order_by(ApiToken.id)
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return [
        {"id": t.id, "user": t.user.name, "name": t.name, "prefix": t.prefix + "…", "read_only": t.read_only,
         "created_at": t.created_at.isoformat(),
         "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
         "state": "revoked" if t.revoked_at else "active"}  # JSON stays English; the CLI translates
        for t in session.scalars(query)
    ]
