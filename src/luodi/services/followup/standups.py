"""Standups (SYNC-2): each person answers yesterday / today / blockers; blockers become FU-3 blockers.

One answer per person and day (answering again replaces it). A blocker in the answer is recorded
on the item it names (``item``), else on the person's open item due soonest, else on no item.
The day's digest lists who answered, who did not (owners with open items), and open blockers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus
from luodi.i18n import gettext as _
from luodi.models import Blocker, Item, Person, Project, Standup
from luodi.services.errors import InvalidInput, NotFound
from luodi.services.followup import blockers as blocker_service

NONE_WORDS = frozenset({"", "无", "没有", "暂无", "none", "no", "n/a", "-", "—"})
MAX_TEXT = 5000


def _text(value: str, name: str, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("{field} is empty").format(field=name), field=name)
    if len(value) > MAX_TEXT:
        raise InvalidInput(_("{field} is too long (5000 characters at most)").format(field=name), field=name)
    return value


def add(session: Session, person: Person, *, yesterday: str, today: str, blockers: str | None, day: date,
        now: datetime, item: Item | None = None, waiting_on: str | None = None, project: str | None = None,
        source: str = "cli") -> Standup:
    """Record ``person``'s standup for ``day``; a blocker text (not 无/none) becomes a blocker."""
    project_id = None
    if project:
        project_id = session.scalar(select(Project.id).where(Project.name == project))
        if project_id is None:
            raise NotFound("project", project)
    standup = session.scalar(select(Standup).where(Standup.person_id == person.id, Standup.day == day))
    if standup is None:
        standup = Standup(person_id=person.id, day=day, created_at=now)
        session.add(standup)
    standup.yesterday, standup.today = _text(yesterday, "yesterday"), _text(today, "today")
    blocker_text = _text(blockers or "", "blockers", required=False)
    standup.blockers, standup.project_id, standup.updated_at = blocker_text or None, project_id, now
    session.flush()
    if blocker_text.lower() not in NONE_WORDS:
        target = item or _soonest_open_item(session, person)
        blocker_service.add(session, item=target, person=person, what=blocker_text, waiting_on=waiting_on,
                            source="standup", now=now, standup_id=standup.id)
    return standup


def _soonest_open_item(session: Session, person: Person) -> Item | None:
    return session.scalar(select(Item).where(Item.owner_id == person.id, Item.status != ItemStatus.DONE)
                          .order_by(Item.due, Item.id).limit(1))


@dataclass
class StandupDigest:
    """A day's standups: the answers, who is missing, and the open blockers."""

    day: date
    answers: list[Standup]
    missing: list[str]
    blockers: list[Blocker] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "answers": [{"person": s.person.name, "yesterday": s.yesterday, "today": s.today,
                         "blockers": s.blockers} for s in self.answers],
            "missing": self.missing,
            "blockers": [blocker_service.public(b) for b in self.blockers],
        }


def digest(session: Session, day: date, *, project: str | None = None) -> StandupDigest:
    """The day's answers (by name), the owners of open items who did not answer, open blockers.

    With ``project``: answers given for it, or given without a project by one of its owners.
    """
    owners = select(Person.name).join(Item, Item.owner_id == Person.id).where(Item.status != ItemStatus.DONE)
    project_id = None
    if project:
        project_id = session.scalar(select(Project.id).where(Project.name == project))
        if project_id is None:
            raise NotFound("project", project)
        owners = owners.where(Item.project_id == project_id)
    names = set(session.scalars(owners.distinct()))
    answers = [s for s in session.scalars(select(Standup).where(Standup.day == day))
               if project_id is None or s.project_id == project_id or (s.project_id is None and s.person.name in names)]
    answers.sort(key=lambda s: s.person.name)
    missing = sorted(names - {s.person.name for s in answers})
    open_blockers = [b for b in blocker_service.list_blockers(session)
                     if project_id is None or (b.item is not None and b.item.project_id == project_id)]
    return StandupDigest(day=day, answers=answers, missing=missing, blockers=open_blockers)
