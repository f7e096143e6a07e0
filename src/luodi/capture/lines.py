"""Action items written as lines: numbered or bulleted lists, ``小王 —— 方案 —— 9/30``, and chat
transcripts copied out of WeCom, Feishu or WeChat (a speaker and a time, then the message).

One line is one item: the owner (``@小王``, ``小王:``, ``负责人:小王``, ``小王负责…``, ``我`` in a
chat = the speaker), the due date (found in the sentence by :func:`luodi.domain.dates.find_dates`),
the deliverable (``…前交详细执行方案``, ``交付物:…``), status (``[x]``, ⚪🔵🟢🟠⚫ ✅⏳❌, ``(进行中)``)
and priority (⭐, ``(高)``, ``P1``). In a chat, a message that names neither an owner nor a date is
conversation: it is skipped with a warning saying so, never silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from luodi.capture.fields import EMOJI_STATUS, STATUS_WORDS, Context, read_date, read_priority
from luodi.capture.model import ParsedItem
from luodi.capture.owners import choose_owner
from luodi.capture.table import Line, is_new_number
from luodi.domain.dates import DateExpr, find_dates
from luodi.domain.enums import ItemStatus, Priority
from luodi.i18n import gettext as _

_BULLET = re.compile(
    r"^(?:(?P<num>\d{1,4})\s*(?:\.(?!\d)|[、)）:：](?!\d))\s*|[(（](?P<num2>\d{1,4})[)）]\s*"
    r"|(?:t|任务)(?P<num3>\d{1,4})\s*[.、:：)）]\s*|[-*+•·●○▪]\s*)?"
    r"(?:\[(?P<check>[ xX√✓])\]\s*)?(?P<rest>.*)$",
    re.I,
)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_CHAT_DATE = r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[-/月]\d{1,2}日?|昨天|今天|前天"
_SPEAKER = r"[^\s:：@\[\]【】\d][^\s:：@\[\]【】]{0,19}"
_CHAT_HEAD = re.compile(
    rf"^(?:【(?P<s1>{_SPEAKER})】|(?P<s2>{_SPEAKER}))\s*(?:(?P<date>{_CHAT_DATE})\s*)?(?P<time>{_TIME})$")
_CHAT_INLINE = [
    re.compile(rf"^[\[【(（]?(?:(?P<date>{_CHAT_DATE})\s*)?(?P<time>{_TIME})[\]】)）]?\s*(?P<speaker>{_SPEAKER})\s*[:：]"
               r"\s*(?P<text>.+)$"),
    re.compile(rf"^(?:【(?P<speaker>{_SPEAKER})】|(?P<speaker2>{_SPEAKER}))\s*[\[【(（]?(?:(?P<date>{_CHAT_DATE})\s*)?"
               rf"(?P<time>{_TIME})[\]】)）]?\s*[:：]?\s+(?P<text>.+)$"),
]
_MENTION = re.compile(r"[@＠](?P<name>[^\s@＠,，:：;；。、)）(（]{1,20})")
_OWNER_FIELD = re.compile(
    r"[(（【\[]?\s*(?:负责人|责任人|执行人|owner)\s*[:：]\s*(?P<name>[^\s,，;；)）】\]]{1,20})\s*[)）】\]]?", re.I)
_OWNER_PREFIX = re.compile(
    r"^(?P<name>[^\s:：,，;；。()（）\[\]【】]{1,16}?(?:\s*[(（][^()（）]{1,12}[)）])?)\s*[:：]\s*(?P<rest>.+)$")
_OWNER_VERB = re.compile(r"^(?:请|由)?(?P<name>[^\s,，;；:：]{1,8}?)(?P<verb>负责|牵头|跟进|来)(?P<rest>.+)$")
_SPLIT_PARTS = re.compile(r"\s*(?:——|--|—|–|\s\|\s|\t)\s*")
_DELIVERABLE_FIELD = re.compile(
    r"[(（【\[]?\s*(?:交付物|产出物?|输出物?|deliverable)\s*[:：]\s*(?P<text>[^,，;；)）】\]]+)\s*[)）】\]]?", re.I)
_VERB_ALONE = re.compile(r"(?:提交|交付|交|给出|输出|提供|完成|发出|发|给我|搞定)?[!！。.]*")
_DELIVERABLE_VERB = re.compile(
    r"^(?P<verb>提交|交付|交|给出|输出|提供|产出|发出|发送|发(?![布现起展生])|出(?![差发现]))(?:一[份版个])?(?P<text>.+)$")
_HAND_OVER = {"提交", "交付", "交", "发出", "发送", "发"}
_STATUS_WORD = re.compile(r"[(（【\[]\s*(?:状态\s*[:：]\s*)?(?P<word>" + "|".join(
    sorted((w for w in STATUS_WORDS if not w.isascii()), key=len, reverse=True)) + r")\s*[)）】\]]")
_PRIORITY = re.compile(r"[⭐★]+|[(（【\[]\s*(?:优先级\s*[:：]\s*)?(?P<word>高|中|低)(?:优先级)?\s*[)）】\]]"
                       r"|优先级\s*[:：]?\s*(?P<word2>高|中|低)|\b(?P<p>p[0-3])\b", re.I)
_CHATTER = re.compile(r"^(?:收到|好的?|ok|嗯+|谢谢|辛苦|👍|\+1|明白|了解)[!！。.~～]*$", re.I)
_PUNCT = " \t\u3000,，;；。.、:：!！~～"
_DEFERRED = re.compile(r"^(?:前|之前|以前)")


@dataclass
class _Message:
    line: int
    text: str
    speaker: str | None
    base: dt.date | None  # the date the chat shows for this message


def read_lines(lines: Sequence[Line], context: Context, *, chat: bool | None = None) -> list[ParsedItem]:
    """Items from list or chat lines. ``chat`` None: a transcript when any line looks like one."""
    messages = _messages(lines, context)
    is_chat = any(message.speaker for message in messages) if chat is None else chat
    items: list[ParsedItem] = []
    seen: dict[int, int] = {}
    for message in messages:
        item = _read_entry(message, len(items) + 1, context, chat=is_chat)
        if item is not None and is_new_number(item, seen, context.findings):
            items.append(item)
    return items


def _messages(lines: Sequence[Line], context: Context) -> list[_Message]:
    speaker: str | None = None
    base: dt.date | None = context.base
    messages: list[_Message] = []
    for number, raw in lines:
        text = raw.strip()
        if not text:
            continue
        head = _CHAT_HEAD.fullmatch(text)
        if head and not find_dates(head["s1"] or head["s2"]):
            speaker, base = head["s1"] or head["s2"], _chat_date(head["date"], context)
            continue
        for pattern in _CHAT_INLINE:
            inline = pattern.fullmatch(text)
            if inline:
                who = inline["speaker"] if "speaker" in pattern.groupindex and inline["speaker"] else None
                who = who or (inline["speaker2"] if "speaker2" in pattern.groupindex else None)
                messages.append(_Message(number, inline["text"], who, _chat_date(inline["date"], context)))
                break
        else:
            messages.append(_Message(number, text, speaker, base))
    return messages


def _chat_date(text: str | None, context: Context) -> dt.date | None:
    """The day a chat shows above or beside a message (``2026-12-01 10:32``, ``昨天 10:32``)."""
    base = context.base
    if not text:
        return base
    if text in {"今天", "昨天", "前天"}:
        return base - dt.timedelta(days=["今天", "昨天", "前天"].index(text)) if base else None
    parsed = read_date(0, "时间", text, context)
    return parsed.date if parsed else base


def _read_entry(message: _Message, position: int, context: Context, *, chat: bool) -> ParsedItem | None:
    findings, line = context.findings, message.line
    match = _BULLET.fullmatch(message.text)
    assert match is not None  # every part of the pattern is optional
    text = match["rest"].strip()
    number = int(match["num"] or match["num2"] or match["num3"] or 0) or position
    if text and text[0] in _CIRCLED:
        number, text = _CIRCLED.index(text[0]) + 1, text[1:].strip()
    if not text:
        return None
    status = ItemStatus.DONE if (match["check"] or " ").strip() else None
    text, status = _take_status(text, status)
    text, priority = _take_priority(line, text, context)
    text, deliverable = _take(text, _DELIVERABLE_FIELD, "text")
    text, owner_text = _take_owner(text, message.speaker)
    spans = find_dates(text)
    if chat and (not owner_text or not spans):
        if not _CHATTER.fullmatch(text):
            reason = _("no owner (@name)") if not owner_text else _("no due date")
            findings.warning(line, "chat", _("Not read as an action item ({reason}): {text!r}").format(
                reason=reason, text=text))
        return None
    title, due_text, after = _split_date(text, spans)
    due: DateExpr | None = None
    if due_text:
        due = read_date(line, "due", due_text, context, base=message.base)
    if _VERB_ALONE.fullmatch(after):
        after = ""
    if deliverable is None and after:
        verb = _DELIVERABLE_VERB.fullmatch(after)
        deliverable = verb["text"].strip(_PUNCT) if verb else None
        if not title:  # 下周三前给出技术评估: the action is the rest; 周五前交方案: the deliverable is
            title = deliverable if verb and deliverable and verb["verb"] in _HAND_OVER else after
        elif verb is None:
            title = f"{title},{after}"
    title = title.strip(_PUNCT)
    if not title:
        findings.error(line, "title", _("The action is empty"))
    return ParsedItem(
        line=line,
        number=number,
        title=title,
        owner=choose_owner(owner_text, line, context.asker) if owner_text else "",
        start=None,
        due=due.date if due else None,
        due_time=due.time if due else None,
        deliverable=deliverable.strip(_PUNCT) or None if deliverable else None,
        status=status or ItemStatus.NOT_STARTED,
        priority=priority,
        acceptance=None,
        due_text=due_text,
    )


def _take(text: str, pattern: re.Pattern[str], group: str) -> tuple[str, str | None]:
    found = pattern.search(text)
    if found is None:
        return text, None
    return (text[: found.start()] + " " + text[found.end():]).strip(), found[group].strip()


def _take_status(text: str, status: ItemStatus | None) -> tuple[str, ItemStatus | None]:
    for char in EMOJI_STATUS:
        if char in text:
            status = status or EMOJI_STATUS[char]
            text = text.replace(char, "")
    text = text.replace("\ufe0f", "")
    found = _STATUS_WORD.search(text)
    if found:
        status = STATUS_WORDS[found["word"]]
        text = (text[: found.start()] + text[found.end():]).strip()
    return text.strip(), status


def _take_priority(line: int, text: str, context: Context) -> tuple[str, Priority]:
    found = _PRIORITY.search(text)
    if found is None:
        return text, Priority.MEDIUM
    word = found["word"] or found["word2"] or found["p"] or found.group()
    priority = read_priority(line, word, context.findings)
    return (text[: found.start()] + text[found.end():]).strip(), priority


def _take_owner(text: str, speaker: str | None) -> tuple[str, str]:
    """(the text without the owner, the owner as written) — ``""`` when no owner is named."""
    mentions = list(_MENTION.finditer(text))
    if mentions:
        names = "、".join(found["name"] for found in mentions)
        for found in reversed(mentions):
            text = text[: found.start()] + text[found.end():]
        return text.strip(_PUNCT), names
    field = _OWNER_FIELD.search(text)
    if field:
        return (text[: field.start()] + text[field.end():]).strip(_PUNCT), field["name"]
    parts = [part for part in _SPLIT_PARTS.split(text) if part]
    if len(parts) >= 2:  # 小王 —— 方案 —— 9/30, or 方案 — 小王 — 9/30: the short part that is no date
        short = [part for part in parts if _NAME_LIKE.fullmatch(part) and not find_dates(part)]
        if short and len(short) < len(parts):
            owner = min(short, key=len)
            return "，".join(part for part in parts if part is not owner), owner
    prefix = _OWNER_PREFIX.fullmatch(text)
    if prefix and not find_dates(prefix["name"]) and not _KEYWORDS.fullmatch(prefix["name"]):
        return prefix["rest"].strip(), prefix["name"]
    verb = _OWNER_VERB.fullmatch(text)
    if verb and not find_dates(verb["name"]):
        return verb["rest"].strip(_PUNCT), verb["name"]
    if speaker and _SELF.match(text):
        return _SELF.sub("", text).strip(_PUNCT), speaker
    return text, ""


_NAME_LIKE = re.compile(
    r"[^\s,，;；:：。]{1,4}|\S{1,12}?(?:部|组)\s*[-－—_·]\s*\S{1,4}|\S{1,4}\s*[(（]\S{1,12}[)）]"
    r"|[A-Za-z]+(?: [A-Za-z]+)?")
_SELF = re.compile(r"^(?:(?:好的?|ok|收到|嗯|没问题)[,，。!！\s]*)?我(?:来|负责|会|将|这边)?", re.I)
_KEYWORDS = re.compile(r"备注|说明|注|note|目标|原因|背景|结论|决定|决策", re.I)


def _split_date(text: str, spans: list[tuple[int, int]]) -> tuple[str, str, str]:
    """(text before the due date, the due date, text after it). The due date is the last date
    phrase that ends in 前/之前 (a deadline), else the last one; adjacent phrases join
    (``周五 EOD``)."""
    if not spans:
        return text, "", ""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and not text[merged[-1][1]:start].strip():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    deadlines = [span for span in merged if re.search(r"(?:前|为止|截止)\s*$", text[span[0]:span[1]])]
    start, end = (deadlines or merged)[-1]
    return text[:start].strip(_PUNCT), text[start:end].strip(), text[end:].strip(_PUNCT)
