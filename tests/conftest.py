"""Shared fixtures: a real migrated SQLite file per test, a real PostgreSQL database when asked,
the CLI against a scratch database, and a real SMTP server."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from luodi.db import make_engine, make_sessionmaker
from luodi.migrate import upgrade_to_head

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


@pytest.fixture
def pg_admin_url() -> str:
    """The PostgreSQL server's admin URL, for tests that make their own empty databases
    (``support.pgdb.empty_database``)."""
    if not _pg_available():
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL} (set LUODI_TEST_PG_URL)")
    return PG_ADMIN_URL


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database, dropped afterwards."""
    if not _pg_available():
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL} (set LUODI_TEST_PG_URL)")
    name = f"luodi_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade_to_head(url)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


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
def smtp() -> Iterator[object]:
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
def cli(cli_env: dict[str, str]) -> object:
    from support.cli import Cli

    return Cli(cli_env)


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Tests read messages in English; Chinese output is asserted where a test asks for zh."""
    from luodi.i18n import use_language

    with use_language("en"):
        yield
