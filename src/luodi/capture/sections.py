"""Readers for the list-shaped parts of an action list: ``key: value`` lines, decisions,
dependencies, the next follow-up meeting and attachments.

Each reader takes the section's ``(line number, text)`` pairs, appends a :class:`Finding` for what
it cannot read and never raises. Called by :mod:`luodi.capture.markdown`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

from luodi.capture.model import Findings, ParsedDependency, ParsedNextMeeting
from luodi.capture.table import Line
from luodi.domain.dates import DateParseError, parse_datetime_range
from luodi.i18n import gettext as _

NEXT_MEETING_KEYS: dict[str, str] = {
    **dict.fromkeys(["时间", "time", "when"], "at"),
    **dict.fromkeys(["地点", "place", "location", "where"], "place"),
    **dict.fromkeys(["目标", "目的", "goal", "purpose"], "goal"),
}
KEY_VALUE = re.compile(r"^(?:[-*+]\s+)?(?P<key>[^:：]{1,30}?)\s*[:：]\s*(?P<value>.*)$")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,3}\s*[.、)）])\s*(?P<text>.*)$")
_REF = r"(?:任务|task|item|t|#)?\s*\d+"
_REF_LIST = rf"{_REF}(?:\s*(?:、|和|与|及|,|，|&|and)\s*{_REF})*"
_DEPENDENCY = re.compile(
    rf"(?P<dependent>{_REF})\s*(?:依赖于?|depends\s+on)\s*(?P<prerequisites>{_REF_LIST})"
    r"\s*(?:[(（](?P<reason>.*)[)）])?\s*[。.]?",
    re.I,
)
_WAITS = re.compile(
    rf"(?P<dependent>{_REF})\s*(?:需要?|要|得)?(?:等待?|等到)\s*(?P<prerequisites>{_REF_LIST})\s*(?:完成|做完|结束)?"
    r"(?:后|之后|以后)?(?:才能?\S*)?\s*(?:[(（](?P<reason>.*)[)）])?\s*[。.]?",
    re.I,
)
_SEQUENCE = re.compile(
    rf"(?:先(?:做|完成)?\s*(?P<prerequisites>{_REF_LIST})\s*[,，]?\s*(?:再|然后|后)(?:做|开始)?"
    rf"|(?P<prerequisites2>{_REF_LIST})\s*(?:完成|做完)?(?:后|之后|以后)\s*(?:才能?|再)?(?:开始|做)?)"
    rf"\s*(?P<dependent>{_REF})\s*(?:[(（](?P<reason>.*)[)）])?\s*[。.]?",
    re.I,
)
_NO_DEPENDENCIES = re.compile(r"无|暂无|没有|none|n/a|-|—", re.I)
_LINK = re.compile(r"\[(?P<title>[^\]]+)\]\((?P<url>[^)\s]+)\)")
_SAFE_URL = re.compile(r"(?:https?://|mailto:)\S+|[^:]+", re.I)


def fold(text: str) -> str:
    """Compare form of a heading or key: half-width, lower case, single spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def read_pairs(
    lines: Sequence[Line], keys: dict[str, str], field: str, findings: Findings, seen: list[str]
) -> dict[str, Line]:
    """``- key: value`` lines → {canonical key: (line, value)}; the first of a repeated key wins.

    The keys as written are appended to ``seen`` (the caller guesses the language from them).
    """
    pairs: dict[str, Line] = {}
    for number, text in lines:
        match = KEY_VALUE.fullmatch(text)
        key = keys.get(fold(match["key"])) if match else None
        if match is None or key is None:
            findings.warning(number, field, _("Line not understood: {text!r}").format(text=text))
        elif key in pairs:
            message = _("{key!r} is given twice; the first one counts").format(key=match["key"])
            findings.warning(number, field, message)
        else:
            seen.append(match["key"])
            pairs[key] = (number, match["value"].strip())
    return pairs


def value(pairs: dict[str, Line], key: str) -> str | None:
    """The value of ``key``, None when it is absent or empty."""
    pair = pairs.get(key)
    return (pair[1] or None) if pair else None


def read_list(lines: Sequence[Line], field: str, findings: Findings) -> list[str]:
    """Numbered or bulleted lines → their texts (the decisions)."""
    entries: list[str] = []
    for number, text in lines:
        match = _LIST_ITEM.fullmatch(text)
        if match and match["text"].strip():
            entries.append(match["text"].strip())
        elif text:
            findings.warning(number, field, _("Not a list line: {text!r}").format(text=text))
    return entries


def read_dependencies(lines: Sequence[Line], findings: Findings) -> list[ParsedDependency]:
    """``任务2依赖任务1(原因)`` / ``3 depends on 1, 2`` lines; a repeated pair is kept once."""
    dependencies: dict[tuple[int, int], ParsedDependency] = {}
    warned: set[tuple[int, int, int]] = set()
    for number, text in lines:
        for dependency in _read_dependency(number, text, findings):
            pair = (dependency.dependent, dependency.prerequisite)
            if pair not in dependencies:
                dependencies[pair] = dependency
            elif (number, *pair) not in warned:
                warned.add((number, *pair))
                message = _("{dependent} depends on {prerequisite} is stated twice").format(
                    dependent=pair[0], prerequisite=pair[1]
                )
                findings.warning(number, "dependencies", message)
    return list(dependencies.values())


def _read_dependency(number: int, text: str, findings: Findings) -> list[ParsedDependency]:
    match = _LIST_ITEM.fullmatch(text)
    body = (match["text"] if match else text).strip()
    if not body or _NO_DEPENDENCIES.fullmatch(body):
        return []
    found = _DEPENDENCY.fullmatch(body) or _WAITS.fullmatch(body) or _SEQUENCE.fullmatch(body)
    if found is None:
        message = _("Cannot read the dependency {text!r}; write 任务2依赖任务1 or 2 depends on 1")
        findings.error(number, "dependencies", message.format(text=body))
        return []
    dependent = int(re.findall(r"\d+", found["dependent"])[0])
    reason = (found["reason"] or "").strip() or None
    prerequisites = found["prerequisites"] or found.groupdict().get("prerequisites2") or ""
    return [
        ParsedDependency(number, dependent, int(prerequisite), reason)
        for prerequisite in re.findall(r"\d+", prerequisites)
    ]


def is_dependency(text: str) -> bool:
    """True when a line states a dependency (``任务2依赖任务1``, ``先做1再做2``), wherever it stands."""
    match = _LIST_ITEM.fullmatch(text)
    body = (match["text"] if match else text).strip()
    return any(pattern.fullmatch(body) for pattern in (_DEPENDENCY, _WAITS, _SEQUENCE))


def read_next_meeting(
    heading: int, lines: Sequence[Line], base: dt.date | None, findings: Findings, seen: list[str]
) -> ParsedNextMeeting:
    """``- 时间/地点/目标:`` lines under the heading on line ``heading``; the time is read from ``base``."""
    pairs = read_pairs([line for line in lines if line[1]], NEXT_MEETING_KEYS, "next_meeting", findings, seen)
    at: dt.datetime | None = None
    if "at" not in pairs:
        findings.warning(heading, "next_meeting", _("The next meeting has no time"))
    else:
        try:
            at = parse_datetime_range(pairs["at"][1], base=base)[0]
        except DateParseError as exc:
            findings.error(pairs["at"][0], "next_meeting", str(exc))
    return ParsedNextMeeting(heading, at, value(pairs, "place"), value(pairs, "goal"))


def read_attachments(lines: Sequence[Line], findings: Findings) -> list[tuple[str, str]]:
    """``- [title](url)`` lines; only web, mail and relative links (no ``javascript:``)."""
    attachments: list[tuple[str, str]] = []
    for number, text in lines:
        match = _LIST_ITEM.fullmatch(text)
        link = _LINK.fullmatch(match["text"].strip()) if match else None
        if link and _SAFE_URL.fullmatch(link["url"]):
            attachments.append((link["title"].strip(), link["url"]))
        elif text:
            message = _("Not a link line - [title](url): {text!r}").format(text=text)
            findings.warning(number, "attachments", message)
    return attachments
