"""Working days, overrides, quiet hours and local time (RULE-2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luodi.domain.workdays import (
    Calendar,
    CalendarKind,
    CalendarSource,
    QuietHours,
    Shift,
    YearSchedule,
    load_overrides,
    parse_overrides,
    to_local,
    to_utc,
)
from luodi.i18n import use_language

CHINA = Calendar()
KNOWN_DAYS = st.dates(min_value=date(2004, 1, 15), max_value=date(2026, 12, 15))
ANY_DAYS = st.dates(min_value=date(2000, 1, 15), max_value=date(2035, 12, 15))
CALENDARS = st.sampled_from(
    [Calendar(), Calendar("weekends"), Calendar("none"), Calendar(overrides={date(2027, 1, 1): False})]
)


# ---------------------------------------------------------------- china, 2026 (the Q4 case)

@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 20), True),  # Sunday, 调休 working day
        (date(2026, 9, 25), False),  # Mid-Autumn Friday
        (date(2026, 9, 26), False),  # the meeting's Saturday, Mid-Autumn
        (date(2026, 9, 30), True),
        (date(2026, 10, 1), False),
        (date(2026, 10, 5), False),
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday, 调休 working day
        (date(2026, 10, 11), False),
    ],
)
def test_china_calendar_knows_2026_holidays_and_adjusted_days(day: date, working: bool) -> None:
    assert CHINA.is_workday(day) is working


def test_roll_moves_reminders_earlier_and_escalations_later() -> None:
    assert CHINA.roll(date(2026, 10, 2), Shift.EARLIER) == date(2026, 9, 30)
    assert CHINA.roll(date(2026, 10, 5), Shift.LATER) == date(2026, 10, 8)
    assert CHINA.roll(date(2026, 9, 30), Shift.LATER) == date(2026, 9, 30)


def test_next_previous_and_add_workdays() -> None:
    assert CHINA.next_workday(date(2026, 9, 30)) == date(2026, 10, 8)
    assert CHINA.next_workday(date(2026, 10, 10)) == date(2026, 10, 12)
    assert CHINA.previous_workday(date(2026, 10, 8)) == date(2026, 9, 30)
    assert CHINA.add_workdays(date(2026, 10, 8), 2) == date(2026, 10, 10)
    assert CHINA.add_workdays(date(2026, 10, 12), 2) == date(2026, 10, 14)
    assert CHINA.add_workdays(date(2026, 10, 5), 0) == date(2026, 10, 5)
    with pytest.raises(ValueError):
        CHINA.add_workdays(date(2026, 10, 5), -1)


def test_unknown_kind_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="weekends"):
        Calendar("mars")


def test_other_kinds() -> None:
    weekends, none = Calendar(CalendarKind.WEEKENDS), Calendar("none")
    assert weekends.is_workday(date(2026, 10, 1))  # a Thursday, holiday only in China
    assert not weekends.is_workday(date(2026, 10, 10))
    assert none.is_workday(date(2026, 10, 11))
    assert weekends.warnings() == [] and weekends.uncovered_years(date(2027, 1, 1), date(2028, 1, 1)) == []


# ---------------------------------------------------------------- years without data, overrides

def test_year_without_data_falls_back_to_statutory_holidays_and_says_so() -> None:
    calendar = Calendar()
    assert calendar.warnings() == []
    assert calendar.source(2026) is CalendarSource.OFFICIAL and calendar.source(2027) is CalendarSource.STATUTORY
    assert not calendar.is_workday(date(2027, 1, 2))  # Saturday
    assert not calendar.is_workday(date(2027, 1, 1))  # a Friday, 元旦 by law
    # The dates: 除夕 (2027-02-05) and 正月初三 (2027-02-08) are statutory holidays, and
    # 初一, 初二 on the weekend give 补假 on 9 and 10 February.
    assert [calendar.is_workday(date(2027, 2, d)) for d in (4, 5, 8, 9, 10, 11)] == [
        True, False, False, False, False, True]
    assert calendar.is_workday(date(2027, 1, 4))  # an ordinary Monday
    assert calendar.uncovered_years(date(2026, 6, 1), date(2028, 1, 1)) == [2027, 2028]
    with use_language("en"):
        assert calendar.warnings() == [
            "No official holiday schedule for 2027: statutory holidays only, no 调休 working days; "
            "load the State Council notice with `luodi calendar import`."]
    assert not calendar.has_data(2027) and calendar.has_data(2026)
    assert calendar.schedule(2027).workdays == frozenset()  # no 调休 without a notice


def test_a_loaded_schedule_answers_for_its_year_and_wins_for_the_dates_it_names() -> None:
    loaded = YearSchedule(2027, frozenset({date(2027, 2, 5) + timedelta(days=n) for n in range(8)}
                                          | {date(2026, 12, 31)}),
                          frozenset({date(2027, 2, 13)}))
    calendar = Calendar(loaded=[loaded])
    assert calendar.source(2027) is CalendarSource.LOADED and calendar.has_data(2027)
    assert not calendar.is_workday(date(2027, 2, 12)) and calendar.is_workday(date(2027, 2, 13))
    assert calendar.is_workday(date(2027, 1, 1))  # the loaded notice does not name it: a Friday
    assert not calendar.is_workday(date(2026, 12, 31))  # a spill-over date wins over the official year
    assert calendar.warnings() == []
    before = calendar.fingerprint()
    assert calendar.set_loaded([]) and calendar.fingerprint() != before
    assert not calendar.set_loaded([]) and calendar.source(2027) is CalendarSource.STATUTORY


def test_override_file_covers_a_year_the_package_does_not_know() -> None:
    overrides = load_overrides(
        '[days]\n"2027-01-01" = "holiday"\n"2027-02-07" = "workday"\n"2027-02-10..2027-02-12" = "holiday"\n'
    )
    calendar = Calendar(overrides=overrides)
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.is_workday(date(2027, 2, 7))  # a Sunday made a working day
    assert [calendar.is_workday(date(2027, 2, d)) for d in (9, 10, 11, 12, 15)] == [
        True, False, False, False, True]
    assert calendar.warnings() == [] and calendar.uncovered_years(date(2027, 1, 1), date(2027, 12, 31)) == []


def test_override_wins_in_a_known_year() -> None:
    calendar = Calendar(overrides={date(2026, 10, 8): False, date(2026, 10, 11): True})
    assert not calendar.is_workday(date(2026, 10, 8))
    assert calendar.is_workday(date(2026, 10, 11))
    assert calendar.is_workday(date(2026, 10, 9))  # the package still answers the rest
    assert calendar.next_workday(date(2026, 9, 30)) == date(2026, 10, 9)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[days]\n"2027-13-01" = "holiday"\n', "'2027-13-01' is not a date"),
        ('[days]\n"2027-01-01" = "off"\n', "must be \"holiday\" or \"workday\""),
        ('[days]\n"2027-02-10..2027-02-01" = "holiday"\n', "empty or longer"),
        ('[other]\nx = 1\n', "missing \\[days\\]"),
        ('[days\n', "holidays.toml"),
    ],
)
def test_bad_override_file_names_the_file_and_key(text: str, message: str) -> None:
    with use_language("en"), pytest.raises(ValueError, match=message) as caught:
        load_overrides(text, source="holidays.toml")
    assert "holidays.toml" in str(caught.value)


def test_parse_overrides_from_a_luodi_toml_table() -> None:
    assert parse_overrides({"2027-10-09": "workday"}) == {date(2027, 10, 9): True}


def test_a_calendar_with_no_working_day_fails_loudly() -> None:
    start = date(2030, 1, 1)
    closed = {start + timedelta(days=n): False for n in range(-400, 400)}
    with pytest.raises(ValueError, match="no working day"):
        Calendar(overrides=closed).next_workday(start)


# ---------------------------------------------------------------- properties

@given(CALENDARS, ANY_DAYS, st.sampled_from(list(Shift)))
def test_roll_lands_on_the_nearest_working_day_in_its_direction(
    calendar: Calendar, day: date, shift: Shift
) -> None:
    rolled = calendar.roll(day, shift)
    assert calendar.is_workday(rolled)
    assert rolled <= day if shift is Shift.EARLIER else rolled >= day
    assert (rolled == day) is calendar.is_workday(day)
    low, high = sorted((rolled, day))
    skipped = [low + timedelta(days=n) for n in range(1, (high - low).days)]
    assert not any(calendar.is_workday(d) for d in skipped)  # the nearest working day, not any


@given(KNOWN_DAYS, st.integers(min_value=0, max_value=30))
def test_add_workdays_counts_working_days(day: date, count: int) -> None:
    result = CHINA.add_workdays(day, count)
    span = [day + timedelta(days=n) for n in range(1, (result - day).days + 1)]
    assert sum(CHINA.is_workday(d) for d in span) == count
    assert count == 0 or CHINA.is_workday(result)


@given(ANY_DAYS, st.sampled_from(list(Shift)), st.integers(min_value=0, max_value=10))
def test_calendar_none_is_identity(day: date, shift: Shift, count: int) -> None:
    none = Calendar("none")
    assert none.roll(day, shift) == day
    assert none.add_workdays(day, count) == day + timedelta(days=count)


# ---------------------------------------------------------------- quiet hours and time zones

def test_quiet_hours_across_midnight() -> None:
    quiet = QuietHours.parse("21:00-08:00")
    assert quiet == QuietHours(time(21), time(8))
    assert quiet.release(datetime(2026, 9, 30, 22, 15)) == datetime(2026, 10, 1, 8, 0)
    assert quiet.release(datetime(2026, 9, 30, 7, 59)) == datetime(2026, 9, 30, 8, 0)
    assert quiet.release(datetime(2026, 9, 30, 21, 0)) == datetime(2026, 10, 1, 8, 0)
    assert quiet.release(datetime(2026, 9, 30, 8, 0)) == datetime(2026, 9, 30, 8, 0)
    assert quiet.release(datetime(2026, 9, 30, 17, 0)) == datetime(2026, 9, 30, 17, 0)


def test_quiet_hours_within_a_day_and_empty() -> None:
    lunch = QuietHours.parse("12:00-13:30")
    assert lunch.release(datetime(2026, 9, 30, 12, 45)) == datetime(2026, 9, 30, 13, 30)
    assert lunch.release(datetime(2026, 9, 30, 23, 0)) == datetime(2026, 9, 30, 23, 0)
    assert not QuietHours(time(8), time(8)).contains(time(8))
    with pytest.raises(ValueError, match="HH:MM-HH:MM"):
        QuietHours.parse("night")


@given(st.times(), st.times(), st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)))
def test_release_leaves_quiet_hours_within_a_day(start: time, end: time, moment: datetime) -> None:
    quiet = QuietHours(start, end)
    released = quiet.release(moment)
    assert not quiet.contains(released.time())
    assert moment <= released < moment + timedelta(days=1)
    if not quiet.contains(moment.time()):
        assert released == moment
    else:
        assert released.time() == end


def test_local_time_conversions() -> None:
    shanghai, new_york = ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")
    assert to_local(datetime(2026, 9, 30, 1, 0, tzinfo=UTC), shanghai) == datetime(2026, 9, 30, 9, 0)
    assert to_utc(datetime(2026, 9, 30, 9, 0), shanghai) == datetime(2026, 9, 30, 1, 0, tzinfo=UTC)
    assert to_utc(datetime(2026, 3, 9, 9, 0), new_york) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # EDT
    with pytest.raises(ValueError):
        to_local(datetime(2026, 9, 30), shanghai)
    with pytest.raises(ValueError):
        to_utc(datetime(2026, 9, 30, tzinfo=UTC), shanghai)
