"""Closure (CLOSE-1): when every item of a meeting is accepted, the closure agenda; the retrospective;
the meeting closed; next-phase items spun off into a new list.

The article's 闭环会议 (15–30 minutes): review every item (5′), lessons — what went well, what to
improve, what to reuse (10′), start the next phase (10′), thanks (5′). Items are the meeting's own
(subtasks roll up into them); an item counts as accepted when its latest acceptance round passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus
from luodi.domain.sync import CLOSURE_AGENDA
from luodi.domain.workdays import to_local
from luodi.i18n import gettext as _
from luodi.i18n import use_language
from luodi.models import AcceptanceRound, Item, Meeting, Person, Retrospective
from luodi.render.report_views import ClosureView
from luodi.render.reports import report_message
from luodi.services.accept import next_phase
from luodi.services.audit import Actor, record
from luodi.services.capture import meetings
from luodi.services.errors import Conflict, InvalidInput
from luodi.services.followup.reports import report_item
from luodi.services.mailing import queue_email


def top_items(session: Session, meeting_id: int) -> list[Item]:
    return list(session.scalars(select(Item).where(Item.meeting_id == meeting_id, Item.parent_id.is_(None))
                                .order_by(Item.number, Item.id)))


def latest_rounds(session: Session, ids: list[int]) -> dict[int, AcceptanceRound]:
    found: dict[int, AcceptanceRound] = {}
    if ids:
        for round_ in session.scalars(select(AcceptanceRound).where(AcceptanceRound.item_id.in_(ids))
                                      .order_by(AcceptanceRound.item_id, AcceptanceRound.number)):
            found[round_.item_id] = round_
    return found


def not_accepted(items: list[Item], rounds: dict[int, AcceptanceRound]) -> list[Item]:
    return [i for i in items if i.status is not ItemStatus.DONE or i.id not in rounds or not rounds[i.id].passed]


def view(session: Session, meeting: Meeting, *, tz: ZoneInfo) -> ClosureView:
    """The closure agenda with every item, its score, and the retrospective once recorded."""
    items = top_items(session, meeting.id)
    rounds = latest_rounds(session, [i.id for i in items])
    retro = session.scalar(select(Retrospective).where(Retrospective.meeting_id == meeting.id))
    following = session.get(Meeting, retro.next_meeting_id) if retro and retro.next_meeting_id else None
    return ClosureView(
        title=meeting.title, meeting_day=to_local(meeting.starts_at, tz).date(),
        items=tuple(report_item(i, tz=tz, score=rounds[i.id].score if i.id in rounds and rounds[i.id].passed
                                else None) for i in items),
        agenda=tuple((p.title, p.minutes) for p in CLOSURE_AGENDA), all_accepted=bool(items) and not
        not_accepted(items, rounds), went_well=retro.went_well if retro else None,
        improve=retro.improve if retro else None, reusable=retro.reusable if retro else None,
        closed_at=to_local(meeting.closed_at, tz) if meeting.closed_at else None,
        next_title=following.title if following else None)


def coordinator(session: Session, meeting: Meeting) -> Person | None:
    person_id = meeting.organizer_id or meeting.project.coordinator_id
    return session.get(Person, person_id) if person_id else None


def subject(closure: ClosureView, lang: str) -> str:
    with use_language(lang):
        return _("[Closure meeting] {title}").format(title=closure.title)


def on_item_accepted(session: Session, meeting_id: int, *, now: datetime, tz: ZoneInfo,
                     template_dir: Path | None = None) -> tuple[bool, list[int]]:
    """After an item passed: when every item of the meeting is accepted, queue the closure agenda to
    the coordinator (once). Returns (all accepted, outbox ids)."""
    meeting = meetings.get(session, meeting_id)
    closure = view(session, meeting, tz=tz)
    person = coordinator(session, meeting)
    if not closure.all_accepted or meeting.closed_at is not None or person is None:
        return closure.all_accepted, []
    lang = person.language or meeting.language
    message = report_message("closure", closure, lang=lang, subject=subject(closure, lang),
                             today=to_local(now, tz).date(), template_dir=template_dir)
    row = queue_email(session, key=f"closure|m{meeting.id}", kind="closure_agenda", person=person,
                      message=message, now=now, meeting_id=meeting.id)
    return True, [row.id] if row is not None else []


@dataclass(frozen=True)
class Retro:
    went_well: str
    improve: str
    reusable: str


def close(session: Session, meeting_id: int, retro: Retro, *, next_items: list[next_phase.NextItem],
          actor: Actor, now: datetime, tz: ZoneInfo) -> tuple[Meeting, Retrospective, Meeting | None]:
    """Record the retrospective, close the meeting, spin off the next phase's list (when given).

    Raises Conflict when the meeting is closed already or an item is not accepted, InvalidInput
    when a retrospective field is empty or a next-phase item is bad. The caller commits.
    """
    meeting = meetings.get(session, meeting_id)
    if meeting.closed_at is not None:
        raise Conflict(_("meeting {id} was closed on {when}").format(
            id=meeting.id, when=to_local(meeting.closed_at, tz).strftime("%Y-%m-%d %H:%M")))
    items = top_items(session, meeting.id)
    pending = not_accepted(items, latest_rounds(session, [i.id for i in items]))
    if pending or not items:
        raise Conflict(_("not every item is accepted yet: {codes}").format(
            codes=", ".join(i.code for i in pending) or "—"))
    fields = {"went_well": retro.went_well, "improve": retro.improve, "reusable": retro.reusable}
    for name, value in fields.items():
        if not value.strip():
            raise InvalidInput(_("{field} is empty").format(field=name), field=name)
    following = next_phase.spin_off(session, meeting, next_items, now=now, tz=tz) if next_items else None
    row = Retrospective(meeting_id=meeting.id, recorded_by_id=actor.person_id, created_at=now,
                        next_meeting_id=following.id if following else None,
                        **{name: value.strip() for name, value in fields.items()})
    session.add(row)
    meeting.closed_at = now
    record(session, actor=actor, at=now, entity="meeting", entity_id=meeting.id, action="closed",
           after=following.id if following else None)
    session.flush()
    return meeting, row, following


def closed_on(meeting: Meeting, tz: ZoneInfo) -> date | None:
    return to_local(meeting.closed_at, tz).date() if meeting.closed_at else None
