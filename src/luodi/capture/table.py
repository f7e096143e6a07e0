"""The action-item table of an action list: header by column name, one :class:`ParsedItem` per row.

Called by :mod:`luodi.capture.markdown`; never raises. Every unreadable cell becomes a
:class:`Finding` on that row's line; a row whose 序号 cannot be read (or is a duplicate) or whose
cell count is wrong is left out, the rest of the row's problems leave the row in with ``None``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

from luodi.capture.model import Findings, ParsedItem
from luodi.domain.dates import DateExpr, DateParseError, parse_date
from luodi.domain.enums import STATUS_EMOJI, ItemStatus, Priority
from luodi.i18n import gettext as _

Line = tuple[int, str]  # (1-based line number, text)

COLUMNS: dict[str, str] = {
    **dict.fromkeys(["序号", "#", "no", "no.", "编号", "id", "任务id", "number"], "number"),
    **dict.fromkeys(["行动项", "任务", "任务名称", "事项", "action", "actionitem", "item", "task"], "title"),
    **dict.fromkeys(["责任人", "负责人", "owner"], "owner"),
    **dict.fromkeys(["截止日期", "截止时间", "截止", "due", "duedate", "deadline"], "due"),
    **dict.fromkeys(["开始日期", "开始", "start", "startdate"], "start"),
    **dict.fromkeys(["交付物", "deliverable", "deliverables"], "deliverable"),
    **dict.fromkeys(["状态", "status"], "status"),
    **dict.fromkeys(["优先级", "priority"], "priority"),
    **dict.fromkeys(["验收标准", "验收", "acceptance", "acceptancecriteria"], "acceptance"),
}
"""Header text (lower case, spaces removed) → column key."""

REQUIRED = {"number": "序号/#", "title": "行动项/Action", "owner": "责任人/Owner", "due": "截止日期/Due"}

STATUS_WORDS: dict[str, ItemStatus] = {
    **{status.value.replace("_", ""): status for status in ItemStatus},
    "未开始": ItemStatus.NOT_STARTED,
    "进行中": ItemStatus.IN_PROGRESS,
    "有风险": ItemStatus.AT_RISK,
    "已延期": ItemStatus.DELAYED,
    "延期": ItemStatus.DELAYED,
    "已完成": ItemStatus.DONE,
    "完成": ItemStatus.DONE,
    "completed": ItemStatus.DONE,
    "todo": ItemStatus.NOT_STARTED,
}
"""Status text (lower case, emoji and spaces removed) → status."""

PRIORITY_WORDS: dict[str, Priority] = {
    "高": Priority.HIGH,
    "中": Priority.MEDIUM,
    "低": Priority.LOW,
    "high": Priority.HIGH,
    "medium": Priority.MEDIUM,
    "med": Priority.MEDIUM,
    "low": Priority.LOW,
}
_STARS = {1: Priority.LOW, 2: Priority.MEDIUM, 3: Priority.HIGH}
_EMOJI_STATUS = {emoji: status for status, emoji in STATUS_EMOJI.items()}
_NONE_WORDS = {"", "-", "—", "无", "n/a", "none"}
_NUMBER = re.compile(r"(?:t|#|任务)?0*(\d{1,6})", re.IGNORECASE)
_SEPARATOR_CELL = re.compile(r":?-+:?")


def split_row(text: str) -> list[str]:
    """Cells of a ``| a | b |`` line, stripped; ``\\|`` is a literal bar inside a cell."""
    body = text.strip().removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def _key(header: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", header)).lower()


def read_header(line: Line, findings: Findings) -> list[str | None] | None:
    """Column keys in order (None for unknown columns), or None when a required one is missing."""
    number, text = line
    keys: list[str | None] = []
    for header in split_row(text):
        key = COLUMNS.get(_key(header))
        if key is None:
            findings.warning(number, "table", _("Unknown column {name!r} is ignored").format(name=header))
        elif key in keys:
            findings.error(number, "table", _("Column {name!r} appears twice").format(name=header))
            key = None
        keys.append(key)
    missing = [label for key, label in REQUIRED.items() if key not in keys]
    for label in missing:
        findings.error(number, "table", _("The table has no {column} column").format(column=label))
    return None if missing else keys


def read_items(lines: Sequence[Line], base: dt.date | None, findings: Findings) -> list[ParsedItem]:
    """Read a table (header, separator, rows); ``base`` is the meeting's date for the dates."""
    keys = read_header(lines[0], findings)
    if keys is None:
        return []
    rows = list(lines[1:])
    if rows and all(_SEPARATOR_CELL.fullmatch(cell.replace(" ", "")) for cell in split_row(rows[0][1])):
        rows = rows[1:]
    else:
        findings.warning(lines[0][0], "table", _("The header is not followed by |---| line"))
    items: list[ParsedItem] = []
    seen: dict[int, int] = {}
    for number, text in rows:
        cells = split_row(text)
        if not any(cells):
            continue
        if len(cells) != len(keys):
            findings.error(
                number,
                "table",
                _("This row has {found} cells, the header has {expected}").format(found=len(cells), expected=len(keys)),
            )
            continue
        values = {key: cell for key, cell in zip(keys, cells, strict=True) if key is not None}
        item = _read_row(number, values, base, findings)
        if item is not None and _is_new(item, seen, findings):
            items.append(item)
    return items


def _is_new(item: ParsedItem, seen: dict[int, int], findings: Findings) -> bool:
    if item.number in seen:
        message = _("序号 {number} is used twice (first on line {line})").format(
            number=item.number, line=seen[item.number]
        )
        findings.error(item.line, "序号", message)
        return False
    seen[item.number] = item.line
    return True


def _read_row(line: int, cells: dict[str, str], base: dt.date | None, findings: Findings) -> ParsedItem | None:
    match = _NUMBER.fullmatch(cells["number"])
    if match is None or int(match[1]) == 0:
        message = _("序号 {text!r} is not a positive whole number").format(text=cells["number"])
        findings.error(line, "序号", message)
        return None
    title = cells["title"]
    if not title:
        findings.error(line, "title", _("The action is empty"))
    start = _read_date(line, "start", cells.get("start", ""), base, findings)
    due = _read_date(line, "due", cells["due"], base, findings)
    if start and due and start.date > due.date:
        findings.warning(line, "start", _("The item starts after it is due"))
    return ParsedItem(
        line=line,
        number=int(match[1]),
        title=title,
        owner=cells["owner"].removeprefix("@").strip(),
        start=start.date if start else None,
        due=due.date if due else None,
        due_time=due.time if due else None,
        deliverable=_optional(cells.get("deliverable", "")),
        status=_read_status(line, cells.get("status", ""), findings),
        priority=_read_priority(line, cells.get("priority", ""), findings),
        acceptance=_optional(cells.get("acceptance", "")),
        due_text=cells["due"],
    )


def _optional(text: str) -> str | None:
    return None if text.lower() in _NONE_WORDS else text


def _read_date(line: int, field: str, text: str, base: dt.date | None, findings: Findings) -> DateExpr | None:
    if not text:
        return None
    try:
        return parse_date(text, base=base)
    except DateParseError as exc:
        findings.error(line, field, str(exc))
        return None


def _read_status(line: int, text: str, findings: Findings) -> ItemStatus:
    emoji = next((_EMOJI_STATUS[char] for char in text if char in _EMOJI_STATUS), None)
    word = re.sub(r"[\s_?？]", "", "".join(char for char in text if char not in _EMOJI_STATUS)).lower()
    if word in STATUS_WORDS:
        return STATUS_WORDS[word]
    if not word:
        return emoji or ItemStatus.NOT_STARTED
    message = _("Unknown status {text!r}; use 未开始, 进行中, 有风险, 已延期 or 已完成").format(text=text)
    findings.error(line, "status", message)
    return ItemStatus.NOT_STARTED


def _read_priority(line: int, text: str, findings: Findings) -> Priority:
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
