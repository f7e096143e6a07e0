"""INT-4: outgoing webhooks. Audited changes become one outbox row per event and subscription,
delivered by the worker with the outbox's retries and dead letters, signed per Standard Webhooks
and verified by a local receiver with ``standardwebhooks.Webhook.verify`` (which checks the
timestamp against the real clock: the sender signs with the real time of the send, so these
tests run at the real time too)."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from luodi.clock import FrozenClock, SystemClock
from luodi.config import Settings
from luodi.domain.enums import ItemStatus, OutboxStatus
from luodi.models import Item, OutboxMessage, Person, Project
from luodi.services.accounts.access import viewer_for
from luodi.services.accounts.users import create_user
from luodi.services.audit import Actor
from luodi.services.capture import item_edits
from luodi.services.errors import InvalidInput
from luodi.services.integrate import webhooks
from luodi.services.send import confirmations
from luodi.services.track import items
from luodi.worker.deliver import DeliveryPolicy
from luodi.worker.loop import deliver_step, webhook_step
from luodi.worker.senders import Senders
from support.hooks import HookReceiver
from support.q4 import load_q4, open_session


def _round(session: Any, db_url: str, clock: FrozenClock) -> int:
    """One worker round at ``clock``: fan out, then deliver everything due."""
    queued = webhook_step(session, now=clock.now())
    senders = Senders(Settings(database_url=db_url, secret_key="k" * 24), clock=clock)
    try:
        while deliver_step(session, worker_id="w", clock=clock, senders=senders,
                           policy=DeliveryPolicy(backoff_base=timedelta(seconds=30)), rng=random.Random(1)):
            pass
    finally:
        senders.close()
    return queued


def _item(session: Any, code: str, project: str = "Q4") -> Item:
    return items.by_code(session, code, project=project)


def _start(db_url: str) -> datetime:
    now = SystemClock().now() - timedelta(minutes=1)
    load_q4(db_url, now=now)
    return now


def test_each_subscribed_event_is_delivered_once_signed_with_the_item_as_item_list_shows_it(db_url: str) -> None:
    at = _start(db_url)
    with HookReceiver() as receiver, open_session(db_url) as session:
        q4 = session.scalars(select(Project).where(Project.name == "Q4")).one()
        sub = webhooks.add(session, receiver.url, ["item.confirmed", "item.status_changed", "item.due_changed"],
                           project=q4, allow_private=True, actor=Actor.system("test"), now=at)
        session.commit()
        receiver.secret, sub_id = sub.secret, sub.id
        t001, t002 = _item(session, "T001"), _item(session, "T002")
        wang = session.scalars(select(Person).where(Person.name == "小王")).one()
        confirmations.confirm(session, t001, wang, via="web", now=at)
        items.set_status(session, t002, ItemStatus.IN_PROGRESS, actor=Actor.system("test"), now=at)
        admin = create_user(session, "root", role="admin", project=None, password="long enough secret", now=at).user
        item_edits.update_item(session, viewer_for(session, admin), t001, {"due": "2026-10-09"},
                               version=t001.version, now=at)
        session.commit()
        clock = FrozenClock(SystemClock().now())
        assert _round(session, db_url, clock) == 3
        assert _round(session, db_url, clock) == 0                      # the cursor moved: nothing twice
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "webhook")
                               .order_by(OutboxMessage.id)).all()
        expected_items = {code: items.public_list(session, [_item(session, code)])[0] for code in ("T001", "T002")}
    assert [(r.subject, r.status, r.attempts, r.channel) for r in rows] == [
        ("item.confirmed", OutboxStatus.SENT, 1, f"subscription:{sub_id}"),
        ("item.status_changed", OutboxStatus.SENT, 1, f"subscription:{sub_id}"),
        ("item.due_changed", OutboxStatus.SENT, 1, f"subscription:{sub_id}"),
    ]
    assert all(r.key.startswith(f"webhook:{sub_id}:") for r in rows)
    assert [r.error for r in receiver.received] == [None, None, None]
    bodies = [r.verified for r in receiver.received]
    assert [b["type"] for b in bodies] == ["item.confirmed", "item.status_changed", "item.due_changed"]
    assert [r.headers["webhook-id"] for r in receiver.received] == [r.payload["event_id"] for r in rows]
    assert all(r.headers["webhook-signature"].startswith("v1,") for r in receiver.received)
    assert all(r.path == "/hooks/luodi" for r in receiver.received)
    assert bodies[0]["data"] == expected_items["T001"] and bodies[0]["data"]["confirmed"] is True
    assert bodies[1]["data"] == expected_items["T002"] and bodies[1]["data"]["status"] == "in_progress"
    assert bodies[2]["data"]["due"] == "2026-10-09"
    assert datetime.fromisoformat(bodies[0]["timestamp"]) == at
    assert set(bodies[0]) == {"type", "timestamp", "data"}


def test_a_failed_delivery_is_retried_with_the_same_id_and_body_and_a_redirect_is_never_followed(
        db_url: str) -> None:
    at = _start(db_url)
    with HookReceiver() as flaky, HookReceiver() as moved, open_session(db_url) as session:
        retried = webhooks.add(session, flaky.url, ["item.status_changed"], project=None, allow_private=True,
                               actor=Actor.system("test"), now=at)
        redirected = webhooks.add(session, moved.url, ["item.status_changed"], project=None, allow_private=True,
                                  actor=Actor.system("test"), now=at)
        session.commit()
        flaky.secret, moved.secret = retried.secret, redirected.secret
        flaky.answer_next(503)
        moved.answer_next(302, Location=moved.url.replace("/hooks/luodi", "/elsewhere"))
        items.set_status(session, _item(session, "T003"), ItemStatus.AT_RISK, actor=Actor.system("test"), now=at)
        session.commit()
        clock = FrozenClock(SystemClock().now())
        assert _round(session, db_url, clock) == 2
        states = {r.channel: (r.status, r.attempts, r.last_error) for r in
                  session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "webhook"))}
        assert states[f"subscription:{retried.id}"][:2] == (OutboxStatus.PENDING, 1)
        status, attempts, error = states[f"subscription:{redirected.id}"]
        assert (status, attempts) == (OutboxStatus.DEAD, 1) and "redirects are not followed" in (error or "")
        clock.advance(minutes=2)
        _round(session, db_url, clock)
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == f"subscription:{retried.id}")).one()
        assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    first, second = flaky.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == row.payload["event_id"]
    assert first.body == second.body and second.verified["data"]["status"] == "at_risk"
    assert [r.path for r in moved.received] == ["/hooks/luodi"]          # the Location was not fetched


def test_a_project_subscription_hears_only_its_project_and_a_removed_one_nothing(db_url: str) -> None:
    at = _start(db_url)
    with HookReceiver() as receiver, open_session(db_url) as session:
        elsewhere = Project(name="Elsewhere", created_at=at)
        session.add(elsewhere)
        session.flush()
        webhooks.add(session, receiver.url, ["item.status_changed"], project=elsewhere, allow_private=True,
                            actor=Actor.system("test"), now=at)
        gone = webhooks.add(session, receiver.url, ["item.status_changed"], project=None, allow_private=True,
                            actor=Actor.system("test"), now=at)
        session.commit()
        receiver.secret = gone.secret
        items.set_status(session, _item(session, "T001"), ItemStatus.DONE, actor=Actor.system("test"), now=at)
        session.commit()
        webhook_step(session, now=SystemClock().now())
        webhooks.remove(session, gone.id, actor=Actor.system("test"), now=at)
        session.commit()
        _round(session, db_url, FrozenClock(SystemClock().now()))
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "webhook")).all()
        outcome = [(r.channel, r.status, r.last_error or "") for r in rows]
        gone_id = gone.id
    assert [(channel, status) for channel, status, _ in outcome] == [(f"subscription:{gone_id}", OutboxStatus.DEAD)]
    assert "removed" in outcome[0][2]
    assert receiver.received == []   # the Elsewhere subscription heard nothing of Q4


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/x", "http://localhost/x", "http://10.1.2.3/x",
                                 "http://[::1]/x", "http://169.254.169.254/latest", "http://192.168.1.10/x",
                                 "http://[::ffff:127.0.0.1]/x", "ftp://example.com/x"])
def test_loopback_and_private_targets_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(InvalidInput):
        webhooks.check_target(url, allow_private=False)
    if url.startswith("http"):
        webhooks.check_target(url, allow_private=True)


def test_a_public_address_is_accepted() -> None:
    webhooks.check_target("https://93.184.215.14/hooks", allow_private=False)   # a literal: no DNS needed


def test_webhook_cli_add_list_remove(cli) -> None:  # type: ignore[no-untyped-def]
    with HookReceiver() as receiver:
        refused = cli("webhook", "add", receiver.url, "--events", "item.created")
        assert refused.exit_code == 2 and "--allow-private" in refused.stderr
        assert cli("webhook", "add", receiver.url, "--events", "item.nope", "--allow-private").exit_code == 2
        added = cli("webhook", "add", receiver.url, "--events", "item.created,meeting.sent,acceptance.recorded",
                    "--allow-private", "--json")
        assert added.exit_code == 0, added.stderr
        document = added.json()
        assert set(document) == {"id", "secret"} and document["secret"].startswith("whsec_")
        listed = cli("webhook", "list", "--json").json()
        assert [(w["id"], w["url"], w["events"]) for w in listed] == [
            (document["id"], receiver.url, ["item.created", "meeting.sent", "acceptance.recorded"])]
        assert document["secret"] not in json.dumps(listed)
        assert cli("webhook", "remove", str(document["id"])).exit_code == 0
        assert cli("webhook", "list", "--json").json() == []
        assert cli("webhook", "remove", "99").exit_code == 2


@pytest.mark.parametrize(("entity", "action", "field", "expected"), [
    ("item", "created", None, "item.created"),
    ("item", "changed", "status", "item.status_changed"),
    ("item", "changed", "due", "item.due_changed"),
    ("item", "rescheduled", "due", "item.due_changed"),
    ("item", "revision", "due", "item.due_changed"),
    ("item", "reschedule_requested", "due", None),     # the owner asked; the due date did not move
    ("item", "reschedule_declined", "due", None),
    ("item", "confirmed", "confirmed", "item.confirmed"),
    ("item", "accepted", "score", "acceptance.recorded"),
    ("item", "revision_requested", "score", "acceptance.recorded"),
    ("meeting", "list_sent", None, "meeting.sent"),
    ("meeting", "list_resent", None, "meeting.sent"),
    ("meeting", "changed", "title", None),
    ("item", "question", None, None),
])
def test_which_audit_entries_are_which_events(entity: str, action: str, field: str | None,
                                               expected: str | None) -> None:
    from luodi.models import AuditEntry
    from luodi.services.integrate.events import event_type

    assert event_type(AuditEntry(entity=entity, entity_id=1, action=action, field=field)) == expected
