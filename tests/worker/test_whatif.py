"""The set-based what-if plan (``tick`` without --apply) equals the per-item plan (issue 13).

``planning.plan`` is the oracle: on generated data (the Q4 scenario's items with their due dates,
statuses, confirmations, delayed marks and dependencies redrawn by hypothesis, at a random
moment, with or without an earlier plan applied, plus up to 60 generated items) ``whatif.what_if`` gives the same JSON.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from luodi.domain.enums import ItemStatus
from luodi.domain.workdays import Calendar
from luodi.migrate import upgrade_to_head
from luodi.models import Dependency, Item, Person
from luodi.services.rules.planning import plan
from luodi.services.rules.rule_context import RuleContext
from luodi.services.rules.whatif import what_if
from support.q4 import SHANGHAI, load_q4, local, open_session

START = local(2026, 9, 26, 15, 0)
OPEN = [ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.AT_RISK, ItemStatus.DELAYED, ItemStatus.DONE]


@pytest.fixture(scope="module")
def q4_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("q4") / "q4.db"
    upgrade_to_head(f"sqlite:///{path}")
    load_q4(f"sqlite:///{path}")
    return path


item_facts = st.tuples(st.integers(-12, 12), st.sampled_from(OPEN), st.booleans(), st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hours=st.integers(min_value=0, max_value=24 * 25), facts=st.lists(item_facts, min_size=1, max_size=60),
       edges=st.lists(st.tuples(st.integers(0, 59), st.integers(0, 59)), max_size=30),
       applied_before=st.one_of(st.none(), st.integers(min_value=1, max_value=24 * 5)))
def test_what_if_equals_the_per_item_plan(q4_template: Path, tmp_path_factory: pytest.TempPathFactory, hours: int,
                                          facts: list[tuple[int, ItemStatus, bool, bool]],
                                          edges: list[tuple[int, int]], applied_before: int | None) -> None:
    path = tmp_path_factory.mktemp("w") / "q4.db"
    shutil.copyfile(q4_template, path)
    instant = START + timedelta(hours=hours)
    today: date = instant.astimezone(SHANGHAI).date()
    with open_session(f"sqlite:///{path}") as session:
        template = session.scalars(select(Item).order_by(Item.id)).first()
        assert template is not None
        people = list(session.scalars(select(Person.id).order_by(Person.id)))
        session.add_all(Item(project_id=template.project_id, meeting_id=template.meeting_id if n % 3 else None,
                             code=f"G{n:03}", title=f"generated {n}", owner_id=people[n % len(people)],
                             due=today, created_at=instant, updated_at=instant) for n in range(len(facts)))
        session.flush()
        items = list(session.scalars(select(Item).order_by(Item.id)))
        for item, (shift, status, confirmed, delayed) in zip(items, facts * 2, strict=False):
            item.due = today + timedelta(days=shift)
            item.status = status
            item.confirmed_at = instant - timedelta(days=3) if confirmed else None
            item.delayed_at = instant - timedelta(days=abs(shift) % 4 + 1) if delayed else None
        session.execute(delete(Dependency))
        # acyclic: a later item depends on an earlier one
        ends = [(a % len(items), b % len(items)) for a, b in edges]
        pairs = {(items[max(a, b)].id, items[min(a, b)].id) for a, b in ends}
        session.add_all(Dependency(item_id=x, depends_on_id=y) for x, y in pairs if x != y)
        session.commit()
        if applied_before is not None:
            plan(session, now=instant - timedelta(hours=applied_before),
                 ctx=RuleContext(tz=SHANGHAI, calendar=Calendar("china")))
            session.commit()
        fast = what_if(session, now=instant, ctx=RuleContext(tz=SHANGHAI, calendar=Calendar("china"))).to_json()
        session.rollback()
        oracle = plan(session, now=instant, ctx=RuleContext(tz=SHANGHAI, calendar=Calendar("china"))).to_json()
        session.rollback()
    assert fast == oracle


def test_what_if_writes_nothing_for_items(q4_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "q4.db"
    shutil.copyfile(q4_template, path)
    with open_session(f"sqlite:///{path}") as session:
        before = sorted(session.execute(select(Item.id, Item.status, Item.version)).all())
        result = what_if(session, now=START + timedelta(days=10), ctx=RuleContext(tz=SHANGHAI,
                                                                                   calendar=Calendar("china")))
        assert result.firings
        assert not session.new and not session.dirty
        assert sorted(session.execute(select(Item.id, Item.status, Item.version)).all()) == before
