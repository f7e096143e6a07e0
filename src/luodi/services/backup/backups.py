"""``luodi backup PATH`` and ``luodi restore PATH``: the engine's own copy of the whole database.

* SQLite: the online backup API (``sqlite3.Connection.backup``) copies every page in one step under a
  read transaction; in WAL mode writers go on meanwhile, and the copy is the database as of the
  moment the step began (every transaction committed before it, none after). The copy is checked
  with ``PRAGMA integrity_check`` before it replaces PATH, so a half-written file never has the
  backup's name.
* PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot, taken without blocking
  writers) and ``pg_restore``; both must be on PATH, the same major version as the server or newer.

A restore goes only into an empty database (no table holds a row) and refuses otherwise, naming
the tables that hold rows. To move between SQLite and PostgreSQL use the archive (``archive``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

from luodi.db import is_sqlite, make_engine
from luodi.i18n import gettext as _
from luodi.services.backup.tables import describe, tables_with_rows
from luodi.services.errors import Conflict, InvalidInput

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class BackupFile:
    """What ``backup`` wrote or ``restore`` read."""

    path: str
    engine: str   # "sqlite" or "postgresql"
    size: int     # bytes


def backup(url: str, path: Path) -> BackupFile:
    """Write a backup of the database at ``url`` to ``path`` (refused if ``path`` exists).

    Raises InvalidInput (``path`` exists, the database file is missing) or Conflict (the copy
    failed its integrity check, ``pg_dump`` failed)."""
    if path.exists():
        raise InvalidInput(_("{path} exists: choose a new file name for the backup").format(path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    if is_sqlite(url):
        _sqlite_backup(_sqlite_path(url), part)
        kind = "sqlite"
    else:
        _run_pg("pg_dump", url, ["--format=custom", "--no-owner", "--no-privileges", f"--file={part}"])
        kind = "postgresql"
    os.replace(part, path)
    return BackupFile(str(path), kind, path.stat().st_size)


def restore(url: str, path: Path) -> BackupFile:
    """Restore the backup at ``path`` into the empty database at ``url``.

    Raises InvalidInput (no such file, not a backup of this engine) or Conflict (the database
    holds rows, the backup is damaged, ``pg_restore`` failed)."""
    kind = _backup_kind(path)
    wanted = "sqlite" if is_sqlite(url) else "postgresql"
    if kind != wanted:
        raise InvalidInput(_("{path} is a {kind} backup and the database is {engine}: move data between "
                             "engines with `luodi export --all` and `luodi import --all`").format(
                                 path=path, kind=kind, engine=wanted))
    _refuse_non_empty(url)
    if kind == "sqlite":
        _sqlite_restore(path, _sqlite_path(url))
    else:
        # --clean drops the empty tables a `luodi db upgrade` may have made, then recreates them.
        _run_pg("pg_restore", url, ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                                    "--single-transaction", "--exit-on-error", str(path)], database_flag=True)
    return BackupFile(str(path), kind, path.stat().st_size)


def _refuse_non_empty(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            counts = tables_with_rows(connection)
    finally:
        engine.dispose()
    if counts:
        raise Conflict(_("the database is not empty ({tables}): restore into a new, empty database").format(
            tables=describe(counts)))


def _backup_kind(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise InvalidInput(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror)) from exc
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise InvalidInput(_("{path} is not a luodi backup (neither a SQLite file nor a pg_dump -Fc file)").format(
        path=path))


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise InvalidInput(_("only a SQLite database in a file can be backed up or restored"))
    return Path(database).expanduser()


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.exists():
        raise InvalidInput(_("no database file at {path}").format(path=source))
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)                           # pages=-1: every page in one step, one snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        _check_integrity(dst, target)
    finally:
        dst.close()
        src.close()


def _sqlite_restore(backup_file: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        _check_integrity(src, backup_file)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")   # as luodi opens it (db.make_engine)
        finally:
            dst.close()
    finally:
        src.close()


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if found != ["ok"]:
        raise Conflict(_("{path} failed the integrity check: {reason}").format(path=path, reason="; ".join(found[:3])))


def _run_pg(program: str, url: str, arguments: list[str], *, database_flag: bool = False) -> None:
    """Run pg_dump/pg_restore on ``url``; the password goes in PGPASSWORD, never on the command line."""
    executable = shutil.which(program)
    if executable is None:
        raise InvalidInput(_("{program} is not installed: install the PostgreSQL client tools").format(
            program=program))
    parsed = make_url(url)
    env = os.environ.copy()
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    target = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    command = [executable, *(["--dbname", target] if database_flag else []), *arguments,
               *([] if database_flag else [target])]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise Conflict(_("{program} failed: {reason}").format(program=program, reason=reason))
