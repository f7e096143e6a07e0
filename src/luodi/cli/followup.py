"""``luodi today``, ``followup done``, ``blocker add|clear|list``, ``standup add``, ``cadence``,
``profile`` and ``carryover`` (FU-2…6, SYNC-2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from luodi.cli.context import fail, now, parse_at, print_json, service_errors, session_scope, settings
from luodi.i18n import gettext as _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from luodi.models import Person

followup_app = typer.Typer(no_args_is_help=True)
blocker_app = typer.Typer(no_args_is_help=True)
standup_app = typer.Typer(no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout")]
ProjectOpt = Annotated[str | None, typer.Option("--project", help="Project, when the code is ambiguous")]


def _person(session: Session, name: str | None) -> Person | None:
    from luodi.services.accounts import people

    return people.get_by_name(session, name) if name else None


def today(
    at: Annotated[str | None, typer.Option("--at", help="Local time, YYYY-MM-DDTHH:MM (default now)")] = None,
    as_: Annotated[str | None, typer.Option("--as", help="The coordinator (default: everyone's items)")] = None,
    project: Annotated[str | None, typer.Option("--project", help="Only this project")] = None,
    digest: Annotated[bool, typer.Option("--digest", help="Also email the list to the coordinator (--as)")] = False,
    json: JsonOpt = False,
) -> None:
    """Today's follow-ups: whom to contact, why, how, with a message ready to send. Blockers first."""
    from luodi.services.followup import followups
    from luodi.services.rules import digests
    from luodi.services.rules.rule_context import RuleContext

    cfg = settings()
    moment = parse_at(at)
    if digest and not as_:
        fail(_("--digest needs --as NAME (whom to send it to)"))
    with session_scope() as session, service_errors():
        coordinator = _person(session, as_)
        agenda = followups.build(session, now=moment, tz=cfg.tz, calendar=RuleContext.from_settings(cfg).calendar,
                                 coordinator=coordinator, project=project)
        document = agenda.to_json(cfg.language)
        queued = digests.queue_today(agenda, coordinator, now=moment, template_dir=cfg.template_dir) \
            if digest and coordinator else None
        session.commit()
        if queued is not None:
            from luodi.worker.runner import deliver_now

            document["digest"] = deliver_now(session, [queued.id], settings=cfg).get(queued.id)
    if json:
        print_json(document)
        return
    _print_today(document)


def _print_today(document: dict[str, object]) -> None:
    rows = document["followups"]
    assert isinstance(rows, list)
    if not rows:
        typer.echo(_("Nobody needs a follow-up today."))
    for row in rows:
        mark = "✓" if row["done"] else "•"
        typer.echo(f"{mark} [{row['id']}] {row['reason_text']} · {row['owner']} · {row['channel']} · "
                   f"{row['item']} {row['title']}")
        typer.echo(f"    {row['message']}")
        for help_ in row["interventions"]:
            typer.echo(f"    → {help_['text']}")
        if row["outcome"]:
            typer.echo(f"    = {row['outcome']}")


@followup_app.command("done")
def followup_done(
    followup_id: Annotated[int, typer.Argument(help="The follow-up's id (from `luodi today`)")],
    outcome: Annotated[str, typer.Option("--outcome", help="What came of it")],
    as_: Annotated[str | None, typer.Option("--as", help="Who followed up")] = None,
    json: JsonOpt = False,
) -> None:
    """Mark a follow-up done and keep its outcome."""
    from luodi.services.audit import Actor
    from luodi.services.followup import followups

    with session_scope() as session, service_errors():
        person = _person(session, as_)
        row = followups.mark_done(session, followup_id, outcome, actor=Actor.person(person.id if person else None,
                                                                                   "cli"), now=now())
        session.commit()
        document = {"id": row.id, "item": row.item.code, "status": row.status.value, "outcome": row.outcome}
    if json:
        print_json(document)
    else:
        typer.echo(_("follow-up {id} done: {outcome}").format(id=row.id, outcome=row.outcome))


@blocker_app.command("add")
def blocker_add(
    code: Annotated[str, typer.Argument(help="The item that is blocked (T001)")],
    what: Annotated[str, typer.Option("--what", help="What the owner waits for")],
    waiting_on: Annotated[str | None, typer.Option("--waiting-on", help="Who can clear it (a name or a team)")
                          ] = None,
    as_: Annotated[str | None, typer.Option("--as", help="Who is blocked (default: the item's owner)")] = None,
    project: ProjectOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record a blocker: what the owner waits for, and from whom."""
    from luodi.services.followup import blockers
    from luodi.services.track import items

    with session_scope() as session, service_errors():
        item = items.by_code(session, code, project=project)
        blocker = blockers.add(session, item=item, person=_person(session, as_) or item.owner, what=what,
                               waiting_on=waiting_on, source="cli", now=now())
        session.commit()
        document = blockers.public(blocker)
    if json:
        print_json(document)
    else:
        typer.echo(_("blocker {id} on {code}: {what}").format(id=document["id"], code=item.code, what=what))


@blocker_app.command("clear")
def blocker_clear(
    blocker_id: Annotated[int, typer.Argument(help="The blocker's id")],
    note: Annotated[str | None, typer.Option("--note", help="How it was cleared")] = None,
    as_: Annotated[str | None, typer.Option("--as", help="Who cleared it")] = None,
    json: JsonOpt = False,
) -> None:
    """Clear a blocker; the time it took is kept."""
    from luodi.services.audit import Actor
    from luodi.services.followup import blockers

    with session_scope() as session, service_errors():
        person = _person(session, as_)
        blocker = blockers.clear(session, blocker_id, actor=Actor.person(person.id if person else None, "cli"),
                                 now=now(), resolution=note)
        session.commit()
        document = blockers.public(blocker)
    if json:
        print_json(document)
    else:
        typer.echo(_("blocker {id} cleared after {minutes} minutes").format(
            id=blocker_id, minutes=document["minutes_open"]))


@blocker_app.command("list")
def blocker_list(
    all_: Annotated[bool, typer.Option("--all", help="Also the cleared ones")] = False,
    json: JsonOpt = False,
) -> None:
    """List blockers, open ones by default."""
    from luodi.services.followup import blockers

    with session_scope() as session:
        rows = [blockers.public(b) for b in blockers.list_blockers(session, open_only=not all_)]
    if json:
        print_json(rows)
        return
    for row in rows:
        cleared = _("cleared after {minutes} min").format(minutes=row["minutes_open"]) if row["cleared_at"] else ""
        typer.echo(f"[{row['id']}] {row['item'] or '—'} {row['person']}: {row['what']}"
                   f"{' ← ' + str(row['waiting_on']) if row['waiting_on'] else ''} {cleared}".rstrip())


@standup_app.command("add")
def standup_add(
    as_: Annotated[str, typer.Option("--as", help="Who answers")],
    yesterday: Annotated[str, typer.Option("--yesterday", help="What you finished yesterday")],
    today_: Annotated[str, typer.Option("--today", help="What you plan to do today")],
    blockers: Annotated[str | None, typer.Option("--blockers", help="What blocks you (becomes a blocker)")] = None,
    item: Annotated[str | None, typer.Option("--item", help="The item the blocker is about")] = None,
    waiting_on: Annotated[str | None, typer.Option("--waiting-on", help="Who can clear the blocker")] = None,
    project: Annotated[str | None, typer.Option("--project", help="Project")] = None,
    json: JsonOpt = False,
) -> None:
    """Answer the three standup questions (once a day; answering again replaces it)."""
    from luodi.services.accounts import people
    from luodi.services.followup import standups
    from luodi.services.track import items

    moment = now()
    with session_scope() as session, service_errors():
        person = people.get_by_name(session, as_)
        target = items.by_code(session, item, project=project) if item else None
        standup = standups.add(session, person, yesterday=yesterday, today=today_, blockers=blockers,
                               day=moment.astimezone(settings().tz).date(), now=moment, item=target,
                               waiting_on=waiting_on, project=project)
        session.commit()
        document = {"id": standup.id, "person": person.name, "date": standup.day.isoformat(),
                    "blockers": standup.blockers}
    if json:
        print_json(document)
    else:
        typer.echo(_("standup of {name} on {date} recorded").format(name=person.name, date=document["date"]))


def cadence(
    code: Annotated[str, typer.Argument(help="The item (T001)")],
    at: Annotated[str | None, typer.Option("--at", help="Local time (default now)")] = None,
    project: ProjectOpt = None,
    json: JsonOpt = False,
) -> None:
    """The item's follow-up plan from the article's table: the most frequent rule wins."""
    from luodi.services.followup import cadence as cadence_service
    from luodi.services.rules.rule_context import RuleContext
    from luodi.services.track import items

    cfg = settings()
    with session_scope() as session, service_errors():
        item = items.by_code(session, code, project=project)
        document = cadence_service.plan(session, item, tz=cfg.tz, calendar=RuleContext.from_settings(cfg).calendar,
                                        today=parse_at(at).astimezone(cfg.tz).date())
    if json:
        print_json(document)
        return
    typer.echo(f"{document['item']} {document['title']} · {document['owner']} · {', '.join(document['profile'])}")
    typer.echo(_("rule {rule}: every {days} day(s) by {channels}").format(
        rule=document["rule"], days=document["every_days"] or "—", channels=", ".join(document["channels"])))
    typer.echo(" ".join(f"{p['date'][5:]}({p['rule']})" for p in document["plan"]))


def profile(
    name: Annotated[str, typer.Argument(help="The owner")],
    set_: Annotated[str | None, typer.Option("--set", help="reliable | delay_history | first_time | auto")] = None,
    json: JsonOpt = False,
) -> None:
    """An owner's record and profile; --set sets it by hand (auto: computed from history)."""
    from luodi.services.accounts import people
    from luodi.services.audit import Actor
    from luodi.services.followup import profiles

    with session_scope() as session, service_errors():
        person = people.get_by_name(session, name)
        if set_ is not None:
            profiles.set_profile(session, person, set_, actor=Actor.system("cli"), now=now())
            session.commit()
        document = profiles.profile_public(session, person, tz=settings().tz)
    if json:
        print_json(document)
    else:
        typer.echo(f"{name}: {document['manual'] or ', '.join(document['computed']) or '—'} "
                   f"({document['on_time']}/{document['on_time'] + document['late']})")


def carryover(
    meeting_id: Annotated[int, typer.Argument(help="The meeting whose open items carry over")],
    start: Annotated[bool, typer.Option("--start", help="Open the next meeting's list with them")] = False,
    json: JsonOpt = False,
) -> None:
    """The next follow-up meeting's agenda: every open and overdue item, 「延续自 9月28日」."""
    from luodi.render.reports import render_report
    from luodi.services.accept import next_phase

    cfg, moment = settings(), now()
    with session_scope() as session, service_errors():
        document: dict[str, object] = {}
        if start:
            following, count = next_phase.start_next(session, meeting_id, now=moment, tz=cfg.tz)
            session.commit()
            document |= {"next_meeting_id": following.id, "carried": count}
        view = next_phase.agenda(session, meeting_id, now=moment, tz=cfg.tz)
    document |= {"meeting_id": meeting_id, "items": [
        {"code": i.code, "title": i.title, "owner": i.owner, "due": i.due.isoformat(), "status": i.status.value,
         "carried_from": i.carried_from.isoformat() if i.carried_from else None,
         "overdue": i.due < view.today} for i in view.items]}
    if json:
        print_json(document)
        return
    subject = _("[Next follow-up meeting] {title}").format(title=view.title)
    typer.echo(render_report("carryover", view, lang=cfg.language, fmt="markdown", subject=subject,
                             today=view.today, template_dir=cfg.template_dir))
