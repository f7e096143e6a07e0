"""``luodi webhook add|list|remove``: outgoing webhooks (INT-4), signed per Standard Webhooks."""

from __future__ import annotations

from typing import Annotated

import typer

from luodi.cli.context import now, print_json, service_errors, session_scope
from luodi.i18n import gettext as _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout")]


@app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The receiver's http(s) URL")],
    events: Annotated[str, typer.Option("--events", help="Comma-separated: item.created, item.status_changed, "
                                        "item.due_changed, item.confirmed, meeting.sent, acceptance.recorded")],
    project: Annotated[str | None, typer.Option("--project", help="Only this project's events")] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private",
                                                help="Allow a loopback or private address (an admin's call)")] = False,
    json: JsonOpt = False,
) -> None:
    """Subscribe a URL to events; prints its id and its signing secret (whsec_…), once."""
    from luodi.services.accounts.users import project_by_name
    from luodi.services.audit import Actor
    from luodi.services.integrate import webhooks

    with service_errors(), session_scope() as session:
        chosen = webhooks.parse_events(events)
        found = project_by_name(session, project) if project else None
        row = webhooks.add(session, url, chosen, project=found, allow_private=allow_private,
                           actor=Actor.system("cli"), now=now())
        session.commit()
        document = {"id": row.id, "secret": row.secret}
    if json:
        print_json(document)
        return
    typer.echo(_("webhook {id} added; its signing secret (shown once): {secret}").format(**document))


@app.command("list")
def list_(json: JsonOpt = False) -> None:
    """The subscriptions: id, URL, events, project (never the secret)."""
    from sqlalchemy import select

    from luodi.models import Project
    from luodi.services.integrate import webhooks

    with session_scope() as session:
        names = dict(session.execute(select(Project.id, Project.name)).tuples().all())
        rows = [webhooks.public(row, names) for row in webhooks.list_all(session)]
    if json:
        print_json(rows)
        return
    if not rows:
        typer.echo(_("No webhooks."))
    for row in rows:
        typer.echo(f"{row['id']}\t{row['url']}\t{','.join(row['events'])}\t{row['project'] or _('all projects')}")


@app.command("remove")
def remove(subscription_id: Annotated[int, typer.Argument(help="The webhook's id (luodi webhook list)")]) -> None:
    """Delete a subscription; messages still queued for it are not sent."""
    from luodi.services.audit import Actor
    from luodi.services.integrate import webhooks

    with service_errors(), session_scope() as session:
        webhooks.remove(session, subscription_id, actor=Actor.system("cli"), now=now())
        session.commit()
    typer.echo(_("webhook {id} removed").format(id=subscription_id))
