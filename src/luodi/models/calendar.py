"""Holiday schedules the admin loaded from the State Council's notice (``luodi calendar import``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from luodi.db import UTCDateTime
from luodi.models.base import Base


class CalendarYear(Base):
    """One year's 放假 dates and 上班 (调休) dates; the calendar's second source after chinese_calendar."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    holidays: Mapped[list[Any]] = mapped_column(JSON, default=list)   # ["YYYY-MM-DD", …]
    workdays: Mapped[list[Any]] = mapped_column(JSON, default=list)   # ["YYYY-MM-DD", …]
    loaded_by: Mapped[str | None] = mapped_column(String(100))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
