"""Import of the action-list Markdown (CAP-2; the shape is in SPEC.md "The action-list Markdown").

``parse_action_list(text)`` never raises: every problem becomes a :class:`Finding` with the
1-based line and the field. ``meeting`` is None only when the file cannot be read at all (too
large, binary, not UTF-8). Dates are read with :mod:`luodi.domain.dates`, relative to the
meeting's date from the ``- 时间:`` line — never today's date. Whether owners are clear people,
dependencies make sense and due dates are plausible is :func:`luodi.domain.lint.lint`'s job.

Layout: ``# 【行动项】title``, meta lines ``- 会议/时间/地点/组织者/参会: …`` (English: Meeting,
Time, Place, Organizer, Attendees; ``- 语言/Language: zh|en`` states the list's language, else the
headings tell it), then ``##`` sections in any order: 决策/Decisions,
行动项/Action items (a table), 依赖关系/Dependencies, 下次跟进会议/Next follow-up, 附件/Attachments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from luodi.capture.body import read_body
from luodi.capture.fields import Context
from luodi.capture.model import Asker, Finding, Findings, ParsedDependency, ParsedMeeting, ParseResult, ReadOptions
from luodi.capture.sections import (
    KEY_VALUE,
    fold,
    read_attachments,
    read_dependencies,
    read_list,
    read_next_meeting,
    read_pairs,
    value,
)
from luodi.capture.table import Line, Row, read_rows
from luodi.domain.dates import DateParseError, parse_datetime_range
from luodi.i18n import gettext as _

MAX_BYTES = 1024 * 1024
"""Larger inputs are refused before they are read: an action list is a page, not a dump."""

SECTIONS: dict[str, str] = {
    **dict.fromkeys(["决策", "决议", "会议决策", "decisions", "decision"], "decisions"),
    **dict.fromkeys(["行动项", "行动项清单", "action items", "actions", "items"], "items"),
    **dict.fromkeys(["依赖关系", "依赖", "dependencies"], "dependencies"),
    **dict.fromkeys(
        ["下次跟进会议", "下次会议", "下次跟进", "next follow-up", "next follow-up meeting", "next meeting"],
        "next_meeting",
    ),
    **dict.fromkeys(["附件", "attachments"], "attachments"),
}
META_KEYS: dict[str, str] = {
    **dict.fromkeys(["会议", "会议名称", "meeting"], "name"),
    **dict.fromkeys(["时间", "会议时间", "time", "when"], "时间"),
    **dict.fromkeys(["地点", "会议地点", "place", "location", "where"], "place"),
    **dict.fromkeys(["组织者", "组织人", "主持人", "organizer", "organiser", "host"], "organizer"),
    **dict.fromkeys(["参会", "参会人", "参会人员", "与会人员", "attendees", "participants"], "attendees"),
    **dict.fromkeys(["语言", "language"], "language"),
}
_TITLE_PREFIX = re.compile(r"^(?:[【\[]\s*(?:行动项(?:清单)?|action items?)\s*[】\]]|action items?\s*[:：])\s*", re.I)


@dataclass
class _Section:
    kind: str
    line: int
    lines: list[Line] = field(default_factory=list)


@dataclass
class _Document:
    title: Line | None = None
    meta: list[Line] = field(default_factory=list)
    sections: dict[str, _Section] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # headings and keys as written: the language


def parse_action_list(source: bytes | str, options: ReadOptions | None = None) -> ParseResult:
    """Parse an action list. Never raises; see the module docstring for what is read."""
    text, problem = decode(source)
    if text is None:
        return ParseResult(None, [problem] if problem else [])
    return parse_text(text, options)


def parse_text(
    text: str, options: ReadOptions | None = None, *, chat: bool | None = None,
    table: tuple[Row, list[Row]] | None = None,
) -> ParseResult:
    """Parse decoded text (see :func:`parse_action_list`); ``chat`` forces the transcript reading.

    ``table`` (a header row and data rows, as a spreadsheet holds them) gives the items; ``text``
    then holds only what stands above the table (title and meta lines, at their row numbers)."""
    findings = Findings()
    asker = Asker(options or ReadOptions(), findings)
    document = _split(text.split("\n"), findings)
    meeting = _read_meeting(document, findings, asker, chat=chat, table=table)
    findings.sort(key=lambda finding: (finding.line, finding.severity != "error"))
    return ParseResult(meeting, findings, asker.questions)


def decode(source: bytes | str) -> tuple[str | None, Finding | None]:
    """Text without BOM, or None and the reason: too large, binary, not UTF-8."""
    size = len(source) if isinstance(source, bytes) else len(source.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        message = _("The file is too large ({size} bytes; at most {limit})").format(size=size, limit=MAX_BYTES)
        return None, Finding.error(0, "file", message)
    if isinstance(source, bytes):
        if source.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None, Finding.error(0, "file", _("The file is UTF-16 text; save it as UTF-8"))
        if b"\x00" in source:
            return None, Finding.error(0, "file", _("The file is binary, not text"))
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            message = _("The file is not UTF-8 text (byte {offset})").format(offset=exc.start)
            return None, Finding.error(0, "file", message)
    if "\x00" in source:
        return None, Finding.error(0, "file", _("The file is binary, not text"))
    if re.search(r"[\ud800-\udfff]", source):  # lone surrogates: a str that no file could hold
        return None, Finding.error(0, "file", _("The text is not valid Unicode"))
    return source.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), None


def _split(raw_lines: Sequence[str], findings: Findings) -> _Document:
    """Sort lines into the title, the meta lines and the ``##`` sections."""
    document = _Document()
    current: _Section | None = None
    for number, text in enumerate(raw_lines, start=1):
        stripped = text.strip()
        if stripped.startswith("# ") or stripped == "#":
            if document.title is None:
                document.title = (number, stripped[1:].strip())
            else:
                findings.warning(number, "title", _("A second title line is ignored"))
        elif stripped.startswith("##"):
            current = _start_section(document, number, stripped.lstrip("#").strip(), findings)
        elif current is not None:
            current.lines.append((number, stripped))
        elif stripped:
            document.meta.append((number, stripped))
    return document


def _start_section(document: _Document, number: int, heading: str, findings: Findings) -> _Section | None:
    key = fold(heading).strip("【】[]:： ")
    kind = SECTIONS.get(key)
    if kind is None:
        findings.warning(number, "section", _("Unknown section {name!r} is ignored").format(name=heading))
        return _Section("ignored", number)
    if kind in document.sections:
        findings.error(number, "section", _("Section {name!r} appears twice").format(name=heading))
        return _Section("ignored", number)
    document.words.append(key)
    document.sections[kind] = _Section(kind, number)
    return document.sections[kind]


def _read_meeting(
    document: _Document, findings: Findings, asker: Asker, *, chat: bool | None, table: tuple[Row, list[Row]] | None
) -> ParsedMeeting:
    body: list[Line] = []
    meta_lines = document.meta
    if "items" not in document.sections:  # a paste without sections: the lines are the items
        meta_lines = [line for line in document.meta if _is_meta(line[1])]
        body = [line for line in document.meta if line not in meta_lines]
    meta = read_pairs(meta_lines, META_KEYS, "meta", findings, document.words)
    starts_at, ends_at = _read_meeting_time(meta.get("时间"), findings, asker)
    base = starts_at.date() if starts_at else None
    meeting = ParsedMeeting(
        title=_read_title(document.title, findings, starts_at),
        name=value(meta, "name"),
        starts_at=starts_at,
        ends_at=ends_at,
        place=value(meta, "place"),
        organizer=value(meta, "organizer"),
        attendees=_split_names(value(meta, "attendees") or ""),
    )
    sections = document.sections
    context = Context(base, asker.options, asker, findings)
    meeting.decisions = read_list(_lines(sections, "decisions"), "decisions", findings)
    section = sections.get("items")
    if section is not None:
        body, heading = section.lines, section.line
    else:
        heading = 0
    if table is not None:
        for number, text in body:
            findings.warning(number, "meta", _("Line not understood: {text!r}").format(text=text))
        meeting.items, stated = read_rows(table[0], table[1], context, pad=True)
        if not meeting.items and not any(finding.severity == "error" for finding in findings):
            findings.error(table[0][0], "table", _("No action items found: write a table or one item per line"))
    else:
        meeting.items, stated = read_body(body, context, heading=heading, chat=chat)
    meeting.dependencies = _unique([*stated, *read_dependencies(_lines(sections, "dependencies"), findings)])
    if "next_meeting" in sections:
        heading = sections["next_meeting"].line
        lines = _lines(sections, "next_meeting")
        meeting.next_meeting = read_next_meeting(heading, lines, base, findings, document.words)
    meeting.attachments = read_attachments(_lines(sections, "attachments"), findings)
    english = sum(word.isascii() for word in document.words)
    meeting.language = "en" if english * 2 > len(document.words) else "zh"
    language = meta.get("language")
    if language is not None and fold(language[1]) in ("zh", "en"):
        meeting.language = "en" if fold(language[1]) == "en" else "zh"
    elif language is not None:
        message = _("The language {value!r} is neither zh nor en; the list is read as {language}")
        findings.warning(language[0], "meta", message.format(value=language[1], language=meeting.language))
    by_number = {item.number: item for item in meeting.items}
    for dependency in meeting.dependencies:
        item = by_number.get(dependency.dependent)
        if item is not None and dependency.prerequisite not in item.depends_on:
            item.depends_on.append(dependency.prerequisite)
    return meeting


def _is_meta(text: str) -> bool:
    match = KEY_VALUE.fullmatch(text)
    return match is not None and fold(match["key"]) in META_KEYS


def _unique(dependencies: list[ParsedDependency]) -> list[ParsedDependency]:
    seen: dict[tuple[int, int], ParsedDependency] = {}
    for dependency in dependencies:
        seen.setdefault((dependency.dependent, dependency.prerequisite), dependency)
    return list(seen.values())


def _lines(sections: dict[str, _Section], kind: str) -> list[Line]:
    section = sections.get(kind)
    return section.lines if section else []


def _read_title(title: Line | None, findings: Findings, starts_at: dt.datetime | None) -> str:
    if title is None and starts_at is not None:  # a pasted list: name it after its day
        text = _("Action items {date}").format(date=starts_at.date().isoformat())
        findings.warning(0, "title", _("The list has no title line; it is called {title!r}").format(title=text))
        return text
    if title is None:
        findings.error(0, "title", _("The list has no title line (# 【行动项】…)"))
        return ""
    text = _TITLE_PREFIX.sub("", title[1]).strip()
    if not text:
        findings.error(title[0], "title", _("The title is empty"))
    return text


def _split_names(text: str) -> list[str]:
    return [name.strip().removeprefix("@") for name in re.split(r"[,，、;；]", text) if name.strip()]


def _read_meeting_time(
    pair: Line | None, findings: Findings, asker: Asker
) -> tuple[dt.datetime | None, dt.datetime | None]:
    now = asker.options.now
    if pair is None and now is None:
        findings.error(0, "时间", _("The meeting's time is missing (- 时间: 2026-09-26 14:00-15:30)"))
        return None, None
    if pair is None:
        assert now is not None
        message = _("The meeting's time is missing (- 时间: 2026-09-26 14:00); relative dates are read from it. "
                    "When was the meeting?")
        pair = (0, asker.ask(0, "时间", message, [now.strftime("%Y-%m-%d %H:%M")]))
    try:
        return parse_datetime_range(pair[1])
    except DateParseError as exc:
        findings.error(pair[0], "时间", str(exc))
        return None, None
