"""What other systems hold of luodi: calendar feed tokens (INT-3) and webhook subscriptions (INT-4)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from luodi.db import UTCDateTime
from luodi.models.base import Base


class FeedToken(Base):
    """The secret of one calendar feed URL: a person's or a meeting's. Rotating replaces the token
    (the old URL answers 404 at once)."""

    __tablename__ = "feed_token"
    __table_args__ = (UniqueConstraint("kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))          # "person" | "meeting"
    subject_id: Mapped[int]                                 # the person's or the meeting's id
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
