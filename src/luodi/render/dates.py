"""Dates and times the way each language writes them: 「9月30日」「周五」「下午3点」, "Sep 30".

Date and time *patterns* are locale data (like CLDR's), kept here as one small table per language;
the words around them that form sentences ("明天", "下周一") go through the gettext catalogs.
Every function takes the language explicitly, so an environment bound to one language never
depends on the caller's context variable.
"""

from __future__ import annotations

from datetime import date, datetime, time

from luodi.i18n import normalize, translations

_WEEKDAYS = {
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_WEEKDAYS_SHORT = {
    "zh": _WEEKDAYS["zh"],
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def format_date(value: date | datetime, lang: str, *, ref_year: int | None = None) -> str:
    """「9月30日」/"Sep 30"; with the year when it differs from ``ref_year`` (or none is given)."""
    day = _day(value)
    with_year = ref_year is None or day.year != ref_year
    if normalize(lang) == "zh":
        text = f"{day.month}月{day.day}日"
        return f"{day.year}年{text}" if with_year else text
    text = f"{_MONTHS_EN[day.month - 1]} {day.day}"
    return f"{text}, {day.year}" if with_year else text


def format_time(value: time | datetime, lang: str, *, spoken: bool = False) -> str:
    """「上午10:00」「下午3:30」, spoken 「下午3点」「下午3点半」; "10:00 AM", spoken "3 PM"."""
    hour, minute = value.hour, value.minute
    if normalize(lang) == "zh":
        if hour < 6:
            period, shown = "凌晨", hour
        elif hour < 12:
            period, shown = "上午", hour
        elif hour == 12:
            period, shown = "中午", 12
        elif hour < 19:
            period, shown = "下午", hour - 12
        else:
            period, shown = "晚上", hour - 12
        if spoken and minute in (0, 30):
            return f"{period}{shown}点" + ("半" if minute else "")
        return f"{period}{shown}:{minute:02d}"
    suffix = "AM" if hour < 12 else "PM"
    shown = hour % 12 or 12
    if spoken and minute == 0:
        return f"{shown} {suffix}"
    return f"{shown}:{minute:02d} {suffix}"


def format_datetime(value: datetime, lang: str, *, ref_year: int | None = None) -> str:
    """「10月15日 上午10:00」/"Oct 15, 10:00 AM" (the article's 【下次跟进会议】 line)."""
    joiner = " " if normalize(lang) == "zh" else ", "
    return f"{format_date(value, lang, ref_year=ref_year)}{joiner}{format_time(value, lang)}"


def weekday(value: date | datetime, lang: str, *, short: bool = False) -> str:
    """「周五」; "Friday" (short: "Fri")."""
    table = _WEEKDAYS_SHORT if short else _WEEKDAYS
    return table[normalize(lang)][_day(value).weekday()]


def due_label(value: date, due_time: time | None, lang: str, *, ref_year: int | None = None) -> str:
    """A due date for a list line: 「9月30日（周五）」「9月30日（周五）15:00」, "Sep 30 (Fri)"."""
    if normalize(lang) == "zh":
        text = f"{format_date(value, lang, ref_year=ref_year)}（{weekday(value, lang)}）"
        return f"{text}{value_time(due_time)}" if due_time else text
    text = f"{format_date(value, lang, ref_year=ref_year)} ({weekday(value, lang, short=True)})"
    return f"{text} {value_time(due_time)}" if due_time else text


def value_time(value: time) -> str:
    """24-hour "15:00", for compact columns."""
    return f"{value.hour}:{value.minute:02d}"


def due_words(due: date, today: date, lang: str) -> str:
    """When something is due, seen from ``today``, as it goes into a sentence.

    zh: 今天 / 明天 / 后天 / 周五 (this week) / 下周一 (next week) / 10月15日 — the article says
    "你的方案周五要交". en: today / tomorrow / the day after tomorrow / on Friday / next Monday /
    on Oct 15. Dates in the past or further away than next week are written as dates.
    """
    _ = translations(lang).gettext
    delta = (due - today).days
    if delta == 0:
        return _("today")
    if delta == 1:
        return _("tomorrow")
    if delta == 2:
        return _("the day after tomorrow")
    weeks_apart = (_monday(due) - _monday(today)).days // 7
    if delta > 0 and weeks_apart == 0:
        return _("on %(weekday)s") % {"weekday": weekday(due, lang)}
    if delta > 0 and weeks_apart == 1:
        return _("next %(weekday)s") % {"weekday": weekday(due, lang)}
    return _("on %(date)s") % {"date": format_date(due, lang, ref_year=today.year)}


def _monday(day: date) -> date:
    return date.fromordinal(day.toordinal() - day.weekday())
