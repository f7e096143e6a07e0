"""``luodi people import|list``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from luodi.cli.context import fail, file_error, now, print_json, service_errors, session_scope
from luodi.i18n import gettext as _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="CSV with name,email,phone,supervisor[,language,…]")]) -> None:
    """Create or update people from a CSV file (all rows or none)."""
    from luodi.services.accounts import people

    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        fail(file_error(file, exc))
    with session_scope() as session, service_errors():
        result = people.import_csv(session, text, now=now())
        session.commit()
    typer.echo(_("created {created}, updated {updated}").format(
        created=len(result.created), updated=len(result.updated)))


@app.command("list")
def list_(json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """List the people directory."""
    from rich.console import Console
    from rich.table import Table

    from luodi.services.accounts import people

    with session_scope() as session:
        rows = [people.person_public(p) for p in people.list_people(session)]
    if json:
        print_json(rows)
        return
    table = Table(_("name"), _("email"), _("phone"), _("supervisor"), _("language"))
    for row in rows:
        table.add_row(*(str(row[k] or "") for k in ("name", "email", "phone", "supervisor", "language")))
    Console().print(table)
