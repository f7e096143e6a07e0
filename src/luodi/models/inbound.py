"""What came in from outside and was handled once: vendor card callbacks (their replays refused)
and the messages of the replies mailbox (each handled by one worker)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, UniqueConstraint
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


class MailReceipt(Base):
    """One message of the replies mailbox, handled once: (mailbox, UIDVALIDITY, UID) is unique."""

    __tablename__ = "mail_receipt"
    __table_args__ = (UniqueConstraint("mailbox", "uidvalidity", "uid", name="uq_mail_receipt_message"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(300))  # user@host:port/folder
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(20))  # confirmed | question | auto_reply | unknown_sender …
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime)
