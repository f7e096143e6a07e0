"""CONF-1 through the web app: GET shows and changes nothing, POST answers; tokens are checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.models import AuditEntry, Item, ItemResponse, Person
from luodi.services.accounts import people
from luodi.services.accounts import users as accounts
from luodi.services.audit import Actor
from luodi.services.capture import meetings
from luodi.services.send import confirmations, tokens
from luodi.services.track import items
from luodi.web.app import create_app

Q4_ZH = Path(__file__).parents[1] / "data" / "q4_zh.md"
SECRET = "test-secret-key-0123456789"


@dataclass
class World:
    client: TestClient
    clock: FrozenClock
    meeting_id: int
    url: str


@pytest.fixture
def world(any_db_url: str, now: datetime) -> World:
    from conftest import PEOPLE_CSV, SHANGHAI

    db_url = any_db_url
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        people.import_csv(session, PEOPLE_CSV, now=now)
        report = meetings.import_action_list(session, Q4_ZH.read_bytes(), project=None, now=now, tz=SHANGHAI)
        session.commit()
    engine.dispose()
    clock = FrozenClock(now)
    settings = Settings(database_url=db_url, secret_key=SECRET, base_url="http://testserver")
    client = TestClient(create_app(settings, clock=clock, migrate=False))
    assert report.meeting_id is not None
    return World(client=client, clock=clock, meeting_id=report.meeting_id, url=db_url)


def _session(world: World) -> Session:
    return make_sessionmaker(make_engine(world.url))()


def _link(world: World, owner: str, *, now: datetime | None = None) -> str:
    with _session(world) as session:
        person = people.get_by_name(session, owner)
        ids = tuple(session.scalars(select(Item.id).where(Item.owner_id == person.id)).all())
        token = tokens.make(SECRET, tokens.ConfirmationToken(world.meeting_id, person.id, ids),
                            now=now or world.clock.now())
    return f"/c/{token}"


def _confirmed(world: World, code: str) -> bool:
    with _session(world) as session:
        return items.by_code(session, code).confirmed_at is not None


def test_get_shows_items_and_changes_nothing(world: World) -> None:
    client = world.client
    link = _link(world, "小王")
    for _ in range(3):  # a mail scanner, a preview, the owner
        page = client.get(link)
        assert page.status_code == 200
        assert "细化活动方案" in page.text and "T001" in page.text and "<form" in page.text
    assert not _confirmed(world, "T001")
    with _session(world) as session:
        assert session.scalar(select(func.count()).select_from(ItemResponse)) == 0


def test_post_confirm_confirms_once(world: World) -> None:
    client = world.client
    link = _link(world, "小王")
    first = client.post(link, data={"answer": "confirm"}, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].endswith("?done=confirm")
    second = client.post(link, data={"answer": "confirm"}, follow_redirects=False)
    assert second.status_code == 303
    assert _confirmed(world, "T001") and not _confirmed(world, "T002")
    with _session(world) as session:
        assert session.scalar(select(func.count()).select_from(ItemResponse)) == 1
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "confirmed")) == 1
    assert 'class="conf yes"' in client.get(link).text   # the labelled badge 已确认


def test_question_is_recorded(world: World) -> None:
    client = world.client
    link = _link(world, "小李")
    empty = client.post(link, data={"answer": "question", "question": "  "})
    assert empty.status_code == 400
    ok = client.post(link, data={"answer": "question", "question": "技术评估要覆盖哪些系统?"}, follow_redirects=False)
    assert ok.status_code == 303
    with _session(world) as session:
        row = session.scalars(select(ItemResponse)).one()
        assert (row.kind, row.text) == ("question", "技术评估要覆盖哪些系统?")
    assert not _confirmed(world, "T002")


def test_reschedule_request_then_coordinator_approves(world: World) -> None:
    client = world.client
    link = _link(world, "小李")
    bad = client.post(link, data={"answer": "reschedule", "date": "10/8", "reason": "x"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    ok = client.post(link, data={"answer": "reschedule", "date": "2026-10-09", "reason": "紧急需求"},
                     follow_redirects=False)
    assert ok.status_code == 303
    with _session(world) as session:
        item = items.by_code(session, "T002")
        assert item.due == date(2026, 10, 5)  # nothing moves before the coordinator decides
        confirmations.decide_reschedule(session, item, approve=True, actor=Actor.person(None, "test"),
                                        now=datetime(2026, 9, 27, tzinfo=UTC))
        session.commit()
        item = items.by_code(session, "T002")
        assert (item.due, item.reschedule_count) == (date(2026, 10, 9), 1)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "rescheduled")).one()
        assert (audit.before, audit.after) == ("2026-10-05", "2026-10-09")


def test_tampered_token_is_400_expired_is_410(world: World) -> None:
    client = world.client
    link = _link(world, "小王")
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert client.get(tampered).status_code == 400
    assert client.post(tampered, data={"answer": "confirm"}).status_code == 400
    old = _link(world, "小王", now=world.clock.now() - timedelta(days=8))
    assert client.get(old).status_code == 410
    assert client.post(old, data={"answer": "confirm"}).status_code == 410
    assert not _confirmed(world, "T001")


def test_link_for_a_reassigned_item_is_410(world: World) -> None:
    client = world.client
    link = _link(world, "小王")
    with _session(world) as session:
        item = items.by_code(session, "T001")
        item.owner_id = people.get_by_name(session, "小陈").id
        session.commit()
    assert client.get(link).status_code == 410
    assert client.post(link, data={"answer": "confirm"}).status_code == 410


def test_api_confirm_with_the_link_token(world: World) -> None:
    client = world.client
    token = _link(world, "小陈").removeprefix("/c/")
    with _session(world) as session:
        item_id = items.by_code(session, "T003").id
        other_id = items.by_code(session, "T001").id
    response = client.post(f"/api/v1/items/{item_id}/confirm", json={"token": token})
    assert response.status_code == 200 and response.json()["confirmed"] is True
    denied = client.post(f"/api/v1/items/{other_id}/confirm", json={"token": token})
    assert denied.status_code == 400 and denied.json()["detail"][0]["field"] == "item_id"
    assert _confirmed(world, "T003") and not _confirmed(world, "T001")


def test_pages_escape_and_send_security_headers(world: World) -> None:
    client = world.client
    with _session(world) as session:
        session.execute(update(Person).where(Person.name == "小王").values(name="<script>x()</script>"))
        session.commit()
    page = client.get(_link(world, "<script>x()</script>"))
    assert "<script>x()</script>" not in page.text and "&lt;script&gt;" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    # The other pages are behind a login (issue #4): anonymous visitors land on the login form.
    home = client.get("/")
    assert home.status_code == 200 and "/login?next=" in str(home.url)
    with _session(world) as session:
        accounts.create_user(session, "小林", role="viewer", password="a long password", now=world.clock.now())
        session.commit()
    csrf = re.search(r'name="csrf" value="([^"]+)"', home.text)
    assert csrf is not None
    client.post("/login", data={"csrf": csrf.group(1), "name": "小林", "password": "a long password"})
    meetings_page = client.get("/meetings")
    assert meetings_page.status_code == 200 and "Q4" in meetings_page.text
    meeting = client.get(f"/meetings/{world.meeting_id}")
    assert meeting.status_code == 200 and "细化活动方案" in meeting.text
