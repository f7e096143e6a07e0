"""From recorded firings to outbox rows: one message per person (or group bot) per moment.

No storms: everything due for one person at one moment goes out as one message listing each
item (Kanboard's users got 35 emails each after one meeting's tasks were entered). Each firing
is still recorded on its own (``rule_firing``), pointing at the message that carried it.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus
from luodi.domain.routing import APP_ID_FIELDS, DEFAULT_ROUTES, NEVER_IN_GROUP, Target, Topic, effective_routes
from luodi.domain.workdays import to_local
from luodi.i18n import use_language
from luodi.models import Channel, Item, Meeting, OutboxMessage, Person, Project, RuleFiring
from luodi.render.cards import Button, labels
from luodi.render.messages import render_message
from luodi.render.views import MeetingRefView, MessageKind, MessageView, ThreatView
from luodi.services.rules.firings import PlannedFiring
from luodi.services.rules.rule_context import RuleContext
from luodi.services.send.directs import direct_address, direct_channels
from luodi.services.send.lists import item_view, person_view

log = logging.getLogger(__name__)
SEVERITY = [MessageKind.ESCALATE_DUE_END, MessageKind.CONFIRM_DEADLINE, MessageKind.MARK_DELAYED,
            MessageKind.DEPENDENCY_THREAT, MessageKind.AT_RISK_BEFORE_1D, MessageKind.LIST_UNSENT]


class ChannelDirectory:
    """Every enabled group bot and every project's ``notify`` and ``routes`` settings, read once
    per plan pass, and the IM apps the organisation has set up."""

    def __init__(self, session: Session, projects: dict[int, Project], *, apps: Sequence[str] = ()) -> None:
        self.notify = {pid: (p.settings or {}).get("notify", {}) for pid, p in projects.items()}
        self.routes = {pid: effective_routes((p.settings or {}).get("routes")) for pid, p in projects.items()}
        self.apps = tuple(apps)
        self.bots = session.execute(
            select(Channel.name, Channel.project_id).where(Channel.enabled.is_(True), Channel.kind != "email")
            .order_by(Channel.name)
        ).all()

    def channels_for(self, person: Person, project_id: int | None, topic: Topic = Topic.REMINDER) -> list[str]:
        """Where ``topic`` for ``person`` goes: their direct channels when the topic's route says
        ``direct``, and the project's group bots when it says ``group`` (never for escalations).

        A project chooses with ``settings.routes`` (docs/channels.md), and with
        ``settings.notify.email`` / ``settings.notify.bots`` (both on by default); a person
        narrows their direct channels with their ``notify`` (``email``, ``im``, ``none``).
        """
        notify = self.notify.get(project_id, {}) if project_id is not None else {}
        targets = (self.routes.get(project_id) if project_id is not None else None) or DEFAULT_ROUTES
        result: list[str] = []
        if Target.DIRECT in targets[topic]:
            result += direct_channels(person, apps=self.apps, email_on=notify.get("email", True))
        if Target.GROUP in targets[topic] and topic not in NEVER_IN_GROUP and notify.get("bots", True):
            result += [name for name, bot_project in self.bots if bot_project in (None, project_id)]
        return result


def _kind(rule_id: str, template: str | None = None) -> MessageKind:
    for candidate in (template, rule_id, "confirm_deadline" if template == "call_list" else None):
        if candidate and candidate in MessageKind._value2member_map_:
            return MessageKind(candidate)
    return MessageKind.REMIND_BEFORE_3D


@dataclass
class _Group:
    channel: str
    send_at: datetime
    recipients: dict[int, Person] = field(default_factory=dict)
    firings: list[tuple[Person, PlannedFiring]] = field(default_factory=list)
    firing_ids: list[int] = field(default_factory=list)


def queue_messages(session: Session, firings: Sequence[PlannedFiring], *, now: datetime,
                   ctx: RuleContext) -> list[int]:
    """Write one outbox row per (person, email, moment) and per (bot, moment); return their ids."""
    groups: dict[tuple[str, int | None, datetime], _Group] = {}
    for planned in firings:
        for person, channel, firing_id in planned.deliveries:
            key = (channel, person.id if _personal(channel) else None, planned.send_at)
            group = groups.setdefault(key, _Group(channel, planned.send_at))
            group.recipients[person.id] = person
            group.firings.append((person, planned))
            group.firing_ids.append(firing_id)
    ids = []
    for group in groups.values():
        row = _composed_row(session, group, now=now, ctx=ctx)
        session.add(row)
        session.flush()
        session.execute(update(RuleFiring).where(RuleFiring.id.in_(group.firing_ids)).values(outbox_id=row.id)
                        .execution_options(synchronize_session=False))  # the rows are never loaded
        ids.append(row.id)
    return ids


def _composed_row(session: Session, group: _Group, *, now: datetime, ctx: RuleContext) -> OutboxMessage:
    """The group's message from its templates; when rendering fails (a template's variable, a
    renderer's bug) a plain message listing the items, so the reminder still goes out, with
    the error kept on the row (``last_error``, shown by ``luodi outbox list``)."""
    try:
        with session.begin_nested():
            return _outbox_row(session, group, now=now, ctx=ctx)
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.exception("composing the message for %s at %s failed; sending it as plain text", group.channel,
                      group.send_at.isoformat())
        row = _outbox_row(session, group, now=now, ctx=ctx, render=_plain_parts)
        row.last_error, row.payload = f"composed as plain text: {error}", row.payload | {"compose_error": error}
        return row


def _plain_parts(session: Session, person: Person, firings: list[PlannedFiring], *, ctx: RuleContext
                 ) -> tuple[str, str, str, str]:
    """Subject, text, HTML and Markdown without any template: one line per item."""
    from html import escape

    from luodi.i18n import gettext as _
    from luodi.i18n import use_language

    with use_language(person.language):
        subject = _("[luodi] Reminder: {count} item(s)").format(count=len(firings))
        lines = [_("{code} {title}, due {due} ({rule})").format(
            code=f.item.code or "", title=f.item.title, due=f.item.due.isoformat() if f.item.due else "-",
            rule=f.rule_id) if f.item else f"{f.meeting.title if f.meeting else ''} ({f.rule_id})"
            for f in firings]
    text = "\n".join(lines)
    html = "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"
    return subject, text, html, "\n".join(f"- {line}" for line in lines)


def _outbox_row(session: Session, group: _Group, *, now: datetime, ctx: RuleContext,
                render: Callable[..., tuple[str, str, str, str]] | None = None) -> OutboxMessage:
    render = render or _render_for
    parts = [render(session, person, [f for p, f in group.firings if p.id == person.id], ctx=ctx)
             for person in group.recipients.values()]
    subject = parts[0][0] if len(parts) == 1 else " / ".join(dict.fromkeys(p[0] for p in parts))
    digest = hashlib.sha1(",".join(map(str, sorted(group.firing_ids))).encode()).hexdigest()[:16]
    person = next(iter(group.recipients.values()))
    personal = _personal(group.channel)
    items = sorted({f.item.id for _, f in group.firings if f.item})
    meeting = next((f.meeting for _, f in group.firings if f.meeting), None)
    buttons = []
    if group.channel in APP_ID_FIELDS and meeting is not None:  # an app card opens the meeting's page
        with use_language(person.language):
            buttons.append(Button("view", labels()["view"], url=f"{ctx.base_url.rstrip('/')}/meetings/{meeting.id}"))
    return OutboxMessage(
        key=f"rules|{group.channel}|{person.id if personal else 'group'}|{group.send_at.isoformat()}|{digest}",
        kind=_short_kind(group),
        meeting_id=meeting.id if meeting else None,
        recipient_id=person.id if personal else None, channel=group.channel,
        address=direct_address(person, group.channel) if personal else None,
        language=person.language if personal else "zh",
        subject=subject[:500], body_text="\n\n".join(p[1] for p in parts),
        body_html="".join(p[2] for p in parts), body_markdown="\n\n---\n\n".join(p[3] for p in parts),
        payload={"items": items, "cancel_when": [ItemStatus.DONE.value] if items else [],
                 "mentions": [_mention(p) for p in group.recipients.values()], "firings": group.firing_ids,
                 "rules": sorted({f.rule_id for _, f in group.firings}),
                 "buttons": [b.as_dict() for b in buttons]},
        next_attempt_at=max(group.send_at, now), created_at=now,
    )


def _personal(channel: str) -> bool:
    """Email and the IM app bots reach one person; every other channel is a group robot."""
    return channel == "email" or channel in APP_ID_FIELDS


def _short_kind(group: _Group) -> str:
    """The outbox kind: the rule's id, or the most severe one's with "+" when several share a message
    (all of them are in ``payload["rules"]``)."""
    rules = sorted({f.rule_id for _, f in group.firings}, key=lambda r: (_severity(r), r))
    return rules[0] if len(rules) == 1 else f"{rules[0]}+"[:40]


def _severity(rule_id: str) -> int:
    kind = _kind(rule_id)
    return SEVERITY.index(kind) if kind in SEVERITY else len(SEVERITY)


def _mention(person: Person) -> dict[str, Any]:
    return {"name": person.name, "email": person.email, "mobile": person.phone,
            "feishu_open_id": person.feishu_open_id, "dingtalk_user_id": person.dingtalk_user_id,
            "wecom_user_id": person.wecom_user_id, "slack_user_id": person.slack_user_id}


def _render_for(session: Session, person: Person, firings: list[PlannedFiring], *, ctx: RuleContext
                ) -> tuple[str, str, str, str]:
    """Render every kind due for ``person`` at this moment; join them, most severe first."""
    by_kind: dict[MessageKind, list[PlannedFiring]] = defaultdict(list)
    for planned in firings:
        by_kind[_kind(planned.rule_id, _template(session, planned, ctx))].append(planned)
    kinds = sorted(by_kind, key=lambda k: SEVERITY.index(k) if k in SEVERITY else len(SEVERITY))
    rendered = [render_message(_view(session, kind, person, by_kind[kind], ctx=ctx), lang=person.language,
                               template_dir=ctx.template_dir) for kind in kinds]
    subject = rendered[0].subject
    return (subject, "\n\n".join(r.text for r in rendered), "".join(r.html for r in rendered),
            "\n\n".join(r.markdown for r in rendered))


def _template(session: Session, planned: PlannedFiring, ctx: RuleContext) -> str | None:
    """The template the firing's rule names — the rule as the item's (or meeting's) project has it,
    so a project's ``template`` override is honoured."""
    project_id = planned.item.project_id if planned.item else (planned.meeting.project_id if planned.meeting else None)
    project = session.get(Project, project_id) if project_id is not None else None
    rules = ctx.rules_for(project.id, project.settings, project.name) if project else ctx.rules
    return next((rule.template for rule in rules if rule.id == planned.rule_id), None)


def _view(session: Session, kind: MessageKind, person: Person, firings: list[PlannedFiring], *,
          ctx: RuleContext) -> MessageView:
    send_local = to_local(firings[0].send_at, ctx.tz)
    items = {f.item.id: f.item for f in firings if f.item}
    meeting = next((f.meeting for f in firings if f.meeting), None)
    url = f"{ctx.base_url.rstrip('/')}/meetings/{meeting.id}" if meeting else None
    threats: list[ThreatView] = []
    meetings: list[MeetingRefView] = []
    confirm_by = None
    if kind is MessageKind.DEPENDENCY_THREAT:
        for planned in firings:
            assert planned.item is not None
            for item_id, slip in planned.threats.items():
                dependent = session.get_one(Item, item_id)
                late = item_view(planned.item, planned.item.number or 0, [], checklist=())
                threats.append(ThreatView(item=item_view(dependent, dependent.number or 0, [], checklist=()),
                                          prerequisite=late,
                                          slip_days=slip.days, new_due=slip.due))
    if kind in (MessageKind.CONFIRM_DEADLINE, MessageKind.LIST_UNSENT) and meeting is not None:
        unconfirmed = session.scalars(select(Item).where(Item.meeting_id == meeting.id,
                                                         Item.confirmed_at.is_(None))).all()
        if kind is MessageKind.CONFIRM_DEADLINE:
            items = {i.id: i for i in unconfirmed}
            confirm_by = to_local(meeting.confirm_deadline, ctx.tz) if meeting.confirm_deadline else None
        else:
            meetings.append(_meeting_ref(session, meeting, ctx=ctx, url=url))
    coordinator = meeting.organizer if meeting else None
    return MessageView(
        kind=kind, recipient=person_view(person), now=send_local,
        items=tuple(item_view(i, i.number or 0, [], checklist=()) for i in items.values()),
        sender=person_view(coordinator) if coordinator else None, threats=tuple(threats),
        meetings=tuple(meetings), url=url, confirm_by=confirm_by,
    )


def _meeting_ref(session: Session, meeting: Meeting, *, ctx: RuleContext, url: str | None) -> MeetingRefView:
    items = session.scalars(select(Item).where(Item.meeting_id == meeting.id).order_by(Item.number)).all()
    ended = meeting.ends_at or meeting.starts_at
    return MeetingRefView(title=meeting.title, ended_at=to_local(ended, ctx.tz),
                          items=tuple(item_view(i, i.number or 0, [], checklist=()) for i in items), url=url)
