"""LUODI_ENV=production (issue 14, part 2): the unsafe settings refused in one line with exit 2, the
API reference page off unless asked for, and key rotation that keeps older confirmation links valid."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.models import Item
from luodi.services.accounts import people
from luodi.services.capture import meetings
from luodi.services.send import tokens
from luodi.web.app import create_app
from support.cli import Cli

OLD_KEY = "old-key-" + "o" * 40
NEW_KEY = "new-key-" + "n" * 40
SAFE = {"LUODI_ENV": "production", "LUODI_SECRET_KEY": NEW_KEY, "LUODI_BASE_URL": "https://luodi.example.com"}


def test_production_starts_with_safe_settings(cli_env: dict[str, str]) -> None:
    result = Cli(cli_env | SAFE).subprocess("outbox", "list", "--json")
    assert result.exit_code == 0, result


@pytest.mark.parametrize(("change", "reason"), [
    ({"LUODI_SECRET_KEY": ""}, "LUODI_SECRET_KEY is not set (every host must sign with the same key)"),
    ({"LUODI_SECRET_KEY": "short-key-123"}, "LUODI_SECRET_KEY is shorter than 32 characters"),
    ({"LUODI_SECRET_KEY": "change-me"}, "LUODI_SECRET_KEY is a demo or placeholder key"),
    ({"LUODI_SECRET_KEY": "change-me-to-64-random-characters"},   # deploy/luodi.env.example's, 33 characters
     "LUODI_SECRET_KEY is a demo or placeholder key"),
    ({"LUODI_SECRET_KEY": "", "LUODI_SECRET_KEYS": f"{NEW_KEY},demo"},
     "LUODI_SECRET_KEYS is a demo or placeholder key"),
    ({"LUODI_BASE_URL": "http://luodi.example.com"}, "LUODI_BASE_URL is not https (http://luodi.example.com)"),
    ({"LUODI_DEV_MODE": "1"}, "LUODI_DEV_MODE is on"),
])
def test_production_refuses_an_unsafe_setting_in_one_line(cli_env: dict[str, str], change: dict[str, str],
                                                           reason: str) -> None:
    result = Cli(cli_env | SAFE | change).subprocess("serve", "--port", "1")
    assert result.exit_code == 2, result
    assert result.stderr.strip() == f"luodi: settings: LUODI_ENV=production refuses to start: {reason}", result
    assert result.stdout == ""


def test_production_refuses_the_demo_database_and_names_every_problem(tmp_path: Path, cli_env: dict[str, str]
                                                                      ) -> None:
    demo = {"LUODI_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}", "LUODI_BASE_URL": "http://x"}
    result = Cli(cli_env | SAFE | demo).subprocess("worker", "--once")
    assert result.exit_code == 2, result
    assert result.stderr.count("\n") == 1
    assert "LUODI_BASE_URL is not https (http://x); LUODI_DATABASE_URL is the demo database (demo.db)" in result.stderr
    assert not (tmp_path / "demo.db").exists()   # refused before anything touched the database


def test_development_accepts_what_production_refuses(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'demo.db'}", secret_key="short",
                        base_url="http://127.0.0.1:8000")
    assert len(settings.production_problems()) == 3 and settings.api_docs_served
    with pytest.raises(ValidationError, match="LUODI_ENV=production refuses to start"):
        Settings(database_url=settings.database_url, secret_key="short", env="production")


def _settings(db_url: str, **values: object) -> Settings:
    fields: dict[str, object] = {"database_url": db_url, "secret_key": NEW_KEY, "base_url": "https://luodi.example.com",
                                 "env": "production"}
    return Settings(**(fields | values))  # type: ignore[arg-type]


def test_api_docs_are_off_in_production_unless_enabled(db_url: str) -> None:
    assert TestClient(create_app(_settings(db_url), migrate=False)).get("/api/docs").status_code == 404
    assert TestClient(create_app(_settings(db_url), migrate=False)).get("/api/openapi.json").status_code == 200
    enabled = TestClient(create_app(_settings(db_url, api_docs=True), migrate=False)).get("/api/docs")
    assert enabled.status_code == 200 and "/api/v1/items/{item_id}" in enabled.text
    development = _settings(db_url, env="development", base_url="http://127.0.0.1")
    assert TestClient(create_app(development, migrate=False)).get("/api/docs").status_code == 200


def _meeting(db_url: str, now: datetime) -> tuple[int, int, tuple[int, ...]]:
    from conftest import PEOPLE_CSV, SHANGHAI

    q4 = Path(__file__).parents[1] / "data" / "q4_zh.md"
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        people.import_csv(session, PEOPLE_CSV, now=now)
        report = meetings.import_action_list(session, q4.read_bytes(), project=None, now=now, tz=SHANGHAI)
        session.commit()
        person = people.get_by_name(session, "小王")
        ids = tuple(session.scalars(select(Item.id).where(Item.owner_id == person.id)).all())
    engine.dispose()
    assert report.meeting_id is not None
    return report.meeting_id, person.id, ids


def test_a_link_signed_with_the_previous_key_still_confirms_after_rotation(db_url: str, now: datetime) -> None:
    meeting_id, person_id, item_ids = _meeting(db_url, now)
    token = tokens.ConfirmationToken(meeting_id, person_id, item_ids)
    old_link = tokens.make(OLD_KEY, token, now=now)
    rotated = _settings(db_url, secret_key="", secret_keys=f"{NEW_KEY}, {OLD_KEY}")
    assert rotated.signing_keys == (NEW_KEY, OLD_KEY)
    new_link = tokens.make(rotated.signing_keys[0], token, now=now)
    assert tokens.read([NEW_KEY], new_link, now=now, max_age_seconds=60) == token   # signed with the newest

    clock = FrozenClock(now + timedelta(days=1))
    client = TestClient(create_app(rotated, clock=clock, migrate=False), base_url="https://luodi.example.com")
    assert client.get(f"/c/{old_link}").status_code == 200
    confirmed = client.post(f"/c/{old_link}", data={"answer": "confirm"}, follow_redirects=False)
    assert confirmed.status_code == 303, confirmed.text
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        assert all(session.get(Item, i).confirmed_at is not None for i in item_ids)  # type: ignore[union-attr]
    engine.dispose()

    # The previous key dropped from the list: its links are refused; expiry still applies to old keys.
    assert TestClient(create_app(_settings(db_url), clock=clock, migrate=False)).get(
        f"/c/{old_link}").status_code == 400
    clock.advance(days=8)
    assert client.get(f"/c/{old_link}").status_code == 410


def test_the_single_key_setting_stays_valid_as_the_oldest_key(db_url: str) -> None:
    both = _settings(db_url, secret_key=OLD_KEY, secret_keys=NEW_KEY)
    assert both.signing_keys == (NEW_KEY, OLD_KEY)
