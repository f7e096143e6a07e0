"""``luodi worker``, ``luodi tick`` and ``luodi timeline``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from luodi.cli.context import fail, parse_at, print_json, service_errors, session_scope, settings
from luodi.cli.localize import rule_name, status_name
from luodi.i18n import gettext as _

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout")]


def worker(
    once: Annotated[bool, typer.Option("--once", help="One plan step now, deliver what is due, exit")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between rounds")] = 30.0,
) -> None:
    """Fire the rules and deliver messages (run several, on several hosts, with PostgreSQL)."""
    from luodi import logs
    from luodi.db import make_engine, make_sessionmaker
    from luodi.migrate import upgrade_to_head
    from luodi.worker.loop import Worker

    cfg = settings()
    logs.configure(cfg.log_format)
    if cfg.worker_metrics_address:
        from luodi.worker import metrics

        metrics.serve(cfg.worker_metrics_address)
    upgrade_to_head(cfg.database_url)
    engine = make_engine(cfg.database_url)
    runner = Worker(cfg, make_sessionmaker(engine), cfg.make_clock(), interval=interval)
    runner.install_signal_handlers()
    try:
        if once:
            result, delivered = runner.run_once()
            typer.echo(_("planned {firings} firings, {changes} status changes; delivered {delivered}").format(
                firings=len(result.firings), changes=len(result.status_changes), delivered=delivered))
        else:
            typer.echo(_("worker {id} running every {seconds}s (SIGTERM to stop)").format(
                id=runner.worker_id, seconds=f"{interval:g}"))
            runner.run()
    finally:
        engine.dispose()


def tick(
    at: Annotated[str, typer.Option("--at", help="The moment to simulate, local time YYYY-MM-DDTHH:MM")],
    apply: Annotated[bool, typer.Option("--apply", help="Write the firings and status changes")] = False,
    json: JsonOpt = False,
) -> None:
    """Show what the rules do at a moment; with --apply, do it (applying twice writes nothing more)."""
    from rich.console import Console
    from rich.table import Table

    from luodi.services.rules.planning import plan
    from luodi.services.rules.rule_context import RuleContext
    from luodi.services.rules.whatif import what_if

    moment = parse_at(at)
    try:
        ctx = RuleContext.from_settings(settings())
    except ValueError as exc:
        fail(str(exc))
    with session_scope() as session, service_errors():
        if apply:
            document = plan(session, now=moment, ctx=ctx).to_json()
            session.commit()
        else:  # the set-based what-if: the same plan, computed without writing item rows
            document = what_if(session, now=moment, ctx=ctx).to_json()
            session.rollback()
    for line in ctx.calendar.warnings():
        typer.echo(_("warning: {text}").format(text=line), err=True)
    if json:
        print_json(document)
        return
    tz = settings().tz
    table = Table(_("item"), _("rule"), _("recipients"), _("scheduled at"),
                  title=_("at {when}").format(when=f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"))
    for firing in document["firings"]:
        from datetime import datetime

        when = datetime.fromisoformat(firing["scheduled_at"]).astimezone(tz)
        table.add_row(firing["item"], rule_name(firing["rule"]), ", ".join(firing["recipients"]),
                      f"{when:%Y-%m-%d %H:%M}")
    console = Console()
    console.print(table)
    for change in document["status_changes"]:
        console.print(f"{change['item']}: {status_name(change['from'])} → {status_name(change['to'])}")
    for error in document["errors"]:
        console.print(_("skipped {subject}, its rules raised: {error}").format(
            subject=error["subject"], error=error["error"]), style="red", markup=False)
    if not apply:
        console.print(_("(simulation: nothing written; add --apply to do it)"))


def timeline(
    meeting: Annotated[int, typer.Option("--meeting", help="Meeting id")],
    json: JsonOpt = False,
) -> None:
    """The whole planned reminder and escalation schedule of a meeting's items."""
    from rich.console import Console
    from rich.table import Table

    from luodi.services.rules.rule_context import RuleContext
    from luodi.services.track.timeline import meeting_timeline

    ctx = RuleContext.from_settings(settings())
    with session_scope() as session, service_errors():
        rows = meeting_timeline(session, meeting, ctx=ctx)
    for line in ctx.calendar.warnings():
        typer.echo(_("warning: {text}").format(text=line), err=True)
    if json:
        print_json(rows)
        return
    table = Table(_("when"), _("item"), _("rule"), _("recipients"), _("note"))
    for row in rows:
        table.add_row(row["at"][:16].replace("T", " "), row["item"], rule_name(row["rule"]),
                      ", ".join(row["recipients"]), _note(row))
    Console().print(table)


def _note(row: dict[str, Any]) -> str:
    """The timeline row's note in the run's language (the JSON's ``note`` stays English)."""
    parts = [_("superseded by {rule}").format(rule=rule_name(row["superseded_by"]))] if row["superseded_by"] else []
    if row["threats"]:
        parts = [", ".join(_("{code} +{days} days → {due}").format(code=t["item"], days=t["days"], due=t["due"])
                           for t in row["threats"])]
    if row["set_status"]:
        parts.append(_("status → {status}").format(status=status_name(row["set_status"])))
    return "; ".join(parts)
