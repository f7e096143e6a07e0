"""RULE-2's calendar at its edges, and the contract that errors name the source and the key.

A year's schedule (what `luodi calendar show` prints and the notice import compares with) lists
exactly that year's dates: the holidays (every non-working weekday and every date inside a notice's
or the law's holiday ranges, weekends included) and the weekend days that are working days (调休);
an override wins over every source. A search for a working day looks a full year (366 days) ahead
and no further. Quiet hours start inclusive and end exclusive. Messages asserted in English.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from luodi.domain.workdays import (
    MAX_SEARCH_DAYS,
    Calendar,
    CalendarSource,
    QuietHours,
    YearSchedule,
    load_overrides,
    parse_overrides,
    to_local,
    to_utc,
)
from luodi.i18n import use_language

SHANGHAI = ZoneInfo("Asia/Shanghai")


def message(call: object, *args: object, **kwargs: object) -> str:
    assert callable(call)
    with use_language("en"), pytest.raises(ValueError) as caught:
        call(*args, **kwargs)
    return str(caught.value)


# ---------------------------------------------------------------- one year's schedule

def test_a_schedule_covers_its_year_from_1_january_to_31_december_and_nothing_else() -> None:
    overrides = {date(2027, 1, 1): False, date(2027, 12, 31): False,  # two Fridays off
                 date(2027, 1, 2): True,  # a Saturday worked
                 date(2026, 12, 31): False, date(2028, 1, 3): False}  # the neighbouring years'
    schedule = Calendar("weekends", overrides).schedule(2027)
    assert schedule == YearSchedule(2027, frozenset({date(2027, 1, 1), date(2027, 12, 31)}),
                                    frozenset({date(2027, 1, 2)}))


def test_an_official_year_lists_whole_holiday_ranges_and_the_adjusted_working_days() -> None:
    schedule = Calendar().schedule(2026)
    assert schedule.year == 2026
    assert {date(2026, 10, 1) + timedelta(days=n) for n in range(7)} <= schedule.holidays  # 国庆, Sat 3 and Sun 4 too
    assert date(2026, 1, 1) in schedule.holidays
    assert date(2026, 10, 10) in schedule.workdays  # the Saturday worked for 国庆 (调休)
    assert date(2026, 10, 17) not in schedule.holidays | schedule.workdays  # a plain Saturday is neither
    assert all(day.year == 2026 for day in schedule.holidays | schedule.workdays)
    assert all(day.weekday() >= 5 for day in schedule.workdays)


def test_an_override_to_work_takes_a_day_out_of_the_holidays() -> None:
    schedule = Calendar(overrides={date(2026, 10, 8): True, date(2026, 10, 3): True}).schedule(2026)
    assert date(2026, 10, 8) not in schedule.holidays and date(2026, 10, 8) not in schedule.workdays  # a Thursday
    assert date(2026, 10, 3) in schedule.workdays and date(2026, 10, 3) not in schedule.holidays  # a Saturday


def test_a_loaded_notice_gives_its_years_schedule_without_the_spill_into_the_next_year() -> None:
    notice = YearSchedule(2035, frozenset({date(2035, 10, 1) + timedelta(days=n) for n in range(7)}
                                          | {date(2036, 1, 1)}),
                          frozenset({date(2035, 9, 29)}))  # Saturday 29 September worked
    calendar = Calendar(loaded=[notice])
    assert calendar.source(2035) is CalendarSource.LOADED
    schedule = calendar.schedule(2035)
    assert {date(2035, 10, 6), date(2035, 10, 7)} <= schedule.holidays  # the range's weekend
    assert date(2036, 1, 1) not in schedule.holidays
    assert schedule.workdays == frozenset({date(2035, 9, 29)})
    assert date(2035, 1, 1) not in schedule.holidays  # what the notice does not name is a normal day
    assert not calendar.is_workday(date(2035, 1, 6))  # … and a normal Saturday is off
    assert calendar.is_workday(date(2035, 1, 5))


def test_a_statutory_year_lists_the_laws_holidays_even_on_a_weekend() -> None:
    calendar = Calendar()
    assert calendar.source(2039) is CalendarSource.STATUTORY
    schedule = calendar.schedule(2039)
    assert date(2039, 1, 1) in schedule.holidays  # 元旦 on a Saturday
    assert date(2039, 1, 3) in schedule.holidays  # and the Monday given instead
    assert schedule.workdays == frozenset()  # no 调休 without a notice


def test_the_newer_notice_wins_for_a_date_both_name() -> None:
    old = YearSchedule(2035, frozenset({date(2036, 1, 2)}), frozenset())
    new = YearSchedule(2036, frozenset(), frozenset({date(2036, 1, 2)}))  # 2 January 2036 is worked after all
    assert Calendar(loaded=[new, old]).is_workday(date(2036, 1, 2))
    assert Calendar(loaded=[old, new]).is_workday(date(2036, 1, 2))


def test_a_year_schedule_answers_for_its_dates() -> None:
    schedule = YearSchedule(2035, frozenset({date(2035, 10, 1), date(2035, 10, 6)}), frozenset({date(2035, 9, 29)}))
    assert not schedule.is_workday(date(2035, 10, 1))  # a Monday off
    assert not schedule.is_workday(date(2035, 10, 6))  # a Saturday inside the range
    assert schedule.is_workday(date(2035, 9, 29))  # the Saturday worked
    assert not schedule.is_workday(date(2035, 10, 13)) and not schedule.is_workday(date(2035, 10, 14))
    assert schedule.is_workday(date(2035, 10, 12))  # a plain Friday


def test_a_calendar_describes_itself() -> None:
    notice = YearSchedule(2035, frozenset(), frozenset())
    assert repr(Calendar("weekends", {date(2027, 1, 1): False})) == "Calendar('weekends', overrides=1, loaded=[])"
    assert repr(Calendar(loaded=[notice])) == "Calendar('china', overrides=0, loaded=[2035])"


# ---------------------------------------------------------------- searching a year ahead

def test_a_working_day_366_days_away_is_found_one_further_is_not() -> None:
    start = date(2027, 3, 1)
    off = {start + timedelta(days=n): False for n in range(1, MAX_SEARCH_DAYS)}
    assert MAX_SEARCH_DAYS == 366
    assert Calendar("none", off).next_workday(start) == start + timedelta(days=366)
    off[start + timedelta(days=MAX_SEARCH_DAYS)] = False
    assert message(Calendar("none", off).next_workday, start) == "calendar: no working day within a year of 2027-03-01"


def test_a_negative_count_of_working_days_is_refused() -> None:
    assert message(Calendar().add_workdays, date(2026, 9, 28), -1) == "count must be >= 0"
    assert Calendar().add_workdays(date(2026, 9, 28), 0) == date(2026, 9, 28)


def test_an_unknown_calendar_kind_is_refused_with_the_choices() -> None:
    assert message(Calendar, "mars") == "calendar: unknown kind 'mars' (choose china, weekends, none)"


# ---------------------------------------------------------------- override files name the source and the key

def test_override_errors_name_the_source_and_the_key() -> None:
    assert message(parse_overrides, {"2027-01-01": "off"}) == (
        "[days]: '2027-01-01' must be \"holiday\" or \"workday\", not 'off'")
    assert message(load_overrides, "[other]\nx = 1\n") == "override file: missing [days] table"
    assert message(load_overrides, '[days]\n"2027-13-01" = "holiday"\n', source="holidays.toml") == (
        "holidays.toml [days]: '2027-13-01' is not a date YYYY-MM-DD or a range A..B")
    assert message(parse_overrides, {"2027-02-10..2027-02-01": "holiday"}, source="notice") == (
        "notice: range '2027-02-10..2027-02-01' is empty or longer than a year")


def test_a_range_of_a_full_year_is_accepted_one_day_more_is_not() -> None:
    year = parse_overrides({"2027-01-01..2028-01-02": "holiday"})  # 366 days apart, 367 dates
    assert len(year) == 367 and year[date(2028, 1, 2)] is False
    assert "longer than a year" in message(parse_overrides, {"2027-01-01..2028-01-03": "holiday"})


# ---------------------------------------------------------------- quiet hours and local time

def test_quiet_hours_start_inclusive_and_end_exclusive() -> None:
    lunch = QuietHours(time(12, 0), time(14, 0))
    assert lunch.contains(time(12, 0)) and lunch.contains(time(13, 59))
    assert not lunch.contains(time(14, 0)) and not lunch.contains(time(11, 59))


def test_a_release_keeps_the_moments_time_zone() -> None:
    night = QuietHours(time(21, 0), time(8, 0))
    moment = datetime(2026, 9, 28, 22, 30, tzinfo=SHANGHAI)
    assert night.release(moment) == datetime(2026, 9, 29, 8, 0, tzinfo=SHANGHAI)
    assert night.release(moment).tzinfo is SHANGHAI


def test_bad_quiet_hours_are_refused_naming_the_text() -> None:
    assert message(QuietHours.parse, "9pm-8am") == 'quiet hours: expected "HH:MM-HH:MM", got \'9pm-8am\''


def test_local_time_conversions_refuse_the_wrong_kind_of_datetime() -> None:
    assert message(to_local, datetime(2026, 9, 28, 9, 0), SHANGHAI) == "moment must be timezone-aware"
    assert message(to_utc, datetime(2026, 9, 28, 9, 0, tzinfo=UTC), SHANGHAI) == "local must be naive"
    stored = to_utc(datetime(2026, 9, 28, 9, 0), SHANGHAI)
    assert stored == datetime(2026, 9, 28, 1, 0, tzinfo=UTC) and stored.tzinfo is UTC
