"""From one meeting to the next: carried-over items and the next phase's list.

- **Carry-over**: the next follow-up meeting's agenda lists every open and overdue item of the
  meeting before it, marked 「延续自 9月28日」 with its state; :func:`start_next` opens the next
  meeting's list from it (``Meeting.previous_meeting_id``), recording each carried item, so nothing
  is dropped between meetings. A carried item stays an item of its own meeting.
- **Spin-off** (CLOSE-1): the closure meeting's next-phase items become a new list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from luodi.domain.dates import DateParseError, parse_date
from luodi.domain.enums import ItemStatus
from luodi.domain.lint import is_group
from luodi.domain.workdays import to_local
from luodi.i18n import gettext as _
from luodi.i18n import use_language
from luodi.models import CarriedItem, Item, Meeting, MeetingAttendee, Project
from luodi.render.report_views import CarryOverView
from luodi.services.accept import checklists
from luodi.services.accounts import people
from luodi.services.audit import Actor, record
from luodi.services.capture import meetings
from luodi.services.errors import InvalidInput
from luodi.services.followup.reports import report_item


@dataclass(frozen=True)
class NextItem:
    title: str
    owner: str
    due: date
    deliverable: str | None = None


def parse_next(text: str, *, today: date) -> NextItem:
    """``标题|责任人|截止日期[|交付物]`` — the due date as people write it (10月15日, 下周五)."""
    parts = [part.strip() for part in text.split("|")]
    if len(parts) < 3 or not all(parts[:3]):
        raise InvalidInput(_("next-phase item {text!r}: expected TITLE|OWNER|DUE[|DELIVERABLE]").format(
            text=text), field="next")
    if is_group(parts[1]):
        raise InvalidInput(_("Owner {owner!r} is a group, not one person").format(owner=parts[1]), field="next")
    try:
        due = parse_date(parts[2], base=today).date
    except DateParseError as exc:
        raise InvalidInput(str(exc), field="next") from exc
    if due < today:
        raise InvalidInput(_("next-phase item {text!r}: the due date has passed").format(text=text), field="next")
    return NextItem(parts[0], parts[1], due, parts[3] if len(parts) > 3 and parts[3] else None)


def _new_meeting(session: Session, meeting: Meeting, *, title: str, starts_at: datetime, now: datetime) -> Meeting:
    following = Meeting(project_id=meeting.project_id, title=title, name=None, starts_at=starts_at,
                        place=meeting.next_meeting_place or meeting.place, organizer_id=meeting.organizer_id,
                        language=meeting.language, previous_meeting_id=meeting.id, created_at=now)
    session.add(following)
    session.flush()
    record(session, actor=Actor.system("next phase"), at=now, entity="meeting", entity_id=following.id,
           action="created", before=meeting.id)
    return following


def spin_off(session: Session, meeting: Meeting, items: list[NextItem], *, now: datetime, tz: ZoneInfo) -> Meeting:
    """A new list (meeting) holding the next phase's items, numbered on in the project."""
    with use_language(meeting.language):
        title = _("Next phase: {title}").format(title=meeting.title)
    following = _new_meeting(session, meeting, title=title, starts_at=now, now=now)
    project = session.scalar(select(Project).where(Project.id == meeting.project_id).with_for_update(of=Project))
    assert project is not None
    owners = [people.ensure(session, item.owner, now=now)[0] for item in items]
    names = list(dict.fromkeys([*(p.id for p in owners), *([meeting.organizer_id] if meeting.organizer_id else [])]))
    for position, person_id in enumerate(names):
        session.add(MeetingAttendee(meeting_id=following.id, person_id=person_id, position=position))
    created = []
    for number, (item, owner) in enumerate(zip(items, owners, strict=True), start=1):
        project.last_item_number += 1
        row = Item(project_id=project.id, meeting_id=following.id, code=f"{project.code_prefix}"
                   f"{project.last_item_number:03d}", number=number, title=item.title, owner_id=owner.id,
                   start=to_local(now, tz).date(), due=item.due, deliverable=item.deliverable,
                   status=ItemStatus.NOT_STARTED, created_at=now, updated_at=now)
        session.add(row)
        created.append(row)
    session.flush()
    for row in created:
        record(session, actor=Actor.system("next phase"), at=now, entity="item", entity_id=row.id, item_id=row.id,
               action="created")
    checklists.attach_defaults(session, [(row.id, row.deliverable) for row in created], language=following.language,
                               new=True)
    return following


def carried_into(session: Session, meeting: Meeting) -> list[tuple[Item, datetime]]:
    """Open items carried into ``meeting``, with the day of the meeting they come from."""
    rows = session.execute(select(Item, Meeting.starts_at).join(CarriedItem, CarriedItem.item_id == Item.id)
                           .join(Meeting, Meeting.id == CarriedItem.from_meeting_id)
                           .where(CarriedItem.meeting_id == meeting.id, Item.status != ItemStatus.DONE)
                           .order_by(Item.due, Item.code)).all()
    return [(item, starts_at) for item, starts_at in rows]


def open_items(session: Session, meeting: Meeting, *, tz: ZoneInfo) -> list[tuple[Item, date]]:
    """Every open item of ``meeting`` and of those carried into it, with the day they come from."""
    own = session.scalars(select(Item).where(Item.meeting_id == meeting.id, Item.status != ItemStatus.DONE)
                          .order_by(Item.due, Item.code)).all()
    day = to_local(meeting.starts_at, tz).date()
    found = [(item, to_local(start, tz).date()) for item, start in carried_into(session, meeting)]
    return found + [(item, day) for item in own if item.id not in {i.id for i, _d in found}]


def agenda(session: Session, meeting_id: int, *, now: datetime, tz: ZoneInfo) -> CarryOverView:
    """The next follow-up meeting's agenda: every open and overdue item, 「延续自 <day>」."""
    meeting = meetings.get(session, meeting_id)
    return CarryOverView(
        title=meeting.title, at=to_local(meeting.next_meeting_at, tz) if meeting.next_meeting_at else None,
        place=meeting.next_meeting_place, goal=meeting.next_meeting_goal,
        items=tuple(report_item(item, tz=tz, carried_from=day) for item, day in open_items(session, meeting, tz=tz)),
        today=to_local(now, tz).date())


def start_next(session: Session, meeting_id: int, *, now: datetime, tz: ZoneInfo) -> tuple[Meeting, int]:
    """Open the next meeting's list with every open item carried over; return it and how many were
    carried. Idempotent: the meeting that already follows is reused, each item is carried once."""
    meeting = meetings.get(session, meeting_id)
    following = session.scalar(select(Meeting).where(Meeting.previous_meeting_id == meeting.id)
                               .order_by(Meeting.id).limit(1))
    if following is None:
        following = _new_meeting(session, meeting, title=meeting.title,
                                 starts_at=meeting.next_meeting_at or now, now=now)
    found = open_items(session, meeting, tz=tz)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for item, _day in found:
        origin = item.meeting_id if item.meeting_id is not None else meeting.id
        session.execute(insert(CarriedItem).values(
            meeting_id=following.id, item_id=item.id, from_meeting_id=origin, status=item.status.value,
            created_at=now).on_conflict_do_nothing(index_elements=["meeting_id", "item_id"]))
    record(session, actor=Actor.system("carry over"), at=now, entity="meeting", entity_id=following.id,
           action="carried_over", after=len(found))
    session.flush()
    return following, len(found)
