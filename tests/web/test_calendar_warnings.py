"""RULE-2 on the web: a date in a year with only statutory holiday data is said in one line on the
board and on the item page, linking to how to load the notice (the /calendar page)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from luodi.models import CalendarYear, Item
from luodi.services.accounts import logins, users
from luodi.web.auth import SESSION_COOKIE
from web.conftest import NOW, World

LINE = re.compile(r'<p class="notice warning" role="status" data-calendar-warning>(.*?)</p>', re.S)


def _lines(html: str) -> list[str]:
    return LINE.findall(html)


def _due(world: World, key: str, due: date) -> None:
    with world.session() as session:
        session.execute(update(Item).where(Item.id == world.ids[key]).values(due=due))
        session.commit()


def test_no_line_while_every_date_shown_has_official_data(world: World) -> None:
    client = world.client("coordinator")
    assert _lines(client.get("/board").text) == []
    assert _lines(client.get(f"/items/{world.ids['T001']}").text) == []


def test_an_item_due_in_a_statutory_year_says_so_on_its_page_and_on_the_board(world: World) -> None:
    _due(world, "T001", date(2027, 1, 4))
    client = world.client("coordinator", headers={"Accept-Language": "en"})
    item_lines = _lines(client.get(f"/items/{world.ids['T001']}").text)
    assert len(item_lines) == 1
    assert "No official holiday schedule for 2027" in item_lines[0]
    assert '<a href="/calendar#import">' in item_lines[0]
    board_lines = _lines(client.get("/board").text)
    assert len(board_lines) == 1 and "2027" in board_lines[0]
    assert _lines(client.get(f"/items/{world.ids['T002']}").text) == []   # its own due date is in 2026


def test_the_line_is_translated(world: World) -> None:
    _due(world, "T001", date(2027, 2, 8))
    lines = _lines(world.client("coordinator", headers={"Accept-Language": "zh-CN"})
                   .get(f"/items/{world.ids['T001']}").text)
    assert len(lines) == 1 and "2027" in lines[0] and "调休" in lines[0]
    assert "No official" not in lines[0]


def _log_in_at(world: World, moment: datetime) -> TestClient:
    """A coordinator's session started at ``moment`` (the fixture's sessions end after 30 days)."""
    world.clock.current = moment
    with world.session() as session:
        started = logins.start_session(session, users.get_by_name(session, "小林"), now=moment)
        session.commit()
    client = TestClient(world.app, follow_redirects=False, headers={"Accept-Language": "en"})
    client.cookies.set(SESSION_COOKIE, started.token)
    return client


def test_from_november_the_board_warns_about_the_coming_year(world: World) -> None:
    client = _log_in_at(world, datetime(2026, 11, 1, 2, 0, tzinfo=UTC))   # 10:00 in Shanghai
    lines = _lines(client.get("/board").text)
    assert len(lines) == 1 and "No official holiday schedule for 2027" in lines[0]
    world.clock.current -= timedelta(hours=11)   # 31 October 23:00 in Shanghai: not yet
    assert _lines(client.get("/board").text) == []


def test_a_loaded_notice_ends_the_warning_and_the_calendar_page_shows_its_source(world: World) -> None:
    _due(world, "T001", date(2027, 1, 4))
    client = world.client("coordinator", headers={"Accept-Language": "en"})
    page = client.get("/calendar")
    assert page.status_code == 200
    assert 'data-year="2027" data-source="statutory"' in page.text
    assert len(_lines(page.text)) == 1
    with world.session() as session:
        session.add(CalendarYear(year=2027, holidays=["2027-01-01"], workdays=["2027-01-04"], loaded_by="root",
                                 loaded_at=NOW))
        session.commit()
    assert _lines(client.get(f"/items/{world.ids['T001']}").text) == []
    assert _lines(client.get("/board").text) == []
    page = client.get("/calendar")
    assert 'data-year="2027" data-source="loaded"' in page.text and _lines(page.text) == []


def test_the_calendar_page_needs_a_login(world: World) -> None:
    assert world.client().get("/calendar").status_code in (303, 401)
