"""The follow-up plan of one item (FU-4, ``luodi cadence CODE``): rule, channels, planned days."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from luodi.domain.cadence import CadenceFacts, key_nodes, matching, rule_on, schedule
from luodi.domain.workdays import Calendar
from luodi.models import Item
from luodi.services.followup.agenda_facts import start_of
from luodi.services.followup.profiles import item_traits


def plan(session: Session, item: Item, *, tz: ZoneInfo, calendar: Calendar, today: date) -> dict[str, Any]:
    """The cadence JSON: the owner's traits and where they come from, the rules that match today,
    the winning one (the most frequent), its channels, and the planned contact days."""
    traits, source = item_traits(session, [item], tz=tz)[item.id]
    facts = CadenceFacts(item.priority, start_of(item, tz), item.due, traits)
    day = min(max(today, facts.start), facts.due)
    rule = rule_on(facts, day)
    return {
        "item": item.code,
        "title": item.title,
        "owner": item.owner.name,
        "priority": item.priority.value,
        "start": facts.start.isoformat(),
        "due": item.due.isoformat(),
        "span_days": facts.span_days,
        "profile": sorted(t.value for t in traits),
        "profile_source": source,
        "date": day.isoformat(),
        "matching": [r.id for r in matching(facts, day)],
        "rule": rule.id,
        "every_days": rule.every_days,
        "channels": [c.value for c in rule.channels],
        "board": rule.board,
        "key_nodes": [d.isoformat() for d in key_nodes(item.due, calendar)],
        "plan": [{"date": p.day.isoformat(), "rule": p.rule.id, "channels": [c.value for c in p.rule.channels],
                  "key_node": p.key_node} for p in schedule(facts, calendar)],
    }
