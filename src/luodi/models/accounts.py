"""Accounts (NF-4): users linked to people, their roles per project, web sessions and API tokens.

Secrets are never stored: sessions and tokens are kept as SHA-256 digests of what the client
holds, passwords as argon2 hashes.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from luodi.db import StrEnumType, UTCDateTime
from luodi.domain.roles import Role
from luodi.models.base import Base

if TYPE_CHECKING:
    from luodi.models.people import Person


class User(Base):
    """Someone who logs in. Always one person of the directory (the one whose items are "mine")."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)          # the login name
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(String(8))              # None: the person's language
    active: Mapped[bool] = mapped_column(default=True)
    # Login rate limit, kept here so every process sees it (services.logins).
    failed_logins: Mapped[int] = mapped_column(default=0)
    failed_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(lazy="joined")


class UserRole(Base):
    """A role in one project; ``project_id`` None means in every project."""

    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "project_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(StrEnumType(Role))


class WebSession(Base):
    """A login in a browser. Logout or deactivation sets ``revoked_at``: the cookie stops working at once."""

    __tablename__ = "web_session"
    __table_args__ = (Index("ix_web_session_user", "user_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)       # sha256 of the cookie value
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))                       # the forms' CSRF token
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A personal API token (``Authorization: Bearer …``), shown once, kept as a digest."""

    __tablename__ = "api_token"
    __table_args__ = (Index("ix_api_token_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))                     # the token's first characters
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    read_only: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")
