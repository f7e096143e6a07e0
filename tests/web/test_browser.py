"""The board in a real Chromium against a real uvicorn server on 127.0.0.1 (not TestClient), on
SQLite and on PostgreSQL: login, the import page, the board drag, the graph, the confirmation
link from the email, the language switch and logout, each through the browser on both.

Screenshots go to artifacts/screenshots/ (those of the PostgreSQL run end in ``-postgresql``).
Without /usr/bin/chromium these tests are skipped (CI installs it: .ci/run).
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select

from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.demo import demo_markdown
from luodi.models import Item, OutboxMessage, Person, User
from luodi.services.accounts import people
from luodi.services.accounts import users as accounts
from luodi.services.capture import meetings
from web.conftest import BOTH_BACKENDS

pytestmark = [pytest.mark.browser, BOTH_BACKENDS]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).parents[2] / "artifacts" / "screenshots"
PASSWORD = "correct horse battery"


@dataclass
class Live:
    url: str
    db_url: str
    backend: str
    engine: Any = None

    def session(self) -> Any:
        if self.engine is None:
            self.engine = make_engine(self.db_url)
        return make_sessionmaker(self.engine)()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-microhei (CI does it)"
        print(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _seed(url: str, *, with_meeting: bool) -> None:
    from conftest import PEOPLE_CSV, SHANGHAI

    now = datetime.now(UTC)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        people.import_csv(session, PEOPLE_CSV, now=now)
        for name, role in (("小林", "coordinator"), ("小李", "owner")):
            accounts.create_user(session, name, role=role, password=PASSWORD, now=now)
        if with_meeting:
            report = meetings.import_action_list(session, demo_markdown(now.astimezone(SHANGHAI)),
                                                 project="Q4服务活动", now=now, tz=SHANGHAI)
            assert report.meeting_id, report.errors
        session.commit()
    engine.dispose()


@pytest.fixture
def live(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[Live]:
    from luodi.web.app import create_app

    if backend == "postgresql":
        db_url = str(request.getfixturevalue("pg_url"))
    else:
        target = tmp_path / "live.db"
        shutil.copyfile(request.getfixturevalue("migrated_template"), target)
        db_url = f"sqlite:///{target}"
    _seed(db_url, with_meeting="import" not in request.node.name)
    port = _free_port()
    settings = Settings(database_url=db_url, secret_key="browser-test-secret-0123456789",
                        base_url=f"http://127.0.0.1:{port}")
    app = create_app(settings, migrate=False)
    app.state.sse_lifetime = 5
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                          timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    live = Live(f"http://127.0.0.1:{port}", db_url, backend)
    yield live
    server.should_exit = True
    thread.join(10)
    for engine in (live.engine, app.state.engine, app.state.read_engine):
        if engine is not None:
            engine.dispose()


@pytest.fixture
def page(chromium: Any, live: Live) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, errors


def shot(tab: Any, live: Live, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if live.backend == "sqlite" else f"-{live.backend}"
    tab.screenshot(path=str(SHOTS / f"{name}{suffix}.png"), full_page=True)


def login(tab: Any, live: Live, name: str = "小林") -> None:
    tab.goto(f"{live.url}/board")
    assert "/login" in tab.url
    tab.fill("#name", name)
    tab.fill("#password", PASSWORD)
    tab.get_by_role("button", name=re.compile("登录|Log in")).click()
    tab.wait_for_url(re.compile(r"/board"))


def test_log_in_and_import_the_demo_list(page: Any, live: Live) -> None:
    login(page, live)
    shot(page, live, "01-empty-board")
    page.goto(f"{live.url}/import")
    page.fill("#i-new-project", "Q4服务活动")
    page.fill("#i-source", demo_markdown(datetime.now(UTC)))
    page.get_by_role("button", name=re.compile("预览|Preview")).click()
    page.wait_for_selector("text=【行动项】Q4服务活动方案跟进")
    shot(page, live, "02-import-preview")
    page.get_by_role("button", name=re.compile("^(导入|Import)$")).click()
    page.wait_for_url(re.compile(r"/meetings/\d+"))
    assert page.locator(".list").inner_text().count("细化活动方案") >= 1
    shot(page, live, "03-imported-meeting")
    with live.session() as session:
        assert session.scalars(select(Item.code).order_by(Item.code)).all() == ["T001", "T002", "T003"]


def test_drag_T002_from_not_started_to_in_progress_survives_a_reload(page: Any, live: Live) -> None:
    login(page, live)
    with live.session() as session:
        t002 = session.scalars(select(Item).where(Item.code == "T002")).one().id
    card = page.locator(f"#card-{t002}")
    assert card.locator("xpath=ancestor::section[@data-column]").get_attribute("data-status") == "not_started"
    with page.expect_response(re.compile(rf"/items/{t002}/status")) as moved:
        card.drag_to(page.locator('[data-column][data-status="in_progress"] [data-drop]'))
    assert moved.value.status == 200
    shot(page, live, "04-board-after-drag")
    page.reload()
    column = page.locator(f"#card-{t002}").locator("xpath=ancestor::section[@data-column]")
    assert column.get_attribute("data-status") == "in_progress"
    assert page.locator('[data-status="in_progress"] [data-count]').inner_text() == "2"
    with live.session() as session:
        assert session.get(Item, t002).status.value == "in_progress"


def test_the_dependency_graph_marks_the_critical_path(page: Any, live: Live) -> None:
    login(page, live)
    page.get_by_role("link", name=re.compile("依赖|Dependencies")).click()
    page.wait_for_url(re.compile(r"/graph"))
    assert "T001 → T003" in page.locator("[data-critical-path]").inner_text()
    assert page.locator("svg.graph .g-node.critical").count() == 2
    assert page.locator("svg.graph .g-edge.critical").count() == 1
    page.select_option("#slip", "T001")
    page.fill("#days", "3")
    page.get_by_role("button", name=re.compile("影响|impact")).click()
    page.wait_for_selector("[data-impact]")
    assert "T002" in page.locator("[data-impact]").inner_text()
    shot(page, live, "05-dependency-graph")


def test_confirm_from_the_email_link(page: Any, chromium: Any, live: Live) -> None:
    login(page, live)
    page.goto(f"{live.url}/meetings/1")
    page.get_by_role("button", name=re.compile("发送清单|Send the list")).click()
    page.wait_for_url(re.compile(r"sent=1"))
    with live.session() as session:
        email = session.scalars(select(OutboxMessage).join(Person, Person.id == OutboxMessage.recipient_id)
                                .where(Person.name == "小李")).one()
        link = re.search(r"http://127\.0\.0\.1:\d+/c/[\w.\-]+", email.body_text)
    assert link, "the email carries a confirmation link"
    owner = chromium.new_context(locale="zh-CN").new_page()   # the owner's own browser: no login
    owner.goto(link.group(0))
    shot(owner, live, "06-confirmation-link")
    owner.get_by_role("button", name=re.compile("收到并理解|received and understood")).click()
    owner.wait_for_url(re.compile(r"done=confirm"))
    shot(owner, live, "07-confirmed")
    with live.session() as session:
        assert session.scalars(select(Item).where(Item.code == "T002")).one().confirmed_at is not None


def test_switch_the_language(page: Any, live: Live) -> None:
    login(page, live)
    assert page.locator("h1").inner_text() == "看板"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Board"
    assert page.locator("html").get_attribute("lang") == "en"
    page.reload()
    assert page.locator("h1").inner_text() == "Board"
    shot(page, live, "08-board-english")
    with live.session() as session:
        assert session.scalars(select(User.language).where(User.name == "小林")).one() == "en"


def test_log_out_and_a_replayed_cookie_gets_the_login_page(page: Any, live: Live) -> None:
    from luodi.models import WebSession
    from luodi.services.accounts.logins import digest

    login(page, live)
    cookie = next(c for c in page.context.cookies() if c["name"] == "luodi_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]   # http://127.0.0.1
    page.get_by_role("button", name=re.compile("^(退出|Log out)$")).click()
    page.wait_for_url(re.compile(r"/login$"))
    assert "luodi_session" not in {c["name"] for c in page.context.cookies()}
    with live.session() as session:
        row = session.get(WebSession, digest(cookie["value"]))
        assert row is not None and row.revoked_at is not None
    page.context.add_cookies([cookie])             # the old cookie, replayed
    page.goto(f"{live.url}/board")
    assert "/login" in page.url and page.locator("#password").is_visible()
    shot(page, live, "09-logged-out-replay")
