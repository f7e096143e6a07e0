"""Projects: items are numbered per project (T001, T002 …)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from luodi.db import UTCDateTime
from luodi.models.base import Base


class Project(Base):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code_prefix: Mapped[str] = mapped_column(String(8), default="T")
    # The last number handed out; incremented under the row lock of the importing transaction.
    last_item_number: Mapped[int] = mapped_column(default=0)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # Per-project overrides: rules, channels for people, language … (see docs/configuration.md).
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
