"""/api/v1 for follow-up (issue 5): today, follow-ups, blockers, standups, submissions, acceptance,
closure, carry-over, the weekly review, metrics and cadence. Bearer tokens (CurrentViewer); every
route declares its response model."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from luodi.domain.roles import Permission
from luodi.domain.scoring import SubmissionKind
from luodi.i18n import translations
from luodi.models import Person
from luodi.render.report_views import ReportItem
from luodi.render.reports import risk_responses
from luodi.services.accept import acceptance, closure, metrics, next_phase, submissions
from luodi.services.accounts.access import Viewer
from luodi.services.audit import Actor
from luodi.services.capture import meetings
from luodi.services.followup import blockers, cadence, followups, reports, standups
from luodi.services.rules.rule_context import RuleContext
from luodi.services.track import items
from luodi.web.api import followup_schemas as schema
from luodi.web.api.contract import BEARER, errors, operation_id
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep, local_today
from luodi.web.forms.followup import require_reporter
from luodi.web.pages.followup import FollowUpRef
from luodi.web.pages.navigation import visible_agenda
from luodi.web.templating import request_language

router = APIRouter(prefix="/api/v1", tags=["follow-up"], dependencies=[Depends(BEARER)],
                   generate_unique_id_function=operation_id)
Id = Annotated[int, Path(ge=1, le=2**31 - 1, description="The id from a list or an earlier answer")]
Project = Annotated[str | None, Query(
    max_length=200, description="A project's name; without it, every project (only for a token that reads "
                                "them all: 404 otherwise)")]


def _readable(session: SessionDep, viewer: Viewer, project: str | None) -> None:
    """A project the viewer reads; without one, the viewer must read every project (404 otherwise)."""
    if project:
        viewer.require(Permission.READ, metrics.project_id_of(session, project), key=project)
    elif viewer.visible_projects() is not None:
        viewer.require(Permission.READ, None, what="project", key="")


def _line(item: ReportItem) -> schema.ReportLine:
    return schema.ReportLine(**{**asdict(item), "status": item.status.value})


@router.get("/today", response_model=schema.Today, summary="Today's follow-ups", responses=errors(422))
def today(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
          everyone: Annotated[bool, Query(alias="all", description="Every coordinator's (admins)")] = False
          ) -> schema.Today:
    """Whom the token's user should contact today and why, blockers first, each with a message ready
    to send and, for a stuck item, the likely cause and what to do about it (FU-5). `all=true` shows
    every coordinator's (admins). Computed on read: an entry is stored (`id`) once marked done; until
    then its `key` names it (POST /api/v1/followups/{ref}/done)."""
    coordinator = None if everyone and viewer.is_admin else session.get_one(Person, viewer.person_id)
    agenda = visible_agenda(session, viewer, now=clock.now(), settings=settings, coordinator=coordinator)
    document = agenda.to_json(request_language(request))
    session.commit()
    return schema.Today.model_validate(document)


@router.post("/followups/{ref}/done", response_model=schema.FollowUpPublic,
             summary="Record a follow-up's outcome", responses=errors(400, 403, 404, 409, 422))
def followup_done(request: Request, ref: FollowUpRef, body: schema.FollowUpDone, session: SessionDep,
                  settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer) -> schema.FollowUpPublic:
    """Mark one follow-up done with what came of it: `ref` is its `key` from /today (or a stored
    `id`); 409 when it already was."""
    viewer.require_item(Permission.EDIT, followups.item_of(session, ref))
    row = followups.mark_done(session, ref, body.outcome, actor=Actor.person(viewer.person_id, "api"),
                              now=clock.now(), tz=settings.tz, calendar=RuleContext.from_settings(settings).calendar)
    session.commit()
    agenda = followups.Agenda(day=row.day, coordinator=None, rows=[followups.Line.of_row(row)], interventions={})
    return schema.FollowUpPublic.model_validate(agenda.to_json(request_language(request))["followups"][0])


@router.post("/items/{item_id}/blockers", response_model=schema.BlockerPublic, status_code=201,
             summary="Report a blocker", responses=errors(400, 403, 404, 422))
def blocker_add(item_id: Id, body: schema.BlockerCreate, session: SessionDep, clock: ClockDep,
                viewer: CurrentViewer) -> schema.BlockerPublic:
    """Record what the item's owner is waiting for; it heads today's follow-ups until cleared."""
    item = items.get(session, item_id)
    viewer.require_item(Permission.UPDATE, item)
    row = blockers.add(session, item=item, person=item.owner, what=body.what, waiting_on=body.waiting_on,
                       source="api", now=clock.now())
    session.commit()
    return schema.BlockerPublic.model_validate(blockers.public(row))


@router.post("/blockers/{blocker_id}/clear", response_model=schema.BlockerPublic, summary="Clear a blocker",
             responses=errors(400, 403, 404, 409, 422))
def blocker_clear(blocker_id: Id, body: schema.BlockerClear, session: SessionDep, clock: ClockDep,
                  viewer: CurrentViewer) -> schema.BlockerPublic:
    """The blocker is gone: say how, and luodi counts how long it stood (409 when already cleared)."""
    found = blockers.get(session, blocker_id)
    viewer.require(Permission.EDIT, found.item.project_id if found.item else None, what="blocker", key=blocker_id)
    row = blockers.clear(session, blocker_id, actor=Actor.person(viewer.person_id, "api"), now=clock.now(),
                         resolution=body.note)
    session.commit()
    return schema.BlockerPublic.model_validate(blockers.public(row))


@router.post("/standups", response_model=schema.StandupAnswer, status_code=201, summary="Answer today's standup",
             responses=errors(400, 403, 422))
def standup_add(body: schema.StandupCreate, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                viewer: CurrentViewer) -> schema.StandupAnswer:
    """The token's user answers the three standup questions for today; a blocker named here is
    recorded as one."""
    require_reporter(viewer)
    person = session.get_one(Person, viewer.person_id)
    row = standups.add(session, person, yesterday=body.yesterday, today=body.today, blockers=body.blockers,
                       day=local_today(settings, clock), now=clock.now(), source="api")
    session.commit()
    return schema.StandupAnswer(person=person.name, yesterday=row.yesterday, today=row.today, blockers=row.blockers)


@router.get("/reports/standup", response_model=schema.StandupDigest, summary="A day's standup",
            responses=errors(404, 422))
def standup_digest(session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
                   day: Annotated[date | None, Query(alias="date", description="Default: today")] = None,
                   project: Project = None) -> schema.StandupDigest:
    """The day's standup answers, who has not answered yet, and the blockers still open."""
    _readable(session, viewer, project)
    found = standups.digest(session, day or local_today(settings, clock), project=project)
    return schema.StandupDigest.model_validate(found.to_json())


@router.get("/reports/weekly", response_model=schema.Weekly, summary="The weekly review",
            responses=errors(400, 404, 422))
def weekly(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
           week: Annotated[str, Query(pattern=r"^\d{4}-W\d{2}$", description="An ISO week, e.g. 2026-W40 "
                                                                             "(400 for a week that does not exist)")],
           project: Project = None) -> schema.Weekly:
    """The week's review in its four parts (SYNC-3): done, delayed, next week, and the risks with
    what to do about each; plus the meeting's agenda in minutes and whether a standup or a meeting
    fits the week better."""
    _readable(session, viewer, project)
    view = reports.weekly(session, week, project=project, now=clock.now(), tz=settings.tz, with_metrics=False)
    lang = request_language(request)
    return schema.Weekly(
        week=view.week, monday=view.monday, sunday=view.sunday, project=view.project,
        completed=[_line(i) for i in view.completed], delayed=[_line(i) for i in view.delayed],
        next_week=[_line(i) for i in view.next_week], recommendation=view.recommendation,
        agenda=[(translations(lang).gettext(title), minutes) for title, minutes in view.agenda],
        risks=[schema.RiskLine(item=_line(r.item), kind=r.kind, detail=r.detail, responses=risk_responses(r, lang))
               for r in view.risks])


@router.post("/items/{item_id}/submissions", response_model=schema.SubmissionPublic, status_code=201,
             summary="Hand in a deliverable", responses=errors(400, 403, 404, 409, 412, 422))
def submit(item_id: Id, body: schema.SubmissionCreate, session: SessionDep, settings: SettingsDep,
           clock: ClockDep, viewer: CurrentViewer) -> schema.SubmissionPublic:
    """The owner hands in the item's deliverable as a link: final, a draft, or a partial version with
    the date of the full one. 409 once the item is accepted."""
    item = items.get(session, item_id)
    viewer.require_item(Permission.UPDATE, item)
    row = submissions.submit(session, item, item.owner, link=body.link, kind=SubmissionKind(body.kind),
                             note=body.note, full_due=body.full_by, today=local_today(settings, clock),
                             now=clock.now(), via="api")
    session.commit()
    return schema.SubmissionPublic.model_validate(submissions.public(row, item))


@router.post("/items/{item_id}/acceptance", response_model=schema.AcceptancePublic, status_code=201,
             summary="Accept or return a deliverable", responses=errors(400, 403, 404, 409, 412, 422))
def accept(item_id: Id, body: schema.AcceptanceCreate, session: SessionDep, settings: SettingsDep,
           clock: ClockDep, viewer: CurrentViewer) -> schema.AcceptancePublic:
    """One acceptance round (ACC-3/4): the rubric's scores (completeness, accuracy, executability,
    innovation, each 1–5), the checklist lines that hold, problems, strengths and suggestions. The
    score is computed and the feedback queued for the owner; a failed round sets a date to revise
    by. 409 without a submission, or once accepted."""
    item = items.get(session, item_id)
    viewer.require_item(Permission.EDIT, item)
    verdict = acceptance.Verdict(scores=body.scores, passed=body.passed, checks=body.checks, problems=body.problems,
                                 strengths=body.strengths, suggestions=body.suggestions, revise_by=body.revise_by)
    result = acceptance.accept(session, item, verdict, reviewer=session.get_one(Person, viewer.person_id),
                               now=clock.now(), tz=settings.tz, template_dir=settings.template_dir)
    session.commit()
    return schema.AcceptancePublic.model_validate(result.to_json())


@router.get("/items/{item_id}/cadence", response_model=schema.Cadence, summary="How often to follow an item up",
            responses=errors(404, 422))
def item_cadence(item_id: Id, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
                 viewer: CurrentViewer) -> schema.Cadence:
    """The follow-up rhythm for this item and owner (short or long task, first-timer or reliable),
    the key dates, and the planned contacts until the due date."""
    item = items.get(session, item_id)
    viewer.require_item(Permission.READ, item)
    return schema.Cadence.model_validate(cadence.plan(session, item, tz=settings.tz, today=local_today(
        settings, clock), calendar=RuleContext.from_settings(settings).calendar))


@router.post("/meetings/{meeting_id}/close", response_model=schema.MeetingClosed, summary="Close a meeting",
             responses=errors(400, 403, 404, 409, 422))
def close(meeting_id: Id, body: schema.MeetingClose, session: SessionDep, settings: SettingsDep, clock: ClockDep,
          viewer: CurrentViewer) -> schema.MeetingClosed:
    """Close the loop: the retrospective's three answers, and optionally the next phase's items,
    which start the next meeting. 409 while an item is not accepted yet, or when already closed."""
    meeting = meetings.get(session, meeting_id)
    viewer.require(Permission.EDIT, meeting.project_id, what="meeting", key=meeting_id)
    upcoming = [next_phase.parse_next(text, today=local_today(settings, clock)) for text in body.next]
    found, _retro, following = closure.close(
        session, meeting_id, closure.Retro(body.went_well, body.improve, body.reusable), next_items=upcoming,
        actor=Actor.person(viewer.person_id, "api"), now=clock.now(), tz=settings.tz)
    session.commit()
    assert found.closed_at is not None
    return schema.MeetingClosed(meeting_id=found.id, closed_at=found.closed_at.isoformat(),
                                next_meeting_id=following.id if following else None)


@router.get("/meetings/{meeting_id}/carryover", response_model=schema.CarryOver, summary="What carries over",
            responses=errors(404, 422))
def carryover(meeting_id: Id, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
              viewer: CurrentViewer) -> schema.CarryOver:
    """The meeting's items still open, which the next meeting's agenda takes over."""
    meeting = meetings.get(session, meeting_id)
    viewer.require(Permission.READ, meeting.project_id, what="meeting", key=meeting_id)
    view = next_phase.agenda(session, meeting_id, now=clock.now(), tz=settings.tz)
    return schema.CarryOver(meeting_id=meeting_id, items=[_line(i) for i in view.items])


@router.post("/meetings/{meeting_id}/carryover", response_model=schema.CarryOver, status_code=201,
             summary="Start the next meeting", responses=errors(403, 404, 422))
def carryover_start(meeting_id: Id, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                    viewer: CurrentViewer) -> schema.CarryOver:
    """Create the next meeting with the open items carried over; its id is `next_meeting_id`."""
    meeting = meetings.get(session, meeting_id)
    viewer.require(Permission.EDIT, meeting.project_id, what="meeting", key=meeting_id)
    following, _count = next_phase.start_next(session, meeting_id, now=clock.now(), tz=settings.tz)
    session.commit()
    view = next_phase.agenda(session, meeting_id, now=clock.now(), tz=settings.tz)
    return schema.CarryOver(meeting_id=meeting_id, items=[_line(i) for i in view.items],
                            next_meeting_id=following.id)


@router.get("/metrics", response_model=schema.Metrics, summary="How well decisions land",
            responses=errors(400, 404, 422))
def figures(session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
            project: Project = None,
            start: Annotated[date | None, Query(alias="from", description="First day (default: 4 weeks ago)")] = None,
            end: Annotated[date | None, Query(alias="to", description="Last day (default: today)")] = None
            ) -> schema.Metrics:
    """The figures of MET-1 for a project and a period: landing rate, clear owners, followed up, on
    time and the average delay, per owner, per week and per meeting (400 when `from` is after `to`)."""
    _readable(session, viewer, project)
    today = local_today(settings, clock)
    first, last = metrics.period(start, end, today=today)
    result, view = metrics.summary(session, start=first, end=last, project=project, tz=settings.tz,
                                   as_of=min(today, last))
    return schema.Metrics.model_validate(metrics.to_json(result, view, project=project))
