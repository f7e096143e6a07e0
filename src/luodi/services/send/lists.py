"""The 【行动项】 list: build its view from the database, and send it (SEND-1, SEND-2).

Sending writes one outbox row per recipient in the transaction that marks the list as sent;
the worker's deliver step (or ``luodi meeting send`` right away) delivers them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luodi.domain.routing import Topic
from luodi.i18n import use_language
from luodi.models import AuditEntry, Decision, Dependency, Item, Meeting, OutboxMessage, Person, Project
from luodi.render.action_list import render_action_list_message
from luodi.render.cards import Button, confirmation_buttons
from luodi.render.views import (
    ActionListView,
    DependencyView,
    ItemView,
    NextMeetingView,
    PersonView,
    RenderedMessage,
)
from luodi.services.accept import checklists
from luodi.services.audit import Actor, record
from luodi.services.capture import meetings
from luodi.services.send import routes, tokens
from luodi.services.send.directs import direct_address, direct_channels

if TYPE_CHECKING:
    from luodi.config import Settings


def person_view(person: Person) -> PersonView:
    return PersonView(name=person.name, email=person.email, phone=person.phone)


def _local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    return value.astimezone(tz) if value else None


def build_view(session: Session, meeting: Meeting, *, tz: ZoneInfo) -> ActionListView:
    items = session.scalars(select(Item).where(Item.meeting_id == meeting.id).order_by(Item.number, Item.id)).all()
    numbers = {item.id: item.number or index for index, item in enumerate(items, start=1)}
    edges = session.execute(
        select(Dependency).where(Dependency.item_id.in_([item.id for item in items]))
    ).scalars().all()
    depends: dict[int, list[int]] = {}
    dependency_views = []
    for edge in edges:
        if edge.depends_on_id in numbers:
            depends.setdefault(edge.item_id, []).append(numbers[edge.depends_on_id])
            dependency_views.append(DependencyView(numbers[edge.item_id], numbers[edge.depends_on_id], edge.reason))
    dependency_views.sort(key=lambda d: (d.dependent, d.prerequisite))
    decisions = session.scalars(
        select(Decision.text).where(Decision.meeting_id == meeting.id).order_by(Decision.number)
    ).all()
    stored = checklists.lines_for(session, [item.id for item in items])
    return ActionListView(
        meeting_id=meeting.id,
        title=meeting.title,
        meeting_name=meeting.name,
        starts_at=_local(meeting.starts_at, tz),
        place=meeting.place,
        organizer=person_view(meeting.organizer) if meeting.organizer else None,
        attendees=tuple(person_view(a.person) for a in sorted(meeting.attendees, key=lambda a: a.position)),
        decisions=tuple(decisions),
        items=tuple(item_view(item, numbers[item.id], depends.get(item.id, []),
                              checklist=stored.get(item.id) or checklists.default_lines(item)) for item in items),
        dependencies=tuple(dependency_views),
        next_meeting=NextMeetingView(
            at=_local(meeting.next_meeting_at, tz), place=meeting.next_meeting_place, goal=meeting.next_meeting_goal
        ) if (meeting.next_meeting_at or meeting.next_meeting_place or meeting.next_meeting_goal) else None,
        attachments=tuple((a.title, a.url) for a in meeting.attachments),
        confirm_by=_local(meeting.confirm_deadline, tz),
    )


def item_view(item: Item, number: int, depends_on: list[int], *,
              checklist: tuple[str, ...] | None = None) -> ItemView:
    """The render view of an item. ``checklist`` None: look it up (one query); pass the lines
    (``checklists.lines_for`` for a whole list) or ``()`` (messages that do not show it)."""
    return ItemView(
        code=item.code, number=number, title=item.title, owner=person_view(item.owner), start=item.start,
        due=item.due, due_time=item.due_time, deliverable=item.deliverable, status=item.status,
        priority=item.priority, acceptance=item.acceptance, depends_on=tuple(sorted(depends_on)),
        confirmed=item.confirmed_at is not None,
        checklist=checklists.lines_of(item) if checklist is None else checklist,
    )


def confirm_deadline(sent_at: datetime, *, tz: ZoneInfo, at: str) -> datetime:
    """The default confirmation deadline: ``at`` (18:00) local on the day of sending.

    A list sent after that hour gets the same hour the next day, so owners always have time.
    """
    hour, minute = (int(part) for part in at.split(":"))
    local = sent_at.astimezone(tz)
    deadline = datetime.combine(local.date(), time(hour, minute), tzinfo=tz)
    if deadline <= local:
        deadline += timedelta(days=1)
    return deadline.astimezone(sent_at.tzinfo)


@dataclass
class SendReport:
    """What ``send`` did: outbox rows queued, people who could not be reached, or already sent."""

    meeting_id: int
    already_sent: bool = False
    sent_at: datetime | None = None
    outbox_ids: list[int] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SendOptions:
    tz: ZoneInfo
    secret: str
    base_url: str
    deadline_at: str = "18:00"
    template_dir: Path | None = None
    apps: tuple[str, ...] = ()  # IM app bots set up for direct messages (Settings.direct_apps)
    callback_apps: tuple[str, ...] = ()  # ... whose card callbacks are set up: 确认收到 acts in place

    @classmethod
    def from_settings(cls, settings: Settings) -> SendOptions:
        return cls(tz=settings.tz, secret=settings.signing_keys[0], base_url=settings.base_url,
                   deadline_at=settings.confirm_deadline, template_dir=settings.template_dir,
                   apps=settings.direct_apps, callback_apps=settings.callback_apps)


def send(session: Session, meeting_id: int, *, resend: bool, now: datetime, options: SendOptions) -> SendReport:
    """Queue the list for every attendee on their direct channels; mark the meeting as sent.

    Each attendee gets it by email and/or the IM app bots that know them (their choice,
    ``person.notify``); each owner's copy carries their own signed confirmation link, and in an
    app bot the buttons 确认收到 / 有问题 / 申请改期 / 查看. When the project's route for the list
    includes ``group`` (the default), its group robots get the list as sent too, without
    anyone's personal link. Without ``resend`` a list already sent queues nothing. The caller
    commits, then delivers (or leaves it to the worker).
    """
    meeting = session.scalar(select(Meeting).where(Meeting.id == meeting_id).with_for_update(of=Meeting))
    if meeting is None:
        meetings.get(session, meeting_id)  # raises NotFound
        raise AssertionError("unreachable")
    report = SendReport(meeting_id=meeting.id)
    if meeting.list_sent_at is not None and not resend:
        report.already_sent, report.sent_at = True, meeting.list_sent_at
        return report
    if meeting.list_sent_at is None:
        meeting.list_sent_at = now
        meeting.confirm_deadline = confirm_deadline(now, tz=options.tz, at=options.deadline_at)
    view = build_view(session, meeting, tz=options.tz)
    owned = _items_by_owner(session, meeting)
    send_round = 1 + (session.scalar(
        select(func.count()).select_from(AuditEntry)
        .where(AuditEntry.entity == "meeting", AuditEntry.entity_id == meeting.id,
               AuditEntry.action.in_(("list_sent", "list_resent")))
    ) or 0)
    project = session.get(Project, meeting.project_id)
    project_settings = (project.settings if project else None) or {}
    email_on = project_settings.get("notify", {}).get("email", True)
    for attendee in sorted(meeting.attendees, key=lambda a: a.position):
        person = attendee.person
        channels = direct_channels(person, apps=options.apps, email_on=email_on)
        if not channels:
            report.unreachable.append(person.name)
            continue
        token = _confirm_token(meeting, person, owned.get(person.id, []), now=now, options=options)
        url = f"{options.base_url.rstrip('/')}/c/{token}" if token else None
        lang = person.language or meeting.language
        rendered = render_action_list_message(view, lang=lang, recipient=person_view(person), confirm_url=url,
                                              template_dir=options.template_dir)
        for channel in channels:
            buttons: list[Button] = []
            if channel != "email" and url:
                with use_language(lang):
                    buttons = confirmation_buttons(url, token if channel in options.callback_apps else None)
            row = _row(meeting, rendered, key=f"action_list|m{meeting.id}|r{send_round}|p{person.id}|{channel}",
                       channel=channel, person=person, now=now,
                       payload={"items": owned.get(person.id, []), "buttons": [b.as_dict() for b in buttons]})
            session.add(row)
            session.flush()
            report.outbox_ids.append(row.id)
        report.recipients.append(person.name)
    report.outbox_ids += _queue_group_copies(session, meeting, view, send_round=send_round, now=now,
                                             options=options)
    report.sent_at = meeting.list_sent_at
    record(session, actor=Actor.system("send"), at=now, entity="meeting", entity_id=meeting.id,
           action="list_sent" if send_round == 1 else "list_resent",
           after=", ".join(report.recipients))
    return report


def _row(meeting: Meeting, rendered: RenderedMessage, *, key: str, channel: str, person: Person | None,
         now: datetime, payload: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        key=key, kind="action_list", meeting_id=meeting.id, recipient_id=person.id if person else None,
        channel=channel, address=direct_address(person, channel) if person else None,
        language=person.language if person else meeting.language, subject=rendered.subject[:500],
        body_text=rendered.text, body_html=rendered.html, body_markdown=rendered.markdown, payload=payload,
        next_attempt_at=now, created_at=now,
    )


def _queue_group_copies(session: Session, meeting: Meeting, view: ActionListView, *, send_round: int,
                        now: datetime, options: SendOptions) -> list[int]:
    """The list as sent, to the project's group robots when its route says ``group``."""
    bots = routes.group_channels(session, session.get(Project, meeting.project_id), Topic.LIST)
    if not bots:
        return []
    rendered = render_action_list_message(view, lang=meeting.language, template_dir=options.template_dir)
    ids = []
    for bot in bots:
        row = _row(meeting, rendered, key=f"action_list|m{meeting.id}|r{send_round}|group|{bot}", channel=bot,
                   person=None, now=now, payload={})
        session.add(row)
        session.flush()
        ids.append(row.id)
    return ids


def _items_by_owner(session: Session, meeting: Meeting) -> dict[int, list[int]]:
    rows = session.execute(
        select(Item.owner_id, Item.id).where(Item.meeting_id == meeting.id).order_by(Item.id)
    ).all()
    result: dict[int, list[int]] = {}
    for owner_id, item_id in rows:
        result.setdefault(owner_id, []).append(item_id)
    return result


def _confirm_token(meeting: Meeting, person: Person, item_ids: list[int], *, now: datetime,
                   options: SendOptions) -> str | None:
    """The owner's signed confirmation token (the link is ``/c/<token>``); None for non-owners."""
    if not item_ids:
        return None
    return tokens.make(options.secret, tokens.ConfirmationToken(meeting.id, person.id, tuple(item_ids)), now=now)
