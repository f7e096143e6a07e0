"""Today's follow-ups (FU-5): build the coordinator's agenda, keep it, mark entries done.

Building the agenda for a day writes one ``followup`` row per entry under a unique key
(``item:<id>|<day>``, ``blocker:<id>|<day>``), so its ids are stable and building it again the
same day changes nothing but open entries whose reasons moved. An entry marked done keeps its
outcome; an open entry whose reason went away the same day is marked dropped. Blockers first.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
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
class Agenda:
    """The day's follow-ups: stored rows, blockers first, with each item's interventions."""

    day: date
    coordinator: Person | None
    rows: list[FollowUp]
    interventions: dict[int, list[Intervention]]  # by item id

    def to_json(self, lang: str) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "followups": [self._row(row, lang) for row in self.rows]}

    def _row(self, row: FollowUp, lang: str) -> dict[str, Any]:
        helps = self.interventions.get(row.item_id, []) if row.blocker_id is None else []
        return {
            "id": row.id, "item": row.item.code, "owner": row.person.name, "reason": row.reason,
            "channel": row.channel, "message": row.message, "reasons": row.reasons,
            "reason_text": reason_label(Reason(row.reason), lang), "title": row.item.title,
            "due": row.item.due.isoformat(), "status": row.status.value, "done": row.status is FollowUpStatus.DONE,
            "outcome": row.outcome, "blocker": row.blocker_id,
            "interventions": [{"cause": i.cause.value, "response": i.response.value, "who": list(i.who),
                               "likely": i.likely, "text": intervention_text(i, lang).response} for i in helps],
        }


def build(session: Session, *, now: datetime, tz: ZoneInfo, calendar: Calendar,
          coordinator: Person | None = None, project: str | None = None) -> Agenda:
    """The agenda of ``now``'s local day for ``coordinator`` (everyone's items when None)."""
    today = to_local(now, tz).date()
    items = agenda_facts.open_items(session, coordinator_id=coordinator.id if coordinator else None, project=project)
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
    rows = _store(session, entries, day=today, coordinator=coordinator, now=now)
    return Agenda(day=today, coordinator=coordinator, rows=rows, interventions=helps)


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
    query = select(FollowUp).where(FollowUp.day == day)
    if coordinator is not None:
        query = query.where(FollowUp.coordinator_id == coordinator.id)
    existing = {row.key: row for row in session.scalars(query)}
    wanted = {entry.key for entry in entries}
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


def _order(row: FollowUp) -> tuple[Any, ...]:
    return (ORDER[Reason(row.reason)], row.item.due, row.item.code, row.id)


def mark_done(session: Session, followup_id: int, outcome: str, *, actor: Actor, now: datetime) -> FollowUp:
    """Record that the contact happened and what came of it. Raises NotFound, InvalidInput, Conflict."""
    outcome = outcome.strip()
    if not outcome:
        raise InvalidInput(_("Write the outcome of the follow-up."), field="outcome")
    row = session.get(FollowUp, followup_id)
    if row is None:
        raise NotFound("follow-up", followup_id)
    if row.status is FollowUpStatus.DONE:
        raise Conflict(_("follow-up {id} is already done: {outcome}").format(id=row.id, outcome=row.outcome))
    row.status, row.outcome, row.done_at, row.done_by_id, row.updated_at = (
        FollowUpStatus.DONE, outcome, now, actor.person_id, now)
    record(session, actor=actor, at=now, entity="followup", entity_id=row.id, item_id=row.item_id, action="done",
           field="outcome", after=outcome)
    return row


def open_count(session: Session, *, coordinator_id: int, day: date) -> int:
    """How many of the day's stored follow-ups of a coordinator are still open (the navigation's badge).

    Reads what the day's agenda stored (built when 今日跟进 is opened — the coordinator's landing
    page — or by the daily digest); one indexed count (ix_followup_day).
    """
    from sqlalchemy import func

    return int(session.scalar(select(func.count()).select_from(FollowUp).where(
        FollowUp.day == day, FollowUp.coordinator_id == coordinator_id,
        FollowUp.status == FollowUpStatus.OPEN)) or 0)
