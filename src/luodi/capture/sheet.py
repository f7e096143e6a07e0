"""Spreadsheets (INT-1): an .xlsx workbook (read with python-calamine) or a .csv file (UTF-8 with
or without BOM, or GBK/GB18030 as Excel writes it in China) becomes the same draft as a pasted
table: the header row is the first row with two headings luodi knows (the aliases of
:data:`luodi.capture.table.COLUMNS`), rows above it may hold the title (``【行动项】…``) and the
meeting's ``会议/时间/地点/组织者/参会`` as key–value rows, and each row below is one item.

Below the items, a row holding only a section's title (``【决策】``, ``【下次跟进会议】``, ``[Decisions]``…:
the headings of :data:`luodi.capture.markdown.SECTIONS`) ends the table; the rows under it are that
section's lines: numbered rows (``1 | 选择方案B``) for the decisions, key–value rows
(``时间 | 2026-10-15 10:00``) for the next follow-up meeting.

A finding's ``line`` is the sheet's row number (1-based) and its ``field`` names the column.
A cell that starts with ``'`` before ``= + - @`` is read without the quote: that is how
:mod:`luodi.render.spreadsheet` neutralises formulas, so an export imports back unchanged.

Hostile files are refused before they are parsed, with the reason, in bounded memory: a ZIP
whose members unpack to more than :data:`MAX_UNPACKED` bytes or at a ratio above
:data:`MAX_RATIO` (a zip bomb), XML with a ``<!DOCTYPE`` (entity expansion, billion laughs),
more than :data:`MAX_ROWS` rows, mixed encodings in one .csv. Never raises.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

from luodi.capture.markdown import META_KEYS, SECTIONS, parse_text
from luodi.capture.model import Finding, ParseResult, ReadOptions
from luodi.capture.sections import fold
from luodi.capture.table import Row, looks_like_header
from luodi.i18n import gettext as _

MAX_SHEET_BYTES = 16 * 1024 * 1024
"""A spreadsheet file larger than this is refused unread (10k items are about 0.5 MB)."""
MAX_UNPACKED = 64 * 1024 * 1024
"""What all XML members of an .xlsx may unpack to, together."""
MAX_RATIO = 200
"""A member that unpacks to more than this many times its packed size (and over 1 MB) is a bomb."""
MAX_ROWS = 20_000
MAX_COLUMNS = 64

TITLE_KEYS = {"标题", "title", "清单", "行动项清单"}
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")
_CHUNK = 1024 * 1024


def is_xlsx(source: bytes | str) -> bool:
    """An .xlsx is a ZIP archive: it starts with ``PK\\x03\\x04``."""
    return isinstance(source, bytes) and source.startswith(b"PK\x03\x04")


def read_xlsx(source: bytes, options: ReadOptions | None = None) -> ParseResult:
    """The draft in the workbook's first sheet (or the sheet named 行动项 / Action items)."""
    problem = _check_archive(source)
    if problem is not None:
        return ParseResult(None, [problem])
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(source))
        names = workbook.sheet_names
        wanted = next((name for name in names if fold(name) in {"行动项", "action items", "actions"}), None)
        sheet = workbook.get_sheet_by_name(wanted or names[0])
        rows = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError, OSError) as exc:
        return ParseResult(None, [_file_error(_("The workbook cannot be read: {reason}").format(reason=exc))])
    if len(rows) > MAX_ROWS:
        return ParseResult(None, [_too_many_rows(len(rows))])
    return read_rows_of_sheet([[_cell_text(cell) for cell in row[:MAX_COLUMNS]] for row in rows], options)


def decode_csv(source: bytes | str) -> tuple[str | None, Finding | None]:
    """CSV text: UTF-8 (BOM or not), else GB18030 (GBK's superset). Mixed encodings are refused
    naming a line of each, never decoded into mojibake."""
    if isinstance(source, str):
        return source.removeprefix("\ufeff"), None
    if len(source) > MAX_SHEET_BYTES:
        return None, _too_large(len(source))
    if b"\x00" in source:
        return None, _file_error(_("The file is binary, not text"))
    try:
        return source.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        utf8_error = exc
    utf8_line = other_line = 0
    for number, raw in enumerate(source.split(b"\n"), start=1):
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
            utf8_line = utf8_line or number
        except UnicodeDecodeError:
            other_line = other_line or number
    if utf8_line and other_line:
        message = _("The file mixes encodings: line {utf8} is UTF-8, line {other} is not; save it in one "
                    "encoding (UTF-8)").format(utf8=utf8_line, other=other_line)
        return None, _file_error(message)
    try:
        return source.decode("gb18030"), None
    except UnicodeDecodeError:
        message = _("The file is neither UTF-8 nor GBK text (byte {offset})").format(offset=utf8_error.start)
        return None, _file_error(message)


def looks_like_csv(text: str) -> bool:
    """True when one of the first lines is a comma- or semicolon-separated header row."""
    for line in text.lstrip("\ufeff").splitlines()[:30]:
        stripped = line.strip()
        if not stripped or stripped.startswith(("|", "#")) or "\t" in stripped:
            continue
        for delimiter in ",;":
            if delimiter in stripped and looks_like_header(next(csv.reader([stripped], delimiter=delimiter))):
                return True
    return False


def read_csv(source: bytes | str, options: ReadOptions | None = None) -> ParseResult:
    """The draft in a .csv file (see the module docstring)."""
    text, problem = decode_csv(source)
    if text is None:
        return ParseResult(None, [problem] if problem else [])
    delimiter = _delimiter(text)
    rows: list[list[str]] = []
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) >= MAX_ROWS:
                return ParseResult(None, [_too_many_rows(len(rows) + 1)])
            rows.append(cells[:MAX_COLUMNS])
    except csv.Error as exc:
        return ParseResult(None, [_file_error(_("The CSV cannot be read: {reason}").format(reason=exc))])
    return read_rows_of_sheet(rows, options)


def read_rows_of_sheet(rows: list[list[str]], options: ReadOptions | None = None) -> ParseResult:
    """Rows of cells (row 1 first) → the draft; the rows above the header are title and meta."""
    rows = [[_unneutralise(cell) for cell in row] for row in rows]
    header_index = next((index for index, row in enumerate(rows) if looks_like_header(row)), None)
    if header_index is None:
        message = _("No header row found: the sheet needs columns such as 行动项, 责任人 and 截止日期")
        return ParseResult(None, [Finding.error(0, "table", message)])
    end = next((index for index in range(header_index + 1, len(rows)) if _section_title(rows[index])), len(rows))
    lines = [_meta_line(row) for row in rows[:header_index]]
    lines += [""] * (end - header_index)  # the table's rows keep their numbers as lines
    lines += [_section_line(row) for row in rows[end:]]
    table: tuple[Row, list[Row]] = (
        (header_index + 1, rows[header_index]),
        [(number, row) for number, row in enumerate(rows[header_index + 1:end], start=header_index + 2)],
    )
    return parse_text("\n".join(lines), options, table=table)


def _section_title(row: list[str]) -> str | None:
    """The section a row names when it holds only a section's title (``【决策】``), else None;
    the items' own section does not end the table."""
    cells = [cell.strip() for cell in row if cell.strip()]
    if len(cells) != 1:
        return None
    title = fold(cells[0]).strip("【】[]:： ")
    return title if SECTIONS.get(title) not in (None, "items") else None


def _section_line(row: list[str]) -> str:
    """A row below the items as a line of the action-list Markdown: the section title as its
    ``##`` heading, ``1 | text`` as ``1. text``, ``key | value`` as ``- key: value``."""
    title = _section_title(row)
    if title is not None:
        return "## " + title
    cells = [cell.strip() for cell in row if cell.strip()]
    if not cells:
        return ""
    if len(cells) == 1:
        return "- " + cells[0]
    if cells[0].isdigit():
        return f"{cells[0]}. {' '.join(cells[1:])}"
    return f"- {cells[0]}: {' '.join(cells[1:])}"


def _meta_line(row: list[str]) -> str:
    """One row above the header as a line of the action-list Markdown."""
    cells = [cell.strip() for cell in row if cell.strip()]
    if not cells:
        return ""
    key = fold(cells[0]).strip(":：")
    if len(cells) == 1 and re.match(r"^[【\[]\s*(行动项|action items?)", cells[0], re.I):
        return "# " + cells[0]
    if key in TITLE_KEYS and len(cells) > 1:
        return "# " + " ".join(cells[1:])
    if key in META_KEYS:
        return f"- {cells[0].rstrip(':：')}: {'、'.join(cells[1:])}"
    text = " ".join(cells)
    return "\\" + text if text.startswith("#") else text


def _delimiter(text: str) -> str:
    for line in text.splitlines()[:30]:
        for delimiter in ",;":
            if delimiter in line and looks_like_header(next(csv.reader([line], delimiter=delimiter))):
                return delimiter
    return ","


def _cell_text(cell: object) -> str:
    """A cell as the text a person would have typed: 1.0 → "1", a date → 2026-09-30."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.strftime("%Y-%m-%d %H:%M")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, dt.time):
        return cell.strftime("%H:%M")
    return str(cell).replace("\r\n", " ").replace("\n", " ").replace("\t", " ")


def _unneutralise(cell: str) -> str:
    return _NEUTRALISED.sub("", cell.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def _check_archive(source: bytes) -> Finding | None:
    """None when the ZIP is a plausible workbook; else why it is refused (read in bounded chunks)."""
    if len(source) > MAX_SHEET_BYTES:
        return _too_large(len(source))
    try:
        archive = zipfile.ZipFile(io.BytesIO(source))
    except (zipfile.BadZipFile, ValueError):
        return _file_error(_("The file starts like an .xlsx but is not a valid ZIP archive"))
    with archive:
        members = archive.infolist()
        if "xl/workbook.xml" not in {member.filename for member in members}:
            return _file_error(_("The ZIP archive is not an .xlsx workbook (no xl/workbook.xml)"))
        total = 0
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            try:
                with archive.open(member) as handle:
                    unpacked, tail = 0, b""
                    while chunk := handle.read(_CHUNK):
                        unpacked += len(chunk)
                        total += len(chunk)
                        if total > MAX_UNPACKED or (unpacked > _CHUNK and unpacked > MAX_RATIO * member.compress_size):
                            message = _("The workbook unpacks to far more than its size ({name}): refused as a zip "
                                        "bomb (at most {limit} bytes)").format(name=member.filename, limit=MAX_UNPACKED)
                            return _file_error(message)
                        if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                            message = _("The workbook's XML declares entities ({name}): refused (entity expansion)")
                            return _file_error(message.format(name=member.filename))
                        tail = chunk[-16:]
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
                return _file_error(_("The workbook cannot be read: {reason}").format(reason=exc))
    return None


def _file_error(message: str) -> Finding:
    return Finding.error(0, "file", message)


def _too_large(size: int) -> Finding:
    return _file_error(_("The file is too large ({size} bytes; at most {limit})").format(
        size=size, limit=MAX_SHEET_BYTES))


def _too_many_rows(count: int) -> Finding:
    return _file_error(_("The sheet has more than {limit} rows ({count}); split it").format(
        limit=MAX_ROWS, count=count))
