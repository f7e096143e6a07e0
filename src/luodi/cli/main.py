"""The ``luodi`` command: ``luodi <noun> <verb>``. Every listing has ``--json``.

Exit codes: 0 success; 1 a finding (lint errors, undelivered messages); 2 unusable input or
usage, with a one-line reason on stderr.
"""

from __future__ import annotations

import typer

from luodi.cli import (
    acceptance,
    backups,
    calendar,
    extract,
    feeds,
    followup,
    items,
    meetings,
    outbox,
    people,
    reports,
    sheets,
    system,
    users,
    webhooks,
    worker,
)
from luodi.cli.localize import LuodiGroup

app = typer.Typer(
    name="luodi",
    cls=LuodiGroup,  # the language of the run, and help texts through the catalogs
    help="luodi (落地): make meeting decisions land.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: Rich's help formatter costs ~70 ms of imports on every `luodi --help`.
    rich_markup_mode=None,
)
app.add_typer(people.app, name="people", help="The people directory.")
meetings.app.command("export")(sheets.meeting_export)
meetings.app.command("extract")(extract.meeting_extract)
items.app.command("export")(sheets.item_export)
app.add_typer(meetings.app, name="meeting", help="Meetings and their 【行动项】 lists.")
app.add_typer(items.app, name="item", help="Action items.")
app.add_typer(system.db_app, name="db", help="Database schema.")
app.add_typer(system.config_app, name="config", help="Settings.")
app.add_typer(outbox.outbox_app, name="outbox", help="Messages waiting, sent, failed.")
app.add_typer(outbox.channel_app, name="channel", help="Group bots and webhooks.")
app.add_typer(users.app, name="user", help="Users who log in to the web app, and their roles.")
app.add_typer(users.token_app, name="token", help="Personal API tokens.")
app.add_typer(calendar.app, name="calendar", help="Working days per year; load the State Council's holiday notice.")
app.add_typer(webhooks.app, name="webhook", help="Outgoing webhooks: other systems told of changes, signed.")
app.add_typer(feeds.app, name="feed", help="Calendar feeds (iCalendar) of a person's or a meeting's due dates.")
app.command("worker")(worker.worker)
app.command("tick")(worker.tick)
app.command("timeline")(worker.timeline)
app.command("serve")(system.serve)
app.command("demo")(system.demo)
# Follow-up, sync, acceptance, closure, metrics (issue 5).
app.command("today")(followup.today)
app.add_typer(followup.followup_app, name="followup", help="Today's follow-ups: mark them done.")
app.add_typer(followup.blocker_app, name="blocker", help="Blockers: what owners wait for, and from whom.")
app.add_typer(followup.standup_app, name="standup", help="Standups: yesterday, today, blockers.")
app.add_typer(reports.report_app, name="report", help="Standup digest, weekly review, closure agenda.")
app.command("cadence")(followup.cadence)
app.command("profile")(followup.profile)
app.command("carryover")(followup.carryover)
app.command("submit")(acceptance.submit)
app.command("accept")(acceptance.accept)
app.command("checklist")(acceptance.checklist)
app.command("metrics")(reports.metrics)
# Backups that restore (issue 14): docs/deploy.md.
app.command("backup")(backups.backup)
app.command("restore")(backups.restore)
app.command("export")(backups.export_all)
app.command("import")(backups.import_all)


def run() -> None:
    app()
