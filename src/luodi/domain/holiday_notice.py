"""Read the State Council's 《国务院办公厅关于XXXX年部分节假日安排的通知》 into a year's schedule.

A pure function of the notice's text (copied from gov.cn, a news site or the 公报, simplified or
traditional characters, full- or half-width punctuation): each numbered section
(``二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、
2月8日（周六）上班。``) gives its 放假 range and the 上班 dates it names. Other sentences (鼓励…休息,
the closing paragraph) are ignored. A weekday written beside a date (``（周日）``, ``（星期六）``) is
checked against the calendar, so a notice pasted under the wrong year is refused.

Dates without a year are in the notice's year; ``2018年12月30日至2019年1月1日`` spans years; a
date without a month (``至6日``, ``、29日``) takes the month of the date before it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from luodi.domain.workdays import YearSchedule
from luodi.i18n import gettext as _

_YEAR = re.compile(r"(\d{4})\s*年\s*部分\s*[节節]\s*假\s*日|[现現]\s*[将將]\s*(\d{4})\s*年")
_SECTION = re.compile(r"^\s*[一二三四五六七八九十]+\s*、\s*([^:：。]{1,30}?)\s*[:：]\s*")
# A section that starts mid-line (a notice pasted as one paragraph): split before its numeral.
_SECTION_START = re.compile(r"(?<![一二三四五六七八九十])(?=[一二三四五六七八九十]{1,2}\s*、[^、:：。]{1,20}[:：])")
_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日(\s*\([^()]*\))?")
_RANGE_SEP = re.compile(r"^\s*(?:至|到|-|—|–|~)\s*$")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY_NOTE = re.compile(r"(?:周|星期|禮拜|礼拜)([一二三四五六日天])")
_HOLIDAY_WORD = re.compile(r"放\s*假")
_WORKDAY_WORD = re.compile(r"上\s*班")


class NoticeError(ValueError):
    """The notice cannot be read; ``line`` is 1-based (0 when it is about the whole text)."""

    def __init__(self, message: str, *, line: int = 0) -> None:
        super().__init__(_("line {line}: {message}").format(line=line, message=message) if line else message)
        self.line = line


@dataclass(frozen=True)
class NoticeEntry:
    """One festival's arrangement, for the admin to review before it is stored."""

    name: str
    first: date
    last: date
    workdays: tuple[date, ...]
    line: int

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Notice:
    """The parsed notice: its year, one entry per festival, and the schedule they make."""

    year: int
    entries: tuple[NoticeEntry, ...] = field(default_factory=tuple)

    @property
    def schedule(self) -> YearSchedule:
        holidays = {entry.first + timedelta(days=n) for entry in self.entries for n in range(entry.days)}
        workdays = {day for entry in self.entries for day in entry.workdays}
        return YearSchedule(self.year, frozenset(holidays), frozenset(workdays))


@dataclass
class _Cursor:
    """The year and month a partial date (``6日``, ``2月4日``) is read in."""

    year: int
    month: int | None = None

    def read(self, match: re.Match[str], line: int) -> date:
        year_text, month_text, day_text, note = match.groups()
        if year_text:
            self.year = int(year_text)
        if month_text:
            self.month = int(month_text)
        if self.month is None:
            raise NoticeError(_("{text!r} has no month").format(text=match.group(0).strip()), line=line)
        try:
            day = date(self.year, self.month, int(day_text))
        except ValueError:
            raise NoticeError(_("{text!r} is not a date in {year}").format(
                text=match.group(0).strip(), year=self.year), line=line) from None
        weekday = _WEEKDAY_NOTE.search(note or "")
        if weekday and _WEEKDAYS[weekday.group(1)] != day.weekday():
            raise NoticeError(_("{day} is not a {weekday}: is this the notice for {year}?").format(
                day=day.isoformat(), weekday=weekday.group(0), year=self.year), line=line)
        return day


def notice_year(text: str) -> int:
    """The year the notice arranges, from its title or its 现将XXXX年 sentence."""
    found = _YEAR.search(_normalise(text))
    if found is None:
        raise NoticeError(_("no year found: expected the title 《国务院办公厅关于XXXX年部分节假日安排的通知》"))
    return int(found.group(1) or found.group(2))


def parse_notice(text: str) -> Notice:
    """Parse the notice; raise :class:`NoticeError` naming the line for anything unreadable.

    Returns every 放假 range and 上班 date, festival by festival, in the order written.
    """
    year = notice_year(text)
    entries: list[NoticeEntry] = []
    name = ""
    segments = ((number, part) for number, line in enumerate(_normalise(text).splitlines(), start=1)
                for part in _SECTION_START.split(line))
    for number, raw in segments:
        section = _SECTION.match(raw)
        if section:
            name, raw = section.group(1).strip(), raw[section.end():]
        if not name:
            continue  # the greeting and the preamble come before the first numbered section
        cursor = _Cursor(year)
        for sentence in re.split(r"[。;；]", raw):
            entry = _sentence(sentence, name, cursor, number, entries)
            if entry is not None:
                entries.append(entry)
    if not entries:
        raise NoticeError(_("no 放假 sentence found: paste the notice's numbered sections (一、元旦：…放假…)"))
    _check_overlaps(entries)
    return Notice(year, tuple(entries))


def _sentence(sentence: str, name: str, cursor: _Cursor, line: int,
              entries: list[NoticeEntry]) -> NoticeEntry | None:
    """A 放假 sentence makes a new entry; a 上班 sentence adds its dates to the festival's entry."""
    dates = list(_DATE.finditer(sentence))
    if _HOLIDAY_WORD.search(sentence) and dates:
        first = cursor.read(dates[0], line)
        last = first
        if len(dates) > 1 and _RANGE_SEP.match(sentence[dates[0].end():dates[1].start()]):
            last = cursor.read(dates[1], line)
        if last < first or (last - first).days > 31:
            raise NoticeError(_("{name}: the range {first} to {last} is not a holiday").format(
                name=name, first=first, last=last), line=line)
        return NoticeEntry(name, first, last, (), line)
    if _WORKDAY_WORD.search(sentence) and dates:
        workdays = tuple(cursor.read(match, line) for match in dates)
        if not entries or entries[-1].name != name:
            raise NoticeError(_("{name}: 上班 dates before any 放假 range").format(name=name), line=line)
        previous = entries.pop()
        entries.append(NoticeEntry(previous.name, previous.first, previous.last,
                                   previous.workdays + workdays, previous.line))
    return None


def _check_overlaps(entries: list[NoticeEntry]) -> None:
    named: dict[date, str] = {}
    for entry in entries:
        for n in range(entry.days):
            day = entry.first + timedelta(days=n)
            if day in entry.workdays:
                raise NoticeError(_("{day} is both a holiday and a working day").format(day=day), line=entry.line)
            named[day] = entry.name
    for entry in entries:
        clash = next((day for day in entry.workdays if day in named), None)
        if clash is not None:
            raise NoticeError(_("{day} is both a holiday ({name}) and a working day").format(
                day=clash, name=named[clash]), line=entry.line)


def _normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC); the 。 stays a sentence end."""
    return unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
