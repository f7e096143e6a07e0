"""/api/v1 for follow-up (issue 5): today, follow-ups, blockers, standups, submissions, acceptance,
closure, carry-over, the weekly review, metrics and cadence. Bearer tokens (CurrentViewer); every
route declares its response model."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

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
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep, local_today
from luodi.web.errors import ERROR_RESPONSES
from luodi.web.forms.followup import require_reporter
from luodi.web.pages.followup import FollowUpRef
from luodi.web.pages.navigation import visible_agenda
from luodi.web.templating import request_language

router = APIRouter(prefix="/api/v1", tags=["follow-up"], responses=ERROR_RESPONSES)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _readable(session: SessionDep, viewer: Viewer, project: str | None) -> None:
    """A project the viewer reads; without one, the viewer must read every project (404 otherwise)."""
    if project:
        viewer.require(Permission.READ, metrics.project_id_of(session, project), key=project)
    elif viewer.visible_projects() is not None:
        viewer.require(Permission.READ, None, what="project", key="")


def _line(item: ReportItem) -> schema.ReportLine:
    return schema.ReportLine(**{**asdict(item), "status": item.status.value})


@router.get("/today", response_model=schema.Today)
def today(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
          everyone: Annotated[bool, Query(alias="all", description="Every coordinator's (admins)")] = False
          ) -> schema.Today:
    """The viewer's follow-ups today, blockers first (FU-5), computed on read: an entry is stored
    (``id``) once marked done; until then ``key`` names it."""
    coordinator = None if everyone and viewer.is_admin else session.get_one(Person, viewer.person_id)
    agenda = visible_agenda(session, viewer, now=clock.now(), settings=settings, coordinator=coordinator)
    document = agenda.to_json(request_language(request))
    session.commit()
    return schema.Today.model_validate(document)


@router.post("/followups/{ref}/done", response_model=schema.FollowUpPublic)
def followup_done(request: Request, ref: FollowUpRef, body: schema.FollowUpDone, session: SessionDep,
                  settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer) -> schema.FollowUpPublic:
    """Mark one follow-up done with its outcome: ``ref`` is its ``key`` from /today (or a stored ``id``)."""
    viewer.require_item(Permission.EDIT, followups.item_of(session, ref))
    row = followups.mark_done(session, ref, body.outcome, actor=Actor.person(viewer.person_id, "api"),
                              now=clock.now(), tz=settings.tz, calendar=RuleContext.from_settings(settings).calendar)
    session.commit()
    agenda = followups.Agenda(day=row.day, coordinator=None, rows=[followups.Line.of_row(row)], interventions={})
    return schema.FollowUpPublic.model_validate(agenda.to_json(request_language(request))["followups"][0])


@router.post("/items/{item_id}/blockers", response_model=schema.BlockerPublic, status_code=201)
def blocker_add(item_id: Id, body: schema.BlockerCreate, session: SessionDep, clock: ClockDep,
                viewer: CurrentViewer) -> schema.BlockerPublic:
    item = items.get(session, item_id)
    viewer.require_item(Permission.UPDATE, item)
    row = blockers.add(session, item=item, person=item.owner, what=body.what, waiting_on=body.waiting_on,
                       source="api", now=clock.now())
    session.commit()
    return schema.BlockerPublic.model_validate(blockers.public(row))


@router.post("/blockers/{blocker_id}/clear", response_model=schema.BlockerPublic)
def blocker_clear(blocker_id: Id, body: schema.BlockerClear, session: SessionDep, clock: ClockDep,
                  viewer: CurrentViewer) -> schema.BlockerPublic:
    found = blockers.get(session, blocker_id)
    viewer.require(Permission.EDIT, found.item.project_id if found.item else None, what="blocker", key=blocker_id)
    row = blockers.clear(session, blocker_id, actor=Actor.person(viewer.person_id, "api"), now=clock.now(),
                         resolution=body.note)
    session.commit()
    return schema.BlockerPublic.model_validate(blockers.public(row))


@router.post("/standups", response_model=schema.StandupAnswer, status_code=201)
def standup_add(body: schema.StandupCreate, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                viewer: CurrentViewer) -> schema.StandupAnswer:
    require_reporter(viewer)
    person = session.get_one(Person, viewer.person_id)
    row = standups.add(session, person, yesterday=body.yesterday, today=body.today, blockers=body.blockers,
                       day=local_today(settings, clock), now=clock.now(), source="api")
    session.commit()
    return schema.StandupAnswer(person=person.name, yesterday=row.yesterday, today=row.today, blockers=row.blockers)


@router.get("/reports/standup", response_model=schema.StandupDigest)
def standup_digest(session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
                   day: Annotated[date | None, Query(alias="date")] = None,
                   project: Annotated[str | None, Query(max_length=200)] = None) -> schema.StandupDigest:
    """The day's answers, who has not answered, open blockers (per project unless the viewer reads all)."""
    _readable(session, viewer, project)
    found = standups.digest(session, day or local_today(settings, clock), project=project)
    return schema.StandupDigest.model_validate(found.to_json())


@router.get("/reports/weekly", response_model=schema.Weekly)
def weekly(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
           week: Annotated[str, Query(max_length=10, description="2026-W40")],
           project: Annotated[str | None, Query(max_length=200)] = None) -> schema.Weekly:
    """The weekly review's four parts (SYNC-3), with each risk's responses."""
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


@router.post("/items/{item_id}/submissions", response_model=schema.SubmissionPublic, status_code=201)
def submit(item_id: Id, body: schema.SubmissionCreate, session: SessionDep, settings: SettingsDep,
           clock: ClockDep, viewer: CurrentViewer) -> schema.SubmissionPublic:
    item = items.get(session, item_id)
    viewer.require_item(Permission.UPDATE, item)
    row = submissions.submit(session, item, item.owner, link=body.link, kind=SubmissionKind(body.kind),
                             note=body.note, full_due=body.full_by, today=local_today(settings, clock),
                             now=clock.now(), via="api")
    session.commit()
    return schema.SubmissionPublic.model_validate(submissions.public(row, item))


@router.post("/items/{item_id}/acceptance", response_model=schema.AcceptancePublic, status_code=201)
def accept(item_id: Id, body: schema.AcceptanceCreate, session: SessionDep, settings: SettingsDep,
           clock: ClockDep, viewer: CurrentViewer) -> schema.AcceptancePublic:
    """One acceptance round (ACC-3/4); the feedback is queued for the owner."""
    item = items.get(session, item_id)
    viewer.require_item(Permission.EDIT, item)
    verdict = acceptance.Verdict(scores=body.scores, passed=body.passed, checks=body.checks, problems=body.problems,
                                 strengths=body.strengths, suggestions=body.suggestions, revise_by=body.revise_by)
    result = acceptance.accept(session, item, verdict, reviewer=session.get_one(Person, viewer.person_id),
                               now=clock.now(), tz=settings.tz, template_dir=settings.template_dir)
    session.commit()
    return schema.AcceptancePublic.model_validate(result.to_json())


@router.get("/items/{item_id}/cadence", response_model=schema.Cadence)
def item_cadence(item_id: Id, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
                 viewer: CurrentViewer) -> schema.Cadence:
    item = items.get(session, item_id)
    viewer.require_item(Permission.READ, item)
    return schema.Cadence.model_validate(cadence.plan(session, item, tz=settings.tz, today=local_today(
        settings, clock), calendar=RuleContext.from_settings(settings).calendar))


@router.post("/meetings/{meeting_id}/close", response_model=schema.MeetingClosed)
def close(meeting_id: Id, body: schema.MeetingClose, session: SessionDep, settings: SettingsDep, clock: ClockDep,
          viewer: CurrentViewer) -> schema.MeetingClosed:
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


@router.get("/meetings/{meeting_id}/carryover", response_model=schema.CarryOver)
def carryover(meeting_id: Id, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
              viewer: CurrentViewer) -> schema.CarryOver:
    meeting = meetings.get(session, meeting_id)
    viewer.require(Permission.READ, meeting.project_id, what="meeting", key=meeting_id)
    view = next_phase.agenda(session, meeting_id, now=clock.now(), tz=settings.tz)
    return schema.CarryOver(meeting_id=meeting_id, items=[_line(i) for i in view.items])


@router.post("/meetings/{meeting_id}/carryover", response_model=schema.CarryOver, status_code=201)
def carryover_start(meeting_id: Id, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                    viewer: CurrentViewer) -> schema.CarryOver:
    meeting = meetings.get(session, meeting_id)
    viewer.require(Permission.EDIT, meeting.project_id, what="meeting", key=meeting_id)
    following, _count = next_phase.start_next(session, meeting_id, now=clock.now(), tz=settings.tz)
    session.commit()
    view = next_phase.agenda(session, meeting_id, now=clock.now(), tz=settings.tz)
    return schema.CarryOver(meeting_id=meeting_id, items=[_line(i) for i in view.items],
                            next_meeting_id=following.id)


@router.get("/metrics", response_model=schema.Metrics)
def figures(session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
            project: Annotated[str | None, Query(max_length=200)] = None,
            start: Annotated[date | None, Query(alias="from")] = None,
            end: Annotated[date | None, Query(alias="to")] = None) -> schema.Metrics:
    """MET-1 per project (team) and period; the period defaults to the last four weeks."""
    _readable(session, viewer, project)
    today = local_today(settings, clock)
    first, last = metrics.period(start, end, today=today)
    result, view = metrics.summary(session, start=first, end=last, project=project, tz=settings.tz,
                                   as_of=min(today, last))
    return schema.Metrics.model_validate(metrics.to_json(result, view, project=project))
