"""``luodi export --all`` / ``luodi import --all``: every row of every table in one JSON file.

The archive is the same bytes whoever wrote it: tables in foreign-key order, rows by primary key,
values in one text form (ISO dates and times in UTC, JSON values with sorted keys), no timestamp of
its own — so SQLite → archive → PostgreSQL → archive gives the file it started from (a test checks
it). Ids are kept, so links between rows and signed links sent in emails stay valid.

An import goes into an empty database at the archive's schema revision (a new one is migrated
first), in one transaction. Columns that point into their own table (a person's supervisor, an
item's parent, a meeting's previous one) are set after all the table's rows are in, so the rows'
order never matters. On PostgreSQL each table's id sequence is then moved past the highest id.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Engine, Table, text
from sqlalchemy.types import Date, Time

from luodi.db import UTCDateTime
from luodi.i18n import gettext as _
from luodi.migrate import database_heads, package_heads, upgrade_to_head
from luodi.services.backup.tables import data_tables, describe, tables_with_rows
from luodi.services.errors import Conflict, InvalidInput

FORMAT = "luodi-archive"
VERSION = 1


@dataclass(frozen=True)
class ArchiveSummary:
    """What an export wrote or an import read."""

    path: str
    revision: str
    tables: int
    rows: int


def export_all(engine: Engine, path: Path) -> ArchiveSummary:
    """Write every table of the database behind ``engine`` to ``path`` as one snapshot.

    SQLite: pass a read-only engine (``make_engine(url, read_only=True)``) so the read transaction
    does not hold the write lock. Raises InvalidInput if the database has no schema."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            revision = ",".join(sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars()))
            if not revision:
                raise InvalidInput(_("the database has no schema yet: nothing to export"))
            tables = [_dump_table(connection, table) for table in data_tables()]
    document = {"format": FORMAT, "version": VERSION, "revision": revision, "tables": tables}
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(_archive_text(document), encoding="utf-8")
    part.replace(path)
    return ArchiveSummary(str(path), revision, len(tables), sum(len(t["rows"]) for t in tables))


def import_all(url: str, engine: Engine, path: Path) -> ArchiveSummary:
    """Load the archive at ``path`` into the empty database at ``url`` (``engine`` on it).

    Raises InvalidInput (not an archive, another schema revision, columns that differ) or Conflict
    (the database holds rows)."""
    document = _read(path)
    if database_heads(engine) != package_heads():
        upgrade_to_head(url)
    head = ",".join(sorted(package_heads()))
    if document["revision"] != head:
        raise InvalidInput(_("{path} was exported at schema revision {found}, this luodi is at {head}: export "
                             "it again with this version of luodi").format(
                                 path=path, found=document["revision"], head=head))
    by_name = {table.name: table for table in data_tables()}
    rows = 0
    with engine.begin() as connection:
        counts = tables_with_rows(connection)
        if counts:
            raise Conflict(_("the database is not empty ({tables}): import into a new, empty database").format(
                tables=describe(counts)))
        for entry in document["tables"]:
            table = by_name.get(entry["name"])
            if table is None:
                raise InvalidInput(_("{path}: unknown table {name}").format(path=path, name=entry["name"]))
            rows += _load_table(connection, table, entry, path)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return ArchiveSummary(str(path), head, len(document["tables"]), rows)


def _dump_table(connection: Connection, table: Table) -> dict[str, Any]:
    columns = list(table.columns)
    order = list(table.primary_key.columns) or columns
    result = connection.execute(table.select().order_by(*order))
    return {"name": table.name, "columns": [c.name for c in columns],
            "rows": [[_encode(value) for value in row] for row in result]}


def _encode(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _archive_text(document: dict[str, Any]) -> str:
    """One line per row: readable, diffable, and the same bytes for the same data."""
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    lines = ["{", f'"format":{dumps(document["format"])},"version":{document["version"]},'
             f'"revision":{dumps(document["revision"])},', '"tables":[']
    for t_index, table in enumerate(document["tables"]):
        lines.append(f'{{"name":{dumps(table["name"])},"columns":{dumps(table["columns"])},"rows":[')
        rows = table["rows"]
        lines += [dumps(row) + ("," if r_index < len(rows) - 1 else "") for r_index, row in enumerate(rows)]
        lines.append("]}" + ("," if t_index < len(document["tables"]) - 1 else ""))
    lines += ["]", "}"]
    return "\n".join(lines) + "\n"


def _read(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror)) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(_("{path} is not a luodi archive: {reason}").format(path=path, reason=exc)) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(_("{path} is not a luodi archive (made by `luodi export --all`)").format(path=path))
    if document.get("version") != VERSION:
        raise InvalidInput(_("{path}: archive version {version} is not supported").format(
            path=path, version=document.get("version")))
    return document


def _decoder(column: Column[Any]) -> Callable[[Any], Any]:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Time):
        return time.fromisoformat
    return lambda value: value


def _load_table(connection: Connection, table: Table, entry: dict[str, Any], path: Path) -> int:
    names = list(entry["columns"])
    if set(names) != {c.name for c in table.columns}:
        raise InvalidInput(_("{path}: the columns of {name} differ from this luodi's").format(
            path=path, name=table.name))
    decoders = [_decoder(table.columns[name]) for name in names]
    records = [{name: None if value is None else decode(value)
                for name, decode, value in zip(names, decoders, row, strict=True)} for row in entry["rows"]]
    if not records:
        return 0
    # Self-references go in after every row of the table is there.
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    later = [({name: record[name] for name in own}, record) for record in records if any(record[n] for n in own)]
    first = [{**record, **dict.fromkeys(own)} for record in records]
    for start in range(0, len(first), 500):
        connection.execute(table.insert(), first[start:start + 500])
    keys = list(table.primary_key.columns)
    for values, record in later:
        condition = [key == record[key.name] for key in keys]
        connection.execute(table.update().where(*condition).values(**values))
    return len(records)


def _reset_sequences(connection: Connection) -> None:
    for table in data_tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not keys[0].autoincrement or keys[0].type.python_type is not int:
            continue
        name, column = table.name, keys[0].name
        connection.execute(text(  # names from our own metadata, not from the archive
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', '{column}'), COALESCE(MAX({column}), 1), "
            f'MAX({column}) IS NOT NULL) FROM "{name}"'))
