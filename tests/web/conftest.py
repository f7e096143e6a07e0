"""The board's test world: the Q4 meeting in project Q4, the same list in project Other, a user of
every role with a web session and an API token — built once per test session (argon2 is slow on
purpose) and copied per test, like the migrated template.

The world is on SQLite unless a module says ``pytestmark = BOTH_BACKENDS``: then each of its
tests runs on SQLite and on PostgreSQL (a database copied per test from a world built once per
session with ``CREATE DATABASE … TEMPLATE``), so a page or form that works on one only fails."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.models import ApiToken, Base, Item, Meeting, Milestone, MilestoneItem, Project
from luodi.services.accounts import api_tokens, logins, people
from luodi.services.accounts import users as accounts
from luodi.services.capture import meetings
from luodi.web.app import create_app
from luodi.web.auth import SESSION_COOKIE

SECRET = "test-secret-key-0123456789"
PASSWORD = "correct horse battery"
Q4 = Path(__file__).parents[1] / "data" / "q4_zh.md"
NOW = datetime(2026, 9, 26, 8, 10, tzinfo=UTC)   # 16:10 in Shanghai, the day of the meeting
# The world's sessions begin at NOW and many of its tests move the clock by days (follow-ups,
# escalations): there the sessions must outlive the defaults. tests/web/test_auth.py puts them back.
LONG_SESSIONS: dict[str, Any] = {"session_idle_hours": 24 * 365.0, "session_max_days": 365.0}
LONG_LIFETIME = logins.Lifetime(idle=timedelta(days=365), absolute=timedelta(days=365))
BOTH_BACKENDS = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
# role → (user name, role, project): the matrix's columns
USERS = {
    "viewer": ("访客", "viewer", "Q4"),
    "owner": ("小王", "owner", "Q4"),          # owns T001
    "peer": ("小李", "owner", "Q4"),           # an owner, but of T002
    "supervisor": ("张经理", "supervisor", None),
    "coordinator": ("小林", "coordinator", "Q4"),
    "admin": ("root", "admin", None),
    "outsider": ("外人", "coordinator", "Other"),
}


@dataclass
class World:
    url: str
    app: FastAPI
    clock: FrozenClock
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    engine: Engine | None = field(default=None, repr=False)   # the tests' own, made on first use

    def client(self, role: str | None = None, **kwargs: Any) -> TestClient:
        client = TestClient(self.app, follow_redirects=False, **kwargs)
        if role is not None:
            client.cookies.set(SESSION_COOKIE, self.cookies[role])
        return client

    def api(self, role: str) -> TestClient:
        return TestClient(self.app, headers={"Authorization": f"Bearer {self.tokens[role]}"})

    def session(self) -> Session:
        if self.engine is None:
            self.engine = make_engine(self.url)
        return make_sessionmaker(self.engine)()

    def close(self) -> None:
        for engine in (self.engine, self.app.state.engine, self.app.state.read_engine):
            if engine is not None:
                engine.dispose()

    def configure(self, **changes: Any) -> None:
        """Change settings the app reads per request (session lifetimes, the base URL for cookies)."""
        self.app.state.settings = self.app.state.settings.model_copy(update=changes)

    def item(self, key: str) -> Item:
        with self.session() as session:
            found = session.get(Item, self.ids[key])
            assert found is not None
            found.owner  # noqa: B018 - load before the session closes
            return found


def _build(url: str) -> dict[str, Any]:
    from conftest import PEOPLE_CSV, SHANGHAI

    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        people.import_csv(session, PEOPLE_CSV, now=NOW)
        q4 = meetings.import_action_list(session, Q4.read_bytes(), project="Q4", now=NOW, tz=SHANGHAI)
        other = meetings.import_action_list(session, Q4.read_bytes(), project="Other", now=NOW, tz=SHANGHAI)
        cookies, csrf, tokens = {}, {}, {}
        for role, (name, kind, project) in USERS.items():
            user = accounts.create_user(session, name, role=kind, project=project, password=PASSWORD, now=NOW).user
            started = logins.start_session(session, user, now=NOW, lifetime=LONG_LIFETIME)
            cookies[role], csrf[role] = started.token, started.row.csrf
            tokens[role] = api_tokens.create(session, user, now=NOW).secret
        tokens["readonly"] = api_tokens.create(session, accounts.get_by_name(session, "root"), read_only=True,
                                               now=NOW).secret
        session.execute(update(ApiToken).values(last_used_at=NOW))   # requests at NOW write nothing
        q4_items = session.scalars(select(Item).where(Item.meeting_id == q4.meeting_id).order_by(Item.code)).all()
        milestone = Milestone(project_id=q4_items[0].project_id, title="方案定稿", due=q4_items[0].due, created_at=NOW)
        session.add(milestone)
        session.flush()
        session.add(MilestoneItem(milestone_id=milestone.id, item_id=q4_items[0].id))
        session.commit()
        ids = _ids(session, q4.meeting_id, other.meeting_id)
    engine.dispose()
    return {"cookies": cookies, "csrf": csrf, "tokens": tokens, "ids": ids}


def _ids(session: Session, q4: int | None, other: int | None) -> dict[str, int]:
    ids: dict[str, int] = {"meeting": q4 or 0, "other_meeting": other or 0}
    for project, prefix in (("Q4", ""), ("Other", "other_")):
        ids[f"{prefix}project"] = session.scalar(select(Project.id).where(Project.name == project)) or 0
        for item_id, code in session.execute(select(Item.id, Item.code).join(Project).where(Project.name == project)):
            ids[prefix + code] = item_id
    assert session.get(Meeting, ids["meeting"]) is not None
    ids["milestone"] = session.scalar(select(Milestone.id)) or 0
    ids["xiaowang"] = people.get_by_name(session, "小王").id
    ids["xiaowang_user"] = accounts.get_by_name(session, "小王").id
    return ids


@pytest.fixture(scope="session")
def board_template(migrated_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("board") / "board.db"
    shutil.copyfile(migrated_template, path)
    return path, _build(f"sqlite:///{path}")


@pytest.fixture(scope="session")
def pg_board_template(pg_template: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The same world on PostgreSQL, built once per session: the name of the database to copy."""
    from conftest import pg_database, pg_database_url

    with pg_database(pg_template, prefix="luodi_board") as name:
        yield name, _build(pg_database_url(name))   # _build closes its connections: the copy needs none


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The world's database: "sqlite", or as BOTH_BACKENDS parametrises it."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def world(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    from conftest import pg_database, pg_database_url

    with ExitStack() as stack:
        if backend == "postgresql":
            template_name, facts = request.getfixturevalue("pg_board_template")
            url = pg_database_url(stack.enter_context(pg_database(template_name)))
        else:
            template, facts = request.getfixturevalue("board_template")
            target = tmp_path / "board.db"
            shutil.copyfile(template, target)
            url = f"sqlite:///{target}"
        clock = FrozenClock(NOW)
        settings = Settings(database_url=url, secret_key=SECRET, base_url="http://testserver",
                            **LONG_SESSIONS)
        app = create_app(settings, clock=clock, migrate=False)
        world = World(url=url, app=app, clock=clock, **facts)
        stack.callback(world.close)
        yield world


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: "nothing changed" means this is equal before and after."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {table.name: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{table.name}"'))), key=repr)
                    for table in Base.metadata.sorted_tables}
    finally:
        engine.dispose()
