"""``luodi report standup|weekly|closure|sync`` and ``luodi metrics`` (SYNC-1…3, CLOSE-1, MET-1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from luodi.cli.context import fail, now, print_json, service_errors, session_scope, settings
from luodi.i18n import gettext as _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from luodi.render.reports import ReportFormat

report_app = typer.Typer(no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout")]
FormatOpt = Annotated[str, typer.Option("--format", help="markdown | html")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="zh | en (default: the setting)")]
ProjectOpt = Annotated[str | None, typer.Option("--project", help="Only this project (team)")]


def _checked(fmt: str, lang: str | None) -> tuple[ReportFormat, str]:
    if fmt not in ("markdown", "html"):
        fail(_("--format: expected markdown or html, got {value!r}").format(value=fmt))
    if lang is not None and lang not in ("zh", "en"):
        fail(_("--lang: expected zh or en, got {value!r}").format(value=lang))
    return ("html" if fmt == "html" else "markdown"), lang or settings().language


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        fail(_("{option}: expected YYYY-MM-DD, got {value!r}").format(option=option, value=value))


@report_app.command("standup")
def report_standup(
    date_: Annotated[str | None, typer.Option("--date", help="The day, YYYY-MM-DD (default today)")] = None,
    project: ProjectOpt = None,
    format: FormatOpt = "markdown",
    lang: LangOpt = None,
    send: Annotated[bool, typer.Option("--send", help="Email it (to --to, default the project's coordinator)")
                    ] = False,
    to: Annotated[list[str] | None, typer.Option("--to", help="Recipient (repeat for several)")] = None,
    json: JsonOpt = False,
) -> None:
    """The day's standup digest: answers, who has not answered, open blockers."""
    from luodi.render.reports import render_report
    from luodi.services.followup import standups
    from luodi.services.rules import digests

    fmt, language = _checked(format, lang)
    day = _day(date_, "--date") or now().astimezone(settings().tz).date()
    with session_scope() as session, service_errors():
        found = standups.digest(session, day, project=project)
        document, view = found.to_json(), digests.standup_view(found)
        outcomes = _send(session, "standup", view, lambda lang: digests.standup_subject(day, lang), to or [],
                         project=project, key=f"standup|{day.isoformat()}|{project or '*'}") if send else {}
    if json:
        print_json(document)
    else:
        typer.echo(render_report("standup", view, lang=language, fmt=fmt, today=day,
                                 subject=digests.standup_subject(day, language),
                                 template_dir=settings().template_dir))
    if send:
        _report_sent(outcomes)


@report_app.command("weekly")
def report_weekly(
    week: Annotated[str, typer.Option("--week", help="ISO week, e.g. 2026-W40")],
    project: ProjectOpt = None,
    format: FormatOpt = "markdown",
    lang: LangOpt = None,
    send: Annotated[bool, typer.Option(
        "--send", help="Email it (to --to, default the project's coordinator); with --project, post it to the "
                       "project's group robots too (route weekly_review). A project with group robots needs "
                       "neither --to nor a coordinator: the review then goes to the group only")] = False,
    to: Annotated[list[str] | None, typer.Option("--to", help="Recipient (repeat for several)")] = None,
    json: JsonOpt = False,
) -> None:
    """The weekly review: completed, delayed with reasons, next week's items, risks with responses."""
    from luodi.render.reports import render_report
    from luodi.services.followup import reports
    from luodi.services.rules import digests

    fmt, language = _checked(format, lang)
    cfg, moment = settings(), now()
    with session_scope() as session, service_errors():
        view = reports.weekly(session, week, project=project, now=moment, tz=cfg.tz)
        if send:
            outcomes = _send(session, "weekly", view, lambda lang: digests.weekly_subject(view, lang), to or [],
                             project=project, key=f"weekly|{view.week}|{view.project or '*'}")
    if json:
        print_json(reports.weekly_public(view))
    else:
        typer.echo(render_report("weekly", view, lang=language, fmt=fmt, today=digests.local_day(moment, cfg.tz),
                                 subject=digests.weekly_subject(view, language), template_dir=cfg.template_dir))
    if send:
        _report_sent(outcomes)


def _send(session: Session, name: str, view: Any, subject: Callable[[str], str], names: list[str], *,
          project: str | None, key: str) -> dict[int, str]:
    """Queue the report for each recipient (in their language), commit, deliver now."""
    from sqlalchemy import select

    from luodi.models import Person, Project
    from luodi.render.reports import report_message
    from luodi.services.accounts import people
    from luodi.services.mailing import queue_email
    from luodi.services.rules import digests
    from luodi.worker.runner import deliver_now

    cfg, moment = settings(), now()
    recipients = [people.get_by_name(session, who) for who in names]
    if not recipients and project:
        coordinator_id = session.scalar(select(Project.coordinator_id).where(Project.name == project))
        recipients = [p for p in [session.get(Person, coordinator_id) if coordinator_id else None] if p]
    found = session.scalar(select(Project).where(Project.name == project)) if project else None
    group_rows = digests.queue_weekly_groups(  # the project's group too, when its route says so
        session, view, project=found, lang=cfg.language, today=digests.local_day(moment, cfg.tz), now=moment,
        template_dir=cfg.template_dir) if name == "weekly" and found is not None else []
    if not recipients and not group_rows:
        fail(_("--send needs --to NAME (or a --project with a coordinator or a group robot)"))
    ids = []
    for person in recipients:
        message = report_message(name, view, lang=person.language, subject=subject(person.language),
                                 today=digests.local_day(moment, cfg.tz), template_dir=cfg.template_dir)
        row = queue_email(session, key=f"{key}|{moment.isoformat()}", kind=f"{name}_report", person=person,
                          message=message, now=moment)
        if row is not None:
            ids.append(row.id)
    ids += [row.id for row in group_rows]
    session.commit()
    return deliver_now(session, ids, settings=cfg)


def _report_sent(outcomes: dict[int, str]) -> None:
    sent = sum(1 for status in outcomes.values() if status == "sent")
    typer.echo(_("sent to {sent} of {total}").format(sent=sent, total=len(outcomes)), err=True)
    if sent < len(outcomes):
        raise typer.Exit(1)


@report_app.command("closure")
def report_closure(
    meeting_id: Annotated[int, typer.Argument(help="The meeting")],
    format: FormatOpt = "markdown",
    lang: LangOpt = None,
) -> None:
    """The closure meeting's agenda (and the retrospective, once recorded)."""
    from luodi.render.reports import render_report
    from luodi.services.accept import closure
    from luodi.services.capture import meetings
    from luodi.services.rules import digests

    fmt, language = _checked(format, lang)
    cfg, moment = settings(), now()
    with session_scope() as session, service_errors():
        view = closure.view(session, meetings.get(session, meeting_id), tz=cfg.tz)
    typer.echo(render_report("closure", view, lang=language, fmt=fmt,
                             today=digests.local_day(moment, cfg.tz), subject=closure.subject(view, language),
                             template_dir=cfg.template_dir))


@report_app.command("sync")
def report_sync(project: ProjectOpt = None, json: JsonOpt = False) -> None:
    """Recommend a daily standup or a weekly review for a project (SYNC-1)."""
    from luodi.services.accept import metrics
    from luodi.services.followup import reports

    with session_scope() as session, service_errors():
        found = reports.recommendation(session, metrics.project_id_of(session, project), tz=settings().tz)
    document = reports.recommendation_public(found) | {"project": project}
    if json:
        print_json(document)
        return
    kind = _("daily standup") if found.kind.value == "standup" else _("weekly review")
    typer.echo(_("{kind}, {minutes} minutes ({reasons})").format(
        kind=kind, minutes="–".join(str(m) for m in sorted(set(found.minutes))),
        reasons=", ".join(document["reasons"])))


def metrics(
    project: ProjectOpt = None,
    from_: Annotated[str | None, typer.Option("--from", help="First due day, YYYY-MM-DD (default 4 weeks ago)")
                     ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last due day, YYYY-MM-DD (default today)")] = None,
    json: JsonOpt = False,
) -> None:
    """Landing rate, clear owners, follow-up before the deadline, on time, delay, per-owner reliability."""
    from luodi.render.reports import pct
    from luodi.services.accept import metrics as service

    cfg = settings()
    today = now().astimezone(cfg.tz).date()
    with session_scope() as session, service_errors():
        start, end = service.period(_day(from_, "--from"), _day(to, "--to"), today=today)
        result, view = service.summary(session, start=start, end=end, project=project, tz=cfg.tz,
                                       as_of=min(today, end))
    document = service.to_json(result, view, project=project)
    if json:
        print_json(document)
        return
    typer.echo(f"{start} … {end}: {result.items}")
    for label, value in ((_("Landing rate"), view.landing_rate), (_("One clear owner"), view.clear_owner),
                         (_("Followed up before the deadline"), view.followed_up), (_("On time"), view.on_time)):
        typer.echo(f"{label}: {pct(value)}")
    typer.echo(f"{_('Average delay (days)')}: {view.average_delay if view.average_delay is not None else '—'}")
    for owner, rate, delay, count in view.owners:
        typer.echo(f"  {owner}: {pct(rate)} · {delay if delay is not None else '—'} · {count}")
