"""The State Council's holiday notices of past years parse to exactly chinese_calendar's data."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from luodi.domain.holiday_notice import NoticeError, parse_notice
from luodi.i18n import use_language

NOTICES = Path(__file__).parents[1] / "data" / "notices"


def _official(first: date, last: date) -> tuple[set[date], set[date]]:
    """chinese_calendar's dates in ``[first, last]``, without the next year's 元旦 (its notice's)."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    december = [d for d in days if d.year == last.year and d.month == 12]
    next_new_year = {d for d in december if chinese_calendar.holidays.get(d) == "New Year's Day"}
    next_new_year |= {d for d in december if d in chinese_calendar.workdays
                      and any(h - d < timedelta(days=7) for h in next_new_year if h > d)}
    return ({d for d in days if d in chinese_calendar.holidays} - next_new_year,
            {d for d in days if d in chinese_calendar.workdays} - next_new_year)


@pytest.mark.parametrize("name", ["2018.txt", "2023-traditional.txt", "2024.txt", "2025.txt", "2026.txt"])
def test_real_notice_matches_chinese_calendar_exactly(name: str) -> None:
    notice = parse_notice((NOTICES / name).read_text(encoding="utf-8"))
    schedule = notice.schedule
    assert notice.year == int(name[:4])
    # The whole year, plus any date the notice names in the year before (元旦 from 31 December).
    first = min([date(notice.year, 1, 1), *schedule.holidays, *schedule.workdays])
    holidays, workdays = _official(first, date(notice.year, 12, 31))
    assert schedule.holidays == holidays
    assert schedule.workdays == workdays
    assert len(notice.entries) in (6, 7)


def test_sections_ranges_and_workdays_are_read_festival_by_festival() -> None:
    notice = parse_notice((NOTICES / "2025.txt").read_text(encoding="utf-8"))
    spring = next(e for e in notice.entries if e.name == "春节")
    assert (spring.first, spring.last, spring.days) == (date(2025, 1, 28), date(2025, 2, 4), 8)
    assert spring.workdays == (date(2025, 1, 26), date(2025, 2, 8))
    assert [e.name for e in notice.entries][-1] == "国庆节、中秋节"
    # The preamble's "自2025年1月1日起…放假的假日增加2天" is not an arrangement.
    assert notice.entries[0].first == notice.entries[0].last == date(2025, 1, 1)


def test_a_notice_pasted_as_one_paragraph_reads_the_same() -> None:
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    assert parse_notice(text.replace("\n", "")).schedule == parse_notice(text).schedule


def test_cross_year_range_and_a_date_without_its_month() -> None:
    notice = parse_notice("国务院办公厅关于2019年部分节假日安排的通知\n"
                          "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。\n"
                          "二、劳动节：4月29日至5月1日放假调休，共3天。4月27日（星期六）、28日（星期日）上班。\n")
    assert notice.entries[0].first == date(2018, 12, 30) and notice.entries[0].last == date(2019, 1, 1)
    assert notice.entries[0].workdays == (date(2018, 12, 29),)
    assert notice.entries[1].workdays == (date(2019, 4, 27), date(2019, 4, 28))  # 28日 keeps April


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("一、元旦：1月1日放假。", "no year found"),
        ("关于2027年部分节假日安排的通知\n各省、自治区：", "no 放假 sentence"),
        ("关于2026年部分节假日安排的通知\n一、元旦：1月1日（周五）放假。", "line 2: 2026-01-01 is not a 周五"),
        ("关于2026年部分节假日安排的通知\n一、元旦：2月30日放假。", "line 2: '2月30日' is not a date in 2026"),
        ("关于2026年部分节假日安排的通知\n一、元旦：1月1日至3日放假调休。1月2日（周五）上班。",
         "2026-01-02 is both a holiday and a working day"),
        ("关于2026年部分节假日安排的通知\n一、元旦：1月4日（周日）上班。", "上班 dates before any 放假 range"),
        ("关于2026年部分节假日安排的通知\n一、元旦：3月9日至1日放假。", "is not a holiday"),
    ],
)
def test_unreadable_notice_names_the_line_and_the_reason(text: str, message: str) -> None:
    with pytest.raises(NoticeError, match=message):
        parse_notice(text)


# ---------------------------------------------------------------- every refusal, whole (English msgids)

TITLE = "关于2026年部分节假日安排的通知\n"


@pytest.mark.parametrize(("text", "line", "message"), [
    ("一、元旦：1月1日放假。", 0, "no year found: expected the title 《国务院办公厅关于XXXX年部分节假日安排的通知》"),
    (TITLE + "各省、自治区：", 0, "no 放假 sentence found: paste the notice's numbered sections (一、元旦：…放假…)"),
    (TITLE + "一、元旦：1月1日（周五）放假。", 2, "line 2: 2026-01-01 is not a 周五: is this the notice for 2026?"),
    (TITLE + "一、元旦：2月30日放假。", 2, "line 2: '2月30日' is not a date in 2026"),
    (TITLE + "一、元旦：1月1日至2月30日放假。", 2, "line 2: '2月30日' is not a date in 2026"),
    (TITLE + "一、元旦：1日放假。", 2, "line 2: '1日' has no month"),
    (TITLE + "一、元旦：1月1日至3日放假调休。1月2日（周五）上班。", 2,
     "line 2: 2026-01-02 is both a holiday and a working day"),
    (TITLE + "一、元旦：1月1日至3日放假调休。\n二、春节：2月15日至23日放假调休。1月3日（周六）上班。", 3,
     "line 3: 2026-01-03 is both a holiday (元旦) and a working day"),
    (TITLE + "一、元旦：1月1日至3日放假调休。1月4日（周一）上班。", 2,
     "line 2: 2026-01-04 is not a 周一: is this the notice for 2026?"),
    (TITLE + "一、元旦：1月4日（周日）上班。", 2, "line 2: 元旦: 上班 dates before any 放假 range"),
    (TITLE + "一、元旦：3月9日至1日放假。", 2, "line 2: 元旦: the range 2026-03-09 to 2026-03-01 is not a holiday"),
    (TITLE + "一、元旦：1月1日至2月2日放假。", 2, "line 2: 元旦: the range 2026-01-01 to 2026-02-02 is not a holiday"),
])
def test_a_refusal_names_the_line_and_says_why(text: str, line: int, message: str) -> None:
    with use_language("en"), pytest.raises(NoticeError) as caught:
        parse_notice(text)
    assert (caught.value.line, str(caught.value)) == (line, message)


def test_a_range_of_up_to_32_days_is_a_holiday() -> None:
    entry = parse_notice(TITLE + "一、元旦：1月1日至2月1日放假。").entries[0]
    assert (entry.first, entry.last, entry.days) == (date(2026, 1, 1), date(2026, 2, 1), 32)


def test_each_entry_keeps_the_line_of_its_section_and_its_working_days() -> None:
    notice = parse_notice(TITLE + "\n一、元旦：1月1日至3日放假调休。1月4日（周日）上班。\n"
                          "二、春节：2月15日至23日放假调休，共9天。2月14日（周六）、28日（周六）上班。")
    assert [(e.name, e.line, e.workdays) for e in notice.entries] == [
        ("元旦", 3, (date(2026, 1, 4),)), ("春节", 4, (date(2026, 2, 14), date(2026, 2, 28)))]


def test_windows_and_old_mac_line_ends_read_the_same_and_count_the_same_lines() -> None:
    text = TITLE + "一、元旦：1月1日至3日放假调休。1月4日（周日）上班。\n二、春节：2月15日至23日放假调休。"
    expected = parse_notice(text)
    assert parse_notice(text.replace("\n", "\r\n")) == expected
    assert parse_notice(text.replace("\n", "\r")) == expected
    with pytest.raises(NoticeError) as caught:
        parse_notice((TITLE + "一、元旦：2月30日放假。").replace("\n", "\r\n"))
    assert caught.value.line == 2


def test_the_year_is_read_from_the_title_or_from_现将() -> None:
    assert parse_notice("现将2027年元旦放假安排通知如下\n一、元旦：1月1日放假。").year == 2027


def test_an_error_about_the_whole_text_has_no_line() -> None:
    error = NoticeError("something")
    assert (error.line, str(error)) == (0, "something")
    with use_language("en"):
        assert str(NoticeError("something", line=4)) == "line 4: something"
