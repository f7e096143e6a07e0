"""``luodi item list|confirm|reschedule`` (``export`` is in :mod:`luodi.cli.sheets`)."""

from __future__ import annotations

from typing import Annotated

import typer

from luodi.cli.context import fail, now, print_json, service_errors, session_scope
from luodi.i18n import gettext as _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@app.command("list")
def list_(
    meeting: Annotated[int | None, typer.Option("--meeting", help="Meeting id")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Owner's name")] = None,
    status: Annotated[str | None, typer.Option("--status", help="not_started|in_progress|at_risk|delayed|done")] = None,
    project: Annotated[str | None, typer.Option("--project", help="Project name")] = None,
    limit: Annotated[int, typer.Option(help="At most this many")] = 1000,
    json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """List items, filtered."""
    from rich.console import Console
    from rich.table import Table

    from luodi.domain.enums import ItemStatus
    from luodi.services.track import items

    try:
        wanted = ItemStatus(status) if status else None
    except ValueError:
        fail(_("--status: expected one of {choices}, got {value!r}").format(
            choices=", ".join(s.value for s in ItemStatus), value=status))
    with session_scope() as session:
        rows = items.public_list(session, items.list_items(session, meeting_id=meeting, owner=owner,
                                                           status=wanted, project=project, limit=limit))
    if json:
        print_json(rows)
        return
    from luodi.cli.localize import status_name
    from luodi.i18n import current_language
    from luodi.render.env import priority_label

    table = Table(_("code"), _("title"), _("owner"), _("due"), _("status"), _("priority"), _("depends on"),
                  _("confirmed"))
    for row in rows:
        table.add_row(row["code"], row["title"], row["owner"], row["due"], status_name(row["status"]),
                      priority_label(row["priority"], current_language()),
                      ", ".join(row["depends_on"]), "✓" if row["confirmed"] else "")
    Console().print(table)


@app.command("confirm")
def confirm(
    code: str,
    as_: Annotated[str, typer.Option("--as", help="The owner confirming")],
    project: Annotated[str | None, typer.Option(help="Project, when the code is ambiguous")] = None,
) -> None:
    """Confirm an item as its owner (收到并理解). Harmless when repeated."""
    from luodi.services.accounts import people
    from luodi.services.send import confirmations
    from luodi.services.track import items

    with session_scope() as session, service_errors():
        item = items.by_code(session, code, project=project)
        changed = confirmations.confirm(session, item, people.get_by_name(session, as_), via="cli", now=now())
        session.commit()
    typer.echo((_("{code} confirmed by {name}") if changed else _("{code} was already confirmed")).format(
        code=item.code, name=as_))


@app.command("reschedule")
def reschedule(
    code: str,
    approve: Annotated[bool, typer.Option("--approve", help="Approve the pending request")] = False,
    decline: Annotated[bool, typer.Option("--decline", help="Decline the pending request")] = False,
    project: Annotated[str | None, typer.Option(help="Project, when the code is ambiguous")] = None,
    as_: Annotated[str | None, typer.Option("--as", help="The coordinator deciding")] = None,
) -> None:
    """Approve or decline an owner's request for a new due date (申请改期)."""
    from luodi.services.accounts import people
    from luodi.services.audit import Actor
    from luodi.services.send import confirmations
    from luodi.services.track import items

    if approve == decline:
        fail(_("give exactly one of --approve or --decline"))
    with session_scope() as session, service_errors():
        item = items.by_code(session, code, project=project)
        actor_id = people.get_by_name(session, as_).id if as_ else None
        request = confirmations.decide_reschedule(session, item, approve=approve,
                                                  actor=Actor.person(actor_id, "cli"), now=now())
        session.commit()
    if approve:
        typer.echo(_("{code}: due moved to {due} (rescheduled {count}×)").format(
            code=item.code, due=item.due.isoformat(), count=item.reschedule_count))
    else:
        typer.echo(_("{code}: request for {requested} declined; due stays {due}").format(
            code=item.code, requested=request.requested_due, due=item.due.isoformat()))
