"""A second engine for requests that only read (board, table, item pages, API GETs).

luodi.db.make_engine begins every SQLite transaction IMMEDIATE, so two writers never deadlock —
but then every reader takes the write lock too, and concurrent page views queue behind each
other (SQLite's busy handler sleeps up to 100 ms between tries). In WAL mode readers need no
lock at all, so this engine begins DEFERRED and is ``query_only``: a read session that tried
to write would fail loudly instead of racing a writer. Other databases use the main engine.
"""

from __future__ import annotations

from sqlalchemy import Engine

from luodi.db import is_sqlite, make_engine


def make_read_engine(url: str, main: Engine) -> Engine:
    if not is_sqlite(url) or url.rstrip("/").endswith(("sqlite:", ":memory:")) or url == "sqlite://":
        return main
    # No pool limit: a SQLite connection is a file handle, and a request never waits for one.
    return make_engine(url, read_only=True, pool_size=8, max_overflow=-1)
