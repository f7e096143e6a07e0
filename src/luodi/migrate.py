"""Run the Alembic migrations (``luodi db upgrade`` and the app's start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from luodi.db import make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(url: str) -> str:
    """Bring the database at ``url`` to the newest schema; return the revision it is at."""
    config = alembic_config(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")
        return current_revision(url) or ""
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The database's revision; with several branches applied (0002 and 0003 both grow from 0001),
    their heads joined by commas, sorted."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
            return ",".join(sorted(heads)) or None
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest revision of each branch, joined like :func:`current_revision`."""
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    return ",".join(sorted(heads)) or None
