"""The outbox: every message to send, written in the transaction that decided to send it.

Rows are claimed with a lease by the worker's deliver step; each attempt is a row of its own.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from luodi.db import StrEnumType, UTCDateTime
from luodi.domain.enums import OutboxStatus
from luodi.models.base import Base


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # The deliver step: "due pending rows, oldest first" and "expired leases".
        Index("ix_outbox_due", "status", "next_attempt_at", "id"),
        Index("ix_outbox_lease", "status", "lease_until"),
        Index("ix_outbox_meeting", "meeting_id", postgresql_where=text("meeting_id IS NOT NULL"),
              sqlite_where=text("meeting_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: planning the same message twice, on any number of workers, writes it once.
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(40))            # action_list | <rule id> | digest …
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(100))        # "email" or a channel's name
    address: Mapped[str | None] = mapped_column(String(254))  # email address for the email channel
    language: Mapped[str] = mapped_column(String(8), default="zh")
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    body_markdown: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)   # mentions, item ids …
    status: Mapped[OutboxStatus] = mapped_column(StrEnumType(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def message_id(self) -> str:
        """Stable per row, so a duplicate delivery is recognisable by the receiver."""
        digest = hashlib.sha1(self.key.encode()).hexdigest()[:12]
        return f"<outbox-{self.id}.{digest}@luodi>"


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempt"
    __table_args__ = (Index("ix_delivery_attempt_outbox", "outbox_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"))
    number: Mapped[int]
    worker: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20), default="sending")  # sending|sent|retry|dead|cancelled
    error: Mapped[str | None] = mapped_column(Text)


class RuleFiring(Base):
    """One rule firing for one subject, occasion, recipient and channel — recorded exactly once.

    Several firings due for one person at one moment share one outbox row (no storms).
    """

    __tablename__ = "rule_firing"
    __table_args__ = (
        Index("ix_rule_firing_item", "item_id"),
        # The plan step: "has this meeting's rule fired yet?" (services.planning._Planner.meetings).
        Index("ix_rule_firing_meeting", "meeting_id", "rule_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # (subject, rule, occasion, recipient, channel), e.g. "item:12|remind_before_3d|2026-09-27|p:4|email"
    key: Mapped[str] = mapped_column(String(255), unique=True)
    rule_id: Mapped[str] = mapped_column(String(60))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    occasion: Mapped[date] = mapped_column(Date)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    channel: Mapped[str | None] = mapped_column(String(100))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Channel(Base):
    """A group bot or webhook (Feishu, DingTalk, WeCom, Slack, generic webhook)."""

    __tablename__ = "channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)   # url, secret …
    enabled: Mapped[bool] = mapped_column(default=True)
    needs_attention: Mapped[bool] = mapped_column(default=False)   # a permanent error was seen
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlanState(Base):
    """Small facts the planner keeps between passes, e.g. the fingerprint of the rules in force."""

    __tablename__ = "plan_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class WorkerHeartbeat(Base):
    __tablename__ = "worker_heartbeat"

    worker_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
