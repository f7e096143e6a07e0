"""Today's follow-ups (FU-5): the coordinator's agenda, computed on read; entries marked done are kept.

:func:`compute` reads: it computes the day's entries from the items' facts at that moment and
merges the day's stored rows (an entry marked done shows its outcome, even once its reason went
away). Every entry has a stable key (``item:<id>|<day>``, ``blocker:<id>|<day>``; in URLs its
:func:`slug`, ``item-12-2026-09-28``), so the pages, the API and the navigation's badge show the
same entries from the first moment of the day without writing anything. :func:`mark_done` (a POST)
stores the entry under its key with the outcome. :func:`build` is ``compute`` and also stores the
open entries (``luodi today``, whose ids ``luodi followup done ID`` takes, and the daily digest):
building it again the same day changes nothing but open entries whose reasons moved; an open entry
whose reason went away the same day is marked dropped. Blockers first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from luodi.domain.agenda import (
    ORDER,
    FollowUpStatus,
    Intervention,
    ItemFacts,
    Reason,
    channel_for,
    interventions,
    needs_intervention,
    reasons,
)
from luodi.domain.cadence import ContactChannel
from luodi.domain.workdays import Calendar, to_local
from luodi.i18n import gettext as _
from luodi.models import Blocker, FollowUp, Item, Person
from luodi.render.followups import MessageFacts, intervention_text, message, reason_label
from luodi.services.audit import Actor, record
from luodi.services.errors import Conflict, InvalidInput, NotFound
from luodi.services.followup import agenda_facts


@dataclass
class Entry:
    """One computed entry before it is stored."""

    key: str
    item: Item
    reason: Reason
    reasons: list[Reason]
    channel: ContactChannel
    message: str
    blocker: Blocker | None = None
    interventions: list[Intervention] = field(default_factory=list)


@dataclass
class Line:
    """One entry of the day's agenda as shown: computed now, or the stored row once marked done."""

    key: str                         # item:<id>|<day> or blocker:<id>|<day>
    id: int | None                   # the stored row's id (None: not stored, nothing was done yet)
    item: Item
    person: Person                   # whom to contact (the owner)
    blocker_id: int | None
    reason: str                      # domain.agenda.Reason value
    reasons: list[str]
    channel: str                     # domain.cadence.ContactChannel value
    message: str
    status: FollowUpStatus
    outcome: str | None = None

    @property
    def item_id(self) -> int:
        return self.item.id

    @property
    def slug(self) -> str:
        return slug(self.key)

    @classmethod
    def of_row(cls, row: FollowUp) -> Line:
        return cls(row.key, row.id, row.item, row.person, row.blocker_id, row.reason, list(row.reasons),
                   row.channel, row.message, row.status, row.outcome)

    @classmethod
    def of_entry(cls, entry: Entry, row: FollowUp | None) -> Line:
        return cls(entry.key, row.id if row is not None else None, entry.item, entry.item.owner,
                   entry.blocker.id if entry.blocker else None, entry.reason.value, [r.value for r in entry.reasons],
                   entry.channel, entry.message, FollowUpStatus.OPEN)


SLUG = re.compile(r"^(item|blocker)-(\d{1,10})-(\d{4}-\d{2}-\d{2})$")


def slug(key: str) -> str:
    """The key as it goes in a URL or an HTML id: ``item:12|2026-09-28`` → ``item-12-2026-09-28``."""
    return key.replace(":", "-").replace("|", "-")


def key_of(value: str) -> str | None:
    """The key of a slug (None when ``value`` is not one)."""
    found = SLUG.match(value)
    return f"{found[1]}:{found[2]}|{found[3]}" if found else None


@dataclass
class Agenda:
    """The day's follow-ups, blockers first, with each item's interventions."""

    day: date
    coordinator: Person | None
    rows: list[Line]
    interventions: dict[int, list[Intervention]]  # by item id

    def open_count(self) -> int:
        return sum(1 for row in self.rows if row.status is FollowUpStatus.OPEN)

    def to_json(self, lang: str) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "followups": [self._row(row, lang) for row in self.rows]}

    def _row(self, row: Line, lang: str) -> dict[str, Any]:
        helps = self.interventions.get(row.item_id, []) if row.blocker_id is None else []
        return {
            "id": row.id, "key": row.slug, "item": row.item.code, "owner": row.person.name, "reason": row.reason,
            "channel": row.channel, "message": row.message, "reasons": row.reasons,
            "reason_text": reason_label(Reason(row.reason), lang), "title": row.item.title,
            "due": row.item.due.isoformat(), "status": row.status.value, "done": row.status is FollowUpStatus.DONE,
            "outcome": row.outcome, "blocker": row.blocker_id,
            "interventions": [{"cause": i.cause.value, "response": i.response.value, "who": list(i.who),
                               "likely": i.likely, "text": intervention_text(i, lang).response} for i in helps],
        }


def compute(session: Session, *, now: datetime, tz: ZoneInfo, calendar: Calendar,
            coordinator: Person | None = None, project: str | None = None) -> Agenda:
    """The agenda of ``now``'s local day for ``coordinator`` (everyone's items when None); reads only."""
    today = to_local(now, tz).date()
    items = agenda_facts.open_items(session, coordinator_id=coordinator.id if coordinator else None, project=project)
    entries, helps = _entries(session, items, today=today, now=now, tz=tz, calendar=calendar)
    stored = _stored(session, day=today, coordinator=coordinator, keys=[entry.key for entry in entries])
    lines = [Line.of_row(row) if row is not None and row.status is FollowUpStatus.DONE else Line.of_entry(entry, row)
             for entry in entries for row in [stored.pop(entry.key, None)]]
    lines += [Line.of_row(row) for row in stored.values() if row.status is FollowUpStatus.DONE]
    return Agenda(day=today, coordinator=coordinator, rows=sorted(lines, key=_order), interventions=helps)


def build(session: Session, *, now: datetime, tz: ZoneInfo, calendar: Calendar,
          coordinator: Person | None = None, project: str | None = None) -> Agenda:
    """:func:`compute`, and the day's open entries stored under their keys (ids for ``luodi followup done``)."""
    today = to_local(now, tz).date()
    items = agenda_facts.open_items(session, coordinator_id=coordinator.id if coordinator else None, project=project)
    entries, helps = _entries(session, items, today=today, now=now, tz=tz, calendar=calendar)
    rows = _store(session, entries, day=today, coordinator=coordinator, now=now)
    return Agenda(day=today, coordinator=coordinator, rows=[Line.of_row(row) for row in rows], interventions=helps)


def _entries(session: Session, items: list[Item], *, today: date, now: datetime, tz: ZoneInfo,
             calendar: Calendar) -> tuple[list[Entry], dict[int, list[Intervention]]]:
    facts = agenda_facts.item_facts(session, items, tz=tz, today=today, now=now)
    blockers = agenda_facts.open_blockers(session, [item.id for item in items])
    entries: list[Entry] = []
    helps: dict[int, list[Intervention]] = {}
    for item in items:
        if calendar.is_workday(today):
            entries += [_blocker_entry(item, b, facts[item.id], today) for b in blockers.get(item.id, [])]
        found = reasons(facts[item.id], today, calendar)
        if found:
            entries.append(_item_entry(item, found, facts[item.id], today))
        if needs_intervention(found):
            helps[item.id] = interventions(facts[item.id])
    return entries, helps


def _stored(session: Session, *, day: date, coordinator: Person | None, keys: list[str]) -> dict[str, FollowUp]:
    """The day's stored rows: the coordinator's, and those of the entries computed (by key)."""
    query = select(FollowUp).where(FollowUp.day == day)
    if coordinator is not None:
        query = query.where(or_(FollowUp.coordinator_id == coordinator.id, FollowUp.key.in_(keys)))
    return {row.key: row for row in session.scalars(query)}


def _item_entry(item: Item, found: list[Reason], facts: ItemFacts, today: date) -> Entry:
    top = found[0]
    text = message(top, replace(_message_facts(item, today), question=facts.question), item.owner.language)
    return Entry(f"item:{item.id}|{today.isoformat()}", item, top, found, channel_for(facts, top, today), text)


def _blocker_entry(item: Item, blocker: Blocker, facts: ItemFacts, today: date) -> Entry:
    facts_ = replace(_message_facts(item, today), blocker_what=blocker.what, blocker_who=blocker.waiting_on)
    text = message(Reason.BLOCKER, facts_, item.owner.language)
    return Entry(f"blocker:{blocker.id}|{today.isoformat()}", item, Reason.BLOCKER, [Reason.BLOCKER],
                 channel_for(facts, Reason.BLOCKER, today), text, blocker)


def _message_facts(item: Item, today: date) -> MessageFacts:
    return MessageFacts(name=item.owner.name, title=item.title, due=item.due, status=item.status, today=today)


def _store(session: Session, entries: list[Entry], *, day: date, coordinator: Person | None,
           now: datetime) -> list[FollowUp]:
    wanted = {entry.key for entry in entries}
    existing = _stored(session, day=day, coordinator=coordinator, keys=sorted(wanted))
    for entry in entries:
        row = existing.get(entry.key)
        if row is None:
            row = FollowUp(key=entry.key, day=day, item_id=entry.item.id, person_id=entry.item.owner_id,
                           coordinator_id=agenda_facts.coordinator_of(entry.item), created_at=now)
            session.add(row)
            existing[entry.key] = row
        if row.status is not FollowUpStatus.DONE:
            row.item, row.person = entry.item, entry.item.owner
            row.blocker_id = entry.blocker.id if entry.blocker else None
            row.reason, row.reasons, row.channel = entry.reason.value, [r.value for r in entry.reasons], entry.channel
            row.message, row.status, row.updated_at = entry.message, FollowUpStatus.OPEN, now
    for key, row in existing.items():
        if key not in wanted and row.status is FollowUpStatus.OPEN:
            row.status, row.updated_at = FollowUpStatus.DROPPED, now
    session.flush()
    shown = [row for row in existing.values() if row.status is not FollowUpStatus.DROPPED]
    return sorted(shown, key=_order)


def _order(row: FollowUp | Line) -> tuple[Any, ...]:
    return (ORDER[Reason(row.reason)], row.item.due, row.item.code, row.key)


def item_of(session: Session, ref: int | str) -> Item:
    """The item a follow-up is about: ``ref`` is a stored id or an entry's slug. Raises NotFound."""
    row = _stored_row(session, ref)
    if row is not None:
        return row.item
    key = key_of(str(ref))
    kind, _sep, rest = (key or "").partition(":")
    number = int(rest.split("|")[0]) if key else 0
    found: Item | None = None
    if kind == "item":
        found = session.get(Item, number)
    elif kind == "blocker":
        blocker = session.get(Blocker, number)
        found = blocker.item if blocker is not None else None
    if found is None:
        raise NotFound("follow-up", str(ref))
    return found


def _stored_row(session: Session, ref: int | str) -> FollowUp | None:
    if isinstance(ref, int) or str(ref).isdigit():
        return session.get(FollowUp, int(ref)) if int(ref) < 2**31 else None
    key = key_of(ref)
    return session.scalar(select(FollowUp).where(FollowUp.key == key)) if key else None


def mark_done(session: Session, ref: int | str, outcome: str, *, actor: Actor, now: datetime,
              tz: ZoneInfo | None = None, calendar: Calendar | None = None) -> FollowUp:
    """Record that the contact happened and what came of it; ``ref``: a stored id, or an entry's slug
    (stored now, computed as the day's agenda shows it: needs ``tz`` and ``calendar``).
    Raises NotFound, InvalidInput, Conflict."""
    outcome = outcome.strip()
    if not outcome:
        raise InvalidInput(_("Write the outcome of the follow-up."), field="outcome")
    row = _stored_row(session, ref)
    if row is None and key_of(str(ref)) is not None and tz is not None and calendar is not None:
        row = _store_entry(session, item_of(session, ref), str(key_of(str(ref))), now=now, tz=tz, calendar=calendar)
    if row is None:
        raise NotFound("follow-up", str(ref))
    if row.status is FollowUpStatus.DONE:
        raise Conflict(_("follow-up {id} is already done: {outcome}").format(id=row.id, outcome=row.outcome))
    row.status, row.outcome, row.done_at, row.done_by_id, row.updated_at = (
        FollowUpStatus.DONE, outcome, now, actor.person_id, now)
    session.flush()
    record(session, actor=actor, at=now, entity="followup", entity_id=row.id, item_id=row.item_id, action="done",
           field="outcome", after=outcome)
    return row


def _store_entry(session: Session, item: Item, key: str, *, now: datetime, tz: ZoneInfo,
                 calendar: Calendar) -> FollowUp:
    """The entry ``key`` as the agenda computes it on its day (at ``now`` when that is today, else 09:00)."""
    day = date.fromisoformat(key.rsplit("|", 1)[1])
    moment = now if to_local(now, tz).date() == day else datetime.combine(day, time(9), tzinfo=tz)
    entries, _helps = _entries(session, [item], today=day, now=moment, tz=tz, calendar=calendar)
    entry = next((e for e in entries if e.key == key), None)
    if entry is None:
        raise Conflict(_("This follow-up is no longer on the list of {day}: its reason went away meanwhile.")
                       .format(day=day.isoformat()))
    row = FollowUp(key=key, day=day, item_id=item.id, person_id=item.owner_id,
                   coordinator_id=agenda_facts.coordinator_of(item), created_at=now, updated_at=now, item=item,
                   person=item.owner, blocker_id=entry.blocker.id if entry.blocker else None,
                   reason=entry.reason.value, reasons=[r.value for r in entry.reasons], channel=entry.channel,
                   message=entry.message, status=FollowUpStatus.OPEN)
    session.add(row)
    return row
