"""``luodi timeline``: the planned reminder and escalation schedule of a meeting's items."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain import occasions
from luodi.domain.rules import Action, Rule
from luodi.domain.workdays import to_local
from luodi.models import Dependency, Item, Meeting, Person
from luodi.services.capture import meetings
from luodi.services.rules.rule_context import RuleContext


def meeting_timeline(session: Session, meeting_id: int, *, ctx: RuleContext) -> list[dict[str, Any]]:
    """Every firing the rules plan for the meeting, if nobody touches its items, in time order.

    Times are local (the organisation's zone). Superseded reminders are listed with a note.
    """
    meeting = meetings.get(session, meeting_id)
    ctx.refresh_calendar(session)
    items = session.scalars(select(Item).where(Item.meeting_id == meeting.id).order_by(Item.number, Item.id)).all()
    by_id = {item.id: item for item in items}
    edges = session.execute(
        select(Dependency.item_id, Dependency.depends_on_id).where(Dependency.item_id.in_(list(by_id)))
    ).all()
    rules = ctx.rules_for(meeting.project_id, meeting.project.settings, meeting.project.name)
    def local(moment: datetime) -> datetime:
        return to_local(moment, ctx.tz)

    facts = occasions.MeetingFacts(
        key=meeting.id, start=local(meeting.starts_at), end=local(meeting.ends_at or meeting.starts_at),
        confirm_deadline=local(meeting.confirm_deadline) if meeting.confirm_deadline
        else local(meeting.starts_at).replace(hour=18, minute=0),
        list_sent=meeting.list_sent_at is not None, all_confirmed=all(i.confirmed_at for i in items),
    )
    item_facts = [
        occasions.ItemFacts(key=item.id, due=item.due, status=item.status, confirmed=item.confirmed_at is not None,
                            delayed_on=local(item.delayed_at).date() if item.delayed_at else None, start=item.start)
        for item in items
    ]
    until = max([item.due for item in items] + [local(meeting.starts_at).date()]) + timedelta(days=10)
    firings = occasions.meeting_timeline(rules, facts, item_facts, [(a, b) for a, b in edges
                                                                      if b in by_id], ctx.calendar,
                                         until=until, quiet=ctx.quiet)
    return [_row(session, firing, meeting, by_id) for firing in firings]


def _row(session: Session, firing: occasions.Firing, meeting: Meeting, by_id: dict[int, Item]) -> dict[str, Any]:
    meeting_rule = firing.rule.anchor.value in ("meeting_end", "confirm_deadline")
    item = None if meeting_rule or not isinstance(firing.key, int) else by_id.get(firing.key)
    note = f"superseded by {firing.superseded_by}" if firing.superseded_by else None
    if firing.threats:
        note = ", ".join(f"{by_id[k].code} +{s.days}d → {s.due.isoformat()}"
                         for k, s in firing.threats.items() if isinstance(k, int) and k in by_id)
    if firing.rule.set_status is not None:
        note = (note + "; " if note else "") + f"status → {firing.rule.set_status.value}"
    return {
        "at": firing.at.isoformat(),
        "send_at": firing.send_at.isoformat(),
        "occasion": firing.occasion.isoformat(),
        "item": item.code if item else f"meeting:{meeting.id}",
        "rule": firing.rule.id,
        "recipients": [p.name for p in _recipients(session, firing.rule, item, meeting)],
        "note": note,
        # The note's parts, for a reader in another language (the CLI's table): ``note`` is English.
        "superseded_by": firing.superseded_by,
        "threats": [{"item": by_id[k].code, "days": s.days, "due": s.due.isoformat()}
                    for k, s in firing.threats.items() if isinstance(k, int) and k in by_id],
        "set_status": firing.rule.set_status.value if firing.rule.set_status is not None else None,
    }


def _recipients(session: Session, rule: Rule, item: Item | None, meeting: Meeting) -> list[Person]:
    people: list[Person] = []
    if item is not None and Action.REMIND_OWNER in rule.actions:
        people.append(item.owner)
    if item is not None and Action.ESCALATE_SUPERVISOR in rule.actions and item.owner.supervisor:
        people.append(item.owner.supervisor)
    if Action.NOTIFY_COORDINATOR in rule.actions and meeting.organizer:
        people.append(meeting.organizer)
    return people


