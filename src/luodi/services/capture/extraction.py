"""Candidates from meeting minutes or a chat (issue 9 part 3): the rule-based reader
(:mod:`luodi.capture.extract`) against the people directory, or — where the team runs a language
model behind an OpenAI-compatible chat API (``LUODI_LLM_URL``) and asks for it — the model's
candidates, checked the same way. Either way nothing is stored: the coordinator reviews the
candidates and only accepted ones become a draft for the normal import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.capture.extract import Candidate, Decision, Extracted, Source, extract
from luodi.domain.dates import END_OF_DAY
from luodi.domain.workdays import Calendar
from luodi.i18n import gettext as _
from luodi.models import Person
from luodi.services.errors import InvalidInput

MAX_TEXT = 200_000
"""Minutes longer than this (characters) are refused: a meeting's notes, not a book."""


@dataclass(frozen=True)
class LanguageModel:
    """Where to ask: ``url`` is the API's base (``…/v1``); ``/chat/completions`` is appended."""

    url: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0


PROMPT = (
    "You read meeting minutes or a chat transcript (Chinese or English) and list its decisions and "
    "action items. Answer with one JSON object only: {\"decisions\": [{\"text\": str, \"source_line\": int}], "
    "\"items\": [{\"title\": str, \"owner\": str|null, \"due\": \"YYYY-MM-DD\"|null, \"source_line\": int}]}. "
    "source_line is the number after L of the line the candidate comes from. An owner must be one of these "
    "people: {people}. The meeting was on {today}; read relative dates from it. Do not invent anything "
    "the text does not say."
)


def extract_candidates(
    session: Session, text: str, *, source: Source, now: datetime, tz: ZoneInfo, calendar: Calendar | None = None,
    end_of_day: time = END_OF_DAY, model: LanguageModel | None = None,
) -> Extracted:
    """The candidates of ``text``; with ``model``, the language model's (checked) instead of the rules'."""
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("The text is too long ({size} characters; at most {limit})").format(
            size=len(text), limit=MAX_TEXT), field="file")
    names = list(session.scalars(select(Person.name)).all())
    today = now.astimezone(tz).date()
    found = extract(text, names=names, today=today, source=source, calendar=calendar, end_of_day=end_of_day)
    if model is None:
        return found
    lines = text.replace("\r\n", "\n").split("\n")
    answer = _ask(model, lines, names, found.meeting_date or today)
    return Extracted(title=found.title, meeting_date=found.meeting_date, meeting_time=found.meeting_time,
                     decisions=_decisions(answer, lines), items=_items(answer, lines))


def _ask(model: LanguageModel, lines: list[str], names: list[str], today: date) -> dict[str, Any]:
    numbered = "\n".join(f"L{number}: {line}" for number, line in enumerate(lines, start=1) if line.strip())
    body = {
        "model": model.model,
        "temperature": 0,
        "response_format": {"type": "json_object"},
        "messages": [
            {"role": "system", "content": PROMPT.replace("{people}", "、".join(names[:500]) or "-")
             .replace("{today}", today.isoformat())},
            {"role": "user", "content": numbered},
        ],
    }
    headers = {"Authorization": f"Bearer {model.api_key}"} if model.api_key else {}
    url = model.url.rstrip("/") + "/chat/completions"
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=model.timeout, follow_redirects=False)
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
        answer = json.loads(content)
    except httpx.HTTPError as exc:
        raise InvalidInput(_("The language model at {url} could not be asked: {reason}").format(
            url=url, reason=exc), field="llm") from None
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise InvalidInput(_("The language model at {url} did not answer with the JSON asked for: {reason}").format(
            url=url, reason=exc), field="llm") from None
    if not isinstance(answer, dict):
        raise InvalidInput(_("The language model at {url} did not answer with the JSON asked for: {reason}").format(
            url=url, reason=type(answer).__name__), field="llm")
    return answer


def _line(value: object, lines: list[str]) -> int | None:
    return value if isinstance(value, int) and 1 <= value <= len(lines) and lines[value - 1].strip() else None


def _decisions(answer: dict[str, Any], lines: list[str]) -> list[Decision]:
    result = []
    for entry in answer.get("decisions") or []:
        if isinstance(entry, dict) and isinstance(entry.get("text"), str) and entry["text"].strip():
            line = _line(entry.get("source_line"), lines)
            if line is not None:  # a candidate must point at the text it came from
                result.append(Decision(entry["text"].strip()[:500], line))
    return result


def _items(answer: dict[str, Any], lines: list[str]) -> list[Candidate]:
    """The model's items that point at a line of the text; an owner outside the directory is
    kept as written (the import's lint then says so), a due that is not an ISO date is dropped."""
    result = []
    for entry in answer.get("items") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("title"), str) or not entry["title"].strip():
            continue
        line = _line(entry.get("source_line"), lines)
        if line is None:
            continue
        owner = entry["owner"].strip() or None if isinstance(entry.get("owner"), str) else None
        due_text = entry.get("due") if isinstance(entry.get("due"), str) else ""
        try:
            due = date.fromisoformat(due_text) if due_text else None
        except ValueError:
            due = None
        result.append(Candidate(title=entry["title"].strip()[:200], owner=owner,
                                due=due, source_line=line, sentence=lines[line - 1].strip(), due_text=due_text or "",
                                origin="llm"))
    return result
