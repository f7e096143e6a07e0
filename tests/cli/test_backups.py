"""``luodi backup`` / ``restore`` and ``luodi export --all`` / ``import --all`` on real SQLite files and a
real PostgreSQL server (docs/deploy.md, "Backups")."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from support.cli import Cli
from support.pgdb import empty_database

SECRET = "test-secret-key-0123456789"


def _cli(url: str, tmp_path: Path, language: str = "en") -> Cli:
    return Cli({"LUODI_DATABASE_URL": url, "LUODI_SECRET_KEY": SECRET, "LUODI_BASE_URL": "http://testserver",
                "LUODI_CONFIG": str(tmp_path / "absent.toml"), "LUODI_LANGUAGE": language})


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's database (people, the Q4 list sent and confirmed, users, outbox rows, audit)."""
    where = tmp_path_factory.mktemp("demo")
    done = _cli(f"sqlite:///{where / 'unused.db'}", where)("demo", "--database", str(where / "demo.db"), "--no-serve")
    assert done.exit_code == 0, done.stderr
    return where / "demo.db"


def _sqlite_copy(demo_db: Path, tmp_path: Path) -> str:
    target = tmp_path / "source.db"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


def _writer(path: Path, committed: list[int], stop: threading.Event) -> None:
    """Another connection committing one person per transaction, as the app does, until stopped."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=30000")
    n = 0
    while not stop.is_set():
        n += 1
        connection.execute("BEGIN IMMEDIATE")
        cursor = connection.execute("INSERT INTO person (name, language, created_at) VALUES (?, 'zh', "
                                    "'2026-09-26 08:00:00.000000')", (f"writer {n}",))
        connection.execute("COMMIT")
        committed.append(int(cursor.lastrowid or 0))
    connection.close()


def test_backup_while_another_connection_commits_holds_every_row_committed_before_it(
        db_url: str, tmp_path: Path) -> None:
    path = Path(db_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as bulk:   # ~25 MB, so the copy takes long enough for writes to land meanwhile
        bulk.executemany("INSERT INTO audit (at, actor_kind, entity, entity_id, action, after) VALUES "
                         "('2026-09-26 08:00:00', 'system', 'bulk', 0, 'bulk', ?)",
                         [(f"{i:08d}" + "x" * 1000,) for i in range(25_000)])
    committed: list[int] = []
    stop = threading.Event()
    writer = threading.Thread(target=_writer, args=(path, committed, stop))
    writer.start()
    try:
        while len(committed) < 50:
            time.sleep(0.005)
        before = list(committed)
        started = time.monotonic()
        done = _cli(db_url, tmp_path)("backup", str(tmp_path / "backup.db"), "--json")
        took = time.monotonic() - started
        during = len(committed) - len(before)
    finally:
        stop.set()
        writer.join()
    assert done.exit_code == 0, done.stderr
    assert done.json()["engine"] == "sqlite"
    with sqlite3.connect(tmp_path / "backup.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        saved = [row[0] for row in copy.execute("SELECT id FROM person WHERE name LIKE 'writer %' ORDER BY id")]
        assert copy.execute("SELECT count(*) FROM audit WHERE action = 'bulk'").fetchone() == (25_000,)
    assert set(before) <= set(saved)
    assert saved == committed[:len(saved)]          # one moment: a prefix of the commits, no gaps
    print(f"backup took {took:.3f} s; {during} commits landed meanwhile; the copy holds {len(saved)} of "
          f"{len(committed)}")
    assert during > 0, "the writer was blocked for the whole backup"


def test_a_sqlite_backup_restores_into_an_empty_database_and_refuses_a_full_one(demo_db: Path,
                                                                                 tmp_path: Path) -> None:
    source = _cli(_sqlite_copy(demo_db, tmp_path), tmp_path)
    assert source("backup", str(tmp_path / "b.db")).exit_code == 0
    again = source("backup", str(tmp_path / "b.db"))
    assert again.exit_code == 2 and "exists" in again.stderr
    assert source("export", "--all", str(tmp_path / "before.json")).exit_code == 0

    target = _cli(f"sqlite:///{tmp_path / 'restored.db'}", tmp_path)
    done = target("restore", str(tmp_path / "b.db"))
    assert done.exit_code == 0, done.stderr
    assert target("export", "--all", str(tmp_path / "after.json")).exit_code == 0
    assert (tmp_path / "after.json").read_bytes() == (tmp_path / "before.json").read_bytes()
    assert "张经理" in {p["name"] for p in target("people", "list", "--json").json()}

    refused = target("restore", str(tmp_path / "b.db"))
    assert refused.exit_code == 2
    assert "not empty" in refused.stderr and "person (6)" in refused.stderr
    chinese = _cli(f"sqlite:///{tmp_path / 'restored.db'}", tmp_path, "zh")("restore", str(tmp_path / "b.db"))
    assert chinese.exit_code == 2 and "数据库不是空的" in chinese.stderr


def test_a_postgresql_backup_is_pg_dump_and_restores_into_an_empty_database(demo_db: Path, tmp_path: Path,
                                                                             pg_admin_url: str) -> None:
    with empty_database(pg_admin_url) as source_url, empty_database(pg_admin_url) as target_url:
        assert _cli(source_url, tmp_path)("import", "--all", str(_archive(demo_db, tmp_path))).exit_code == 0
        source = _cli(source_url, tmp_path)
        done = source("backup", str(tmp_path / "pg.dump"), "--json")
        assert done.exit_code == 0, done.stderr
        assert done.json()["engine"] == "postgresql"
        assert (tmp_path / "pg.dump").read_bytes()[:5] == b"PGDMP"   # pg_dump's custom format
        target = _cli(target_url, tmp_path)
        assert target("db", "upgrade").exit_code == 0                # empty tables are still empty
        restored = target("restore", str(tmp_path / "pg.dump"))
        assert restored.exit_code == 0, restored.stderr
        assert target("export", "--all", str(tmp_path / "restored.json")).exit_code == 0
        assert (tmp_path / "restored.json").read_bytes() == (tmp_path / "archive.json").read_bytes()
        refused = target("restore", str(tmp_path / "pg.dump"))
        assert refused.exit_code == 2 and "not empty" in refused.stderr
        wrong = _cli(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)("restore", str(tmp_path / "pg.dump"))
        assert wrong.exit_code == 2 and "luodi export --all" in wrong.stderr


def _archive(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "archive.json"
    if not path.exists():
        done = _cli(_sqlite_copy(demo_db, tmp_path), tmp_path)("export", "--all", str(path))
        assert done.exit_code == 0, done.stderr
    return path


def test_sqlite_to_archive_to_postgresql_to_archive_gives_the_same_archive(demo_db: Path, tmp_path: Path,
                                                                             pg_admin_url: str) -> None:
    first = _archive(demo_db, tmp_path)
    with empty_database(pg_admin_url) as url:
        pg = _cli(url, tmp_path)
        loaded = pg("import", "--all", str(first), "--json")
        assert loaded.exit_code == 0, loaded.stderr
        assert loaded.json()["rows"] > 80
        assert pg("export", "--all", str(tmp_path / "second.json")).exit_code == 0
        assert (tmp_path / "second.json").read_bytes() == first.read_bytes()
        # The sequences moved past the imported ids: a new person gets the next id.
        (tmp_path / "new.csv").write_text("name,email,phone,supervisor\n新同事,new@example.com,13800000009,\n",
                                          encoding="utf-8")
        assert pg("people", "import", str(tmp_path / "new.csv")).exit_code == 0
        ids = {p["name"]: p["id"] for p in pg("people", "list", "--json").json()}
        assert ids["新同事"] == max(v for k, v in ids.items() if k != "新同事") + 1
        refused = pg("import", "--all", str(first))
        assert refused.exit_code == 2 and "not empty" in refused.stderr
    back = _cli(f"sqlite:///{tmp_path / 'back.db'}", tmp_path)
    assert back("import", "--all", str(tmp_path / "second.json")).exit_code == 0
    assert back("export", "--all", str(tmp_path / "third.json")).exit_code == 0
    assert (tmp_path / "third.json").read_bytes() == first.read_bytes()


def test_the_archive_holds_every_table_of_the_schema(demo_db: Path, tmp_path: Path) -> None:
    import json

    from sqlalchemy import create_engine, inspect

    engine = create_engine(f"sqlite:///{demo_db}")
    present = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    archived = [t["name"] for t in json.loads(_archive(demo_db, tmp_path).read_text(encoding="utf-8"))["tables"]]
    assert sorted(archived) == sorted(present)


def test_import_refuses_what_is_not_an_archive_of_this_schema(demo_db: Path, tmp_path: Path) -> None:
    target = _cli(f"sqlite:///{tmp_path / 'new.db'}", tmp_path)
    (tmp_path / "other.json").write_text('{"hello": 1}', encoding="utf-8")
    assert "not a luodi archive" in target("import", "--all", str(tmp_path / "other.json")).stderr
    text = _archive(demo_db, tmp_path).read_text(encoding="utf-8").replace('"revision":"', '"revision":"old', 1)
    (tmp_path / "old.json").write_text(text, encoding="utf-8")
    old = target("import", "--all", str(tmp_path / "old.json"))
    assert old.exit_code == 2 and "schema revision old" in old.stderr
    assert target("export", str(tmp_path / "x.json")).exit_code == 2     # --all is required
