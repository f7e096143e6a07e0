"""Issue 16: a message that dies is visible in the web (the outbox page) as in `luodi outbox list`."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from luodi.clock import FrozenClock
from luodi.domain.enums import OutboxStatus
from luodi.models import OutboxMessage, Person
from luodi.worker.deliver import DeliveryPolicy, claim_many, deliver
from web.conftest import NOW, World


def _broken(session, row, now) -> None:  # type: ignore[no-untyped-def]
    raise KeyError("owner_name")   # what a template bug raises


def _queue_and_kill(world: World) -> int:
    """A message whose rendering always raises, delivered until it is dead (three attempts)."""
    policy = DeliveryPolicy(max_attempts=3, backoff_base=timedelta(seconds=1))
    with world.session() as session:
        wang = session.scalars(select(Person).where(Person.name == "小王")).one()
        row = OutboxMessage(key="web|dead", kind="reminder", recipient_id=wang.id, channel="email",
                            address="wang@example.com", subject="T−3 提醒：设计评审", body_text="…",
                            next_attempt_at=NOW, created_at=NOW, payload={})
        session.add(row)
        session.add(OutboxMessage(key="web|sent", kind="reminder", recipient_id=wang.id, channel="email",
                                  address="wang@example.com", subject="已送达的一条", body_text="…",
                                  next_attempt_at=NOW + timedelta(days=1), created_at=NOW, payload={},
                                  status=OutboxStatus.SENT, sent_at=NOW, attempts=1))
        session.commit()
        now = NOW
        for _ in range(3):
            [(claimed, attempt)] = claim_many(session, worker_id="w", now=now, policy=policy, only=[row.id])
            deliver(session, claimed, worker_id="w", send=_broken, relevant=None, clock=FrozenClock(now).now,
                    policy=policy, rng=random.Random(1), attempt=attempt)
            now += timedelta(minutes=5)
        session.refresh(row)
        assert row.status is OutboxStatus.DEAD and row.attempts == 3
        return row.id


def test_an_admin_sees_a_dead_message_with_its_attempts_and_error_in_the_web(world: World) -> None:
    dead = _queue_and_kill(world)
    html = world.client("admin").get("/outbox?status=dead").text
    row = html[html.index(f'<tr data-id="{dead}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-status="dead"' in row and "T−3 提醒：设计评审" in row and "小王" in row
    assert "KeyError: &#39;owner_name&#39;" in row and f"3/{world.app.state.settings.max_attempts}" in row
    assert "已送达的一条" not in html        # the filter shows only dead ones
    everything = world.client("admin").get("/outbox").text
    assert "已送达的一条" in everything and f'<tr data-id="{dead}"' in everything
    assert 'href="/outbox?status=dead"' in everything and "(1)" in everything
    assert 'href="/outbox"' in world.client("admin").get("/board").text   # in the navigation


def test_only_admins_and_coordinators_of_every_project_see_the_outbox(world: World) -> None:
    _queue_and_kill(world)
    assert world.client("coordinator").get("/outbox").status_code == 403   # of one project only
    assert 'href="/outbox"' not in world.client("coordinator").get("/board").text
    assert world.client().get("/outbox").status_code == 303                # to the login page
