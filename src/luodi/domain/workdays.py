"""Working days, quiet hours and local time (RULE-2), as pure functions.

A :class:`Calendar` answers "is this date a working day?" for one of three kinds:

- ``china`` (default): mainland China with official holidays and adjusted working days (调休).
  Per year, the first source that has the year answers (:class:`CalendarSource`):
  ``official`` — the ``chinese_calendar`` package (2004–2026 in 1.11); ``loaded`` — a schedule
  the admin loaded from the State Council's notice (``luodi calendar import``, a
  :class:`YearSchedule`); ``statutory`` — the statutory holidays of the ``holidays`` package
  (补假 included), without any 调休 working day. A statutory year is recorded so every command
  that reasons about it can print :meth:`Calendar.warnings`.
- ``weekends``: Monday–Friday are working days.
- ``none``: every day is a working day.

Overrides (``{date: is_workday}``, see :func:`load_overrides`) win over every kind.
Rules reason in naive *local* time; :func:`to_local` and :func:`to_utc` convert at the edges.

Over 300 lines: the calendar's three sources, the override file, quiet hours and local time are
the one RULE-2 API other modules (capture's 个工作日, the rules) import from here; splitting it
would move public names while others build on them.
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


class CalendarSource(StrEnum):
    """Where a ``china`` calendar's answer for one year comes from, best first."""

    OFFICIAL = "official"  # chinese_calendar's data
    LOADED = "loaded"  # the admin's import of the State Council notice
    STATUTORY = "statutory"  # the law's holidays only: no 调休 working days, 调休 days off unknown


@dataclass(frozen=True)
class YearSchedule:
    """One year's holidays and 调休 working days, as the State Council's notice gives them.

    ``holidays`` holds every date inside the notice's 放假 ranges (weekends included);
    ``workdays`` every weekend date it names as 上班. Dates may spill into the neighbouring
    year (元旦 from 30 December); a named date wins over every other source but the overrides.
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_workday(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5


class Shift(StrEnum):
    """Which way an occasion moves when it falls on a non-working day."""

    EARLIER = "earlier"  # reminders, the at-risk check: give the owner time
    LATER = "later"  # escalations, the delayed mark: never before the due moment


class Calendar:
    """Working-day calendar. Cheap to build; safe to share (the only state is the warning set)."""

    __slots__ = ("_fallback_years", "_loaded_days", "_override_years", "kind", "loaded", "overrides")

    def __init__(
        self, kind: CalendarKind | str = CalendarKind.CHINA, overrides: Mapping[date, bool] | None = None,
        loaded: Iterable[YearSchedule] = (),
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
        self.loaded: dict[int, YearSchedule] = {}
        self._loaded_days: dict[date, bool] = {}
        self.set_loaded(loaded)

    def __repr__(self) -> str:
        return f"Calendar({self.kind.value!r}, overrides={len(self.overrides)}, loaded={sorted(self.loaded)})"

    def set_loaded(self, schedules: Iterable[YearSchedule]) -> bool:
        """Replace the admin-loaded schedules; True when that changed any answer."""
        loaded = {schedule.year: schedule for schedule in schedules}
        if loaded == self.loaded:
            return False
        days: dict[date, bool] = {}
        for schedule in sorted(loaded.values(), key=lambda s: s.year):
            days.update({day: True for day in schedule.workdays})
            days.update({day: False for day in schedule.holidays})
        self.loaded, self._loaded_days = loaded, days
        self._fallback_years.clear()
        return True

    def fingerprint(self) -> str:
        """What the answers depend on, for caches and the plan schedule's reset."""
        loaded = sorted((y, sorted(s.holidays), sorted(s.workdays)) for y, s in self.loaded.items())
        return repr((self.kind.value, sorted(self.overrides.items()), loaded))

    def is_workday(self, day: date) -> bool:
        """True when ``day`` is a working day; never raises for any year."""
        if day in self.overrides:
            return self.overrides[day]
        if self.kind is CalendarKind.NONE:
            return True
        if self.kind is CalendarKind.CHINA:
            if day in self._loaded_days:
                return self._loaded_days[day]
            if _china_knows(day.year):
                return _china_workday(day)
            if day.year in self.loaded or day.year in self._override_years:
                return day.weekday() < 5  # the admin's schedule: what it does not name is a normal day
            self._fallback_years.add(day.year)
            return day not in statutory_holidays(day.year) and day.weekday() < 5
        return day.weekday() < 5

    def source(self, year: int) -> CalendarSource | None:
        """Which source answers for ``year`` (None for the ``weekends`` and ``none`` kinds)."""
        if self.kind is not CalendarKind.CHINA:
            return None
        if _china_knows(year):
            return CalendarSource.OFFICIAL
        if year in self.loaded or year in self._override_years:
            return CalendarSource.LOADED  # a notice in the database, or the LUODI_CALENDAR_OVERRIDES file
        return CalendarSource.STATUTORY

    def schedule(self, year: int) -> YearSchedule:
        """``year``'s holidays (every non-working weekday and every holiday-range date) and
        调休 working days, from whichever source answers for it; overrides applied."""
        days = [date(year, 1, 1) + timedelta(days=n) for n in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)]
        if self.kind is CalendarKind.CHINA and self.source(year) is CalendarSource.OFFICIAL:
            named = {d for d in days if d in chinese_calendar.holidays}
        elif self.kind is CalendarKind.CHINA and year in self.loaded:
            named = {d for d in self.loaded[year].holidays if d.year == year}
        elif self.kind is CalendarKind.CHINA and self.source(year) is CalendarSource.STATUTORY:
            named = set(statutory_holidays(year))
        else:
            named = set()
        holidays = {d for d in days if (d in named and not self.overrides.get(d, False))
                    or (not self.is_workday(d) and d.weekday() < 5)}
        workdays = {d for d in days if d.weekday() >= 5 and self.is_workday(d)}
        return YearSchedule(year, frozenset(holidays), frozenset(workdays))

    def has_data(self, year: int) -> bool:
        """True when ``year`` has official or loaded data (only meaningful for ``china``)."""
        return _china_knows(year) or year in self.loaded

    def uncovered_years(self, first: date, last: date) -> list[int]:
        """Years in ``[first, last]`` that a ``china`` calendar answers from statutory data only."""
        if self.kind is not CalendarKind.CHINA:
            return []
        years = range(first.year, last.year + 1)
        return [y for y in years if not self.has_data(y) and y not in self._override_years]

    def warnings(self) -> list[str]:
        """One translated line per year that was answered from statutory data only."""
        return [statutory_warning(year) for year in sorted(self._fallback_years)]

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


def statutory_warning(year: int) -> str:
    """The one line every command and page shows for a date in a statutory-only year."""
    return _("No official holiday schedule for {year}: statutory holidays only, no 调休 working days; "
             "load the State Council notice with `luodi calendar import`.").format(year=year)


@cache
def statutory_holidays(year: int) -> frozenset[date]:
    """The statutory holidays of ``year`` (补假 for one that falls on a weekend included) from
    the ``holidays`` package, without the days off it knows from a notice (those come with
    调休 working days that only a notice gives). Imported here: the package costs ~0.3 s to load,
    which only a statutory year pays."""
    import holidays as holiday_data

    days = holiday_data.country_holidays("CN", years=year, language="en_US")
    return frozenset(day for day, name in days.items()
                     if day.year == year and not any(part.startswith("Day off") for part in name.split("; ")))


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
