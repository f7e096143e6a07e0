"""Run the Alembic migrations (``luodi db upgrade``, and every command or app start when needed).

Alembic is imported only when a migration must run: checking that a database is current reads
``alembic_version`` and compares it with the package's heads, found by reading the revision
headers of our own migration files (a test checks them against Alembic's own answer). That keeps
every CLI command ~0.2 s faster.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError

from luodi.db import is_sqlite, make_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision\s*=\s*['\"](\w+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(.+)$", re.M)
MIGRATION_LOCK = int.from_bytes(b"luodi")   # the PostgreSQL advisory lock key of the migrations


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(url: str) -> str:
    """Bring the database at ``url`` to the newest schema; return the revision it is at."""
    upgrade_to(url, "heads")
    return current_revision(url) or ""


def upgrade_to(url: str, revision: str) -> None:
    """Run the migrations up to ``revision`` ("heads", or one revision: tests build old databases).

    On SQLite the migrations run with foreign keys off, as Alembic's batch mode requires: it
    rebuilds a table by copying it and dropping the old one, and with foreign keys on, that DROP
    deletes every row that references the table (ON DELETE CASCADE) or empties its references
    (SET NULL) — upgrading across 0009 (which rebuilds ``item``) used to delete every dependency, comment, submission
    and follow-up. ``PRAGMA foreign_key_check`` then proves the rebuilt tables still hold together.
    """
    from alembic import command

    config = alembic_config(url)
    engine = make_engine(url)
    if is_sqlite(url):
        event.listen(engine, "connect", foreign_keys_off)   # after make_engine's own, which turns them on
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Web and worker processes starting together each run this: one migrates, the others
                # wait here for its commit, then find the schema current (deploy/entrypoint.sh).
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            if is_sqlite(url):
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
    finally:
        engine.dispose()


def foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
    """A SQLite "connect" listener for migration engines (here and in migrations/env.py)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")   # outside a transaction, or SQLite ignores it
    cursor.close()


@cache
def package_heads() -> frozenset[str]:
    """The head revisions of the migrations shipped in this package."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision is None or down is None:
            raise RuntimeError(f"{path.name}: no revision/down_revision header")
        revisions.add(revision[1])
        parents.update(re.findall(r"['\"](\w+)['\"]", down[1]))
    return frozenset(revisions - parents)


def database_heads(engine: Engine) -> frozenset[str]:
    """The revisions recorded in the database (empty for a new database)."""
    try:
        with engine.connect() as connection:
            return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except DBAPIError:
        return frozenset()


def ensure_current(engine: Engine, url: str) -> None:
    """Migrate ``url`` unless it is already at the package's heads (the cheap, common case)."""
    if database_heads(engine) != package_heads():
        upgrade_to_head(url)


def current_revision(url: str) -> str | None:
    """The database's revision(s), joined by commas, sorted."""
    engine = make_engine(url)
    try:
        return ",".join(sorted(database_heads(engine))) or None
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest revision of each branch, joined like :func:`current_revision`."""
    return ",".join(sorted(package_heads())) or None
