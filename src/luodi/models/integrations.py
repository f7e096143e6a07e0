"""What other systems hold of luodi: calendar feed tokens (INT-3) and webhook subscriptions (INT-4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
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


class WebhookSubscription(Base):
    """An outgoing webhook (INT-4): a URL told of chosen events, signed per Standard Webhooks with
    its own ``whsec_`` secret (kept, since luodi signs with it). ``since_audit_id``: the audit log's
    newest id when it was added, so it hears only of what happens afterwards."""

    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[Any]] = mapped_column(JSON, default=list)      # ["item.created", …]
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))  # None: all
    secret: Mapped[str] = mapped_column(String(100))
    allow_private: Mapped[bool] = mapped_column(default=False)         # an admin allowed a private address
    enabled: Mapped[bool] = mapped_column(default=True)
    since_audit_id: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
