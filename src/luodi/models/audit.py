"""The append-only audit log: every change a person or a rule makes (who, when, from → to)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from luodi.db import StrEnumType, UTCDateTime
from luodi.domain.enums import ActorKind
from luodi.models.base import Base


class AuditEntry(Base):
    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_item", "item_id", "id"),
        Index("ix_audit_entity", "entity", "entity_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_kind: Mapped[ActorKind] = mapped_column(StrEnumType(ActorKind))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    actor_label: Mapped[str | None] = mapped_column(String(100))   # a rule id, "cli", "import"
    entity: Mapped[str] = mapped_column(String(30))                # item | meeting | person | outbox …
    entity_id: Mapped[int]
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))                # created | changed | confirmed …
    field: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
