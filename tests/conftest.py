"""Shared fixtures: a real migrated SQLite file per test, a real PostgreSQL database when asked,
the CLI against a scratch database, and a real SMTP server."""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from luodi.db import make_engine, make_sessionmaker
from luodi.migrate import upgrade_to_head

if TYPE_CHECKING:
    from support.cli import Cli
    from support.smtpd import SMTPSink

PG_ADMIN_URL = os.environ.get("LUODI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SHANGHAI = ZoneInfo("Asia/Shanghai")
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "luodi.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture
def db_url(migrated_template: Path, tmp_path: Path) -> str:
    target = tmp_path / "luodi.db"
    shutil.copyfile(migrated_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        yield s
    engine.dispose()


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


def require_pg() -> None:
    """Skip (saying why) when no PostgreSQL answers — but fail when LUODI_TEST_PG_URL names one
    (CI sets it): there, a test that only ran on SQLite must not pass as if it ran on both."""
    if _pg_available():
        return
    reason = f"PostgreSQL not reachable at {PG_ADMIN_URL}"
    if "LUODI_TEST_PG_URL" in os.environ:
        pytest.fail(f"{reason}, but LUODI_TEST_PG_URL asks for it")
    print(reason)
    pytest.skip(f"{reason} (set LUODI_TEST_PG_URL)")


@pytest.fixture
def pg_admin_url() -> str:
    """The PostgreSQL server's admin URL, for tests that make their own empty databases
    (``support.pgdb.empty_database``)."""
    require_pg()
    return PG_ADMIN_URL


def pg_database_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


# DROP DATABASE waits for a checkpoint (0.2–3 s on a busy server): the tests' databases are dropped
# by one background thread while the next test runs; pytest_sessionfinish waits for the last.
_DROPPER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-drop")


def _drop(name: str) -> None:
    """Drop the database, its open connections too (WITH FORCE); a failure is printed, not lost."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(3):
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except Exception as exc:   # the executor would swallow it: say which database stays
                if attempt == 2:
                    print(f"could not drop the test database {name}: {exc}", file=sys.stderr)
    finally:
        admin.dispose()


@contextmanager
def pg_database(template: str | None = None, *, prefix: str = "luodi_test") -> Iterator[str]:
    """A new PostgreSQL database (a copy of ``template`` when given: ~0.2 s instead of migrating),
    dropped afterwards. A template must have no open connection while it is copied."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    finally:
        admin.dispose()
    try:
        yield name
    finally:
        _DROPPER.submit(_drop, name)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _DROPPER.shutdown(wait=True)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated PostgreSQL database, once per test session (per xdist worker): the name to copy."""
    require_pg()
    with pg_database(prefix="luodi_template") as name:
        upgrade_to_head(pg_database_url(name))
        yield name


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database of this test alone, dropped afterwards."""
    with pg_database(pg_template) as name:
        yield pg_database_url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request: pytest.FixtureRequest) -> str:
    """Runs the test on SQLite and on PostgreSQL."""
    fixture = "db_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def now() -> datetime:
    """The Q4 meeting day, 16:10 Shanghai time: the list goes out 40 minutes after the meeting."""
    return datetime(2026, 9, 26, 16, 10, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def smtp() -> Iterator[SMTPSink]:
    from support.smtpd import SMTPSink

    with SMTPSink() as sink:
        yield sink


PEOPLE_CSV = """name,email,phone,supervisor,language
张经理,zhang@example.com,13800000001,,zh
小林,xiaolin@example.com,13800000002,张经理,zh
小王,xiaowang@example.com,13800000003,张经理,zh
小李,xiaoli@example.com,13800000004,张经理,en
小陈,xiaochen@example.com,13800000005,张经理,zh
"""


@pytest.fixture
def people_csv(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE_CSV, encoding="utf-8")
    return path


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "LUODI_DATABASE_URL": db_url,
        "LUODI_SECRET_KEY": "test-secret-key-0123456789",
        "LUODI_BASE_URL": "http://testserver",
        "LUODI_CONFIG": str(tmp_path / "absent.toml"),
        "LUODI_LANGUAGE": "en",
    }


@pytest.fixture
def cli(cli_env: dict[str, str]) -> Cli:
    from support.cli import Cli

    return Cli(cli_env)


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Tests read messages in English; Chinese output is asserted where a test asks for zh."""
    from luodi.i18n import use_language

    with use_language("en"):
        yield
