"""RULE-4: planning N times at the same instant equals planning once (a hypothesis property)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from luodi.domain.workdays import Calendar
from luodi.migrate import upgrade_to_head
from luodi.models import Item, OutboxMessage, RuleFiring
from luodi.services.rules.planning import plan
from luodi.services.rules.rule_context import RuleContext
from support.q4 import SHANGHAI, load_q4, local, open_session

START = local(2026, 9, 26, 15, 0)


@pytest.fixture(scope="module")
def q4_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("q4") / "q4.db"
    upgrade_to_head(f"sqlite:///{path}")
    load_q4(f"sqlite:///{path}")
    return path


def _state(url: str, instant, times: int, scheduled: bool = False) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    ctx = RuleContext(tz=SHANGHAI, calendar=Calendar("china"))
    with open_session(url) as session:
        for _ in range(times):
            plan(session, now=instant, ctx=ctx, scheduled=scheduled)
            session.commit()
        return (
            sorted(session.scalars(select(RuleFiring.key))),
            sorted((o.kind, o.recipient_id, o.channel, o.next_attempt_at, o.body_text)
                   for o in session.scalars(select(OutboxMessage))),
            sorted(session.execute(select(Item.code, Item.status, Item.version))),
        )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hours=st.integers(min_value=0, max_value=24 * 25), times=st.integers(min_value=2, max_value=4),
       scheduled=st.booleans())
def test_planning_n_times_equals_planning_once(q4_template: Path, tmp_path_factory: pytest.TempPathFactory,
                                               hours: int, times: int, scheduled: bool) -> None:
    folder = tmp_path_factory.mktemp("p")
    once, many = folder / "once.db", folder / "many.db"
    shutil.copyfile(q4_template, once)
    shutil.copyfile(q4_template, many)
    instant = START + timedelta(hours=hours)
    assert _state(f"sqlite:///{once}", instant, 1, scheduled) == _state(f"sqlite:///{many}", instant, times,
                                                                         scheduled)
