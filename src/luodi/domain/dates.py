"""Dates as people write them (CAP-3), read relative to the meeting's date.

``parse_date("10月5日前", base=date(2026, 9, 26))`` → ``DateExpr(date(2026, 10, 5))``. The reader
is a table of small regular expressions, each with a small function; an expression that no rule
reads raises :class:`DateParseError` naming the text and the reason — it never guesses.

Choices (each one a rule, so a reviewer can find it):

- ``base`` is the meeting's date. A month-day without a year (``9月30日``, ``9/30``, ``Sep 30``)
  is the first such date on or after ``base``; a day alone (``30号``) the first such day.
  ``2月29日`` with no leap year ahead within a year, and ``2月30日``, are errors.
- Numbers with slashes or dashes are always month/day (``10/5`` is 5 October), never day/month.
- Weeks run Monday to Sunday. A bare weekday (``周五``, ``Friday``) is the next such day on or
  after ``base``. ``本周五``/``这周五``/``this Friday`` is the Friday of base's week *even when it is
  before base* (lint then warns that it is already past). ``下周一``/``next Monday`` is the Monday
  of the following week, ``下下周一`` the week after that.
- ``前``/``之前``/``以前``/``为止`` and ``by``/``before`` mark a deadline: the date is that day.
- ``下班前``, ``end of day``, ``EOD`` are :data:`END_OF_DAY` (18:00), on ``base`` when no date is given.
- ``3天后``/``in 3 days`` and ``3天内``/``within 3 days`` are both base + 3 days; ``两周后`` is
  base + 14 days; ``1个月后`` keeps the day of month, clamped to the month's last day.
- ``月底``/``本月底``/``end of month`` is the last day of base's month; ``下月底`` of the next month.
- Vague phrases are refused with a reason, because any date we picked would be a guess:
  ``下月初``, ``月中``, ``上旬``, ``周末``, ``本周``/``这周内``, ``年底``, ``尽快``, ``this week``, ``ASAP``…
- Chinese numerals (``十月五日``, ``下午三点半``) and full-width characters (``９月３０日``) are read.

Over 300 lines: a table of the ways people write dates; one pure, table-tested parser.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import cn2an

from luodi.i18n import gettext as _

END_OF_DAY = dt.time(18, 0)
"""The time ``下班前`` / ``EOD`` stands for."""


@dataclass(frozen=True)
class DateExpr:
    """A date read from text, with the time of day when the text gave one."""

    date: dt.date
    time: dt.time | None = None


class DateParseError(ValueError):
    """``text`` cannot be read as a date; ``reason`` says why (translated, for people)."""

    def __init__(self, text: str, reason: str) -> None:
        self.text, self.reason = text, reason
        super().__init__(_("Cannot read {text!r} as a date: {reason}").format(text=text, reason=reason))


# ---------------------------------------------------------------- normalising the text

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_WELL_FORMED = re.compile(rf"[{_CN_DIGITS[2:]}]?十[{_CN_DIGITS[2:]}]?|[{_CN_DIGITS}]{{1,4}}")
_CN_NUMBER = re.compile(rf"[{_CN_DIGITS}十]+")
_SPACE_NEAR_CJK = re.compile(r"\s*([\u3000-\u9fff])\s*")


def _cn_to_digits(match: re.Match[str]) -> str:
    """``十五`` → ``15``, ``二〇二六`` → ``2026``; a malformed run (``十十``) is left for no rule to read."""
    if not _CN_WELL_FORMED.fullmatch(match.group()):
        return match.group()  # cn2an raises KeyError on some malformed runs; never hand it one
    return str(cn2an.cn2an(match.group(), "smart"))


def _normalize(text: str) -> str:
    """Half-width, lower case, Arabic digits, single spaces and none next to Chinese characters."""
    folded = unicodedata.normalize("NFKC", text).lower().strip()
    folded = _CN_NUMBER.sub(_cn_to_digits, folded)
    return _SPACE_NEAR_CJK.sub(r"\1", re.sub(r"\s+", " ", folded)).strip()


# ---------------------------------------------------------------- time of day

_CN_PERIOD = "上午|早上|早晨|中午|下午|晚上|傍晚|凌晨"
_AMPM = r"am|pm|a\.m\.|p\.m\."
_TIME = (
    rf"(?P<pre>{_CN_PERIOD})?\s*(?<![\d:])(?P<hour>\d{{1,2}})"
    rf"(?::(?P<minute>\d{{2}})\s*(?P<post>{_AMPM})?"
    r"|(?:点|时)(?:(?P<half>半)|(?P<cn_minute>\d{1,2})分?|整|钟)?"
    rf"|\s*(?P<post2>{_AMPM}))"
)
_TIME_AT_END = re.compile(_TIME + r"$")
_TIME_ONLY = re.compile(_TIME)
_EOD_AT_END = re.compile(r"(?:下班|end of (?:the )?day|eod|cob|close of business)(?:之前|以前|前)?$")
_PM = {"下午", "晚上", "傍晚", "pm", "p.m."}


def _period(match: re.Match[str]) -> str | None:
    return match["pre"] or match["post"] or match["post2"]


def _clock(match: re.Match[str], text: str, inherited: str | None = None) -> dt.time:
    """The 24-hour time of a ``_TIME`` match; ``inherited`` is the period of a range's start."""
    hour = int(match["hour"])
    minute = 30 if match["half"] else int(match["minute"] or match["cn_minute"] or 0)
    period = _period(match) or inherited
    if period in {"am", "a.m.", "pm", "p.m."} and not 1 <= hour <= 12:
        raise DateParseError(text, _("no such time of day"))
    if (period in _PM and hour < 12) or (period == "中午" and hour < 11):
        hour += 12
    elif period in {"am", "a.m."} and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise DateParseError(text, _("no such time of day"))
    return dt.time(hour, minute)


def _split_time(text: str, original: str) -> tuple[str, dt.time | None]:
    """Split a trailing time of day off ``text``: ``"10月15日上午10:00"`` → ``("10月15日", 10:00)``."""
    eod = _EOD_AT_END.search(text)
    if eod:
        return text[: eod.start()], END_OF_DAY
    text = _strip_deadline_words(text)
    found = _TIME_AT_END.search(text)
    if found is None:
        return text, None
    return re.sub(r"\s*(?:\bat|@|的)$", "", text[: found.start()].rstrip()), _clock(found, original)


_DEADLINE_PREFIX = re.compile(r"^(?:截止到|截止|截至|在|(?:by|before|due|on)\s+)")
_DEADLINE_SUFFIX = re.compile(r"(?:之前|以前|前|为止|截止)$")


def _strip_deadline_words(text: str) -> str:
    return _DEADLINE_SUFFIX.sub("", _DEADLINE_PREFIX.sub("", text.strip())).strip()


# ---------------------------------------------------------------- calendar arithmetic


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _absolute(year: int, month: int, day: int, text: str) -> dt.date:
    found = _make_date(year, month, day)
    if found is None:
        raise DateParseError(text, _("no such date"))
    return found


def _next_month_day(month: int, day: int, base: dt.date, text: str) -> dt.date:
    """The first ``month``-``day`` on or after ``base``, if it comes within a year (2月29日 may not)."""
    for year in (base.year, base.year + 1):
        found = _make_date(year, month, day)
        if found is not None and 0 <= (found - base).days < 366:
            return found
    raise DateParseError(text, _("no such date"))


def _next_day_of_month(day: int, base: dt.date, text: str) -> dt.date:
    """The first date on or after ``base`` whose day of month is ``day`` (``30号``)."""
    year, month = base.year, base.month
    for _step in range(13):
        found = _make_date(year, month, day)
        if found is not None and found >= base:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise DateParseError(text, _("no such date"))


def _add_months(base: dt.date, months: int) -> dt.date:
    year, month0 = divmod(base.month - 1 + months, 12)
    year += base.year
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(base.day, last))


def _month_end(base: dt.date, months_ahead: int) -> dt.date:
    first = _add_months(base.replace(day=1), months_ahead)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


# ---------------------------------------------------------------- the rules

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_WEEKDAYS_EN = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_DAY_NAMES = {"今天": 0, "今日": 0, "today": 0, "明天": 1, "明日": 1, "tomorrow": 1, "后天": 2, "大后天": 3}
_WEEK_SHIFT = {None: 0, "本": 0, "这": 0, "this": 0, "下": 1, "next": 1, "下下": 2}
_UNIT_DAYS = {"天": 1, "日": 1, "day": 1, "周": 7, "星期": 7, "礼拜": 7, "个星期": 7, "个礼拜": 7, "week": 7}

Absolute = Callable[[re.Match[str], str], dt.date]
Relative = Callable[[re.Match[str], dt.date, str], dt.date]


def _ymd(m: re.Match[str], text: str) -> dt.date:
    month = int(m["m"]) if m["m"] else _MONTHS.index(m["mon"][:3]) + 1
    return _absolute(int(m["y"]), month, int(m["d"]), text)


def _md(m: re.Match[str], base: dt.date, text: str) -> dt.date:
    month = int(m["m"]) if m["m"] else _MONTHS.index(m["mon"][:3]) + 1
    return _next_month_day(month, int(m["d"]), base, text)


def _offset(m: re.Match[str], base: dt.date, text: str) -> dt.date:
    unit = m["unit"].removesuffix("s")
    if unit in {"个月", "month"}:
        return _add_months(base, int(m["n"]))
    return base + dt.timedelta(days=int(m["n"]) * _UNIT_DAYS[unit])


def _weekday(m: re.Match[str], base: dt.date, text: str) -> dt.date:
    name = m["wd"]
    weekday = int(name) - 1 if name.isdigit() else 6 if name in "日天" else _WEEKDAYS_EN.index(name[:3])
    if m["rel"] is None:
        return base + dt.timedelta(days=(weekday - base.weekday()) % 7)
    monday = base - dt.timedelta(days=base.weekday())
    return monday + dt.timedelta(weeks=_WEEK_SHIFT[m["rel"].removesuffix("个")], days=weekday)


_ABSOLUTE: list[tuple[re.Pattern[str], Absolute]] = [
    (re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:日|号)?"), _ymd),
    (re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})(?:日|号)?"), _ymd),
    (re.compile(rf"(?P<m>){_MONTH} (?P<d>\d{{1,2}}){_ORD},? (?P<y>\d{{4}})"), _ymd),
    (re.compile(rf"(?P<m>)(?P<d>\d{{1,2}}){_ORD} {_MONTH},? (?P<y>\d{{4}})"), _ymd),
]
_RELATIVE: list[tuple[re.Pattern[str], Relative]] = [
    (re.compile(r"(?P<mon>)(?P<m>\d{1,2})(?:月|[/-])(?P<d>\d{1,2})(?:日|号)?"), _md),
    (re.compile(rf"(?P<m>){_MONTH} (?P<d>\d{{1,2}}){_ORD}"), _md),
    (re.compile(rf"(?P<m>)(?P<d>\d{{1,2}}){_ORD} {_MONTH}"), _md),
    (
        re.compile(r"(?P<d>\d{1,2})(?:日|号)"),
        lambda m, base, text: _next_day_of_month(int(m["d"]), base, text),
    ),
    (re.compile("|".join(_DAY_NAMES)), lambda m, base, text: base + dt.timedelta(days=_DAY_NAMES[m.group()])),
    (
        re.compile(r"(?P<n>\d{1,3})(?P<unit>天|日|周|星期|礼拜|个星期|个礼拜|个月)(?:以?后|之后|以?内|之内)"),
        _offset,
    ),
    (re.compile(r"(?:in|within) (?P<n>\d{1,3}) (?P<unit>days?|weeks?|months?)"), _offset),
    (re.compile(r"(?P<n>\d{1,3}) (?P<unit>days?|weeks?|months?) (?:later|from now)"), _offset),
    (re.compile(r"(?P<rel>本|这个?|下下个?|下个?)?(?:周|星期|礼拜)(?P<wd>[1-6日天])"), _weekday),
    (
        re.compile(
            r"(?:(?P<rel>this|next) )?(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?"
            r"|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
        ),
        _weekday,
    ),
    (
        re.compile(r"(?:本|这个?)?月(?:底|末)|end of (?:the )?month|eom"),
        lambda m, base, text: _month_end(base, 0),
    ),
    (re.compile(r"下个?月(?:底|末)|end of next month"), lambda m, base, text: _month_end(base, 1)),
]
_VAGUE = re.compile(
    r"(?:本|这个?|下个?)?月(?:初|中)|[上中下]旬|(?:本|这个?|下个?)?周末|(?:本|这个?|下个?)(?:周|星期|礼拜)内?"
    r"|年[底末]|近期|尽快|马上|asap|soon|(?:this|next) week(?:end)?|end of (?:the )?week|eow|weekend"
)


def _read_date(text: str, base: dt.date | None, original: str) -> dt.date:
    """Apply the rule table to a date without time of day; ``base`` None allows only full dates."""
    if not text:
        if base is None:
            raise DateParseError(original, _("needs the meeting's date"))
        return base
    for pattern, read in _ABSOLUTE:
        if match := pattern.fullmatch(text):
            return read(match, original)
    for pattern, relative in _RELATIVE:
        if match := pattern.fullmatch(text):
            if base is None:
                raise DateParseError(original, _("a date without a year needs the meeting's date"))
            try:
                return relative(match, base, original)
            except DateParseError:
                raise
            except (OverflowError, ValueError):  # past year 9999
                raise DateParseError(original, _("no such date")) from None
    if _VAGUE.fullmatch(text):
        raise DateParseError(original, _("too vague for a deadline; write a date such as 10月3日"))
    raise DateParseError(original, _("not a date expression luodi can read"))


def parse_date(text: str, *, base: dt.date | None) -> DateExpr:
    """Read one date (and optional time of day) as people write it.

    ``base`` is the meeting's date; with ``None`` only expressions that carry a year are read.
    Raises :class:`DateParseError` for empty, vague, impossible or unreadable text.
    """
    folded = _normalize(text)
    if not folded:
        raise DateParseError(text, _("empty"))
    rest, time_of_day = _split_time(_DEADLINE_PREFIX.sub("", folded), text)
    return DateExpr(_read_date(_strip_deadline_words(rest), base, text), time_of_day)


_TIME_TEXT = re.sub(r"\(\?P<\w+>", "(?:", _TIME)  # the same shape without named groups
_RANGE = re.compile(
    rf"(?P<d1>.*?)\s*(?P<t1>{_TIME_TEXT})"
    rf"(?:\s*(?:-|~|–|—|至|到|to)\s*(?:(?P<d2>.+?)\s*)??(?P<t2>{_TIME_TEXT}))?"
)


def parse_datetime_range(text: str, *, base: dt.date | None = None) -> tuple[dt.datetime, dt.datetime | None]:
    """Read a meeting time: ``"2026-09-26 14:00-15:30"`` → naive local (start, end or None).

    The date needs a year unless ``base`` is given. A start time is required. An end without a
    period (``下午2点-3点半``) takes the start's. Raises :class:`DateParseError`.
    """
    folded = _normalize(text)
    match = _RANGE.fullmatch(folded)
    if match is None:
        if folded:
            parse_date(text, base=base)  # raises with the precise reason if it is no date at all
        raise DateParseError(text, _("needs a date and a start time, e.g. 2026-09-26 14:00"))
    day = _read_date(_strip_deadline_words(match["d1"]), base, text)
    start_time = _TIME_ONLY.fullmatch(match["t1"])
    assert start_time is not None  # the range pattern embeds the same time pattern
    start = dt.datetime.combine(day, _clock(start_time, text))
    if match["t2"] is None:
        return start, None
    end_day = _read_date(match["d2"], base, text) if match["d2"] else day
    end_time = _TIME_ONLY.fullmatch(match["t2"])
    assert end_time is not None
    end = dt.datetime.combine(end_day, _clock(end_time, text, inherited=_period(start_time)))
    if end < start:
        raise DateParseError(text, _("the meeting ends before it starts"))
    return start, end
