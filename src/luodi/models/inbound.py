"""What came in from outside and was handled once: vendor card callbacks (and their replays refused)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from luodi.db import UTCDateTime
from luodi.models.base import Base


class CallbackReceipt(Base):
    """One card-action callback accepted from a vendor (Feishu event_id, WeCom ResponseCode).

    Unique per vendor and event: a replayed callback finds its row and changes nothing.
    """

    __tablename__ = "callback_receipt"
    __table_args__ = (UniqueConstraint("vendor", "event_id", name="uq_callback_receipt_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
