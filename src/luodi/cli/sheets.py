"""``luodi meeting export`` and ``luodi item export``: action lists as .xlsx or .csv (INT-1), in
the layout ``luodi meeting import`` reads back (:mod:`luodi.render.spreadsheet`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from luodi.cli.context import fail, now, service_errors, session_scope, settings
from luodi.i18n import gettext as _

FormatOpt = Annotated[str | None, typer.Option(
    "--format", help="xlsx or csv (default: from the output file's extension)")]
OutputOpt = Annotated[Path, typer.Option("-o", "--output", help="The file to write")]


def export_format(fmt: str | None, output: Path) -> Literal["xlsx", "csv"]:
    """``--format``, or the output's extension; anything else is a usage error."""
    chosen = (fmt or output.suffix.removeprefix(".")).lower()
    if chosen == "xlsx":
        return "xlsx"
    if chosen == "csv":
        return "csv"
    fail(_("--format: expected xlsx or csv, got {value!r}").format(value=fmt or output.suffix))


def write_export(output: Path, content: bytes, count_text: str) -> None:
    """Write the file whole (a temporary file renamed), then say what was written."""
    temporary = output.with_name(output.name + ".part")
    try:
        temporary.write_bytes(content)
        temporary.replace(output)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        fail(_("{file}: cannot write it ({reason})").format(file=output, reason=exc.strerror or exc))
    typer.echo(_("wrote {file} ({what}, {size} bytes)").format(file=output, what=count_text, size=len(content)))


def meeting_export(meeting_id: int, output: OutputOpt, fmt: FormatOpt = None) -> None:
    """Export a meeting's action list as .xlsx or .csv in the article's columns; it imports back
    unchanged with `luodi meeting import`."""
    from luodi.services.capture import exports, meetings

    chosen = export_format(fmt, output)
    with session_scope() as session, service_errors():
        content = exports.export_meeting(session, meeting_id, chosen, tz=settings().tz, now=now(),
                                         language=settings().language)
        count = len(meetings.items_of(session, meetings.get(session, meeting_id)))
    write_export(output, content, _("{count} items").format(count=count))



def item_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to write")],
    fmt: Annotated[str | None, typer.Option(
        "--format", help="xlsx or csv (default: from the output file's extension)")] = None,
    meeting: Annotated[int | None, typer.Option("--meeting", help="Meeting id")] = None,
    project: Annotated[str | None, typer.Option("--project", help="Project name")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Owner's name")] = None,
) -> None:
    """Export items, filtered, as .xlsx or .csv in the article's columns (序号 = the item's code)."""
    from luodi.services.capture import exports

    chosen = export_format(fmt, output)
    title = " · ".join(part for part in (project, owner, _("meeting {id}").format(id=meeting) if meeting else None)
                       if part) or _("all items")
    with session_scope() as session:
        content, count = exports.export_items(session, chosen, title=title, now=now(), meeting_id=meeting,
                                              project=project, owner=owner, language=settings().language)
    write_export(output, content, _("{count} items").format(count=count))
