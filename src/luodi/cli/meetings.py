"""``luodi meeting import|lint|list|show|render|send|status`` (``export`` is in :mod:`luodi.cli.sheets`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from luodi.cli.context import fail, file_error, now, parse_at, print_json, service_errors, session_scope, settings
from luodi.i18n import gettext as _

if TYPE_CHECKING:
    from luodi.services.capture.meetings import ImportReport

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout")]
AnswerOpt = Annotated[list[str] | None, typer.Option(
    "--answer", help="Answer one question of the draft: LINE:FIELD=VALUE (repeatable)")]
DefaultsOpt = Annotated[bool, typer.Option(
    "--accept-defaults", help="Answer every open question with its first choice (each is printed as a warning)")]


def _answers(values: list[str] | None) -> dict[tuple[int, str], str]:
    """``--answer 12:owner=小王`` → {(12, "owner"): "小王"}; a malformed one is a usage error."""
    answers: dict[tuple[int, str], str] = {}
    for text in values or []:
        where, sep, value = text.partition("=")
        line, colon, field = where.partition(":")
        if not sep or not colon or not line.strip().isdigit() or not field.strip() or not value.strip():
            fail(_("--answer: expected LINE:FIELD=VALUE, got {value!r}").format(value=text))
        answers[(int(line), field.strip())] = value.strip()
    return answers


def _read(file: Path) -> bytes:
    """The file's bytes (at most one past the readers' limit, so a huge file is never read whole:
    the reader then reports it as too large); a missing or unreadable file is a usage error."""
    from luodi.capture.reader import MAX_INPUT_BYTES

    try:
        with file.open("rb") as handle:
            return handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        fail(file_error(file, exc))


def _show_report(report: ImportReport, file: Path, *, as_json: bool, verb: str) -> None:
    if as_json:
        print_json(report.to_json())
    else:
        for severity, findings in ((_("error"), report.errors), (_("warning"), report.warnings)):
            for f in findings:
                typer.echo(f"{file}:{f.line}: {severity}: [{f.field}] {f.message}", err=True)
        for q in report.questions:
            typer.echo(f"{file}:{q.line}: {_('question')}: [{q.field}] {q.message} " +
                       _("choices: {choices}").format(choices=" | ".join(q.choices)) +
                       f"  (--answer {q.line}:{q.field}={q.choices[0]})", err=True)
        if report.questions and not report.errors:
            typer.echo(_("Answer the questions (--answer LINE:FIELD=VALUE or --accept-defaults); nothing was written."),
                       err=True)
        if report.ok:
            typer.echo(_("{verb}: {count} items").format(verb=verb, count=len(report.items)) +
                       (_(", meeting {id}").format(id=report.meeting_id) if report.meeting_id else ""))
    if not report.ok:
        raise typer.Exit(1)


@app.command("lint")
def lint(file: Path, json: JsonOpt = False, answer: AnswerOpt = None, accept_defaults: DefaultsOpt = False) -> None:
    """Check an action list (Markdown, a list, a table or a chat paste); exit 1 when it has errors
    or open questions. Writes nothing."""
    from luodi.services.capture import meetings

    source = _read(file)
    answers = _answers(answer)
    with session_scope() as session:
        parsed, report = meetings.check(session, source, now=now(), tz=settings().tz,
                                        max_open_per_week=settings().max_open_per_week, calendar=_calendar(),
                                        answers=answers, accept_defaults=accept_defaults,
                                        end_of_day=settings().end_of_day)
        if parsed is not None and not report.errors:
            report.items = [_preview(i) for i in parsed.items]
    _show_report(report, file, as_json=json, verb=_("ok"))


def _calendar() -> Any:
    from luodi.services.rules.rule_context import calendar_from_settings

    try:
        return calendar_from_settings(settings())
    except (OSError, ValueError) as exc:
        fail(str(exc))


def _preview(item: Any) -> dict[str, Any]:
    return {"number": item.number, "title": item.title, "owner": item.owner,
            "due": item.due.isoformat() if item.due else None, "deliverable": item.deliverable,
            "status": item.status.value, "priority": item.priority.value, "depends_on": item.depends_on,
            "source_line": item.source_line}


@app.command("import")
def import_(
    file: Path,
    project: Annotated[str | None, typer.Option(help="Project name (default: the list's title)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and show, write nothing")] = False,
    json: JsonOpt = False,
    answer: AnswerOpt = None,
    accept_defaults: DefaultsOpt = False,
) -> None:
    """Lint and import an action list (Markdown, a list, a table or a chat paste), in one
    transaction; nothing is written while it has errors or open questions."""
    from luodi.services.capture import meetings

    source = _read(file)
    answers = _answers(answer)
    with session_scope() as session:
        report = meetings.import_action_list(session, source, project=project, now=now(), tz=settings().tz,
                                             max_open_per_week=settings().max_open_per_week,
                                             calendar=_calendar(), answers=answers,
                                             accept_defaults=accept_defaults, end_of_day=settings().end_of_day)
        if dry_run or not report.ok:
            session.rollback()
            report.meeting_id = None
        else:
            session.commit()
    _show_report(report, file, as_json=json, verb=_("dry run") if dry_run else _("imported"))


@app.command("list")
def list_(json: JsonOpt = False) -> None:
    """List meetings, newest first."""
    from rich.console import Console
    from rich.table import Table

    from luodi.services.capture import meetings

    with session_scope() as session:
        rows = meetings.list_meetings(session)
    if json:
        print_json(rows)
        return
    table = Table(_("id"), _("title"), _("project"), _("starts at"), _("sent at"), _("items"), _("confirmed"))
    for row in rows:
        table.add_row(*(str(row[k] or "") for k in ("id", "title", "project", "starts_at", "sent_at", "items",
                                                    "confirmed")))
    Console().print(table)


@app.command("show")
def show(meeting_id: int, json: JsonOpt = False) -> None:
    """Show one meeting: its decisions, items and dependencies."""
    from luodi.render.action_list import render_action_list
    from luodi.services.capture import meetings
    from luodi.services.send import lists

    with session_scope() as session, service_errors():
        meeting = meetings.get(session, meeting_id)
        view = lists.build_view(session, meeting, tz=settings().tz)
        if json:
            from luodi.services.capture.meetings import meeting_public
            from luodi.services.track.items import public_list

            print_json(meeting_public(meeting) | {"items": public_list(session, meetings.items_of(session, meeting))})
            return
    typer.echo(render_action_list(view, lang=settings().language, fmt="text", template_dir=settings().template_dir))


@app.command("render")
def render(
    meeting_id: int,
    format: Annotated[str, typer.Option("--format", help="text | html | markdown")] = "text",
    lang: Annotated[str, typer.Option("--lang", help="zh | en")] = "zh",
) -> None:
    """Print the 【行动项】 list of a meeting."""
    from luodi.render.action_list import render_action_list
    from luodi.services.capture import meetings
    from luodi.services.send import lists

    if format not in ("text", "html", "markdown"):
        fail(_("--format: expected text, html or markdown, got {value!r}").format(value=format))
    if lang not in ("zh", "en"):
        fail(_("--lang: expected zh or en, got {value!r}").format(value=lang))
    with session_scope() as session, service_errors():
        view = lists.build_view(session, meetings.get(session, meeting_id), tz=settings().tz)
    typer.echo(render_action_list(view, lang=lang, fmt=format, template_dir=settings().template_dir))  # type: ignore[arg-type]


@app.command("send")
def send(
    meeting_id: int,
    resend: Annotated[bool, typer.Option("--resend", help="Send again although already sent")] = False,
    json: JsonOpt = False,
) -> None:
    """Email the list to every attendee, each owner with a personal confirmation link."""
    from luodi.services.send import lists
    from luodi.worker.runner import deliver_now

    cfg = settings()
    options = lists.SendOptions.from_settings(cfg)
    with session_scope() as session, service_errors():
        report = lists.send(session, meeting_id, resend=resend, now=now(), options=options)
        session.commit()
        outcomes = deliver_now(session, report.outbox_ids, settings=cfg)
    sent = [i for i, status in outcomes.items() if status == "sent"]
    document = {"meeting_id": meeting_id, "already_sent": report.already_sent,
                "sent_at": report.sent_at.isoformat() if report.sent_at else None,
                "recipients": report.recipients, "unreachable": report.unreachable,
                "delivered": len(sent), "queued": len(outcomes) - len(sent), "outbox": outcomes}
    if json:
        print_json(document)
    elif report.already_sent:
        when = f"{report.sent_at:%Y-%m-%d %H:%M}"
        typer.echo(_("already sent at {when} UTC; nothing sent (use --resend)").format(when=when))
    else:
        typer.echo(_("sent to {sent} of {total}: {names}").format(
            sent=len(sent), total=len(outcomes), names=", ".join(report.recipients)))
        for name in report.unreachable:
            typer.echo(_("warning: {name} has no email address").format(name=name), err=True)
        if len(sent) < len(outcomes):
            typer.echo(_("{count} not delivered yet; the worker retries them (see `luodi outbox list`)").format(
                count=len(outcomes) - len(sent)), err=True)
    if len(sent) < len(outcomes):
        raise typer.Exit(1)


@app.command("status")
def status(
    meeting_id: int,
    at: Annotated[str | None, typer.Option("--at", help="Local time, YYYY-MM-DDTHH:MM (default now)")] = None,
    json: JsonOpt = False,
) -> None:
    """Who has confirmed; after the confirmation deadline, the call list."""
    from rich.console import Console
    from rich.table import Table

    from luodi.services.send.status import meeting_status

    with session_scope() as session, service_errors():
        result = meeting_status(session, meeting_id, at=parse_at(at))
    if json:
        print_json(result.to_json())
        return
    tz = settings().tz
    console = Console()
    sent = f"{result.sent_at.astimezone(tz):%Y-%m-%d %H:%M}" if result.sent_at else _("not sent")
    deadline = f"{result.deadline.astimezone(tz):%Y-%m-%d %H:%M}" if result.deadline else "-"
    console.print(_("{title}  sent: {sent}  deadline: {deadline}").format(
        title=result.title, sent=sent, deadline=deadline))
    table = Table(_("code"), _("title"), _("owner"), _("due"), _("confirmed"))
    for item in result.items:
        table.add_row(item["code"], item["title"], item["owner"], item["due"], "✓" if item["confirmed"] else "✗")
    console.print(table)
    if result.past_deadline:
        calls = Table(_("owner"), _("phone"), _("items"), title=_("call list"))
        for entry in result.call_list:
            calls.add_row(entry.owner, entry.phone or "-", ", ".join(entry.items))
        console.print(calls if result.call_list else _("everyone has confirmed"))


@app.command("close")
def close(
    meeting_id: int,
    went_well: Annotated[str, typer.Option("--went-well", help="What went well")],
    improve: Annotated[str, typer.Option("--improve", help="What to improve")],
    reusable: Annotated[str, typer.Option("--reusable", help="Which methods to reuse")],
    next_: Annotated[list[str] | None, typer.Option(
        "--next", help="A next-phase item TITLE|OWNER|DUE[|DELIVERABLE] (repeat); they become a new list")] = None,
    as_: Annotated[str | None, typer.Option("--as", help="The coordinator")] = None,
    json: JsonOpt = False,
) -> None:
    """Close the loop (CLOSE-1): every item accepted, the retrospective recorded, the next phase spun off."""
    from luodi.render.reports import render_report
    from luodi.services.accept import closure, next_phase
    from luodi.services.accounts import people
    from luodi.services.audit import Actor

    cfg, moment = settings(), now()
    today = moment.astimezone(cfg.tz).date()
    with session_scope() as session, service_errors():
        actor = Actor.person(people.get_by_name(session, as_).id if as_ else None, "cli")
        upcoming = [next_phase.parse_next(text, today=today) for text in next_ or []]
        meeting, retro, following = closure.close(
            session, meeting_id, closure.Retro(went_well, improve, reusable), next_items=upcoming, actor=actor,
            now=moment, tz=cfg.tz)
        session.commit()
        view = closure.view(session, meeting, tz=cfg.tz)
    document = {"meeting_id": meeting.id, "closed_at": meeting.closed_at.isoformat() if meeting.closed_at else None,
                "retrospective": {"went_well": retro.went_well, "improve": retro.improve, "reusable": retro.reusable},
                "next_meeting_id": following.id if following else None,
                "items": [{"code": i.code, "score": i.score} for i in view.items]}
    if json:
        print_json(document)
        return
    typer.echo(render_report("closure", view, lang=cfg.language, fmt="markdown", today=today,
                             subject=closure.subject(view, cfg.language), template_dir=cfg.template_dir))
