"""Upgrades without fear (NF-2): a database at every migration head luodi ever shipped, filled with rows
valid at that revision, upgrades to the newest schema on SQLite and PostgreSQL with its data intact.

The rows are made from the schema as it was (reflected after migrating to the old head): two rows in
every table — one with only the required columns, one with every column set, pointing at rows of the
tables it references — with Chinese text and the statuses, dates and times the app writes. After the
upgrade every value is still there (save the changes a migration documents, ``TRANSFORMED``), every
model loads every row, and ``luodi export --all`` reads the whole database through the app's types.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, Table, select, text
from sqlalchemy.orm import Session

from luodi.db import StrEnumType, make_engine
from luodi.migrate import MIGRATIONS, package_heads, upgrade_to, upgrade_to_head
from luodi.models import Base
from support.cli import Cli
from support.pgdb import empty_database

# The heads of src/luodi/migrations on main each time a migration landed (git log -- …/versions):
# the schemas a database in the field can be at. Add the head you replace when you add a migration.
SHIPPED: list[tuple[str, ...]] = [
    ("0001",),                    # 2a07d9c foundation
    ("0002",),                    # ac8b0aa rules worker
    ("0002", "0003"),             # 51780b3 board + follow-up branches
    ("0002", "0003", "0004"),     # 1193761 per-person channels
    ("0002", "0003", "0005"),     # ccbba47 plan schedule
    ("0007",),                    # 1ebb613 the merge (0006 outbox claim indexes)
    ("0009",),                    # ced82ea next_check_at never NULL
    ("0010",),                    # 44839e9 calendar years
    ("0011",),                    # 3d2928a calendar feed tokens
    ("0012",),                    # 8bc1672 webhook subscriptions
    ("0013",),                    # b339d97 card-callback receipts
    ("0014",),                    # mail receipts (the head before 0015 person aliases)
]
EPOCH_SQLITE = "1970-01-01 00:00:00.000000"
# (table, column): what a migration does to an old value, documented in its file.
TRANSFORMED = {("item", "next_check_at"): "0009 sets a NULL next_check_at to the epoch"}
AT = datetime(2026, 9, 26, 8, 10, tzinfo=UTC)


def _upgrade_to(url: str, targets: tuple[str, ...]) -> None:
    for target in targets:
        upgrade_to(url, target)


def _enum_values() -> dict[tuple[str, str], str]:
    """(table, column) → a value the app writes, for the columns the models store as enums."""
    found = {}
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, StrEnumType):
                enum: type[StrEnum] = column.type.enum
                found[(table.name, column.name)] = next(iter(enum)).value
    return found


def _value(table: Table, column: Any, row: int, sqlite: bool, enums: dict[tuple[str, str], str]) -> Any:
    kind = column.type.python_type
    if (table.name, column.name) in enums:
        return enums[(table.name, column.name)]
    if kind is bool:
        return row == 1
    if kind is int:
        return 2026 + row if column.name == "year" else row + 1
    if kind is datetime:
        return AT.replace(tzinfo=None) if sqlite else AT
    if kind is date:
        return date(2026, 10, 9 + row)
    if kind is time:
        return time(18, 0)
    if kind is dict:
        return {"来源": "升级测试", "n": row}
    length = getattr(column.type, "length", None) or 200
    return f"张经理{table.name}.{column.name}{row}"[:length]


def _fill(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Two rows per table of the schema as it is now; returns what was written."""
    schema = MetaData()
    schema.reflect(engine)
    enums, sqlite = _enum_values(), engine.dialect.name == "sqlite"
    written: dict[str, list[dict[str, Any]]] = {}
    with engine.begin() as connection:
        for table in schema.sorted_tables:
            if table.name == "alembic_version":
                continue
            for row in (0, 1):
                record: dict[str, Any] = {}
                for column in table.columns:
                    targets = [fk.column for fk in column.foreign_keys]
                    if not column.nullable or column.primary_key or row == 1:
                        record[column.name] = (_value(targets[0].table, targets[0], row, sqlite, enums) if targets
                                               else _value(table, column, row, sqlite, enums))
                    else:
                        record[column.name] = None
                connection.execute(table.insert().values(**record))
                written.setdefault(table.name, []).append(record)
    return written


def _rows(engine: Engine, names: list[str]) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as connection:
        return {name: [dict(row._mapping) for row in connection.execute(
            text(f'SELECT * FROM "{name}" ORDER BY 1'))] for name in names}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    with empty_database(request.getfixturevalue("pg_admin_url"), "luodi_upgrade") as url:
        yield url


@pytest.mark.parametrize("heads", SHIPPED, ids=["+".join(h) for h in SHIPPED])
def test_a_database_at_a_shipped_head_upgrades_with_its_data_intact(heads: tuple[str, ...], empty_url: str,
                                                                   tmp_path: Path) -> None:
    _upgrade_to(empty_url, heads)
    engine = make_engine(empty_url)
    try:
        before = _rows(engine, list(_fill(engine)))
        assert upgrade_to_head(empty_url) == ",".join(sorted(package_heads()))
        after = _rows(engine, list(before))
        for name, rows in before.items():
            assert len(after[name]) == len(rows), name
            for old, new in zip(rows, after[name], strict=True):
                for column, value in old.items():
                    if (name, column) in TRANSFORMED and value is None:
                        assert new[column] is not None, TRANSFORMED[(name, column)]
                        continue
                    assert _same(new[column], value), f"{name}.{column}: {value!r} became {new[column]!r}"
        with Session(engine) as session:
            for mapper in Base.registry.mappers:
                table = mapper.local_table
                loaded = session.scalars(select(mapper.class_)).all()
                expected = len(before.get(str(getattr(table, "name", "")), []))
                assert len(loaded) == expected, mapper.class_.__name__
    finally:
        engine.dispose()
    cli = Cli({"LUODI_DATABASE_URL": empty_url, "LUODI_SECRET_KEY": "test-secret-key-0123456789",
               "LUODI_CONFIG": str(tmp_path / "absent.toml"), "LUODI_LANGUAGE": "en"})
    exported = cli("export", "--all", str(tmp_path / "after.json"), "--json")
    assert exported.exit_code == 0, exported.stderr
    assert exported.json()["rows"] >= sum(len(rows) for rows in before.values())


def _same(new: Any, old: Any) -> bool:
    if isinstance(new, str) and isinstance(old, str) and old == EPOCH_SQLITE:
        return new == old
    return bool(new == old)


def test_the_list_of_shipped_heads_ends_at_the_parent_of_today_s_head() -> None:
    """A new migration must add the head it replaces to SHIPPED, or upgrades from it go untested."""
    source = {path.name: path.read_text(encoding="utf-8") for path in (MIGRATIONS / "versions").glob("*.py")}
    parents: set[str] = set()
    for head in package_heads():
        for body in source.values():
            if re.search(rf"^revision\s*=\s*['\"]{head}['\"]", body, re.M):
                down = re.search(r"^down_revision\s*=\s*(.+)$", body, re.M)
                assert down is not None
                parents.update(re.findall(r"['\"](\w+)['\"]", down[1]))
    assert tuple(sorted(parents)) == SHIPPED[-1], f"add {tuple(sorted(parents))} to SHIPPED"
    every = {re.findall(r"^revision\s*=\s*['\"](\w+)['\"]", body, re.M)[0] for body in source.values()}
    assert {rev for heads in SHIPPED for rev in heads} <= every
