"""CAP-3 at its edges, and the contract that an unreadable expression is refused naming the text
as written and the reason in words (asserted whole, in English: the msgids).

Times: 12am is midnight and 12pm noon, am/pm hours run 1…12, 中午 1点 is 13:00 but 中午 11点 and
12点 stay, 23:59 is the last minute. A month named alone (``9月底``) is this year's when it is the
meeting's month, next year's when it is already past. A meeting may end when it starts, not before.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

import pytest

from luodi.domain.dates import DateExpr, DateParseError, find_dates, parse_date, parse_datetime_range
from luodi.i18n import use_language

SAT_0926 = date(2026, 9, 26)  # the Q4 meeting, a Saturday
FRI_0925 = date(2026, 9, 25)


@pytest.fixture(autouse=True, scope="module")
def english() -> Iterator[None]:
    with use_language("en"):
        yield


@pytest.mark.parametrize(("text", "base", "reason"), [
    ("", SAT_0926, "empty"),
    ("   ", SAT_0926, "empty"),
    ("9月30日", None, "a date without a year needs the meeting's date"),
    ("下班前", None, "needs the meeting's date"),
    ("2月30日", SAT_0926, "no such date"),
    ("13月底", SAT_0926, "no such date"),
    ("下个月31号", date(2026, 10, 10), "no such date"),  # November has 30 days
    ("尽快", SAT_0926, "too vague for a deadline; write a date such as 10月3日"),
    ("blah", SAT_0926, "not a date expression luodi can read"),
    ("10月5日 0am", SAT_0926, "no such time of day"),
    ("10月5日 13pm", SAT_0926, "no such time of day"),
    ("10月5日 10:60", SAT_0926, "no such time of day"),
])
def test_a_refusal_names_the_text_as_written_and_says_why(text: str, base: date | None, reason: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(text, base=base)
    assert (caught.value.text, caught.value.reason) == (text, reason)
    assert str(caught.value) == f"Cannot read {text!r} as a date: {reason}"


@pytest.mark.parametrize(("text", "at"), [
    ("10月5日 12am", time(0, 0)), ("10月5日 12 a.m.", time(0, 0)), ("10月5日 1am", time(1, 0)),
    ("10月5日 12pm", time(12, 0)), ("10月5日 12 P.M.", time(12, 0)),
    ("10月5日下午12点", time(12, 0)), ("10月5日中午12点", time(12, 0)), ("10月5日中午1点", time(13, 0)),
    ("10月5日中午11点", time(11, 0)), ("10月5日 23:59", time(23, 59)), ("10月5日 10:59", time(10, 59)),
])
def test_times_of_day_at_their_edges(text: str, at: time) -> None:
    assert parse_date(text, base=SAT_0926) == DateExpr(date(2026, 10, 5), at)


@pytest.mark.parametrize(("text", "base", "expected"), [
    ("9月底", SAT_0926, date(2026, 9, 30)),  # the meeting's own month: this year
    ("8月底", SAT_0926, date(2027, 8, 31)),  # already past: next year
    ("12月底", SAT_0926, date(2026, 12, 31)),
    ("下月底", date(2026, 1, 31), date(2026, 2, 28)),
    ("下月15号", date(2026, 1, 31), date(2026, 2, 15)),
    ("本周五", FRI_0925, FRI_0925),  # said on Friday: today
    ("下周五", FRI_0925, date(2026, 10, 2)),
    ("周日", SAT_0926, date(2026, 9, 27)),
    ("星期天", SAT_0926, date(2026, 9, 27)),
    ("30号", date(2026, 12, 31), date(2027, 1, 30)),  # across the new year
    ("1号", date(2026, 11, 30), date(2026, 12, 1)),
    ("Sept 30", SAT_0926, date(2026, 9, 30)),
    ("in 1 month", SAT_0926, date(2026, 10, 26)),
    ("1个月后", SAT_0926, date(2026, 10, 26)),
    ("截止10月5日", SAT_0926, date(2026, 10, 5)),
    ("by Oct 5", SAT_0926, date(2026, 10, 5)),
    ("国庆前", SAT_0926, date(2026, 9, 30)),  # the last working day before the holiday
    ("国庆后", SAT_0926, date(2026, 10, 8)),  # the first working day after it
    ("国庆之后", SAT_0926, date(2026, 10, 8)),
    ("国庆以后", SAT_0926, date(2026, 10, 8)),
])
def test_one_reading(text: str, base: date, expected: date) -> None:
    assert parse_date(text, base=base) == DateExpr(expected)


@pytest.mark.parametrize(("text", "expected", "other"), [
    ("下周内", date(2026, 10, 2), date(2026, 10, 4)),  # Friday, or Sunday?
    ("下个周内", date(2026, 10, 2), date(2026, 10, 4)),
    ("本周末", date(2026, 9, 27), date(2026, 9, 26)),
    ("下周末", date(2026, 10, 4), date(2026, 10, 3)),
    ("下个周末", date(2026, 10, 4), date(2026, 10, 3)),
])
def test_weeks_said_on_a_saturday_have_two_readings(text: str, expected: date, other: date) -> None:
    assert parse_date(text, base=SAT_0926) == DateExpr(expected, None, (other,))


def test_a_meeting_may_end_when_it_starts_not_before() -> None:
    assert parse_datetime_range("2026-09-26 14:00-14:00") == (datetime(2026, 9, 26, 14), datetime(2026, 9, 26, 14))
    assert parse_datetime_range("9月26日 14:00 - 9月27日 09:00", base=SAT_0926) == (
        datetime(2026, 9, 26, 14), datetime(2026, 9, 27, 9))


@pytest.mark.parametrize(("text", "reason"), [
    ("2026-09-26 15:00-14:00", "the meeting ends before it starts"),
    ("2026-09-26", "needs a date and a start time, e.g. 2026-09-26 14:00"),
    ("9月26日 14:00", "a date without a year needs the meeting's date"),
    ("2026-09-26 14:00-25:00", "no such time of day"),
    ("2026-09-26 25:00", "no such time of day"),
    ("sometime soon", "not a date expression luodi can read"),
])
def test_a_refused_meeting_time_names_the_whole_text(text: str, reason: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_datetime_range(text)
    assert (caught.value.text, caught.value.reason) == (text, reason)


def test_dates_are_found_inside_a_sentence_with_their_deadline_words() -> None:
    text = "请小王在10月5日前完成，10月8日汇报"
    assert [text[a:b] for a, b in find_dates(text)] == ["在10月5日前", "10月8日"]  # with its deadline words
