"""Reading one field as people write it — a date, a status, a priority — for every reader
(tables, lists, chat, spreadsheets), so the same text means the same thing wherever it is.

A date with two readings becomes a question (:class:`luodi.capture.model.Asker`); what cannot
be read becomes an error on the line. Never raises.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from luodi.capture.model import Asker, Findings, ReadOptions
from luodi.domain.dates import DateExpr, DateParseError, parse_date
from luodi.domain.enums import STATUS_EMOJI, ItemStatus, Priority
from luodi.i18n import gettext as _

STATUS_WORDS: dict[str, ItemStatus] = {
    **{status.value.replace("_", ""): status for status in ItemStatus},
    "未开始": ItemStatus.NOT_STARTED,
    "待开始": ItemStatus.NOT_STARTED,
    "待办": ItemStatus.NOT_STARTED,
    "进行中": ItemStatus.IN_PROGRESS,
    "处理中": ItemStatus.IN_PROGRESS,
    "有风险": ItemStatus.AT_RISK,
    "风险": ItemStatus.AT_RISK,
    "已延期": ItemStatus.DELAYED,
    "延期": ItemStatus.DELAYED,
    "已完成": ItemStatus.DONE,
    "完成": ItemStatus.DONE,
    "已解决": ItemStatus.DONE,
    "completed": ItemStatus.DONE,
    "todo": ItemStatus.NOT_STARTED,
    "open": ItemStatus.NOT_STARTED,
    "inprogress": ItemStatus.IN_PROGRESS,
    "doing": ItemStatus.IN_PROGRESS,
    "resolved": ItemStatus.DONE,
    "closed": ItemStatus.DONE,
}
"""Status text (lower case, emoji and spaces removed) → status (Jira's names included)."""

EMOJI_STATUS: dict[str, ItemStatus] = {
    **{emoji: status for status, emoji in STATUS_EMOJI.items()},
    "✅": ItemStatus.DONE,
    "✔": ItemStatus.DONE,
    "☑": ItemStatus.DONE,
    "⏳": ItemStatus.IN_PROGRESS,
    "❌": ItemStatus.AT_RISK,
    "⚠": ItemStatus.AT_RISK,
}
"""The status circles of the article (⚪🔵🟢🟠⚫) and the marks people add in chats."""

PRIORITY_WORDS: dict[str, Priority] = {
    "高": Priority.HIGH,
    "中": Priority.MEDIUM,
    "低": Priority.LOW,
    "high": Priority.HIGH,
    "highest": Priority.HIGH,
    "medium": Priority.MEDIUM,
    "med": Priority.MEDIUM,
    "low": Priority.LOW,
    "lowest": Priority.LOW,
    "p0": Priority.HIGH,
    "p1": Priority.HIGH,
    "p2": Priority.MEDIUM,
    "p3": Priority.LOW,
    "紧急": Priority.HIGH,
    "重要": Priority.HIGH,
    "一般": Priority.MEDIUM,
}
_STARS = {1: Priority.LOW, 2: Priority.MEDIUM, 3: Priority.HIGH}
NONE_WORDS = {"", "-", "—", "无", "n/a", "none", "/"}


@dataclass
class Context:
    """What field readers share while reading one draft."""

    base: dt.date | None  # the meeting's date
    options: ReadOptions
    asker: Asker
    findings: Findings


def optional(text: str) -> str | None:
    return None if text.strip().lower() in NONE_WORDS else text.strip()


def read_date(line: int, field: str, text: str, context: Context, *, base: dt.date | None = None) -> DateExpr | None:
    """``text`` as a date relative to ``base`` (default: the meeting's date); a question when it
    has two readings, an error when it has none."""
    text = text.strip()
    if not text:
        return None
    options = context.options
    try:
        found = parse_date(text, base=base or context.base, calendar=options.calendar, end_of_day=options.end_of_day)
    except DateParseError as exc:
        context.findings.error(line, field, str(exc))
        return None
    if not found.alternatives:
        return found
    choices = [day.isoformat() for day in (found.date, *found.alternatives)]
    message = _("{text!r} can mean {choices}; which date?").format(text=text, choices=" / ".join(choices))
    answer = context.asker.ask(line, field, message, choices)
    try:
        chosen = parse_date(answer, base=base or context.base, calendar=options.calendar,
                            end_of_day=options.end_of_day)
    except DateParseError as exc:
        context.findings.error(line, field, str(exc))
        return None
    return DateExpr(chosen.date, chosen.time or found.time)


def read_status(line: int, text: str, findings: Findings) -> ItemStatus:
    emoji = next((EMOJI_STATUS[char] for char in text if char in EMOJI_STATUS), None)
    word = re.sub(r"[\s_?？\ufe0f]", "", "".join(char for char in text if char not in EMOJI_STATUS)).lower()
    if word in STATUS_WORDS:
        return STATUS_WORDS[word]
    if not word:
        return emoji or ItemStatus.NOT_STARTED
    message = _("Unknown status {text!r}; use 未开始, 进行中, 有风险, 已延期 or 已完成").format(text=text)
    findings.error(line, "status", message)
    return ItemStatus.NOT_STARTED


def read_priority(line: int, text: str, findings: Findings) -> Priority:
    stars = sum(text.count(star) for star in "⭐★")
    word = re.sub(r"[\s⭐★\ufe0f]", "", text).lower()
    if word in PRIORITY_WORDS:
        return PRIORITY_WORDS[word]
    if not word and not stars:
        return Priority.MEDIUM
    if not word and stars in _STARS:
        return _STARS[stars]
    message = _("Unknown priority {text!r}; use 高, 中, 低 or one to three ⭐").format(text=text)
    findings.error(line, "priority", message)
    return Priority.MEDIUM
