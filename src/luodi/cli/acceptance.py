"""``luodi submit``, ``luodi accept`` and ``luodi checklist`` (ACC-1…4, FU-6)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

import typer

from luodi.cli.context import fail, now, print_json, service_errors, session_scope, settings
from luodi.i18n import gettext as _

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout")]
ProjectOpt = Annotated[str | None, typer.Option("--project", help="Project, when the code is ambiguous")]


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        fail(_("{option}: expected YYYY-MM-DD, got {value!r}").format(option=option, value=value))


def _time(value: str | None) -> time | None:
    """The time part of ``2026-09-22T17:00`` (None when only a date is given)."""
    if value is None or len(value.strip()) <= 10:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace(" ", "T", 1)).time()
    except ValueError:
        fail(_("--revise-by: expected YYYY-MM-DD[THH:MM], got {value!r}").format(value=value))


def submit(
    code: Annotated[str, typer.Argument(help="The item (T001)")],
    link: Annotated[str, typer.Option("--link", help="Where the deliverable is (URL or file path)")],
    draft: Annotated[bool, typer.Option("--draft", help="An early draft, for feedback")] = False,
    partial: Annotated[bool, typer.Option("--partial", help="A short version (简版); give --full-by")] = False,
    full_by: Annotated[str | None, typer.Option("--full-by", help="When the full version comes (YYYY-MM-DD)")
                       ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note for the reviewer")] = None,
    as_: Annotated[str | None, typer.Option("--as", help="Who submits (default: the owner)")] = None,
    project: ProjectOpt = None,
    json: JsonOpt = False,
) -> None:
    """Hand in a deliverable: final by default, --draft early, --partial with --full-by."""
    from luodi.domain.scoring import SubmissionKind
    from luodi.services.accept import submissions
    from luodi.services.accounts import people
    from luodi.services.track import items

    if draft and partial:
        fail(_("give at most one of --draft and --partial"))
    kind = SubmissionKind.DRAFT if draft else SubmissionKind.PARTIAL if partial else SubmissionKind.FINAL
    moment = now()
    with session_scope() as session, service_errors():
        item = items.by_code(session, code, project=project)
        person = people.get_by_name(session, as_) if as_ else item.owner
        row = submissions.submit(session, item, person, link=link, kind=kind, note=note,
                                 full_due=_date(full_by, "--full-by"), today=moment.astimezone(settings().tz).date(),
                                 now=moment)
        session.commit()
        document = submissions.public(row, item)
    if json:
        print_json(document)
    else:
        typer.echo(_("{code}: {kind} submitted ({link})").format(code=item.code, kind=kind.value, link=row.link))


def accept(
    code: Annotated[str, typer.Argument(help="The item (T001)")],
    score: Annotated[str, typer.Option("--score", help="completeness=4,accuracy=5,executability=3,innovation=3")],
    check: Annotated[list[str] | None, typer.Option("--check", help="A checklist line that holds (number or text)")
                     ] = None,
    pass_: Annotated[bool, typer.Option("--pass", help="Accept it")] = False,
    fail_: Annotated[bool, typer.Option("--fail", help="Send it back for revision")] = False,
    revise_by: Annotated[str | None, typer.Option("--revise-by", help="Revision deadline YYYY-MM-DD[THH:MM]")
                         ] = None,
    problem: Annotated[list[str] | None, typer.Option("--problem", help="A problem to fix (fail)")] = None,
    strength: Annotated[list[str] | None, typer.Option("--strength", help="What was done well (pass)")] = None,
    suggestion: Annotated[list[str] | None, typer.Option("--suggestion", help="A small suggestion (pass)")] = None,
    as_: Annotated[str | None, typer.Option("--as", help="The reviewer (signs the feedback)")] = None,
    project: ProjectOpt = None,
    json: JsonOpt = False,
) -> None:
    """Score the rubric, walk the checklist, pass or fail; the feedback goes to the owner."""
    from luodi.domain.scoring import RubricError, parse_scores
    from luodi.services.accept import acceptance
    from luodi.services.accounts import people
    from luodi.services.track import items
    from luodi.worker.runner import deliver_now

    if pass_ == fail_:
        fail(_("give exactly one of --pass or --fail"))
    try:
        scores = parse_scores(score)
    except RubricError as exc:
        fail(f"--score: {exc}")
    verdict = acceptance.Verdict(scores=scores, passed=pass_, checks=check or [], problems=problem or [],
                                 strengths=strength or [], suggestions=suggestion or [],
                                 revise_by=_date(revise_by, "--revise-by"), revise_at=_time(revise_by))
    cfg = settings()
    with session_scope() as session, service_errors():
        item = items.by_code(session, code, project=project)
        reviewer = people.get_by_name(session, as_) if as_ else None
        result = acceptance.accept(session, item, verdict, reviewer=reviewer, now=now(), tz=cfg.tz,
                                   template_dir=cfg.template_dir)
        session.commit()
        document = result.to_json()
        document["delivered"] = deliver_now(session, result.outbox_ids, settings=cfg) if result.outbox_ids else {}
    if json:
        print_json(document)
        return
    verdict_text = _("passed") if document["passed"] else _("revision by {date}").format(date=document["revise_by"])
    typer.echo(_("{code} round {round}: {score} points, {verdict}").format(
        code=document["item"], round=document["round"], score=document["score"], verdict=verdict_text))
    if document["closure_ready"]:
        typer.echo(_("every item of the meeting is accepted: the closure agenda went to the coordinator"))


def checklist(
    code: Annotated[str, typer.Argument(help="The item (T001)")],
    line: Annotated[list[str] | None, typer.Option("--line", help="Replace the checklist with these lines")] = None,
    project: ProjectOpt = None,
    json: JsonOpt = False,
) -> None:
    """Show an item's acceptance checklist (set from its deliverable type); --line replaces it."""
    from luodi.services.accept import checklists
    from luodi.services.audit import Actor
    from luodi.services.track import items

    with session_scope() as session, service_errors():
        item = items.by_code(session, code, project=project)
        if line:
            lines = checklists.set_lines(session, item, line, actor=Actor.system("cli"), now=now())
            session.commit()
        else:
            lines = [row.text for row in checklists.ensure(session, item)]
            session.commit()
    if json:
        print_json({"item": item.code, "checklist": lines})
        return
    for position, text in enumerate(lines, start=1):
        typer.echo(f"{position}. ☐ {text}")
