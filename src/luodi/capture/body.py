"""The action items of a draft, whatever shape they were written in: a Markdown table (on
markdown-it-py's tokenizer, so a GFM table without outer pipes reads too), tab-separated rows
as Excel and Feishu Bitable put them on the clipboard, or list and chat lines
(:mod:`luodi.capture.lines`). Dependency lines (``任务2依赖任务1``) are read wherever they stand.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt

from luodi.capture.fields import Context
from luodi.capture.lines import read_lines
from luodi.capture.model import ParsedDependency, ParsedItem
from luodi.capture.sections import is_dependency, read_dependencies
from luodi.capture.table import Line, Row, looks_like_header, read_markdown_table, read_rows, split_row
from luodi.i18n import gettext as _

_MARKDOWN = MarkdownIt("commonmark").enable("table")


def read_body(
    lines: Sequence[Line], context: Context, *, heading: int = 0, chat: bool | None = None
) -> tuple[list[ParsedItem], list[ParsedDependency]]:
    """Items and the dependencies stated among them; ``heading`` is the section's line (for
    "no items here")."""
    start = len(context.findings)
    dependency_lines = [line for line in lines if line[1].strip() and is_dependency(line[1])]
    rest = [line for line in lines if line not in dependency_lines]
    dependencies = read_dependencies(dependency_lines, context.findings)
    table = _markdown_table(rest)
    if table is not None:
        header, rows, used = table
        for number, text in rest:
            if text.strip() and number not in used:
                context.findings.warning(number, "table", _("Text outside the table is ignored"))
        items, more = read_rows(header, rows, context)
    elif pipes := [line for line in rest if line[1].startswith("|")]:  # a pipe table without |---|
        for number, text in rest:
            if text.strip() and not text.startswith("|"):
                context.findings.warning(number, "table", _("Text outside the table is ignored"))
        items, more = read_markdown_table(pipes, context)
    elif (tab := _tab_rows(rest)) is not None:
        items, more = read_rows(tab[0], tab[1], context, pad=True)
    else:
        items, more = read_lines(rest, context, chat=chat), []
    if not items and not context.findings.errors_after(start):
        context.findings.error(heading, "table", _("No action items found: write a table or one item per line"))
    return items, dependencies + more


def _markdown_table(lines: Sequence[Line]) -> tuple[Row, list[Row], set[int]] | None:
    """The first table markdown-it finds: header, rows (cells as written, line numbers of the
    input) and the line numbers it spans. A row whose cell count differs from the header's keeps
    its own cells, so the count check can name it (GFM would pad or cut it silently)."""
    texts = [text for _number, text in lines]
    tokens = _MARKDOWN.parse("\n".join(texts))
    rows: list[Row] = []
    span: tuple[int, int] | None = None
    cells: list[str] = []
    row_index = 0
    for token in tokens:
        if token.type == "table_open" and span is None and token.map:
            span = (token.map[0], token.map[1])
        elif span is not None and token.type == "tr_open" and token.map:
            row_index, cells = token.map[0], []
        elif span is not None and token.type == "inline" and token.map and span[0] <= token.map[0] < span[1]:
            cells.append(token.content)
        elif span is not None and token.type == "tr_close":
            raw = split_row(texts[row_index])
            rows.append((lines[row_index][0], cells if not rows or len(raw) == len(rows[0][1]) else raw))
        elif token.type == "table_close" and span is not None:
            break
    if span is None or not rows:
        return None
    return rows[0], rows[1:], {lines[index][0] for index in range(span[0], span[1])}


def _tab_rows(lines: Sequence[Line]) -> tuple[Row, list[Row]] | None:
    """Tab-separated rows under a header row of known headings, as a spreadsheet copies them."""
    rows = [(number, text.split("\t")) for number, text in lines if "\t" in text]
    if not rows or not looks_like_header(rows[0][1]):
        return None
    return rows[0], rows[1:]
