"""Working days, quiet hours and local time (RULE-2), as pure functions.

A :class:`Calendar` answers "is this date a working day?" for one of three kinds:

- ``china`` (default): mainland China with official holidays and adjusted working days (调休),
  from the ``chinese_calendar`` package (data for 2004–2026 in 1.11). A year the package does not
  know and that no override mentions falls back to weekends-only, and the calendar records it so
  the CLI can print :meth:`Calendar.warnings`.
- ``weekends``: Monday–Friday are working days.
- ``none``: every day is a working day.

Overrides (``{date: is_workday}``, see :func:`load_overrides`) win over every kind.
Rules reason in naive *local* time; :func:`to_local` and :func:`to_utc` convert at the edges.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any

import chinese_calendar

from luodi.i18n import gettext as _

# How far a search for a working day may go before the calendar is declared broken
# (an override file that makes a whole year a holiday). The longest real run is ~9 days.
MAX_SEARCH_DAYS = 366
_WORKDAY, _HOLIDAY = "workday", "holiday"


class CalendarKind(StrEnum):
    CHINA = "china"
    WEEKENDS = "weekends"
    NONE = "none"


class Shift(StrEnum):
    """Which way an occasion moves when it falls on a non-working day."""

    EARLIER = "earlier"  # reminders, the at-risk check: give the owner time
    LATER = "later"  # escalations, the delayed mark: never before the due moment


class Calendar:
    """Working-day calendar. Cheap to build; safe to share (the only state is the warning set)."""

    __slots__ = ("_fallback_years", "_override_years", "kind", "overrides")

    def __init__(
        self, kind: CalendarKind | str = CalendarKind.CHINA, overrides: Mapping[date, bool] | None = None
    ) -> None:
        """Raise ValueError when ``kind`` is not one of ``china``, ``weekends``, ``none``."""
        try:
            self.kind = CalendarKind(kind)
        except ValueError:
            choices = ", ".join(k.value for k in CalendarKind)
            raise ValueError(_("calendar: unknown kind {kind!r} (choose {choices})").format(
                kind=kind, choices=choices)) from None
        self.overrides: dict[date, bool] = dict(overrides or {})
        self._override_years = frozenset(day.year for day in self.overrides)
        self._fallback_years: set[int] = set()

    def __repr__(self) -> str:
        return f"Calendar({self.kind.value!r}, overrides={len(self.overrides)})"

    def is_workday(self, day: date) -> bool:
        """True when ``day`` is a working day; never raises for any year."""
        if day in self.overrides:
            return self.overrides[day]
        if self.kind is CalendarKind.NONE:
            return True
        if self.kind is CalendarKind.CHINA:
            if _china_knows(day.year):
                return _china_workday(day)
            if day.year not in self._override_years:
                self._fallback_years.add(day.year)
        return day.weekday() < 5

    def has_data(self, year: int) -> bool:
        """True when ``chinese_calendar`` knows ``year`` (only meaningful for ``china``)."""
        return _china_knows(year)

    def uncovered_years(self, first: date, last: date) -> list[int]:
        """Years in ``[first, last]`` that a ``china`` calendar would treat as weekends-only."""
        if self.kind is not CalendarKind.CHINA:
            return []
        years = range(first.year, last.year + 1)
        return [y for y in years if not _china_knows(y) and y not in self._override_years]

    def warnings(self) -> list[str]:
        """One translated line per year that was answered weekends-only for lack of data."""
        message = _("No holiday data for {year}: weekends only; add an override file.")
        return [message.format(year=year) for year in sorted(self._fallback_years)]

    def roll(self, day: date, shift: Shift) -> date:
        """``day`` when it is a working day, else the nearest working day before/after it."""
        if self.is_workday(day):
            return day
        return self.previous_workday(day) if shift is Shift.EARLIER else self.next_workday(day)

    def next_workday(self, day: date) -> date:
        """The first working day strictly after ``day``; ValueError if none within a year."""
        return self._search(day, 1)

    def previous_workday(self, day: date) -> date:
        """The last working day strictly before ``day``; ValueError if none within a year."""
        return self._search(day, -1)

    def add_workdays(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``count`` ≥ 0; 0 returns ``day``)."""
        if count < 0:
            raise ValueError("count must be >= 0")
        for _step in range(count):
            day = self.next_workday(day)
        return day

    def _search(self, day: date, step: int) -> date:
        for distance in range(1, MAX_SEARCH_DAYS + 1):
            candidate = day + timedelta(days=step * distance)
            if self.is_workday(candidate):
                return candidate
        raise ValueError(_("calendar: no working day within a year of {day}").format(day=day))


@lru_cache(maxsize=8192)
def _china_workday(day: date) -> bool:
    """chinese_calendar's answer, memoised: the package re-derives its date bounds on every
    call (~35 µs); the plan step asks about the same few hundred days on every tick."""
    return bool(chinese_calendar.is_workday(day))


@cache
def _china_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 7, 1))
    except NotImplementedError:
        return False
    return True


def parse_overrides(days: Mapping[str, Any], *, source: str = "[days]") -> dict[date, bool]:
    """Read a ``[days]`` table: ``"2027-01-01" = "holiday"``, ``"2027-02-07" = "workday"``.

    A key may be a range ``"2027-02-10..2027-02-16"`` (both ends included). Raise ValueError
    naming ``source`` and the key when a key is not a date (range) or a value is not one of
    ``holiday``/``workday``.
    """
    result: dict[date, bool] = {}
    for key, value in days.items():
        if value not in (_WORKDAY, _HOLIDAY):
            raise ValueError(_('{source}: {key!r} must be "holiday" or "workday", not {value!r}').format(
                source=source, key=key, value=value))
        for day in _date_range(str(key), source):
            result[day] = value == _WORKDAY
    return result


def _date_range(key: str, source: str) -> Iterable[date]:
    first_text, _sep, last_text = key.partition("..")
    try:
        first = date.fromisoformat(first_text.strip())
        last = date.fromisoformat(last_text.strip()) if last_text else first
    except ValueError:
        raise ValueError(_("{source}: {key!r} is not a date YYYY-MM-DD or a range A..B").format(
            source=source, key=key)) from None
    if last < first or (last - first).days > MAX_SEARCH_DAYS:
        raise ValueError(_("{source}: range {key!r} is empty or longer than a year").format(
            source=source, key=key))
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


def load_overrides(text: str, *, source: str = "override file") -> dict[date, bool]:
    """Parse an override file (TOML with one ``[days]`` table); ValueError names ``source``."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{source}: {error}") from None
    days = document.get("days")
    if not isinstance(days, dict):
        raise ValueError(_("{source}: missing [days] table").format(source=source))
    return parse_overrides(days, source=f"{source} [days]")


@dataclass(frozen=True)
class QuietHours:
    """A daily local-time window in which nothing is sent; ``start > end`` crosses midnight.

    ``start == end`` means no quiet hours at all.
    """

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """``"21:00-08:00"`` → QuietHours; ValueError on anything else."""
        first, _sep, last = text.partition("-")
        try:
            return cls(time.fromisoformat(first.strip()), time.fromisoformat(last.strip()))
        except ValueError:
            raise ValueError(_('quiet hours: expected "HH:MM-HH:MM", got {text!r}').format(
                text=text)) from None

    def contains(self, moment: time) -> bool:
        """True when a message at local ``moment`` would fall inside the quiet window."""
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def release(self, moment: datetime) -> datetime:
        """``moment`` itself outside quiet hours, else the end of the quiet period it is in.

        The result is never earlier than ``moment`` and less than 24 hours after it.
        """
        if not self.contains(moment.time()):
            return moment
        end_day = moment.date()
        if self.start > self.end and moment.time() >= self.start:
            end_day += timedelta(days=1)
        return datetime.combine(end_day, self.end, moment.tzinfo)


DEFAULT_QUIET_HOURS = QuietHours(time(21, 0), time(8, 0))


def to_local(moment: datetime, zone: tzinfo) -> datetime:
    """An aware instant → naive local wall time in ``zone`` (ValueError if ``moment`` is naive)."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(zone).replace(tzinfo=None)


def to_utc(local: datetime, zone: tzinfo) -> datetime:
    """Naive local wall time in ``zone`` → aware UTC. Ambiguous/missing DST times use fold=0."""
    if local.tzinfo is not None:
        raise ValueError("local must be naive")
    return local.replace(tzinfo=zone).astimezone(UTC)
