"""The schema's tables in foreign-key order, and which of them hold rows.

A restore or an import refuses a database that holds any row: merging two databases' ids is not
something a backup can do safely.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, inspect, select

from luodi import models


def data_tables() -> list[Table]:
    """Every table of the schema, each after the tables it references (the order rows go in)."""
    return list(models.Base.metadata.sorted_tables)


def tables_with_rows(connection: Connection) -> dict[str, int]:
    """{table: row count} for each luodi table that exists and is not empty."""
    present = set(inspect(connection).get_table_names())
    counts: dict[str, int] = {}
    for table in data_tables():
        if table.name in present:
            count = connection.scalar(select(func.count()).select_from(table)) or 0
            if count:
                counts[table.name] = count
    return counts


def describe(counts: dict[str, int], *, limit: int = 3) -> str:
    """"person (5), item (12), …" for a refusal message."""
    shown = [f"{name} ({count})" for name, count in list(counts.items())[:limit]]
    return ", ".join(shown) + (", …" if len(counts) > limit else "")
