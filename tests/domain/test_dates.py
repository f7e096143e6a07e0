"""CAP-3: dates as people write them, relative to the meeting's date."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luodi.domain.dates import END_OF_DAY, DateExpr, DateParseError, parse_date, parse_datetime_range
from luodi.i18n import use_language

SAT_0926 = date(2026, 9, 26)  # the Q4 meeting, a Saturday
WED_0930 = date(2026, 9, 30)  # the eve of the National Day holiday
MON_1228 = date(2026, 12, 28)  # the last week of the year


def cases(rows: Iterable[tuple[Any, ...]]) -> list[Any]:
    """Each row as a case whose id is its text ("empty" for ""); a text that comes again is numbered.

    Ids through ``pytest.param``: pytest 9 escapes the non-ASCII ids given with ``ids=`` once more
    in a second collection within the same process, as mutmut's runs do (`make mutation`)."""
    seen: dict[str, int] = {}
    params = []
    for row in rows:
        text = row[0] or "empty"
        seen[text] = seen.get(text, 0) + 1
        params.append(pytest.param(*row, id=text if seen[text] == 1 else f"{text} #{seen[text]}"))
    return params


@pytest.fixture(autouse=True, scope="module")
def english() -> Iterator[None]:
    """Messages are asserted in their English source form, whatever the default language."""
    with use_language("en"):
        yield


EXPRESSIONS: list[tuple[str, date, date, time | None]] = [
    # absolute and month-day, Chinese
    ("9月30日", SAT_0926, date(2026, 9, 30), None),
    ("9月30号", SAT_0926, date(2026, 9, 30), None),
    ("9月30", SAT_0926, date(2026, 9, 30), None),
    ("10月5日前", SAT_0926, date(2026, 10, 5), None),
    ("10月5日之前", SAT_0926, date(2026, 10, 5), None),
    ("10月5日以前", SAT_0926, date(2026, 10, 5), None),
    ("截止10月5日", SAT_0926, date(2026, 10, 5), None),
    ("2026-09-30", SAT_0926, date(2026, 9, 30), None),
    ("2026/9/30", SAT_0926, date(2026, 9, 30), None),
    ("2026.9.30", SAT_0926, date(2026, 9, 30), None),
    ("2026年9月30日", SAT_0926, date(2026, 9, 30), None),
    ("9/30", SAT_0926, date(2026, 9, 30), None),
    ("09-30", SAT_0926, date(2026, 9, 30), None),
    ("30号", SAT_0926, date(2026, 9, 30), None),
    ("十月五日", SAT_0926, date(2026, 10, 5), None),
    ("二〇二六年十月八日", SAT_0926, date(2026, 10, 8), None),
    ("９月３０日", SAT_0926, date(2026, 9, 30), None),
    ("２０２６－０９－３０", SAT_0926, date(2026, 9, 30), None),
    # with a time of day
    ("10月15日 上午10:00", SAT_0926, date(2026, 10, 15), time(10, 0)),
    ("10月15日下午3点", SAT_0926, date(2026, 10, 15), time(15, 0)),
    ("10月15日 15:30", SAT_0926, date(2026, 10, 15), time(15, 30)),
    ("10月15日 下午三点半", SAT_0926, date(2026, 10, 15), time(15, 30)),
    ("10月5日下午3点前", SAT_0926, date(2026, 10, 5), time(15, 0)),
    ("2026年9月30日 晚上8点", SAT_0926, date(2026, 9, 30), time(20, 0)),
    ("9月30日 中午12点", SAT_0926, date(2026, 9, 30), time(12, 0)),
    ("9月30日 上午9点15分", SAT_0926, date(2026, 9, 30), time(9, 15)),
    ("下午3点", SAT_0926, SAT_0926, time(15, 0)),
    ("今日下班前", SAT_0926, SAT_0926, END_OF_DAY),
    ("下班前", SAT_0926, SAT_0926, END_OF_DAY),
    ("明天下班前", SAT_0926, date(2026, 9, 27), END_OF_DAY),
    # weekdays: weeks run Monday to Sunday; 本周五 may lie before the meeting
    ("本周五", SAT_0926, date(2026, 9, 25), None),
    ("这周五", SAT_0926, date(2026, 9, 25), None),
    ("周五", SAT_0926, date(2026, 10, 2), None),
    ("星期五", SAT_0926, date(2026, 10, 2), None),
    ("礼拜五", SAT_0926, date(2026, 10, 2), None),
    ("周六", SAT_0926, SAT_0926, None),
    ("周日", SAT_0926, date(2026, 9, 27), None),
    ("星期天", SAT_0926, date(2026, 9, 27), None),
    ("下周一", SAT_0926, date(2026, 9, 28), None),
    ("下个星期一", SAT_0926, date(2026, 9, 28), None),
    ("下下周一", SAT_0926, date(2026, 10, 5), None),
    ("周五前", SAT_0926, date(2026, 10, 2), None),
    # relative days
    ("今天", SAT_0926, SAT_0926, None),
    ("今日", SAT_0926, SAT_0926, None),
    ("明天", SAT_0926, date(2026, 9, 27), None),
    ("后天", SAT_0926, date(2026, 9, 28), None),
    ("大后天", SAT_0926, date(2026, 9, 29), None),
    ("3天后", SAT_0926, date(2026, 9, 29), None),
    ("三天内", SAT_0926, date(2026, 9, 29), None),
    ("两周后", SAT_0926, date(2026, 10, 10), None),
    ("1个月后", SAT_0926, date(2026, 10, 26), None),
    ("月底", SAT_0926, date(2026, 9, 30), None),
    ("本月底", SAT_0926, date(2026, 9, 30), None),
    ("下月底", SAT_0926, date(2026, 10, 31), None),
    # English
    ("Sep 30", SAT_0926, date(2026, 9, 30), None),
    ("30 Sep", SAT_0926, date(2026, 9, 30), None),
    ("Oct 5th", SAT_0926, date(2026, 10, 5), None),
    ("September 30, 2026", SAT_0926, date(2026, 9, 30), None),
    ("30 September 2026", SAT_0926, date(2026, 9, 30), None),
    ("tomorrow", SAT_0926, date(2026, 9, 27), None),
    ("Today", SAT_0926, SAT_0926, None),
    ("next Monday", SAT_0926, date(2026, 9, 28), None),
    ("this Friday", SAT_0926, date(2026, 9, 25), None),
    ("Friday", SAT_0926, date(2026, 10, 2), None),
    ("in 3 days", SAT_0926, date(2026, 9, 29), None),
    ("within 2 weeks", SAT_0926, date(2026, 10, 10), None),
    ("end of day", SAT_0926, SAT_0926, END_OF_DAY),
    ("EOD", SAT_0926, SAT_0926, END_OF_DAY),
    ("by Oct 5", SAT_0926, date(2026, 10, 5), None),
    ("by Friday EOD", SAT_0926, date(2026, 10, 2), END_OF_DAY),
    ("10/5", SAT_0926, date(2026, 10, 5), None),
    ("tomorrow at 3pm", SAT_0926, date(2026, 9, 27), time(15, 0)),
    ("Oct 15 10:00 AM", SAT_0926, date(2026, 10, 15), time(10, 0)),
    ("Oct 15 3:30 pm", SAT_0926, date(2026, 10, 15), time(15, 30)),
    ("end of month", SAT_0926, date(2026, 9, 30), None),
    # around the National Day holiday (calendar days: holidays do not move a written date)
    ("下周一", WED_0930, date(2026, 10, 5), None),
    ("本周五", WED_0930, date(2026, 10, 2), None),
    ("明天", WED_0930, date(2026, 10, 1), None),
    ("1号", WED_0930, date(2026, 10, 1), None),
    ("9月30日", WED_0930, WED_0930, None),
    ("9月29日", WED_0930, date(2027, 9, 29), None),
    ("下下周一", WED_0930, date(2026, 10, 12), None),
    ("next Monday", WED_0930, date(2026, 10, 5), None),
    # across the year boundary
    ("1月5日", MON_1228, date(2027, 1, 5), None),
    ("1/2", MON_1228, date(2027, 1, 2), None),
    ("Jan 3", MON_1228, date(2027, 1, 3), None),
    ("12月31日", MON_1228, date(2026, 12, 31), None),
    ("12月25日", MON_1228, date(2027, 12, 25), None),
    ("5号", MON_1228, date(2027, 1, 5), None),
    ("本周五", MON_1228, date(2027, 1, 1), None),
    ("下周一", MON_1228, date(2027, 1, 4), None),
    ("下下周一", MON_1228, date(2027, 1, 11), None),
    ("周日", MON_1228, date(2027, 1, 3), None),
    ("两周后", MON_1228, date(2027, 1, 11), None),
    ("1个月后", MON_1228, date(2027, 1, 28), None),
    ("月底", MON_1228, date(2026, 12, 31), None),
    ("下月底", MON_1228, date(2027, 1, 31), None),
    ("2月29日", date(2027, 12, 28), date(2028, 2, 29), None),
    ("2027-01-04", MON_1228, date(2027, 1, 4), None),
]


@pytest.mark.parametrize(("text", "base", "expected", "at"), cases(EXPRESSIONS))
def test_reads_the_expression(text: str, base: date, expected: date, at: time | None) -> None:
    found = parse_date(text, base=base)
    assert (found.date, found.time) == (expected, at)


MON_1130 = date(2026, 11, 30)
WIDER: list[tuple[str, date, date, time | None]] = [
    # parts of a month, of a year
    ("月中", SAT_0926, date(2026, 9, 15), None),
    ("本月中", SAT_0926, date(2026, 9, 15), None),
    ("下月中", SAT_0926, date(2026, 10, 15), None),
    ("下个月中", SAT_0926, date(2026, 10, 15), None),
    ("10月底", SAT_0926, date(2026, 10, 31), None),
    ("10月底前", SAT_0926, date(2026, 10, 31), None),
    ("十月底", SAT_0926, date(2026, 10, 31), None),
    ("2月底", SAT_0926, date(2027, 2, 28), None),
    ("10月中", SAT_0926, date(2026, 10, 15), None),
    ("10月上旬", SAT_0926, date(2026, 10, 10), None),
    ("10月中旬", SAT_0926, date(2026, 10, 20), None),
    ("10月下旬", SAT_0926, date(2026, 10, 31), None),
    ("本月下旬", SAT_0926, date(2026, 9, 30), None),
    ("下月上旬", SAT_0926, date(2026, 10, 10), None),
    ("月末", SAT_0926, date(2026, 9, 30), None),
    ("下个月底", SAT_0926, date(2026, 10, 31), None),
    ("下下个月底", SAT_0926, date(2026, 11, 30), None),
    ("下个月15号", SAT_0926, date(2026, 10, 15), None),
    ("下月15日", SAT_0926, date(2026, 10, 15), None),
    ("下个月15号前", SAT_0926, date(2026, 10, 15), None),
    ("本月28号", SAT_0926, date(2026, 9, 28), None),
    ("下个月31号", MON_1228, date(2027, 1, 31), None),
    ("年底", SAT_0926, date(2026, 12, 31), None),
    ("年底前", SAT_0926, date(2026, 12, 31), None),
    ("今年年底", SAT_0926, date(2026, 12, 31), None),
    ("年末", SAT_0926, date(2026, 12, 31), None),
    ("明年底", SAT_0926, date(2027, 12, 31), None),
    ("end of month", MON_1130, date(2026, 11, 30), None),
    ("end of next month", MON_1130, date(2026, 12, 31), None),
    # weeks
    ("下下周三", SAT_0926, date(2026, 10, 7), None),
    ("下下周五前", MON_1130, date(2026, 12, 18), None),
    ("周三前", MON_1130, date(2026, 12, 2), None),
    ("周五之前", MON_1130, date(2026, 12, 4), None),
    ("星期四以前", MON_1130, date(2026, 12, 3), None),
    ("本周五前", MON_1130, date(2026, 12, 4), None),
    ("这周四", MON_1130, date(2026, 12, 3), None),
    ("下周三下班前", MON_1130, date(2026, 12, 9), END_OF_DAY),
    ("下个礼拜二", MON_1130, date(2026, 12, 8), None),
    ("下周内", MON_1130, date(2026, 12, 11), None),
    ("本周内", MON_1130, date(2026, 12, 4), None),
    ("下周末", MON_1130, date(2026, 12, 13), None),
    # counting days, weeks and working days (China's calendar: holidays and 调休 count)
    ("三天内", MON_1130, date(2026, 12, 3), None),
    ("3天内", MON_1130, date(2026, 12, 3), None),
    ("两天后", MON_1130, date(2026, 12, 2), None),
    ("五天之内", MON_1130, date(2026, 12, 5), None),
    ("两周内", MON_1130, date(2026, 12, 14), None),
    ("一周后", MON_1130, date(2026, 12, 7), None),
    ("一周内", MON_1130, date(2026, 12, 7), None),
    ("两个星期后", MON_1130, date(2026, 12, 14), None),
    ("一个月内", MON_1130, date(2026, 12, 30), None),
    ("3个工作日内", MON_1130, date(2026, 12, 3), None),
    ("三个工作日内", MON_1130, date(2026, 12, 3), None),
    ("5个工作日内", MON_1130, date(2026, 12, 7), None),
    ("5个工作日后", MON_1130, date(2026, 12, 7), None),
    ("10个工作日", MON_1130, date(2026, 12, 14), None),
    ("3个工作日内", WED_0930, date(2026, 10, 10), None),  # over the National Day week; Sat Oct 10 is a 调休 workday
    ("1个工作日内", WED_0930, date(2026, 10, 8), None),
    ("in 3 working days", MON_1130, date(2026, 12, 3), None),
    ("within 2 business days", MON_1130, date(2026, 12, 2), None),
    ("in 2 weeks", MON_1130, date(2026, 12, 14), None),
    ("3 days later", MON_1130, date(2026, 12, 3), None),
    # holidays
    ("国庆后", SAT_0926, date(2026, 10, 8), None),
    ("国庆节后", SAT_0926, date(2026, 10, 8), None),
    ("国庆假期后", SAT_0926, date(2026, 10, 8), None),
    ("国庆后第一个工作日", SAT_0926, date(2026, 10, 8), None),
    ("国庆前", SAT_0926, date(2026, 9, 30), None),
    ("国庆节前", SAT_0926, date(2026, 9, 30), None),
    ("节后第一个工作日", SAT_0926, date(2026, 10, 8), None),
    ("节后", SAT_0926, date(2026, 10, 8), None),
    ("元旦后", MON_1130, date(2027, 1, 4), None),
    ("元旦前", MON_1130, date(2026, 12, 31), None),
    ("元旦后第一个工作日", MON_1130, date(2027, 1, 4), None),
    ("五一前", date(2026, 4, 20), date(2026, 4, 30), None),
    ("五一后", date(2026, 4, 20), date(2026, 5, 6), None),
    ("劳动节后", date(2026, 4, 20), date(2026, 5, 6), None),
    ("清明前", date(2026, 3, 20), date(2026, 4, 3), None),
    ("端午后", date(2026, 6, 1), date(2026, 6, 22), None),
    ("中秋前", date(2026, 9, 1), date(2026, 9, 24), None),
    ("春节前", date(2026, 1, 5), date(2026, 2, 14), None),  # Sat Feb 14 is a 调休 workday
    ("春节后", date(2026, 1, 5), date(2026, 2, 24), None),
    ("春节后第一个工作日", date(2026, 1, 5), date(2026, 2, 24), None),
    ("年后", date(2026, 1, 5), date(2026, 2, 24), None),
    # relative days
    ("次日", MON_1130, date(2026, 12, 1), None),
    ("翌日", MON_1130, date(2026, 12, 1), None),
    ("第二天", MON_1130, date(2026, 12, 1), None),
    ("当天", MON_1130, MON_1130, None),
    ("当日", MON_1130, MON_1130, None),
    ("大后天", MON_1130, date(2026, 12, 3), None),
    ("后天下午3点", MON_1130, date(2026, 12, 2), time(15, 0)),
    ("明天上午10点", MON_1130, date(2026, 12, 1), time(10, 0)),
    ("当天下班前", MON_1130, MON_1130, END_OF_DAY),
    ("次日中午12点", MON_1130, date(2026, 12, 1), time(12, 0)),
    # times of day
    ("15:00前", MON_1130, MON_1130, time(15, 0)),
    ("下午3点", MON_1130, MON_1130, time(15, 0)),
    ("下午3点前", MON_1130, MON_1130, time(15, 0)),
    ("晚上8点", MON_1130, MON_1130, time(20, 0)),
    ("上午十点半", MON_1130, MON_1130, time(10, 30)),
    ("下班前", MON_1130, MON_1130, END_OF_DAY),
    ("12月4日15:00", MON_1130, date(2026, 12, 4), time(15, 0)),
    ("12月4日 17:30前", MON_1130, date(2026, 12, 4), time(17, 30)),
    ("12/4 下班前", MON_1130, date(2026, 12, 4), END_OF_DAY),
    ("周五下午5点", MON_1130, date(2026, 12, 4), time(17, 0)),
    ("2026-12-04 09:30", MON_1130, date(2026, 12, 4), time(9, 30)),
    # full width and spaces
    ("１２月４日", MON_1130, date(2026, 12, 4), None),
    ("12 月 4 日", MON_1130, date(2026, 12, 4), None),
    ("下周三　前", MON_1130, date(2026, 12, 9), None),
]


@pytest.mark.parametrize(("text", "base", "expected", "at"), cases(WIDER))
def test_reads_the_wider_forms(text: str, base: date, expected: date, at: time | None) -> None:
    found = parse_date(text, base=base)
    assert (found.date, found.time) == (expected, at)


AMBIGUOUS: list[tuple[str, date, list[date]]] = [
    ("周一", MON_1130, [MON_1130, date(2026, 12, 7)]),  # today or next Monday
    ("星期一", MON_1130, [MON_1130, date(2026, 12, 7)]),
    ("30号", MON_1130, [MON_1130, date(2026, 12, 30)]),
    ("本周五", SAT_0926, [date(2026, 9, 25), date(2026, 10, 2)]),  # just past, or next week's
    ("本周内", MON_1130, [date(2026, 12, 4), date(2026, 12, 6)]),  # Friday, or Sunday
    ("这周", MON_1130, [date(2026, 12, 4), date(2026, 12, 6)]),
    ("下周", MON_1130, [date(2026, 12, 11), date(2026, 12, 13)]),
    ("周末", MON_1130, [date(2026, 12, 6), date(2026, 12, 5)]),
    ("下月初", MON_1130, [date(2026, 12, 5), date(2026, 12, 1), date(2026, 12, 10)]),
    ("月初", MON_1130, [date(2026, 11, 5), date(2026, 11, 1), date(2026, 11, 10)]),
    ("1月初", MON_1130, [date(2027, 1, 5), date(2027, 1, 1), date(2027, 1, 10)]),
]


@pytest.mark.parametrize(("text", "base", "readings"), cases(AMBIGUOUS))
def test_a_phrase_with_two_readings_returns_both(text: str, base: date, readings: list[date]) -> None:
    found = parse_date(text, base=base)
    assert [found.date, *found.alternatives] == readings


def test_one_reading_has_no_alternatives() -> None:
    assert parse_date("9月30日", base=SAT_0926).alternatives == ()
    assert parse_date("周五", base=SAT_0926).alternatives == ()


def test_working_days_follow_the_given_calendar() -> None:
    from luodi.domain.workdays import Calendar

    weekends_only = Calendar("weekends")
    assert parse_date("3个工作日内", base=WED_0930, calendar=weekends_only).date == date(2026, 10, 5)
    assert parse_date("3个工作日内", base=WED_0930, calendar=Calendar("none")).date == date(2026, 10, 3)
    override = Calendar("china", {date(2026, 10, 8): False})
    assert parse_date("1个工作日内", base=WED_0930, calendar=override).date == date(2026, 10, 9)


def test_end_of_day_is_configurable() -> None:
    assert parse_date("下班前", base=MON_1130, end_of_day=time(17, 30)).time == time(17, 30)
    assert parse_date("明天 EOD", base=MON_1130, end_of_day=time(19, 0)) == DateExpr(date(2026, 12, 1), time(19, 0))


def test_the_table_covers_enough_expressions() -> None:
    assert len(EXPRESSIONS) + len(WIDER) + len(AMBIGUOUS) >= 150


UNREADABLE: list[tuple[str, str]] = [
    ("", "empty"),
    ("   ", "empty"),
    ("2月30日", "no such date"),
    ("2026-02-30", "no such date"),
    ("13月1日", "no such date"),
    ("10月32日", "no such date"),
    ("32号", "no such date"),
    ("25:00", "no such time"),
    ("13pm", "no such time"),
    ("10月5日 24点", "no such time"),
    ("尽快", "vague"),
    ("待定", "vague"),
    ("TBD", "vague"),
    ("上旬", "vague"),
    ("ASAP", "vague"),
    ("next week", "vague"),
    ("十一前", "cannot read"),  # National Day in speech, 11 as a number: refuse rather than guess
    ("3天前", "cannot read"),  # three days ago, not a deadline
    ("上周五", "cannot read"),
    ("10/5/2026", "cannot read"),  # day/month or month/day? refuse
    ("5.10", "cannot read"),
    ("下个月某天", "cannot read"),
    ("blah", "cannot read"),
]


@pytest.mark.parametrize(("text", "reason"), cases(UNREADABLE))
def test_refuses_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(text, base=SAT_0926)
    assert caught.value.text == text
    readable = {"cannot read": "luodi can read"}.get(reason, reason)
    assert readable in caught.value.reason
    assert repr(text) in str(caught.value)


def test_feb_29_without_a_leap_year_ahead_is_refused() -> None:
    with pytest.raises(DateParseError, match="no such date"):
        parse_date("2月29日", base=MON_1228)


def test_without_a_base_only_full_dates_are_read() -> None:
    assert parse_date("2026年9月30日", base=None) == DateExpr(date(2026, 9, 30))
    with pytest.raises(DateParseError, match="meeting's date"):
        parse_date("9月30日", base=None)
    with pytest.raises(DateParseError, match="meeting's date"):
        parse_date("下班前", base=None)


def test_the_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="blah"):
        parse_date("blah", base=SAT_0926)


RANGES: list[tuple[str, date | None, datetime, datetime | None]] = [
    ("2026-09-26 14:00-15:30", None, datetime(2026, 9, 26, 14), datetime(2026, 9, 26, 15, 30)),
    ("2026年9月26日 14:00", None, datetime(2026, 9, 26, 14), None),
    ("2026-09-26 14:00 - 2026-09-26 15:30", None, datetime(2026, 9, 26, 14), datetime(2026, 9, 26, 15, 30)),
    ("2026-09-26 14:00 ~ 2026-09-27 09:00", None, datetime(2026, 9, 26, 14), datetime(2026, 9, 27, 9)),
    ("2026/9/26 14:00至15:30", None, datetime(2026, 9, 26, 14), datetime(2026, 9, 26, 15, 30)),
    ("2026年9月26日下午2点-3点半", None, datetime(2026, 9, 26, 14), datetime(2026, 9, 26, 15, 30)),
    ("２０２６－０９－２６　１４：００", None, datetime(2026, 9, 26, 14), None),
    ("September 26, 2026 2:00 pm", None, datetime(2026, 9, 26, 14), None),
    ("10月15日 上午10:00", SAT_0926, datetime(2026, 10, 15, 10), None),
    ("1月4日 9:00-9:15", MON_1228, datetime(2027, 1, 4, 9), datetime(2027, 1, 4, 9, 15)),
]


@pytest.mark.parametrize(("text", "base", "start", "end"), cases(RANGES))
def test_reads_a_meeting_time(text: str, base: date | None, start: datetime, end: datetime | None) -> None:
    assert parse_datetime_range(text, base=base) == (start, end)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-09-26", "start time"),
        ("9月26日 14:00", "meeting's date"),
        ("2026-09-26 15:00-14:00", "ends before it starts"),
        ("2026-02-30 14:00", "no such date"),
        ("2026-09-26 14:00-25:00", "no such time"),
        ("", "start time"),
        ("sometime soon", "luodi can read"),
    ],
)
def test_refuses_a_meeting_time(text: str, reason: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_datetime_range(text)
    assert reason in caught.value.reason


# ---------------------------------------------------------------- properties

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@settings(deadline=None)  # a slow CI machine must not turn a property into a flake
@given(dates, dates)
def test_full_dates_round_trip_whatever_the_base(day: date, base: date) -> None:
    chinese, slashes = f"{day.year}年{day.month}月{day.day}日", f"{day.year}/{day.month}/{day.day}"
    for text in (day.isoformat(), chinese, slashes):
        assert parse_date(text, base=base) == DateExpr(day)


@settings(deadline=None)  # a slow CI machine must not turn a property into a flake
@given(dates, st.integers(1, 12), st.integers(1, 31))
def test_a_month_day_is_the_first_one_on_or_after_the_base(base: date, month: int, day: int) -> None:
    try:
        found = parse_date(f"{month}月{day}日", base=base).date
    except DateParseError:
        leap_only = (month, day) == (2, 29)
        assert leap_only or day > (30 if month in (4, 6, 9, 11) else 31 if month != 2 else 29)
        return
    assert (found.month, found.day) == (month, day)
    assert base <= found < base + timedelta(days=366)
    assert parse_date(f"{month}/{day}", base=base).date == found


@settings(deadline=None)  # a slow CI machine must not turn a property into a flake
@given(dates, st.integers(0, 6))
def test_weekdays_land_in_the_right_week(base: date, weekday: int) -> None:
    name = "一二三四五六日"[weekday]
    monday = base - timedelta(days=base.weekday())
    bare, this, following = (parse_date(f"{rel}周{name}", base=base).date for rel in ("", "本", "下"))
    assert bare.weekday() == this.weekday() == following.weekday() == weekday
    assert base <= bare < base + timedelta(days=7)
    assert this - monday == timedelta(days=weekday)
    assert following - monday == timedelta(days=7 + weekday)


@settings(deadline=None)  # a slow CI machine must not turn a property into a flake
@given(st.text(max_size=40), dates)
def test_any_text_is_read_or_refused_never_crashes(text: str, base: date) -> None:
    with contextlib.suppress(DateParseError):
        parse_date(text, base=base)
    with contextlib.suppress(DateParseError):
        parse_datetime_range(text, base=base)
