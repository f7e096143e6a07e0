"""The action-item table, wherever it comes from — a Markdown table, tab-separated rows pasted
from Excel or Feishu Bitable, a .csv or an .xlsx sheet: columns by heading (in any order, with
the common aliases), one :class:`ParsedItem` per row.

Never raises. Every unreadable cell becomes a :class:`Finding` on that row's line (or sheet
row); a row whose 序号 cannot be read (or is a duplicate) or whose cell count is wrong is left
out, the rest of a row's problems leave the row in with ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from luodi.capture.fields import Context, optional, read_date, read_priority, read_status
from luodi.capture.model import Findings, ParsedDependency, ParsedItem
from luodi.capture.owners import choose_owner
from luodi.i18n import gettext as _

Line = tuple[int, str]  # (1-based line number, text)
Row = tuple[int, list[str]]  # (1-based line or sheet row, cells)

COLUMNS: dict[str, str] = {
    **dict.fromkeys(["序号", "#", "no", "no.", "编号", "id", "任务id", "number", "任务编号", "key", "issuekey"],
                    "number"),
    **dict.fromkeys(["行动项", "任务", "任务名称", "事项", "待办事项", "工作内容", "内容", "action", "actionitem",
                     "item", "task", "summary", "标题", "title"], "title"),
    **dict.fromkeys(["责任人", "负责人", "owner", "assignee", "执行人", "经办人", "处理人", "跟进人"], "owner"),
    **dict.fromkeys(["截止日期", "截止时间", "截止", "完成时间", "完成日期", "ddl", "due", "duedate", "deadline",
                     "日期", "计划完成时间", "到期日"], "due"),
    **dict.fromkeys(["开始日期", "开始", "开始时间", "start", "startdate"], "start"),
    **dict.fromkeys(["交付物", "产出", "产出物", "输出", "输出物", "交付", "deliverable", "deliverables", "output"],
                    "deliverable"),
    **dict.fromkeys(["状态", "进度", "status"], "status"),
    **dict.fromkeys(["优先级", "priority", "⭐", "重要程度"], "priority"),
    **dict.fromkeys(["验收标准", "验收", "acceptance", "acceptancecriteria"], "acceptance"),
    **dict.fromkeys(["依赖", "前置", "前置任务", "依赖任务", "依赖关系", "depends", "dependson", "dependencies",
                     "blockedby"], "depends"),
}
"""Header text (lower case, spaces and emoji variation removed) → column key."""

REQUIRED = {"title": "行动项/Action", "owner": "责任人/Owner", "due": "截止日期/Due"}

_NUMBER = re.compile(r"(?:t|#|任务|[a-z]{1,10}-)?0*(\d{1,6})", re.IGNORECASE)
_SEPARATOR_CELL = re.compile(r":?-+:?")
_REFERENCE = re.compile(r"\d{1,6}")


def split_row(text: str) -> list[str]:
    """Cells of a ``| a | b |`` line, stripped; ``\\|`` is a literal bar inside a cell."""
    body = text.strip().removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def column_key(header: str) -> str | None:
    """The column a heading names (``DDL`` → ``due``), None when it is not one luodi reads."""
    folded = re.sub(r"[\s\ufe0f*_:：()（）]", "", unicodedata.normalize("NFKC", header)).lower()
    return COLUMNS.get(folded) or COLUMNS.get(folded.replace("⭐", "") if folded.startswith("⭐") else folded)


def looks_like_header(cells: Sequence[str]) -> bool:
    """True when at least two cells are headings luodi knows (to tell a header from data)."""
    return sum(column_key(cell) is not None for cell in cells if cell) >= 2


def read_header(row: Row, findings: Findings) -> list[str | None] | None:
    """Column keys in order (None for unknown columns), or None when a required one is missing."""
    number, cells = row
    keys: list[str | None] = []
    for header in cells:
        key = column_key(header)
        if key is None and header.strip():
            findings.warning(number, "table", _("Unknown column {name!r} is ignored").format(name=header))
        elif key in keys:
            findings.error(number, "table", _("Column {name!r} appears twice").format(name=header))
            key = None
        keys.append(key)
    missing = [label for key, label in REQUIRED.items() if key not in keys]
    for label in missing:
        findings.error(number, "table", _("The table has no {column} column").format(column=label))
    return None if missing else keys


def read_markdown_table(lines: Sequence[Line], context: Context) -> tuple[list[ParsedItem], list[ParsedDependency]]:
    """A pipe table (header, separator, rows) as lines of text."""
    rows = [(number, split_row(text)) for number, text in lines]
    if len(rows) > 1 and all(_SEPARATOR_CELL.fullmatch(cell.replace(" ", "")) for cell in rows[1][1]):
        del rows[1]
    else:
        context.findings.warning(lines[0][0], "table", _("The header is not followed by |---| line"))
    return read_rows(rows[0], rows[1:], context)


def read_rows(
    header: Row, rows: Sequence[Row], context: Context, *, pad: bool = False
) -> tuple[list[ParsedItem], list[ParsedDependency]]:
    """Rows of cells under a header row. ``pad``: short rows are filled with empty cells (a
    spreadsheet drops trailing empty cells; a Markdown row with too few cells is an error)."""
    findings = context.findings
    keys = read_header(header, findings)
    if keys is None:
        return [], []
    items: list[ParsedItem] = []
    dependencies: list[ParsedDependency] = []
    seen: dict[int, int] = {}
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if pad and len(cells) <= len(keys):
            cells = [*cells, *[""] * (len(keys) - len(cells))]
        elif pad and any(cell.strip() for cell in cells[len(keys):]):
            findings.warning(line, "table", _("Cells beyond the last heading are ignored"))
            cells = cells[: len(keys)]
        elif pad:
            cells = cells[: len(keys)]
        if len(cells) != len(keys):
            findings.error(line, "table", _("This row has {found} cells, the header has {expected}").format(
                found=len(cells), expected=len(keys)))
            continue
        values = {key: cell.strip() for key, cell in zip(keys, cells, strict=True) if key is not None}
        item = _read_row(line, values, len(items) + 1, context)
        if item is not None and _is_new(item, seen, findings):
            items.append(item)
            dependencies += _read_depends(line, item.number, values.get("depends", ""), findings)
    return items, dependencies


def is_new_number(item: ParsedItem, seen: dict[int, int], findings: Findings) -> bool:
    """False (and an error) when another item already has this 序号."""
    return _is_new(item, seen, findings)


def _is_new(item: ParsedItem, seen: dict[int, int], findings: Findings) -> bool:
    if item.number in seen:
        message = _("序号 {number} is used twice (first on line {line})").format(
            number=item.number, line=seen[item.number]
        )
        findings.error(item.line, "序号", message)
        return False
    seen[item.number] = item.line
    return True


def _read_depends(line: int, number: int, text: str, findings: Findings) -> list[ParsedDependency]:
    if optional(text) is None:
        return []
    found = [int(ref) for ref in _REFERENCE.findall(text)]
    if not found:
        message = _("Cannot read the dependency {text!r}; write the 序号 of the items it waits for").format(text=text)
        findings.error(line, "dependencies", message)
    return [ParsedDependency(line, number, prerequisite) for prerequisite in dict.fromkeys(found)]


def _read_row(line: int, cells: dict[str, str], position: int, context: Context) -> ParsedItem | None:
    findings = context.findings
    number = position
    if cells.get("number"):
        match = _NUMBER.fullmatch(cells["number"])
        if match is None or int(match[1]) == 0:
            message = _("序号 {text!r} is not a positive whole number").format(text=cells["number"])
            findings.error(line, "序号", message)
            return None
        number = int(match[1])
    title = cells["title"]
    if not title:
        findings.error(line, "title", _("The action is empty"))
    start = read_date(line, "start", cells.get("start", ""), context)
    due = read_date(line, "due", cells["due"], context)
    if start and due and start.date > due.date:
        findings.warning(line, "start", _("The item starts after it is due"))
    return ParsedItem(
        line=line,
        number=number,
        title=title,
        owner=choose_owner(cells["owner"], line, context.asker),
        start=start.date if start else None,
        due=due.date if due else None,
        due_time=due.time if due else None,
        deliverable=optional(cells.get("deliverable", "")),
        status=read_status(line, cells.get("status", ""), findings),
        priority=read_priority(line, cells.get("priority", ""), findings),
        acceptance=optional(cells.get("acceptance", "")),
        due_text=cells["due"],
    )
