"""The people directory: everyone who can own an item, attend a meeting or supervise."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from luodi.db import UTCDateTime
from luodi.models.base import Base


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    feishu_open_id: Mapped[str | None] = mapped_column(String(100))
    dingtalk_user_id: Mapped[str | None] = mapped_column(String(100))
    wecom_user_id: Mapped[str | None] = mapped_column(String(100))
    slack_user_id: Mapped[str | None] = mapped_column(String(100))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    # Set by hand (靠谱的老搭档 / 有延期历史 / 首次合作); None means "computed from history".
    profile: Mapped[str | None] = mapped_column(String(20))
    # This person's direct channels: "email", "im" (the IM app bots), "email,im" or "none" ("bot" is the
    # older name of "im"); None = both (services.send.directs).
    notify: Mapped[str | None] = mapped_column(String(40))
    # Other names this person goes by, separated by "|" (Alice|丽丽): a list naming one of them is
    # asked "did you mean …?" (domain/names.py).
    aliases: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    supervisor: Mapped[Person | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    @property
    def alias_list(self) -> list[str]:
        """The aliases, one per entry."""
        return [alias.strip() for alias in (self.aliases or "").split("|") if alias.strip()]

    @property
    def reachable(self) -> bool:
        """Has at least one way to be reached (email, phone or an IM handle)."""
        return any(
            (self.email, self.phone, self.feishu_open_id, self.dingtalk_user_id, self.wecom_user_id,
             self.slack_user_id)
        )
