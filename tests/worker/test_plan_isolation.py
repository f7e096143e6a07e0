"""Issue 16 part 2: one item or rule that cannot be evaluated is skipped with a recorded, visible
error and one notice to the coordinator; planning goes on for the rest; delivery runs every round."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.domain import occasions
from luodi.domain.enums import OutboxStatus
from luodi.domain.workdays import Calendar
from luodi.models import AuditEntry, Item, OutboxMessage, Person
from luodi.render import messages
from luodi.services.rules import compose, planning
from luodi.services.rules.rule_context import RuleContext
from luodi.services.send import lists
from luodi.worker.loop import Worker
from support.q4 import SHANGHAI, load_q4, local, open_session
from support.smtpd import SMTPSink

MORNING = local(2026, 9, 30, 9, 35)   # T001 due-day morning, T002 at risk, T003 three days ahead


def _break_item(monkeypatch: pytest.MonkeyPatch, item_id: int) -> None:
    """The rules of one item raise, as a bug in a rule or broken data would."""
    real = occasions.due_firings   # the function planning imported

    def due_firings(rules: Any, facts: Any, *args: Any, **kwargs: Any) -> Any:
        if facts.key == item_id:
            raise KeyError("due")
        return real(rules, facts, *args, **kwargs)

    monkeypatch.setattr(planning, "due_firings", due_firings)


def test_an_item_whose_rules_raise_is_skipped_reported_once_and_the_others_are_planned(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    load_q4(db_url)
    ctx = RuleContext(tz=SHANGHAI, calendar=Calendar("china"))
    with open_session(db_url) as session:
        t001 = session.scalars(select(Item).where(Item.code == "T001")).one()
        _break_item(monkeypatch, t001.id)
        result = planning.plan(session, now=MORNING, ctx=ctx, scheduled=True)
        session.commit()
        fired = {(f.item.code if f.item else "meeting", f.rule_id) for f in result.firings}
        assert ("T002", "at_risk_before_1d") in fired and ("T003", "remind_before_3d") in fired
        assert not any(code == "T001" for code, _ in fired)
        assert [(e.subject, e.error) for e in result.errors] == [("item:T001", "KeyError: 'due'")]
        assert result.to_json()["errors"] == [{"subject": "item:T001", "error": "KeyError: 'due'"}]
        session.refresh(t001)
        assert t001.next_check_at == MORNING + planning.RETRY_FAILED   # not every round
        # Visible: in T001's history and one email to the coordinator, 小林.
        history = session.scalars(select(AuditEntry).where(AuditEntry.item_id == t001.id,
                                                           AuditEntry.action == "plan_error")).all()
        assert [h.after for h in history] == ["KeyError: 'due'"]
        notices = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "plan_error")).all()
        lin = session.scalars(select(Person).where(Person.name == "小林")).one()
        assert [(n.recipient_id, n.status, "T001" in n.subject) for n in notices] == \
            [(lin.id, OutboxStatus.PENDING, True)]
        assert "KeyError: 'due'" in notices[0].body_text
        # The next passes fail again: still one notice, one history row.
        for minutes in (1, 61, 122):
            again = planning.plan(session, now=MORNING + timedelta(minutes=minutes), ctx=ctx, scheduled=True)
            session.commit()
            assert [e.subject for e in again.errors] == (["item:T001"] if minutes > 60 else [])
        assert len(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "plan_error")).all()) == 1
        assert len(session.scalars(select(AuditEntry).where(AuditEntry.action == "plan_error")).all()) == 1


def test_a_message_that_cannot_be_rendered_goes_out_as_plain_text_with_the_error_kept(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    load_q4(db_url)
    ctx = RuleContext(tz=SHANGHAI, calendar=Calendar("china"))
    real = messages.render_message   # the function compose imported

    def render_message(view: Any, **kwargs: Any) -> Any:
        if view.recipient.name == "小王":
            raise KeyError("owner_name")
        return real(view, **kwargs)

    monkeypatch.setattr(compose, "render_message", render_message)
    with open_session(db_url) as session:
        result = planning.plan(session, now=MORNING, ctx=ctx, scheduled=True)
        session.commit()
        assert result.errors == []
        wang = session.scalars(select(Person).where(Person.name == "小王")).one()
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email")).all()
        mine = [r for r in rows if r.recipient_id == wang.id]
        others = [r for r in rows if r.recipient_id != wang.id]
        assert len(mine) == 1 and mine[0].status is OutboxStatus.PENDING
        assert "T001" in mine[0].body_text and mine[0].last_error == "composed as plain text: KeyError: 'owner_name'"
        assert others and all(r.last_error is None and "【" in r.subject for r in others)


def test_delivery_runs_every_round_whatever_planning_did(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    load_q4(db_url)
    with open_session(db_url) as session:
        options = lists.SendOptions(tz=SHANGHAI, secret="k" * 24, base_url="http://luodi.test")
        queued = lists.send(session, 1, resend=False, now=local(2026, 9, 26, 16, 10), options=options).outbox_ids
        session.commit()

    def broken_plan(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the planner is broken")

    monkeypatch.setattr("luodi.worker.loop.plan", broken_plan)
    clock = FrozenClock(local(2026, 9, 26, 16, 11))
    with SMTPSink() as sink:
        settings = Settings(database_url=db_url, secret_key="k" * 24, smtp_port=sink.port)
        engine = make_engine(db_url)
        worker = Worker(settings, make_sessionmaker(engine), clock)
        _, delivered = worker.run_once()
        engine.dispose()
        assert delivered >= 1
        assert len(sink.wait_for(len(queued))) == len(queued)
    with open_session(db_url) as session:
        assert {session.get_one(OutboxMessage, i).status for i in queued} == {OutboxStatus.SENT}
