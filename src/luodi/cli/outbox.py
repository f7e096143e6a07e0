"""``luodi outbox list|retry|cancel`` and ``luodi channel add|list|test|routes|dingtalk-callback``."""

from __future__ import annotations

from typing import Annotated

import typer

from luodi.cli.context import fail, now, print_json, service_errors, session_scope, settings
from luodi.i18n import gettext as _

outbox_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
channel_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout")]


@outbox_app.command("list")
def outbox_list(
    status: Annotated[str | None, typer.Option(help="pending|sending|sent|dead|cancelled")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first")] = 100,
    json: JsonOpt = False,
) -> None:
    """List outbox messages with their state, attempts and last error."""
    from rich.console import Console
    from rich.table import Table

    from luodi.services.rules import outbox

    with session_scope() as session, service_errors():
        rows = outbox.list_rows(session, status=status, limit=limit)
    if json:
        print_json(rows)
        return
    from luodi.cli.localize import outbox_status_name

    table = Table(_("id"), _("kind"), _("to"), _("channel"), _("status"), _("attempts"), _("next attempt"),
                  _("error"))
    for row in rows:
        table.add_row(str(row["id"]), row["kind"], row["recipient"] or "-", row["channel"],
                      outbox_status_name(row["status"]),
                      str(row["attempts"]), (row["next_attempt_at"] or "")[:16], (row["last_error"] or "")[:60])
    Console().print(table)


@outbox_app.command("retry")
def outbox_retry(outbox_id: int) -> None:
    """Queue a dead, cancelled or pending message for delivery now."""
    from luodi.services.rules import outbox

    with session_scope() as session, service_errors():
        outbox.retry(session, outbox_id, now=now())
        session.commit()
    typer.echo(_("outbox {id} queued").format(id=outbox_id))


@outbox_app.command("cancel")
def outbox_cancel(outbox_id: int) -> None:
    """Cancel a message that has not been sent."""
    from luodi.services.rules import outbox

    with session_scope() as session, service_errors():
        outbox.cancel(session, outbox_id, now=now())
        session.commit()
    typer.echo(_("outbox {id} cancelled").format(id=outbox_id))


@channel_app.command("add")
def channel_add(
    name: str,
    kind: Annotated[str, typer.Option("--kind", help="feishu|dingtalk|wecom|slack|webhook")],
    url: Annotated[str, typer.Option("--url", help="The bot's webhook URL")],
    secret: Annotated[str | None, typer.Option("--secret", help="Signing secret")] = None,
    project: Annotated[str | None, typer.Option(help="Only for this project (default: every project)")] = None,
    keyword: Annotated[str | None, typer.Option(help="The robot's 自定义关键词, put into every message")] = None,
) -> None:
    """Add a group bot or webhook channel."""
    from luodi.services.send import channels

    with session_scope() as session, service_errors():
        channels.add(session, name=name, kind=kind, url=url, secret=secret, project=project, now=now(),
                     keyword=keyword)
        session.commit()
    typer.echo(_("channel {name} ({kind}) added").format(name=name, kind=kind))


@channel_app.command("list")
def channel_list(json: JsonOpt = False) -> None:
    """List channels; a channel with a permanent error is flagged."""
    from rich.console import Console
    from rich.table import Table

    from luodi.services.send import channels

    with session_scope() as session:
        rows = channels.list_public(session)
    if json:
        print_json(rows)
        return
    from luodi.cli.localize import yes_no

    table = Table(_("name"), _("kind"), _("project"), _("enabled"), _("needs attention"), _("last error"))
    for row in rows:
        table.add_row(row["name"], row["kind"], row["project"] or "*", yes_no(row["enabled"]),
                      _("YES") if row["needs_attention"] else "", (row["last_error"] or "")[:60])
    Console().print(table)


@channel_app.command("test")
def channel_test(name: str) -> None:
    """Send a test message through a channel now; exit 1 when it fails."""
    from luodi.worker.runner import test_channel

    with session_scope() as session, service_errors():
        error = test_channel(session, name, settings=settings(), now=now())
    if error:
        fail(_("channel {name}: {error}").format(name=name, error=error), code=1)
    typer.echo(_("channel {name}: test message delivered").format(name=name))


@channel_app.command("routes")
def channel_routes(
    project: str,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="TOPIC=TARGETS, e.g. reminder=direct or list=direct,group (repeatable)")] = None,
    json: JsonOpt = False,
) -> None:
    """Show (or change) who hears what: each message topic goes to people's direct channels
    (email, the IM app) and/or the project's group robots. Escalations are never sent to a group."""
    from luodi.services.audit import Actor
    from luodi.services.errors import InvalidInput
    from luodi.services.send import routes

    with session_scope() as session, service_errors():
        if set_:
            changes = {}
            for pair in set_:
                topic, sep, value = pair.partition("=")
                if not sep:
                    raise InvalidInput(_("expected TOPIC=TARGETS, got {value!r}").format(value=pair), field="set")
                changes[topic.strip()] = value
            shown = routes.set_routes(session, project, changes, actor=Actor.system("cli"), now=now())
            session.commit()
        else:
            shown = routes.show(session, project)
    if json:
        print_json(shown)
        return
    for topic, targets in shown.items():
        typer.echo(f"{topic:14} {', '.join(targets)}")


@channel_app.command("dingtalk-callback")
def channel_dingtalk_callback(
    force: Annotated[bool, typer.Option("--force", help="Replace another URL registered for the route key")] = False,
) -> None:
    """Register luodi's DingTalk card callback (LUODI_BASE_URL/callbacks/dingtalk) for the route key
    LUODI_DINGTALK_CARD_ROUTE_KEY, signed with LUODI_DINGTALK_CARD_CALLBACK_SECRET (once, after
    setting them up; docs/channels.md)."""
    from luodi.worker.runner import register_dingtalk_callback

    cfg = settings()
    if "dingtalk_app" not in cfg.direct_apps or cfg.dingtalk_card_callback_secret is None:
        fail(_("set the DingTalk app (LUODI_DINGTALK_APP_KEY, LUODI_DINGTALK_APP_SECRET, LUODI_DINGTALK_AGENT_ID) "
               "and LUODI_DINGTALK_CARD_CALLBACK_SECRET first"))
    url, registered, error = register_dingtalk_callback(cfg, force=force)
    if error is not None:
        fail(_("DingTalk refused: {error}").format(error=error), code=1)
    if registered != url:
        fail(_("route {key} is registered for {other}; --force replaces it").format(
            key=cfg.dingtalk_card_route_key, other=registered), code=1)
    typer.echo(_("DingTalk card callback: route {key} → {url}").format(key=cfg.dingtalk_card_route_key, url=url))
