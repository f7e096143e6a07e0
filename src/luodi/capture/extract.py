"""Minutes and chat transcripts → candidate decisions and action items (CAP-1, issue 9 part 3).

Rule-based and offline: a sentence is a **decision** when it says so (决定/同意/确定/通过/拍板/
决议/一致认为, or it stands under a 决议/决策/结论 heading); it is an **action item** when it names
a person of the directory (or an ``@name``) and either a date phrase or a commitment verb
(负责/跟进/完成/提交/给出…). Each candidate keeps the sentence and the line it came from: the
coordinator accepts, edits or drops each one, and only accepted candidates become a draft
(:func:`draft_markdown`), which then goes through the normal import with its lint and questions.
Nothing here is stored and nothing is guessed silently: an unreadable or two-way date stays
``None`` with the phrase kept in ``due_text``; two people named give the owner ``小王/小李``,
which the import asks about.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from luodi.domain.dates import END_OF_DAY, DateParseError, find_dates, parse_date, parse_datetime_range
from luodi.domain.workdays import Calendar

Source = Literal["minutes", "chat"]

_DECISION = re.compile(r"决定|同意|确定|通过|拍板|决议|一致认为|明确了|agreed|decided|approved", re.I)
_NUMBERED = r"^[#\s]*(?:[一二三四五六七八九十\d]+[、.．]\s*)?"
_DECISION_HEADING = re.compile(_NUMBERED + r"(?:会议)?(?:决议|决策|结论|决定)(?:事项)?"
                               r"\s*[:：]?\s*$|^#*\s*decisions?\s*:?\s*$", re.I)
_ACTION_HEADING = re.compile(_NUMBERED + r"(?:行动项|待办|后续工作|工作安排|任务分工|"
                             r"下一步)(?:事项)?\s*[:：]?\s*$|^#*\s*(?:action items?|next steps)\s*:?\s*$", re.I)
_COMMIT = re.compile(r"负责|跟进|牵头|完成|提交|给出|输出|提供|准备|整理|落实|推进|对接|确认|联系|安排|"
                     r"will|to deliver|owns?\b", re.I)
_MENTION = re.compile(r"[@＠](?P<name>[^\s@＠,，:：;；。、)）(（]{1,20})")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
_BULLET = re.compile(r"^\s*(?:\d{1,3}\s*[.、)）]|[(（]\d{1,3}[)）]|[-*+•·●○▪]|[①-⑳])\s*")
_CHAT_HEAD = re.compile(r"^\s*[【\[]?(?P<speaker>[^\s:：@\[\]【】\d]{1,20})[】\]]?\s*"
                        r"(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*)?\d{1,2}:\d{2}(?::\d{2})?\s*$")
_CHAT_PREFIX = re.compile(r"^\s*[\[【(（]?(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*)?\d{1,2}:\d{2}(?::\d{2})?[\]】)）]?\s*"
                          r"(?P<speaker>[^\s:：@\[\]【】]{1,20})\s*[:：]\s*")
_MEETING_DATE = re.compile(r"(?:会议)?(?:时间|日期)\s*[:：]\s*(?P<when>.+)$"
                           r"|^(?P<iso>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)")
_FILLER = re.compile(r"^(?:和|与|及|、|一起|共同|由|请|让|要求|需要|需|要|会在|将在|在|于|应在|务必|尽量|"
                     r"负责|牵头|来|去)+")
_OTHER_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十\d]+[部分项条]|#)")
_NAMED_OWNER = re.compile(r"^(?:由|请)?(?P<name>[\u4e00-\u9fff]{2,3}?)(?:负责|牵头|跟进)")
_TRAILING = re.compile(r"(?:之前|以前|前|内|为止)+$")
_PUNCT = " \t\u3000,，;；。.、:：!！?？~～"
MAX_CANDIDATES = 500


@dataclass
class Decision:
    text: str
    source_line: int

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "source_line": self.source_line}


@dataclass
class Candidate:
    """A proposed action item; ``owner`` is a directory name (``小王/小李`` when two are named)."""

    title: str
    owner: str | None
    due: dt.date | None
    source_line: int
    sentence: str
    due_text: str = ""
    origin: str = "rules"  # or "llm"

    def to_json(self) -> dict[str, object]:
        return {"title": self.title, "owner": self.owner, "due": self.due.isoformat() if self.due else None,
                "source_line": self.source_line, "sentence": self.sentence}


@dataclass
class Extracted:
    title: str
    meeting_date: dt.date | None
    meeting_time: str | None = None  # "YYYY-MM-DD HH:MM[-HH:MM]" when the text gives a time
    decisions: list[Decision] = field(default_factory=list)
    items: list[Candidate] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"decisions": [d.to_json() for d in self.decisions], "items": [i.to_json() for i in self.items]}


def extract(
    text: str, *, names: Sequence[str], today: dt.date, source: Source = "minutes",
    calendar: Calendar | None = None, end_of_day: dt.time = END_OF_DAY,
) -> Extracted:
    """Candidates in ``text``; ``names`` are the directory's people, ``today`` the base when the
    text states no meeting date."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    known = sorted({name for name in names if name.strip()}, key=lambda name: (-len(name), name))
    meeting_date, meeting_time = _meeting_date(lines, today)
    base = meeting_date or today
    result = Extracted(title=_title(lines, base), meeting_date=meeting_date, meeting_time=meeting_time)
    section = ""
    speaker: str | None = None  # in a chat: who wrote the current message
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if source == "chat" and (head := _CHAT_HEAD.fullmatch(line)):
            speaker = head["speaker"]
            continue
        if _DECISION_HEADING.match(line):
            section = "decisions"
            continue
        if _ACTION_HEADING.match(line):
            section = "items"
            continue
        if _OTHER_HEADING.match(line) and len(line) <= 30:
            section = ""
            continue
        if source == "chat" and (prefix := _CHAT_PREFIX.match(line)):
            speaker, line = prefix["speaker"], line[prefix.end():]
        for sentence in _sentences(_BULLET.sub("", line)):
            candidate = _candidate(sentence, number, known, speaker, base, calendar, end_of_day)
            if candidate is not None and len(result.items) < MAX_CANDIDATES:
                result.items.append(candidate)
            elif _is_decision(sentence, section) and len(result.decisions) < MAX_CANDIDATES:
                result.decisions.append(Decision(_clean_decision(sentence), number))
    return result


def draft_markdown(extracted: Extracted, *, decisions: Sequence[Decision] | None = None,
                   items: Sequence[Candidate] | None = None, meeting_time: str | None = None) -> str:
    """The accepted candidates as an action-list Markdown draft, to review and import."""
    chosen_decisions = list(extracted.decisions if decisions is None else decisions)
    chosen_items = list(extracted.items if items is None else items)
    when = meeting_time or extracted.meeting_time  # no time stated: the import asks for it
    lines = [f"# 【行动项】{extracted.title}"]
    if when:
        lines.append(f"- 时间: {when}")
    if chosen_decisions:
        lines += ["", "## 决策", *(f"- {_cell(d.text)}" for d in chosen_decisions)]
    lines += ["", "## 行动项", "| 序号 | 行动项 | 责任人 | 截止日期 |", "|---|---|---|---|"]
    for number, item in enumerate(chosen_items, start=1):
        due = item.due.isoformat() if item.due else item.due_text
        lines.append(f"| {number} | {_cell(item.title)} | {_cell(item.owner or '')} | {_cell(due)} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _sentences(line: str) -> list[str]:
    return [part.strip(_PUNCT) for part in _SENTENCE_END.split(line) if part.strip(_PUNCT)]


def _names_in(sentence: str, known: Sequence[str], speaker: str | None) -> list[str]:
    """The people a sentence names, in the order it names them (longest names first, so 张经理
    is not read as 张)."""
    found: list[tuple[int, str]] = []
    for mention in _MENTION.finditer(sentence):
        found.append((mention.start(), next((k for k in known if mention["name"].startswith(k)), mention["name"])))
    rest = sentence
    for name in known:
        while (at := rest.find(name)) >= 0:
            found.append((at, name))
            rest = rest[:at] + "\0" * len(name) + rest[at + len(name):]
    if not found and speaker and re.match(r"^(?:好的?[,，]?\s*)?我(?:来|负责|会|将)", sentence):
        found.append((0, speaker))
    if not found and (named := _NAMED_OWNER.match(sentence)):  # 小赵负责… — someone not in the directory yet
        found.append((0, named["name"]))
    return list(dict.fromkeys(name for _at, name in sorted(found)))


def _candidate(sentence: str, line: int, known: Sequence[str], speaker: str | None, base: dt.date,
               calendar: Calendar | None, end_of_day: dt.time) -> Candidate | None:
    owners = _names_in(sentence, known, speaker)
    spans = find_dates(sentence)
    if not owners or not (spans or _COMMIT.search(sentence)):
        return None
    if _DECISION.search(sentence) and not spans:
        return None  # "会议决定由小王负责的方案通过" — a decision that names someone, not a task
    due: dt.date | None = None
    due_text = ""
    for start, end in spans:
        due_text = sentence[start:end]
        try:
            found = parse_date(due_text, base=base, calendar=calendar, end_of_day=end_of_day)
        except DateParseError:
            continue
        due = None if found.alternatives else found.date  # two readings: the import asks
        break
    title = sentence
    for start, end in reversed(spans):
        title = title[:start] + title[end:]
    for name in owners:
        title = title.replace("@" + name, "").replace("＠" + name, "").replace(name, "")
    title = re.sub(r"^我(?:来|会|将)?", "", title.strip(_PUNCT))
    title = _TRAILING.sub("", _FILLER.sub("", title.strip(_PUNCT)).strip(_PUNCT)).strip(_PUNCT)
    title = re.sub(r"\s{2,}", " ", title)
    if not title:
        return None
    return Candidate(title=title[:200], owner="/".join(owners[:2]) if len(owners) > 1 else owners[0],
                     due=due, source_line=line, sentence=sentence, due_text=due_text)


def _is_decision(sentence: str, section: str) -> bool:
    """Under a 决议 heading, or a decision word — but "12月10日前确定" with a task verb is a task."""
    if section == "decisions":
        return True
    return bool(_DECISION.search(sentence)) and not (find_dates(sentence) and _COMMIT.search(sentence))


def _clean_decision(sentence: str) -> str:
    return re.sub(r"^(?:会议)?(?:决定|决议|确定|同意|一致认为)\s*[:：,，]?\s*", "", sentence).strip(_PUNCT) or sentence


def _meeting_date(lines: Sequence[str], today: dt.date) -> tuple[dt.date | None, str | None]:
    """The meeting's date from a 会议时间/日期 line near the top, and its time when given."""
    for raw in lines[:10]:
        match = _MEETING_DATE.search(raw.strip())
        if match is None:
            continue
        text = (match["when"] or match["iso"] or "").strip()
        try:
            starts, ends = parse_datetime_range(text, base=today)
            when = starts.strftime("%Y-%m-%d %H:%M") + (ends.strftime("-%H:%M") if ends else "")
            return starts.date(), when
        except DateParseError:
            pass
        for start, end in find_dates(text) or [(0, len(text))]:
            try:
                return parse_date(text[start:end], base=today).date, None
            except DateParseError:
                continue
    return None, None


def _title(lines: Sequence[str], base: dt.date) -> str:
    for raw in lines[:5]:
        text = raw.strip().lstrip("#").strip()
        if text and not _MEETING_DATE.search(text):
            text = re.sub(r"[\s\-—]*(?:会议纪要|会议记录|纪要|minutes)\s*$", "", text, flags=re.I).strip()
            if text:
                return text[:100]
    return f"会议纪要 {base.isoformat()}"
