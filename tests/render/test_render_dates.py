"""Dates as people read them: 9月30日 / Sep 30, 下午3点, 周五, 明天."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from luodi.render.dates import due_label, due_words, format_date, format_datetime, format_time, weekday


def test_dates_leave_out_the_reference_year_only() -> None:
    assert format_date(date(2026, 9, 30), "zh", ref_year=2026) == "9月30日"
    assert format_date(date(2026, 9, 30), "en", ref_year=2026) == "Sep 30"
    assert format_date(date(2027, 1, 5), "zh", ref_year=2026) == "2027年1月5日"
    assert format_date(date(2027, 1, 5), "en", ref_year=2026) == "Jan 5, 2027"
    assert format_date(date(2027, 1, 5), "zh") == "2027年1月5日"  # no reference: unambiguous


@pytest.mark.parametrize(
    ("moment", "zh", "zh_spoken", "en", "en_spoken"),
    [
        (time(10, 0), "上午10:00", "上午10点", "10:00 AM", "10 AM"),
        (time(12, 0), "中午12:00", "中午12点", "12:00 PM", "12 PM"),
        (time(15, 0), "下午3:00", "下午3点", "3:00 PM", "3 PM"),
        (time(15, 30), "下午3:30", "下午3点半", "3:30 PM", "3:30 PM"),
        (time(17, 45), "下午5:45", "下午5:45", "5:45 PM", "5:45 PM"),
        (time(20, 0), "晚上8:00", "晚上8点", "8:00 PM", "8 PM"),
        (time(0, 30), "凌晨0:30", "凌晨0点半", "12:30 AM", "12:30 AM"),
    ],
)
def test_times_of_day(moment: time, zh: str, zh_spoken: str, en: str, en_spoken: str) -> None:
    assert format_time(moment, "zh") == zh
    assert format_time(moment, "zh", spoken=True) == zh_spoken
    assert format_time(moment, "en") == en
    assert format_time(moment, "en", spoken=True) == en_spoken


def test_the_next_meeting_line_reads_like_the_article() -> None:
    assert format_datetime(datetime(2026, 10, 15, 10, 0), "zh", ref_year=2026) == "10月15日 上午10:00"
    assert format_datetime(datetime(2026, 10, 15, 10, 0), "en", ref_year=2026) == "Oct 15, 10:00 AM"


def test_weekdays_and_due_labels() -> None:
    friday = date(2026, 10, 9)
    assert weekday(friday, "zh") == "周五"
    assert weekday(friday, "en") == "Friday"
    assert weekday(friday, "en", short=True) == "Fri"
    assert due_label(friday, None, "zh", ref_year=2026) == "10月9日（周五）"
    assert due_label(friday, time(15, 0), "zh", ref_year=2026) == "10月9日（周五）15:00"
    assert due_label(friday, time(15, 0), "en", ref_year=2026) == "Oct 9 (Fri) 15:00"


@pytest.mark.parametrize(
    ("due", "zh", "en"),
    [
        (date(2026, 10, 6), "今天", "today"),
        (date(2026, 10, 7), "明天", "tomorrow"),
        (date(2026, 10, 8), "后天", "the day after tomorrow"),
        (date(2026, 10, 9), "周五", "on Friday"),  # the article: "你的方案周五要交"
        (date(2026, 10, 12), "下周一", "next Monday"),
        (date(2026, 10, 18), "下周日", "next Sunday"),
        (date(2026, 10, 19), "10月19日", "on Oct 19"),
        (date(2026, 10, 2), "10月2日", "on Oct 2"),  # in the past: the date itself
        (date(2027, 1, 4), "2027年1月4日", "on Jan 4, 2027"),
    ],
)
def test_due_words_count_from_today(due: date, zh: str, en: str) -> None:
    tuesday = date(2026, 10, 6)
    assert due_words(due, tuesday, "zh") == zh
    assert due_words(due, tuesday, "en") == en
