"""/healthz and /readyz (issue 14, part 4): ready only with a reachable database at the migration
head and a worker whose heartbeat is fresh; otherwise 503 with the reasons."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.web.app import create_app
from luodi.worker.loop import heartbeat


def _client(db_url: str, clock: FrozenClock) -> TestClient:
    settings = Settings(database_url=db_url, secret_key="test-secret-key-0123456789")
    return TestClient(create_app(settings, clock=clock, migrate=False))


def test_ready_only_while_a_worker_beats(db_url: str, now: datetime) -> None:
    clock = FrozenClock(now)
    client = _client(db_url, clock)
    assert client.get("/healthz").json() == {"status": "ok"}
    waiting = client.get("/readyz")
    assert waiting.status_code == 503
    assert waiting.json() == {"status": "not ready", "reasons": [
        "no worker heartbeat in the last 30 seconds (start luodi worker or luodi serve)"]}

    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        heartbeat(session, worker_id="w1", now=now, started_at=now)
    engine.dispose()
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}

    clock.advance(seconds=31)   # three missed beats of 10 s: the worker is taken for dead
    assert client.get("/readyz").status_code == 503


def test_not_ready_when_the_schema_is_behind(db_url: str, now: datetime) -> None:
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        heartbeat(session, worker_id="w1", now=now, started_at=now)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    engine.dispose()
    behind = _client(db_url, FrozenClock(now + timedelta(seconds=1))).get("/readyz")
    assert behind.status_code == 503
    assert behind.json()["reasons"] == ["database schema is not at the migration head (run: luodi db upgrade)"]
