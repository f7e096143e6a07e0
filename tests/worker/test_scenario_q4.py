"""RULE-1/2/4: the article's Q4 case ticked every hour from 2026-09-21 to 2026-10-20.

The range holds the Mid-Autumn holiday (09-25…09-27), National Day (10-01…10-07) and the 调休
working days 09-20 and 10-10. The list is sent within the hour and every owner confirms the same
afternoon (the article's 小林 phones them), then nobody touches an item: the rules alone act.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from sqlalchemy import select

from luodi.domain.enums import ItemStatus
from luodi.domain.workdays import Calendar
from luodi.models import AuditEntry, Item, OutboxMessage, Person, RuleFiring
from luodi.models.items import CHECK_NOW
from luodi.services.rules.planning import plan
from luodi.services.rules.rule_context import RuleContext
from luodi.services.send import confirmations, lists
from support.q4 import SHANGHAI, load_q4, local, open_session

# (local fire time, item, rule, recipient) — written out by hand from the default rules and
# chinese_calendar; see docs/rules.md for the reasoning behind each move.
EXPECTED = [
    ("2026-09-30 09:00", "T001", "remind_due_morning", "小王"),
    ("2026-09-30 09:00", "T002", "remind_due_morning", "小李"),   # 10-05 is a holiday: moved earlier
    ("2026-09-30 09:30", "T002", "at_risk_before_1d", "-"),       # 10-04 → 09-30; status → at_risk
    ("2026-09-30 09:30", "T002", "at_risk_before_1d", "小林"),
    ("2026-09-30 09:30", "T003", "remind_before_3d", "小陈"),     # 10-07 → 09-30
    ("2026-09-30 17:00", "T001", "escalate_due_end", "张经理"),
    ("2026-09-30 17:00", "T001", "escalate_due_end", "小林"),
    ("2026-10-08 09:00", "T001", "mark_delayed", "-"),            # first working day after 09-30
    ("2026-10-08 09:00", "T001", "dependency_threat", "小林"),
    ("2026-10-08 09:00", "T001", "dependency_threat", "小李"),
    ("2026-10-08 09:00", "T001", "dependency_threat", "小陈"),
    ("2026-10-08 09:00", "T002", "mark_delayed", "-"),
    ("2026-10-08 17:00", "T002", "escalate_due_end", "张经理"),   # 10-05 17:00 → next working day
    ("2026-10-08 17:00", "T002", "escalate_due_end", "小林"),
    ("2026-10-09 09:30", "T003", "at_risk_before_1d", "-"),
    ("2026-10-09 09:30", "T003", "at_risk_before_1d", "小林"),
    ("2026-10-10 09:00", "T003", "remind_due_morning", "小陈"),   # 10-10 is a 调休 working Saturday
    ("2026-10-10 09:30", "T001", "remind_overdue", "小王"),
    ("2026-10-10 09:30", "T002", "remind_overdue", "小李"),
    ("2026-10-10 17:00", "T003", "escalate_due_end", "张经理"),
    ("2026-10-10 17:00", "T003", "escalate_due_end", "小林"),
    ("2026-10-12 09:00", "T003", "mark_delayed", "-"),
    ("2026-10-13 09:30", "T001", "remind_overdue", "小王"),
    ("2026-10-13 09:30", "T002", "remind_overdue", "小李"),
    ("2026-10-14 09:30", "T003", "remind_overdue", "小陈"),
    ("2026-10-15 09:30", "T001", "remind_overdue", "小王"),
    ("2026-10-15 09:30", "T002", "remind_overdue", "小李"),
    ("2026-10-16 09:30", "T003", "remind_overdue", "小陈"),
    ("2026-10-19 09:30", "T001", "remind_overdue", "小王"),
    ("2026-10-19 09:30", "T002", "remind_overdue", "小李"),
    ("2026-10-20 09:30", "T003", "remind_overdue", "小陈"),
]


def _send_and_confirm(url: str, meeting_id: int) -> None:
    with open_session(url) as session:
        options = lists.SendOptions(tz=SHANGHAI, secret="s" * 20, base_url="http://luodi.test")
        lists.send(session, meeting_id, resend=False, now=local(2026, 9, 26, 16, 10), options=options)
        for item in session.scalars(select(Item).where(Item.meeting_id == meeting_id)):
            confirmations.confirm(session, item, item.owner, via="cli", now=local(2026, 9, 26, 16, 45))
        session.commit()


@pytest.mark.parametrize("scheduled", [False, True], ids=["window", "scheduled"])
def test_hourly_ticks_fire_the_expected_timeline_exactly(db_url: str, scheduled: bool) -> None:
    meeting_id = load_q4(db_url, now=local(2026, 9, 21, 8, 0))
    ctx = RuleContext(tz=SHANGHAI, calendar=Calendar("china"))
    moment, end = local(2026, 9, 21, 0, 0), local(2026, 10, 20, 23, 0)
    with open_session(db_url) as session:
        while moment <= end:
            if moment == local(2026, 9, 26, 17, 0):
                _send_and_confirm(db_url, meeting_id)
            plan(session, now=moment, ctx=ctx, scheduled=scheduled)
            session.commit()
            moment += timedelta(hours=1)
        rows = session.execute(
            select(RuleFiring, Item.code).join(Item, Item.id == RuleFiring.item_id, isouter=True)
        ).all()
        people = {p.id: p.name for p in session.scalars(select(Person))}
        got = sorted(
            (f.scheduled_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"), code or "meeting", f.rule_id,
             people[f.recipient_id] if f.recipient_id else "-")
            for f, code in rows
        )
        assert got == sorted(EXPECTED)
        for when, *_ in got:  # no firing on a holiday or a weekend
            assert chinese_calendar.is_workday(date.fromisoformat(when[:10]))
        # each (subject, rule, occasion, recipient, channel) at most once — the unique key
        keys = [f.key for f, _ in rows]
        assert len(keys) == len(set(keys))
        statuses = dict(session.execute(select(Item.code, Item.status)).all())
        assert statuses == {"T001": ItemStatus.DELAYED, "T002": ItemStatus.DELAYED, "T003": ItemStatus.DELAYED}
        audit = session.scalars(select(AuditEntry).where(AuditEntry.actor_label == "mark_delayed")).all()
        assert len(audit) == 3 and all(a.actor_kind == "rule" for a in audit)
        # one message per person per moment: 09-30 09:30 T002 (at risk) goes to 小林 alone, and
        # 10-08 09:00 holds T001's and T002's firings for 小林 in one dependency-threat message.
        outbox = session.scalars(select(OutboxMessage).where(OutboxMessage.kind != "action_list")).all()
        per_moment = {(o.recipient_id, o.channel, o.next_attempt_at) for o in outbox}
        assert len(per_moment) == len(outbox)


def test_ticking_again_at_the_same_moment_writes_nothing(db_url: str) -> None:
    load_q4(db_url)
    ctx = RuleContext(tz=SHANGHAI, calendar=Calendar("china"))
    with open_session(db_url) as session:
        first = plan(session, now=local(2026, 10, 8, 17, 30), ctx=ctx)
        session.commit()
        assert first.firings and first.status_changes
        counts = (len(session.scalars(select(RuleFiring)).all()), len(session.scalars(select(OutboxMessage)).all()))
        again = plan(session, now=local(2026, 10, 8, 17, 30), ctx=ctx)
        session.commit()
        assert again.firings == [] and again.status_changes == []
        assert counts == (len(session.scalars(select(RuleFiring)).all()),
                          len(session.scalars(select(OutboxMessage)).all()))


def test_the_worker_schedule_never_bumps_an_items_version(db_url: str) -> None:
    """A person's edit in flight (ETag = version) must not conflict because the worker looked."""
    load_q4(db_url)
    ctx = RuleContext(tz=SHANGHAI, calendar=Calendar("china"))
    with open_session(db_url) as session:
        plan(session, now=local(2026, 9, 27, 10, 0), ctx=ctx, scheduled=True)   # nothing fires yet
        session.commit()
        session.expire_all()
        items = {i.code: i for i in session.scalars(select(Item))}
        assert {c: i.version for c, i in items.items()} == {"T001": 1, "T002": 1, "T003": 1}
        assert items["T001"].next_check_at == local(2026, 9, 30, 9, 0)   # its due-morning reminder
        assert items["T003"].next_check_at == local(2026, 9, 30, 9, 30)  # the 3-day reminder, moved earlier
        items["T003"].due = items["T003"].due + timedelta(days=7)           # a person moves the due date
        session.commit()
        session.expire_all()
        assert session.get_one(Item, items["T003"].id).next_check_at == CHECK_NOW   # looked at on the next pass
        plan(session, now=local(2026, 9, 27, 11, 0), ctx=ctx, scheduled=True)
        session.commit()
        session.expire_all()
        assert session.get_one(Item, items["T003"].id).next_check_at == local(2026, 10, 14, 9, 30)
