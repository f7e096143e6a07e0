"""Alembic environment: runs against the URL given by luodi.migrate (or alembic.ini for dev)."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection, event

from luodi.db import StrEnumType, is_sqlite, make_engine
from luodi.migrate import foreign_keys_off
from luodi.models import Base

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render our enum columns as plain VARCHARs, so migrations never import the enums."""
    if type_ == "type" and isinstance(obj, StrEnumType):
        return f"sa.String(length={getattr(obj.impl_instance, 'length', 20)})"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or ""
    engine = make_engine(url)
    if is_sqlite(url):   # batch mode's table rebuilds need foreign keys off (luodi.migrate.upgrade_to)
        event.listen(engine, "connect", foreign_keys_off)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


run_migrations_online()
