"""``luodi backup``, ``luodi restore``, ``luodi export --all`` and ``luodi import --all`` (docs/deploy.md)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from luodi.cli.context import fail, print_json, service_errors, settings
from luodi.i18n import gettext as _

if TYPE_CHECKING:
    from luodi.services.backup.archive import ArchiveSummary

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON")]
AllOption = Annotated[bool, typer.Option("--all", help="Every table (the only choice today; required)")]


def backup(path: Annotated[Path, typer.Argument(help="The backup file to write (must not exist)")],
           json: JsonOption = False) -> None:
    """Back up the whole database while the app runs (SQLite: online backup API; PostgreSQL: pg_dump -Fc)."""
    from luodi.services.backup import backups

    with service_errors():
        written = backups.backup(settings().database_url, path)
    if json:
        print_json(asdict(written))
        return
    typer.echo(_("backup written: {path} ({size} bytes, {engine})").format(
        path=written.path, size=written.size, engine=written.engine))


def restore(path: Annotated[Path, typer.Argument(help="A file made by `luodi backup`")],
            json: JsonOption = False) -> None:
    """Restore a backup into the configured database, which must be empty."""
    from luodi.services.backup import backups

    with service_errors():
        read = backups.restore(settings().database_url, path)
    if json:
        print_json(asdict(read))
        return
    typer.echo(_("restored {path} into the database; run `luodi db upgrade` if this luodi is newer").format(
        path=read.path))


def export_all(file: Annotated[Path, typer.Argument(help="The JSON archive to write")],
               all_tables: AllOption = False, json: JsonOption = False) -> None:
    """Write every row of every table to one JSON archive that SQLite and PostgreSQL can import."""
    from luodi.db import make_engine
    from luodi.services.backup import archive

    if not all_tables:
        fail(_("say --all: the archive holds the whole database"))
    engine = make_engine(settings().database_url, read_only=True)
    try:
        with service_errors():
            summary = archive.export_all(engine, file)
    finally:
        engine.dispose()
    _summary(summary, json, _("exported {rows} rows of {tables} tables to {path} (revision {revision})"))


def import_all(file: Annotated[Path, typer.Argument(help="An archive made by `luodi export --all`")],
               all_tables: AllOption = False, json: JsonOption = False) -> None:
    """Load a JSON archive into the configured database, which must be empty (ids are kept)."""
    from luodi.db import make_engine
    from luodi.services.backup import archive

    if not all_tables:
        fail(_("say --all: the archive holds the whole database"))
    url = settings().database_url
    engine = make_engine(url)
    try:
        with service_errors():
            summary = archive.import_all(url, engine, file)
    finally:
        engine.dispose()
    _summary(summary, json, _("imported {rows} rows of {tables} tables from {path} (revision {revision})"))


def _summary(summary: ArchiveSummary, json: bool, message: str) -> None:
    values = asdict(summary)
    if json:
        print_json(values)
        return
    typer.echo(message.format(**values))
