"""The working-day calendar's stored part: the holiday notices the admin loaded, and the warnings.

Shared by the rules (RuleContext), capture (lint and import), the board and the item page, so it
lives on top of the service subpackages. The calendar itself is pure (``domain.workdays``); this
module reads and writes the ``calendar_year`` rows it is fed from.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.holiday_notice import Notice
from luodi.domain.workdays import Calendar, CalendarKind, CalendarSource, YearSchedule, statutory_warning
from luodi.models import CalendarYear
from luodi.services.audit import Actor, record

IMPORT_HINT = "luodi calendar import"


def loaded_schedules(session: Session) -> list[YearSchedule]:
    """Every loaded year (a handful of rows)."""
    return [
        YearSchedule(row.year, frozenset(date.fromisoformat(d) for d in row.holidays),
                     frozenset(date.fromisoformat(d) for d in row.workdays))
        for row in session.scalars(select(CalendarYear).order_by(CalendarYear.year))
    ]


def refresh(session: Session, calendar: Calendar) -> bool:
    """Give ``calendar`` the schedules in the database; True when that changed its answers."""
    if calendar.kind is not CalendarKind.CHINA:
        return False
    return calendar.set_loaded(loaded_schedules(session))


def store(session: Session, notice: Notice, *, actor: Actor, now: datetime) -> CalendarYear:
    """Store (or replace) the notice's year; audited with the number of dates before and after."""
    schedule = notice.schedule
    row = session.get(CalendarYear, notice.year)
    before = f"{len(row.holidays)} holidays, {len(row.workdays)} workdays" if row else None
    if row is None:
        row = CalendarYear(year=notice.year)
        session.add(row)
    row.holidays = sorted(d.isoformat() for d in schedule.holidays)
    row.workdays = sorted(d.isoformat() for d in schedule.workdays)
    row.loaded_by, row.loaded_at = actor.label, now
    session.flush()
    record(session, actor=actor, at=now, entity="calendar", entity_id=notice.year, action="loaded",
           field="schedule", before=before,
           after=f"{len(row.holidays)} holidays, {len(row.workdays)} workdays")
    return row


def schedule_json(schedule: YearSchedule) -> dict[str, Any]:
    """The contract's document: ``{"year", "holidays": [...], "workdays": [...]}``, sorted ISO dates."""
    return {"year": schedule.year, "holidays": sorted(d.isoformat() for d in schedule.holidays),
            "workdays": sorted(d.isoformat() for d in schedule.workdays)}


def year_json(calendar: Calendar, year: int) -> dict[str, Any]:
    """``luodi calendar show YEAR --json``: the schedule plus where it comes from."""
    source = calendar.source(year)
    return schedule_json(calendar.schedule(year)) | {"source": source.value if source else calendar.kind.value}


def statutory_years(calendar: Calendar, days: list[date]) -> list[int]:
    """The years among ``days`` that only statutory data covers, sorted."""
    return sorted({d.year for d in days if calendar.source(d.year) is CalendarSource.STATUTORY})


def date_warnings(calendar: Calendar, days: list[date]) -> list[str]:
    """One line per statutory-only year among ``days`` (what lint, import, timeline and pages show)."""
    return [statutory_warning(year) for year in statutory_years(calendar, days)]


def _coming_days(today: date) -> list[date]:
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    return [date(year, 1, 1) for year in years]


def statutory_year_warnings(calendar: Calendar, years: Iterable[int]) -> list[str]:
    """One line per statutory-only year among ``years``."""
    return date_warnings(calendar, [date(year, 1, 1) for year in years])


def coming_warnings(calendar: Calendar, today: date) -> list[str]:
    """The loud warning: this year, or from 1 November on the next year too, has statutory data only."""
    return date_warnings(calendar, _coming_days(today))


def page_warnings(session: Session, calendar: Calendar, *, today: date, days: Iterable[date] = ()) -> list[str]:
    """The board's and the item page's lines: the loaded notices read first, then one line per
    statutory-only year among ``days`` (the dates shown) and the coming year (from 1 November)."""
    refresh(session, calendar)
    return date_warnings(calendar, [*days, *_coming_days(today)])
