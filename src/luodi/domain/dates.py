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
import holidays

from luodi.domain.workdays import Calendar
from luodi.i18n import gettext as _

END_OF_DAY = dt.time(18, 0)
"""The time ``下班前`` / ``EOD`` stands for."""


@dataclass(frozen=True)
class DateExpr:
    """A date read from text, with the time of day when the text gave one."""

    date: dt.date
    time: dt.time | None = None
    alternatives: tuple[dt.date, ...] = ()
    """Other readings of the same text (``周五`` said on a Friday: today or a week later); the
    caller asks which one is meant instead of picking. Empty when the text has one reading."""


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


def _split_time(text: str, original: str, end_of_day: dt.time = END_OF_DAY) -> tuple[str, dt.time | None]:
    """Split a trailing time of day off ``text``: ``"10月15日上午10:00"`` → ``("10月15日", 10:00)``."""
    eod = _EOD_AT_END.search(text)
    if eod:
        return text[: eod.start()], end_of_day
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
_DAY_NAMES = {
    "今天": 0, "今日": 0, "当天": 0, "当日": 0, "today": 0, "明天": 1, "明日": 1, "次日": 1, "翌日": 1,
    "第2天": 1, "tomorrow": 1, "后天": 2, "大后天": 3,
}
_WEEK_SHIFT = {None: 0, "本": 0, "这": 0, "this": 0, "下": 1, "next": 1, "下下": 2}
_UNIT_DAYS = {"天": 1, "日": 1, "day": 1, "周": 7, "星期": 7, "礼拜": 7, "个星期": 7, "个礼拜": 7, "week": 7}
_MONTH_SHIFT = {None: 0, "本": 0, "这": 0, "这个": 0, "当": 0, "下": 1, "下个": 1, "下下": 2, "下下个": 2}
_TEN_DAYS = {"上": 10, "中": 20}


@dataclass
class _Context:
    """What a rule reads against: the meeting's date, the working-day calendar, the text."""

    base: dt.date
    calendar: Calendar | None
    text: str
    alternatives: list[dt.date]

    @property
    def workdays(self) -> Calendar:
        return self.calendar if self.calendar is not None else Calendar()


Absolute = Callable[[re.Match[str], str], dt.date]
Relative = Callable[[re.Match[str], _Context], dt.date]


def _ymd(m: re.Match[str], text: str) -> dt.date:
    month = int(m["m"]) if m["m"] else _MONTHS.index(m["mon"][:3]) + 1
    return _absolute(int(m["y"]), month, int(m["d"]), text)


def _md(m: re.Match[str], c: _Context) -> dt.date:
    month = int(m["m"]) if m["m"] else _MONTHS.index(m["mon"][:3]) + 1
    return _next_month_day(month, int(m["d"]), c.base, c.text)


def _day_of_month(m: re.Match[str], c: _Context) -> dt.date:
    found = _next_day_of_month(int(m["d"]), c.base, c.text)
    if found == c.base:  # 3号 said on the 3rd: today, or the 3rd of next month?
        later = _next_day_of_month(int(m["d"]), c.base + dt.timedelta(days=1), c.text)
        c.alternatives.append(later)
    return found


def _offset(m: re.Match[str], c: _Context) -> dt.date:
    unit = m["unit"].removesuffix("s")
    if unit in {"个月", "month"}:
        return _add_months(c.base, int(m["n"]))
    return c.base + dt.timedelta(days=int(m["n"]) * _UNIT_DAYS[unit])


def _workday_offset(m: re.Match[str], c: _Context) -> dt.date:
    """``3个工作日内``: the third working day after the meeting, 调休 and holidays counted."""
    return c.workdays.add_workdays(c.base, int(m["n"]))


def _weekday(m: re.Match[str], c: _Context) -> dt.date:
    name, base = m["wd"], c.base
    weekday = int(name) - 1 if name.isdigit() else 6 if name in "日天" else _WEEKDAYS_EN.index(name[:3])
    if m["rel"] is None:
        found = base + dt.timedelta(days=(weekday - base.weekday()) % 7)
        if found == base:  # 周五 said on a Friday: today or next Friday?
            c.alternatives.append(base + dt.timedelta(days=7))
        return found
    monday = base - dt.timedelta(days=base.weekday())
    shift = _WEEK_SHIFT[m["rel"].removesuffix("个")]
    found = monday + dt.timedelta(weeks=shift, days=weekday)
    if shift == 0 and found < base:  # 本周五 said on Saturday: the day just past, or next week's?
        c.alternatives.append(found + dt.timedelta(days=7))
    return found


def _week_end(m: re.Match[str], c: _Context) -> dt.date:
    """``本周内``/``下周``: the week's Friday (working week), or its Sunday — two readings."""
    monday = c.base - dt.timedelta(days=c.base.weekday())
    shift = _WEEK_SHIFT[(m["rel"] or "本").removesuffix("个")]
    friday = monday + dt.timedelta(weeks=shift, days=4)
    c.alternatives.append(friday + dt.timedelta(days=2))
    return friday


def _weekend(m: re.Match[str], c: _Context) -> dt.date:
    """``周末``/``下周末``: Sunday of that week, or its Saturday."""
    monday = c.base - dt.timedelta(days=c.base.weekday())
    sunday = monday + dt.timedelta(weeks=_WEEK_SHIFT[(m["rel"] or "本").removesuffix("个")], days=6)
    c.alternatives.append(sunday - dt.timedelta(days=1))
    return sunday


def _month_of(m: re.Match[str], c: _Context) -> dt.date:
    """The first day of the month a rule names: ``10月`` (the next October), ``下个月``, ``本月``."""
    if m["m"]:
        month = int(m["m"])
        if not 1 <= month <= 12:
            raise DateParseError(c.text, _("no such date"))
        year = c.base.year + (month < c.base.month)
        return dt.date(year, month, 1)
    return _add_months(c.base.replace(day=1), _MONTH_SHIFT[m["rel"]])


def _month_part(m: re.Match[str], c: _Context) -> dt.date:
    """``月底``/``10月中``/``下月初``/``本月下旬``: a day within a month."""
    first = _month_of(m, c)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    part = m["part"]
    if part in {"底", "末", "下旬"}:
        return last
    if part == "中":
        return first.replace(day=15)
    if part in {"上旬", "中旬"}:
        return first.replace(day=_TEN_DAYS[part[0]])
    # 月初: early in the month — the 5th, or the very first day, or the end of the first ten days
    c.alternatives.extend([first, first.replace(day=10)])
    return first.replace(day=5)


def _month_day(m: re.Match[str], c: _Context) -> dt.date:
    """``下个月15号`` / ``本月20日``."""
    found = _make_date(*_add_months(c.base.replace(day=1), _MONTH_SHIFT[m["rel"]]).timetuple()[:2], int(m["d"]))
    if found is None:
        raise DateParseError(c.text, _("no such date"))
    return found


def _year_end(m: re.Match[str], c: _Context) -> dt.date:
    return dt.date(c.base.year + (1 if m["rel"] == "明" else 0), 12, 31)


_FESTIVALS: dict[str, str] = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "过年": "Spring Festival",
    "年后": "Spring Festival",
    "清明": "Tomb-Sweeping Day",
    "五一": "Labor Day",
    "劳动节": "Labor Day",
    "端午": "Dragon Boat Festival",
    "中秋": "Mid-Autumn Festival",
    "国庆": "National Day",
}
"""The Chinese name of a public holiday → the name the ``holidays`` package gives it (en_US)."""


def _festival_days(base: dt.date) -> list[tuple[dt.date, str]]:
    """China's public holidays from ``base`` on, within a year, in order (dates of the festivals
    themselves; the days off around them come from the working-day calendar)."""
    found = holidays.country_holidays("CN", years=[base.year, base.year + 1], language="en_US")
    return sorted((day, name) for day, name in found.items() if base <= day < base + dt.timedelta(days=366))


def _festival(m: re.Match[str], c: _Context) -> dt.date:
    """``国庆后``: the first working day after the holiday; ``春节前``: the last one before it.
    ``节后`` alone is the first working day after the next public holiday."""
    wanted = _FESTIVALS.get(m["name"] or "")
    days = [day for day, name in _festival_days(c.base) if wanted is None or wanted in name]
    if not days:
        raise DateParseError(c.text, _("no such holiday within a year"))
    workdays = c.workdays
    if m["name"] == "年后" or m["when"] in {"后", "之后", "以后"}:
        return workdays.next_workday(_holiday_block_end(days[0], workdays))
    return workdays.previous_workday(_holiday_block_start(days[0], workdays))


def _holiday_block_end(day: dt.date, workdays: Calendar) -> dt.date:
    """The last day of the run of days off that ``day`` is in."""
    while not workdays.is_workday(day + dt.timedelta(days=1)):
        day += dt.timedelta(days=1)
    return day


def _holiday_block_start(day: dt.date, workdays: Calendar) -> dt.date:
    while not workdays.is_workday(day - dt.timedelta(days=1)):
        day -= dt.timedelta(days=1)
    return day


_ABSOLUTE: list[tuple[re.Pattern[str], Absolute]] = [
    (re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:日|号)?"), _ymd),
    (re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})(?:日|号)?"), _ymd),
    (re.compile(rf"(?P<m>){_MONTH} (?P<d>\d{{1,2}}){_ORD},? (?P<y>\d{{4}})"), _ymd),
    (re.compile(rf"(?P<m>)(?P<d>\d{{1,2}}){_ORD} {_MONTH},? (?P<y>\d{{4}})"), _ymd),
]
_REL_MONTH = r"(?:(?P<m>\d{1,2})月份?|(?P<rel>本|这个?|当|下下个?|下个?)?月)"
_RELATIVE: list[tuple[re.Pattern[str], Relative]] = [
    (re.compile(r"(?P<mon>)(?P<m>\d{1,2})(?:月|[/-])(?P<d>\d{1,2})(?:日|号)?"), _md),
    (re.compile(rf"(?P<m>){_MONTH} (?P<d>\d{{1,2}}){_ORD}"), _md),
    (re.compile(rf"(?P<m>)(?P<d>\d{{1,2}}){_ORD} {_MONTH}"), _md),
    (re.compile(r"(?P<d>\d{1,2})(?:日|号)"), _day_of_month),
    (re.compile("|".join(sorted(_DAY_NAMES, key=len, reverse=True))),
     lambda m, c: c.base + dt.timedelta(days=_DAY_NAMES[m.group()])),
    (
        re.compile(r"(?P<n>\d{1,3})(?P<unit>天|日|周|星期|礼拜|个星期|个礼拜|个月)(?:以?后|之后|以?内|之内)"),
        _offset,
    ),
    (re.compile(r"(?P<n>\d{1,3})个?工作日(?:以?后|之后|以?内|之内)?"), _workday_offset),
    (re.compile(r"(?:in|within) (?P<n>\d{1,3}) (?:working|business) days?"), _workday_offset),
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
    (re.compile(r"(?P<rel>本|这个?|下下个?|下个?)(?:周|星期|礼拜)内?"), _week_end),
    (re.compile(r"(?P<rel>本|这个?|下下个?|下个?)?(?:周末|星期天|礼拜天)"), _weekend),
    (re.compile(rf"{_REL_MONTH}(?P<part>底|末|中|初|上旬|中旬|下旬)"), _month_part),
    (re.compile(r"(?P<rel>本|这个?|下下个?|下个?)月(?P<d>\d{1,2})(?:日|号)"), _month_day),
    (re.compile(r"(?:(?P<rel>今|本|明)年)?年?(?:底|末)"), _year_end),
    (re.compile(r"end of (?:the )?month|eom"), lambda m, c: _month_end(c.base, 0)),
    (re.compile(r"end of next month"), lambda m, c: _month_end(c.base, 1)),
    (re.compile(rf"(?P<name>{'|'.join(_FESTIVALS)}|节)(?:节)?(?:假期|长假|放假)?(?P<when>后|之后|以后|前|之前|以前)?"
                r"(?:的)?(?:第一个工作日|第1个工作日|首个工作日|上班第一天|第一天|开工)?"), _festival),
]
_VAGUE = re.compile(
    r"[上中下]旬|近期|尽快|马上|抓紧|待定|未定|再定|另定|tbd|tba|asap|soon|(?:this|next) week(?:end)?"
    r"|end of (?:the )?week|eow|weekend"
)


def _read_date(text: str, base: dt.date | None, original: str, calendar: Calendar | None = None,
               alternatives: list[dt.date] | None = None) -> dt.date:
    """Apply the rule table to a date without time of day; ``base`` None allows only full dates.
    Other readings of the text are appended to ``alternatives``."""
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
            context = _Context(base, calendar, original, [] if alternatives is None else alternatives)
            try:
                return relative(match, context)
            except DateParseError:
                raise
            except (OverflowError, ValueError):  # past year 9999, or no working day within a year
                raise DateParseError(original, _("no such date")) from None
    if _VAGUE.fullmatch(text):
        raise DateParseError(original, _("too vague for a deadline; write a date such as 10月3日"))
    raise DateParseError(original, _("not a date expression luodi can read"))


_FESTIVAL_PHRASE = re.compile(_RELATIVE[-1][0].pattern)


def parse_date(
    text: str, *, base: dt.date | None, calendar: Calendar | None = None, end_of_day: dt.time = END_OF_DAY
) -> DateExpr:
    """Read one date (and optional time of day) as people write it.

    ``base`` is the meeting's date; with ``None`` only expressions that carry a year are read.
    ``calendar`` counts working days (``3个工作日内``, ``国庆后``; China's calendar when None);
    ``end_of_day`` is what ``下班前``/``EOD`` means. A text with several readings returns the first
    in ``date`` and the others in ``alternatives``: ask, do not pick.
    Raises :class:`DateParseError` for empty, vague, impossible or unreadable text.
    """
    folded = _normalize(text)
    if not folded:
        raise DateParseError(text, _("empty"))
    alternatives: list[dt.date] = []
    words = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))  # 五一 is a name, not the number 51
    if _FESTIVAL_PHRASE.fullmatch(words):  # 国庆前 keeps its 前: it is not a deadline marker here
        day = _read_date(words, base, text, calendar, alternatives)
        return DateExpr(day, None, tuple(alternatives))
    rest, time_of_day = _split_time(_DEADLINE_PREFIX.sub("", folded), text, end_of_day)
    day = _read_date(_strip_deadline_words(rest), base, text, calendar, alternatives)
    return DateExpr(day, time_of_day, tuple(dict.fromkeys(a for a in alternatives if a != day)))


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


# ---------------------------------------------------------------- finding dates inside a sentence

_N = r"[\d零〇一二两三四五六七八九十]{1,4}"
_CLOCK_TEXT = (
    rf"(?:(?:{_CN_PERIOD})\s*{_N}\s*(?:[:：]\s*\d{{2}}|点\s*半|点\s*{_N}\s*分?|点(?:整|钟)?)"
    rf"|\d{{1,2}}\s*[:：]\s*\d{{2}}|{_N}\s*点(?:\s*半|\s*{_N}\s*分?|整|钟)?)"
)
_DAY_TEXT = "|".join(
    [
        r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?",
        rf"(?:明年|今年)?{_N}\s*月份?\s*(?:{_N}\s*[日号]?|底|末|中旬|上旬|下旬|中|初)",
        r"(?<![\d/／.])\d{1,2}\s*[/／]\s*\d{1,2}(?![\d/／])",
        rf"(?:本|这个?|当|下下个?|下个?)?月(?:底|末|中旬|上旬|下旬|中|初|{_N}\s*[日号])",
        r"(?:(?:今|本|明)年)?年?(?:底|末)",
        r"(?:本|这个?|下下个?|下个?)?(?:周|星期|礼拜)[1-7一二三四五六日天]",
        r"(?:本|这个?|下下个?|下个?)(?:周|星期|礼拜)(?:内|末)?|周末",
        rf"{_N}\s*个?(?:工作日|天|日|周|星期|礼拜|个星期|个礼拜|个月)(?:以?内|之内|以?后|之后)",
        "大后天|今天|今日|当天|当日|明天|明日|次日|翌日|第二天|第2天|后天",
        rf"(?:{'|'.join(_FESTIVALS)}|节)(?:节)?(?:假期|长假|放假)?(?:之后|以后|后|之前|以前|前)"
        r"(?:的)?(?:第一个工作日|第1个工作日|首个工作日|上班第一天|第一天)?",
        rf"(?<![\d第]){_N}\s*[日号](?![楼线院室栋])",
        r"尽快|待定|未定|近期|马上|\basap\b|\btbd\b",
        rf"\b{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?\b",
        r"\b(?:next |this )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        r"\b(?:today|tomorrow)\b|\bin \d{1,3} (?:working |business )?(?:days?|weeks?)\b",
    ]
)
_FIND = re.compile(
    rf"(?:(?:截止到?|截至)\s*|在|于|\bby\s+)?(?:(?:{_DAY_TEXT})\s*(?:的\s*)?(?:{_CLOCK_TEXT}|下班)?|{_CLOCK_TEXT}|下班|\beod\b)"
    r"\s*(?:之前|以前|前|为止|截止)?",
    re.I,
)


def find_dates(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that look like a date phrase (``12月4日前``, ``下周三前``, ``尽快``), in order.

    Only finds: :func:`parse_date` on a span reads it, or says why it cannot (``10月32日``,
    ``尽快``) — so a sentence's date is never dropped without a reason.
    """
    return [match.span() for match in _FIND.finditer(text) if match.group().strip()]
