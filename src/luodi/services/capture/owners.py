"""Owners matched against the people directory before lint: a near miss (小麗 for 小李) is a
question whose first choice is the person it probably meant; creating a new person is the last,
explicit choice (「新建 小麗」), never the default (issue 15, :mod:`luodi.domain.names`).

The answer is given like any other draft question (``--answer LINE:owner=小李``, the web
preview's choices, ``--accept-defaults``); an answered owner replaces the written one in the
draft, so lint and the import see the person meant.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.capture.model import Answers, Finding, ParsedMeeting, Question
from luodi.domain.lint import is_group
from luodi.domain.names import near_misses
from luodi.i18n import gettext as _
from luodi.models import Person

NEW_PREFIXES = ("新建 ", "new ", "New ")
"""A choice that starts with one of these creates the written name as a new person."""


def new_person_choice(name: str) -> str:
    """The choice that keeps ``name`` as written and creates them (「新建 小麗」 / "new 小麗")."""
    return _("new {name}").format(name=name)


def _wants_new(answer: str, written: str) -> bool:
    answer = answer.strip()
    return answer == written or any(answer == prefix + written for prefix in NEW_PREFIXES) \
        or answer == new_person_choice(written)


def resolve(session: Session, meeting: ParsedMeeting, *, answers: Answers,
            accept_defaults: bool) -> tuple[list[Question], list[Finding]]:
    """Ask about every owner not in the directory that is a near miss of someone who is; apply
    the answers to ``meeting`` in place. Returns the open questions and the notes of defaults taken."""
    written = {item.owner.strip() for item in meeting.items if item.owner.strip() and not is_group(item.owner)}
    if not written:
        return [], []
    people = session.execute(select(Person.name, Person.aliases)).all()
    names = [name for name, _aliases in people]
    known = set(names)
    aliases = {alias.strip(): name for name, text in people for alias in (text or "").split("|") if alias.strip()}
    questions: list[Question] = []
    notes: list[Finding] = []
    for item in meeting.items:
        owner = item.owner.strip()
        if owner not in written or owner in known:
            continue
        matches = near_misses(owner, names, aliases)
        if not matches:
            continue
        choices = [match.name for match in matches] + [new_person_choice(owner)]
        message = _("Owner {owner!r} is not in the people directory: did you mean {name}?").format(
            owner=owner, name=matches[0].name)
        answer = answers.get((item.line, "owner"))
        if answer is not None:
            item.owner = owner if _wants_new(answer, owner) else answer.strip()
        elif accept_defaults:
            item.owner = choices[0]
            notes.append(Finding.warning(item.line, "owner", _("{question} Took the first choice: {choice}").format(
                question=message, choice=choices[0])))
        else:
            questions.append(Question(item.line, "owner", message, choices))
    return questions, notes
