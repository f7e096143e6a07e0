"""Empty PostgreSQL databases made and dropped by a test (for restores, imports and upgrades)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text


@contextmanager
def empty_database(admin_url: str, prefix: str = "luodi_test") -> Iterator[str]:
    """A new database with no tables (not migrated); dropped afterwards, connections and all."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
