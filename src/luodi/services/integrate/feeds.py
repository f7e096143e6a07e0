"""Calendar feeds (INT-3): a person's or a meeting's items and follow-up meeting as iCalendar.

Each feed lives at a secret URL (``/feeds/<token>.ics``, token in ``feed_token``) that can be
rotated. Events keep their UID for life (``item-<id>@luodi``, ``followup-<meeting id>@luodi``)
and carry a SEQUENCE that only grows: an item's is its version − 1 (every change to the item
bumps the version), a follow-up meeting's is the number of audited changes to its time, place
or goal. So a changed due date updates the event in the subscriber's calendar, never duplicates
it. Due dates are all-day events (``VALUE=DATE``) with a VALARM at the moment the project's
T−1 rule fires (the at-risk check, 09:30 on the working day before by default); follow-up
meetings are timed in the organisation's zone, whose VTIMEZONE the feed carries.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from luodi.domain.occasions import occasion
from luodi.domain.rules import Anchor, Rule
from luodi.i18n import current_language, use_language
from luodi.i18n import gettext as _
from luodi.models import AuditEntry, FeedToken, Item, Meeting, MeetingAttendee, Person, Project
from luodi.render.env import status_label
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput, NotFound
from luodi.services.rules.rule_context import RuleContext

KINDS = ("person", "meeting")
PRODID = "-//luodi//calendar feeds//EN"
FOLLOWUP_FIELDS = ("next_meeting_at", "next_meeting_place", "next_meeting_goal")
FOLLOWUP_LENGTH = timedelta(hours=1)   # the list names no end time for the next meeting
TZ_FROM = date(2000, 1, 1)             # the VTIMEZONE's transitions from here on (keeps it short)


def _token(session: Session, kind: str, subject_id: int) -> FeedToken | None:
    return session.scalar(select(FeedToken).where(FeedToken.kind == kind, FeedToken.subject_id == subject_id))


def feed_token(session: Session, kind: str, subject_id: int, *, rotate: bool = False, actor: Actor,
               now: datetime) -> str:
    """The feed's secret token, made on first use; ``rotate`` replaces it (the old URL stops
    answering), audited. Raises InvalidInput for an unknown kind."""
    if kind not in KINDS:
        raise InvalidInput(_("feed kind must be one of: {kinds}").format(kinds=", ".join(KINDS)), field="kind")
    row = _token(session, kind, subject_id)
    if row is not None and not rotate:
        return row.token
    if row is None:
        row = FeedToken(kind=kind, subject_id=subject_id, token="", created_at=now)
        session.add(row)
    row.token, row.created_at = secrets.token_urlsafe(24), now
    session.flush()
    record(session, actor=actor, at=now, entity="feed", entity_id=row.id,
           action="rotated" if rotate else "created", field=kind, after=str(subject_id))
    return row.token


def feed_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/feeds/{token}.ics"


@dataclass(frozen=True)
class Feed:
    """A rendered feed: its name and the iCalendar bytes."""

    name: str
    body: bytes


def render_token(session: Session, token: str, *, ctx: RuleContext, base_url: str, now: datetime) -> Feed:
    """The feed a token opens; NotFound for an unknown (or rotated) token."""
    row = session.scalar(select(FeedToken).where(FeedToken.token == token)) if token else None
    if row is None:
        raise NotFound("feed", "token")
    if row.kind == "person":
        person = session.get(Person, row.subject_id)
        if person is None:
            raise NotFound("person", row.subject_id)
        return person_feed(session, person, ctx=ctx, base_url=base_url, now=now)
    meeting = session.get(Meeting, row.subject_id)
    if meeting is None:
        raise NotFound("meeting", row.subject_id)
    return meeting_feed(session, meeting, ctx=ctx, base_url=base_url, now=now)


def person_feed(session: Session, person: Person, *, ctx: RuleContext, base_url: str, now: datetime) -> Feed:
    """The person's items (their due dates) and the follow-up meetings of the meetings they are
    in (attendee, organiser or owner of an item there)."""
    items = session.scalars(select(Item).where(Item.owner_id == person.id).order_by(Item.due, Item.id)).all()
    attended = select(MeetingAttendee.meeting_id).where(MeetingAttendee.person_id == person.id)
    owned = select(Item.meeting_id).where(Item.owner_id == person.id, Item.meeting_id.is_not(None))
    meetings = session.scalars(select(Meeting).where(
        Meeting.next_meeting_at.is_not(None),
        or_(Meeting.id.in_(attended), Meeting.id.in_(owned), Meeting.organizer_id == person.id),
    ).order_by(Meeting.next_meeting_at, Meeting.id)).unique().all()
    with use_language(person.language):
        name = _("luodi: {name}'s action items").format(name=person.name)
        return Feed(name, _calendar(session, name, items, meetings, ctx=ctx, base_url=base_url, now=now))


def meeting_feed(session: Session, meeting: Meeting, *, ctx: RuleContext, base_url: str, now: datetime) -> Feed:
    """One meeting's items and its follow-up meeting."""
    items = session.scalars(select(Item).where(Item.meeting_id == meeting.id).order_by(Item.due, Item.id)).all()
    with use_language(meeting.language):
        name = _("luodi: {title}").format(title=meeting.title)
        meetings = [meeting] if meeting.next_meeting_at is not None else []
        return Feed(name, _calendar(session, name, items, meetings, ctx=ctx, base_url=base_url, now=now))


def _calendar(session: Session, name: str, items: Sequence[Item], meetings: Sequence[Meeting], *,
              ctx: RuleContext, base_url: str, now: datetime) -> bytes:
    from luodi.services import calendar as calendars

    calendars.refresh(session, ctx.calendar)   # the T−1 alarm counts working days with the loaded notices
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("x-wr-timezone", ctx.tz.key)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add_component(Timezone.from_tzid(ctx.tz.key, first_date=TZ_FROM))
    base = base_url.rstrip("/")
    projects = {p.id: p for p in session.scalars(select(Project).where(Project.id.in_({i.project_id for i in items})))}
    for item in items:
        cal.add_component(_item_event(item, projects.get(item.project_id), ctx=ctx, base=base, now=now))
    sequences = _followup_sequences(session, [m.id for m in meetings])
    for meeting in meetings:
        cal.add_component(_followup_event(meeting, sequences.get(meeting.id, (0, None)), tz=ctx.tz, base=base))
    return bytes(cal.to_ical())


def t_minus_1_rule(rules: Iterable[Rule]) -> Rule | None:
    """The rule whose moment the alarm takes: the first due-anchored rule one day before."""
    return next((r for r in rules if r.anchor is Anchor.DUE and r.offset_days == -1), None)


def _stamp(moment: datetime | None, fallback: datetime) -> datetime:
    return (moment or fallback).astimezone(UTC)


def _item_event(item: Item, project: Project | None, *, ctx: RuleContext, base: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", f"item-{item.id}@luodi")
    event.add("dtstamp", _stamp(item.updated_at, now))
    event.add("last-modified", _stamp(item.updated_at, now))
    event.add("created", _stamp(item.created_at, now))
    event.add("sequence", max(0, item.version - 1))
    event.add("dtstart", item.due)                       # VALUE=DATE: an all-day event
    event.add("dtend", item.due + timedelta(days=1))
    event.add("transp", "TRANSPARENT")                   # a due date does not make anyone busy
    event.add("summary", _("{code} due: {title}").format(code=item.code, title=item.title))
    link = f"{base}/items/{item.id}"
    event.add("url", link)
    details = [_("Status: {status}").format(status=status_label(item.status, current_language(), emoji=False))]
    if item.deliverable:
        details.append(_("Deliverable: {text}").format(text=item.deliverable))
    details.append(link)
    event.add("description", "\n".join(details))
    alarm_at = _alarm_moment(item, project, ctx)
    if alarm_at is not None and item.status.value != "done":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Due tomorrow: {code} {title}").format(code=item.code, title=item.title))
        alarm.add("trigger", alarm_at, parameters={"VALUE": "DATE-TIME"})   # absolute, UTC (RFC 5545 3.8.6.3)
        event.add_component(alarm)
    return event


def _alarm_moment(item: Item, project: Project | None, ctx: RuleContext) -> datetime | None:
    rules = ctx.rules_for(item.project_id, project.settings if project else None, project.name if project else None)
    rule = t_minus_1_rule(rules)
    local = occasion(rule, item.due, ctx.calendar) if rule is not None else None
    return local.replace(tzinfo=ctx.tz).astimezone(UTC) if local is not None else None


def _followup_sequences(session: Session, meeting_ids: list[int]) -> dict[int, tuple[int, datetime | None]]:
    """(number of audited changes to the follow-up's time, place or goal; the last one's time)."""
    if not meeting_ids:
        return {}
    rows = session.execute(
        select(AuditEntry.entity_id, func.count(), func.max(AuditEntry.at))
        .where(AuditEntry.entity == "meeting", AuditEntry.entity_id.in_(meeting_ids),
               AuditEntry.field.in_(FOLLOWUP_FIELDS))
        .group_by(AuditEntry.entity_id)).all()
    return {meeting_id: (count, at) for meeting_id, count, at in rows}


def _followup_event(meeting: Meeting, sequence: tuple[int, datetime | None], *, tz: ZoneInfo, base: str) -> Event:
    assert meeting.next_meeting_at is not None
    count, changed_at = sequence
    event = Event()
    event.add("uid", f"followup-{meeting.id}@luodi")
    event.add("dtstamp", _stamp(changed_at, meeting.created_at))
    event.add("last-modified", _stamp(changed_at, meeting.created_at))
    event.add("sequence", count)
    start = meeting.next_meeting_at.astimezone(tz)
    event.add("dtstart", start)                          # TZID=<the organisation's zone>
    event.add("dtend", start + FOLLOWUP_LENGTH)
    event.add("summary", _("Follow-up: {title}").format(title=meeting.name or meeting.title))
    if meeting.next_meeting_place:
        event.add("location", meeting.next_meeting_place)
    link = f"{base}/meetings/{meeting.id}"
    event.add("url", link)
    event.add("description", "\n".join(filter(None, [meeting.next_meeting_goal, link])))
    return event
