"""What today's follow-ups need to know about a set of open items, a few grouped queries each.

Used by services.followups (the agenda) and services.reports (risks). Every query is bounded by
the item ids it is given, so the cost grows with the agenda, not with the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from luodi.domain.agenda import FollowUpStatus, ItemFacts
from luodi.domain.cadence import CadenceFacts, ContactChannel
from luodi.domain.enums import ItemStatus, ResponseKind
from luodi.domain.scoring import SubmissionKind
from luodi.domain.workdays import to_local
from luodi.models import (
    AcceptanceRound,
    Blocker,
    Dependency,
    FollowUp,
    Item,
    ItemResponse,
    Meeting,
    Person,
    Project,
    Submission,
)
from luodi.services.followup.profiles import coordinator_of, item_traits


def open_items(session: Session, *, coordinator_id: int | None, project: str | None = None) -> list[Item]:
    """Open items (not done) the coordinator follows: their meeting's organizer, else the project's.

    With a coordinator: two indexed queries — the open meetings they organise
    (``ix_meeting_organizer``) and the projects they coordinate whose items have no organizer —
    so the cost follows that coordinator's items, not the database.
    """
    scope = [Item.status != ItemStatus.DONE]
    meeting = selectinload(Item.meeting)   # start_of and the confirmation deadline read it: one query
    if project:
        scope.append(Item.project_id.in_(select(Project.id).where(Project.name == project)))
    if coordinator_id is None:
        return list(session.scalars(select(Item).options(meeting).where(*scope).order_by(Item.due, Item.code)).unique())
    organised = select(Meeting.id).where(Meeting.organizer_id == coordinator_id, Meeting.closed_at.is_(None))
    mine = select(Item).options(meeting).where(*scope, Item.meeting_id.in_(organised))
    found = {i.id: i for i in session.scalars(mine)}
    coordinated = select(Project.id).where(Project.coordinator_id == coordinator_id)
    orphans = (select(Item).options(meeting).outerjoin(Meeting, Meeting.id == Item.meeting_id)
               .where(*scope, Item.project_id.in_(coordinated), Meeting.organizer_id.is_(None)))
    found.update((i.id, i) for i in session.scalars(orphans).unique())
    return sorted(found.values(), key=lambda i: (i.due, i.code))


def start_of(item: Item, tz: ZoneInfo) -> date:
    """The day an item began: its start date, else its meeting's day, else its creation day."""
    if item.start is not None:
        return item.start
    moment = item.meeting.starts_at if item.meeting is not None else item.created_at
    return to_local(moment, tz).date()


def last_contacts(session: Session, ids: Sequence[int], *, before: date) -> dict[int, date]:
    """The day of each item's last follow-up marked done, before ``before``."""
    if not ids:
        return {}
    rows = session.execute(
        select(FollowUp.item_id, func.max(FollowUp.day))
        .where(FollowUp.item_id.in_(ids), FollowUp.status == FollowUpStatus.DONE, FollowUp.day < before)
        .group_by(FollowUp.item_id)
    ).all()
    return {item_id: day for item_id, day in rows}


def open_blockers(session: Session, ids: Sequence[int]) -> dict[int, list[Blocker]]:
    if not ids:
        return {}
    found: dict[int, list[Blocker]] = {}
    for blocker in session.scalars(select(Blocker).where(Blocker.item_id.in_(ids), Blocker.cleared_at.is_(None))
                                   .order_by(Blocker.id)):
        found.setdefault(blocker.item_id or 0, []).append(blocker)
    return found


def awaiting_review(session: Session, ids: Sequence[int]) -> set[int]:
    """Items whose latest final submission has no acceptance round yet."""
    if not ids:
        return set()
    finals: dict[int, int] = {item_id: sub for item_id, sub in session.execute(
        select(Submission.item_id, func.max(Submission.id))
        .where(Submission.item_id.in_(ids), Submission.kind == SubmissionKind.FINAL).group_by(Submission.item_id))}
    reviewed: dict[int, int | None] = {item_id: sub for item_id, sub in session.execute(
        select(AcceptanceRound.item_id, func.max(AcceptanceRound.submission_id))
        .where(AcceptanceRound.item_id.in_(list(finals))).group_by(AcceptanceRound.item_id))} if finals else {}
    return {item_id for item_id, sub in finals.items() if (reviewed.get(item_id) or 0) < sub}


def open_prerequisite_owners(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Owners of each item's unfinished prerequisites (「我在等小王的方案」)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Dependency.item_id, Person.name).join(Item, Item.id == Dependency.depends_on_id)
        .join(Person, Person.id == Item.owner_id)
        .where(Dependency.item_id.in_(ids), Item.status != ItemStatus.DONE).order_by(Item.code)
    ).all()
    found: dict[int, list[str]] = {}
    for item_id, name in rows:
        if name not in found.setdefault(item_id, []):
            found[item_id].append(name)
    return {item_id: tuple(names) for item_id, names in found.items()}


def open_questions(session: Session, ids: Sequence[int], contacts: dict[int, date], *,
                   tz: ZoneInfo) -> dict[int, str]:
    """Each item's latest question from its owner asked on or after its last follow-up marked done."""
    if not ids:
        return {}
    rows = session.execute(
        select(ItemResponse.item_id, ItemResponse.text, ItemResponse.created_at)
        .join(Item, Item.id == ItemResponse.item_id)
        .where(ItemResponse.item_id.in_(ids), ItemResponse.kind == ResponseKind.QUESTION,
               ItemResponse.person_id == Item.owner_id)
        .order_by(ItemResponse.created_at, ItemResponse.id)
    ).all()
    found: dict[int, str] = {}
    for item_id, text, created_at in rows:
        last = contacts.get(item_id)
        if text and (last is None or created_at.astimezone(tz).date() >= last):
            found[item_id] = text
    return found


def reachable(person: Person) -> frozenset[ContactChannel]:
    """Channels that can reach a person: IM, in person and the meeting always; phone and email when known."""
    channels = {ContactChannel.IM, ContactChannel.IN_PERSON, ContactChannel.MEETING}
    if person.phone:
        channels.add(ContactChannel.PHONE)
    if person.email:
        channels.add(ContactChannel.EMAIL)
    return frozenset(channels)


def unconfirmed_at(item: Item, now: datetime) -> bool:
    """The item's list was sent, its confirmation deadline has passed at ``now``, and its owner has not confirmed."""
    meeting = item.meeting
    if meeting is None or meeting.list_sent_at is None or meeting.confirm_deadline is None:
        return False
    return now >= meeting.confirm_deadline and (item.confirmed_at is None or item.confirmed_at > now)


def item_facts(session: Session, items: Sequence[Item], *, tz: ZoneInfo, today: date,
               now: datetime | None = None) -> dict[int, ItemFacts]:
    """The agenda facts of each item, with a fixed number of queries (``now``: for the confirmation deadline)."""
    ids = [item.id for item in items]
    traits = item_traits(session, items, tz=tz)
    contacts = last_contacts(session, ids, before=today)
    reviews = awaiting_review(session, ids)
    prerequisites = open_prerequisite_owners(session, ids)
    questions = open_questions(session, ids, contacts, tz=tz)
    facts = {}
    for item in items:
        supervisor = item.owner.supervisor.name if item.owner.supervisor is not None else None
        facts[item.id] = ItemFacts(
            status=item.status,
            cadence=CadenceFacts(item.priority, start_of(item, tz), item.due, traits[item.id][0]),
            last_contact=contacts.get(item.id), awaiting_review=item.id in reviews,
            open_prerequisites=prerequisites.get(item.id, ()), supervisor=supervisor,
            unconfirmed=now is not None and unconfirmed_at(item, now), reachable=reachable(item.owner),
            question=questions.get(item.id),
        )
    return facts


__all__ = ["coordinator_of", "item_facts", "open_blockers", "open_items", "start_of"]
