"""The board on PostgreSQL: the same queries, writes and refusals as on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from luodi.domain.enums import ItemStatus
from luodi.models import AuditEntry
from web.conftest import World, snapshot

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]


@pytest.fixture
def pg_world(world: World) -> World:
    return world


def test_board_table_and_a_card_move_on_postgresql(pg_world: World) -> None:
    world = pg_world
    board = world.client("coordinator").get("/board").text
    assert "T001" in board and "细化活动方案" in board
    table = world.client("outsider").get("/items?sort=priority&desc=1").text
    assert f'href="/items/{world.ids["other_T001"]}"' in table and f'href="/items/{world.ids["T001"]}"' not in table
    moved = world.client("peer").post(f"/items/{world.ids['T002']}/status", data={"status": "at_risk", "version": "1"},
                                      headers={"Accept": "application/json", "X-CSRF-Token": world.csrf["peer"]})
    assert moved.status_code == 200 and moved.json()["version"] == 2
    assert world.item("T002").status is ItemStatus.AT_RISK
    with world.session() as session:
        assert session.scalars(select(AuditEntry.after).where(AuditEntry.field == "status")).all() == ["at_risk"]


def test_a_stale_patch_and_a_denied_write_change_nothing_on_postgresql(pg_world: World) -> None:
    world = pg_world
    before = snapshot(world.url)
    url = f"/api/v1/items/{world.ids['T001']}"
    assert world.api("coordinator").patch(url, json={"title": "x"}, headers={"If-Match": '"9"'}).status_code == 412
    assert world.api("viewer").patch(url, json={"title": "x"}, headers={"If-Match": '"1"'}).status_code == 403
    assert world.api("outsider").get(url).status_code == 404
    assert snapshot(world.url) == before
    ok = world.api("coordinator").patch(url, json={"title": "新"}, headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"'


def test_control_characters_are_refused_by_name_before_postgresql_sees_them(pg_world: World) -> None:
    """PostgreSQL cannot store NUL: every request body refuses it as a 422 naming the field."""
    world = pg_world
    before = snapshot(world.url)
    blocker = world.api("coordinator").post(f"/api/v1/items/{world.ids['T001']}/blockers",
                                            json={"what": "市场部数据\u0000", "waiting_on": "市场部"})
    assert blocker.status_code == 422 and "what" in blocker.text
    patch = world.api("coordinator").patch(f"/api/v1/items/{world.ids['T001']}", json={"title": "a\u0000b"},
                                           headers={"If-Match": '"1"'})
    assert patch.status_code == 422 and "title" in patch.text
    assert snapshot(world.url) == before


def test_login_through_the_form_on_postgresql(pg_world: World) -> None:
    """Issue 17: the account lookup locked an outer join, which PostgreSQL refuses (HTTP 500)."""
    from luodi.web.auth import SESSION_COOKIE
    from web.conftest import PASSWORD, csrf_of

    world = pg_world

    def login(name: str, password: str):  # type: ignore[no-untyped-def]
        client = world.client()
        form = client.get("/login")
        return client, client.post("/login", data={"csrf": csrf_of(form.text), "name": name,
                                                   "password": password, "next": "/board"})

    client, right = login("小林", PASSWORD)
    assert right.status_code == 303 and right.headers["location"] == "/board"
    assert SESSION_COOKIE in client.cookies
    board = client.get("/board")
    assert board.status_code == 200 and "T001" in board.text
    _, wrong = login("小林", "not the password")
    _, unknown = login("nobody", "whatever123")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong name or password" in wrong.text or "用户名或密码错误" in wrong.text
    assert wrong.text.count("csrf") == unknown.text.count("csrf")
    with world.session() as session:
        from luodi.services.accounts import users as accounts

        assert accounts.get_by_name(session, "小林").failed_logins == 1
