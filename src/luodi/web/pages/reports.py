"""Report pages: the weekly review (SYNC-3), the metrics dashboard (MET-1), closure (CLOSE-1) and the
next follow-up meeting's carried-over agenda. Included by routes/followup.py (same CSRF rule)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from luodi.domain.roles import Permission
from luodi.domain.sync import iso_week, parse_iso_week
from luodi.models import Meeting, Project, Retrospective
from luodi.render.reports import metric_charts, risk_label, risk_responses
from luodi.services.accept import closure, metrics, next_phase
from luodi.services.accounts.access import Viewer
from luodi.services.audit import Actor
from luodi.services.capture import meetings
from luodi.services.errors import Conflict, InvalidInput
from luodi.services.followup import reports
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep, local_today, see_other
from luodi.web.forms.followup import parse_date
from luodi.web.pages.followup_contexts import CarryOverPage, ClosurePage, MetricsPage, WeeklyPage
from luodi.web.templating import render, request_language

router = APIRouter(include_in_schema=False)
MeetingId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ProjectQuery = Annotated[str | None, Query(max_length=200)]
Text = Annotated[str, Form(max_length=5000)]


def readable_projects(session: SessionDep, viewer: Viewer) -> list[str]:
    visible = viewer.visible_projects()
    query = select(Project.name).order_by(Project.name)
    if visible is not None:
        query = query.where(Project.id.in_(visible))
    return list(session.scalars(query))


def project_filter(session: SessionDep, viewer: Viewer, project: str | None) -> str | None:
    """The project filter, checked: a viewer limited to some projects gets their first by default."""
    names = readable_projects(session, viewer)
    if project:
        viewer.require(Permission.READ, metrics.project_id_of(session, project), key=project)
        return project
    return None if viewer.visible_projects() is None or not names else names[0]


@router.get("/reports/weekly", response_class=HTMLResponse)
def weekly(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
           week: Annotated[str | None, Query(max_length=10)] = None, project: ProjectQuery = None) -> HTMLResponse:
    chosen = week or iso_week(local_today(settings, clock))
    name = project_filter(session, viewer, project)
    view = reports.weekly(session, chosen, project=name, now=clock.now(), tz=settings.tz)
    lang = request_language(request)
    monday = parse_iso_week(view.week)[0]
    page = WeeklyPage(view=view, responses={i: risk_responses(r, lang) for i, r in enumerate(view.risks)},
                      risk_labels={i: risk_label(r, lang) for i, r in enumerate(view.risks)},
                      charts=metric_charts(view.metrics, lang) if view.metrics else None,
                      projects=readable_projects(session, viewer), previous=iso_week(monday - timedelta(days=7)),
                      following=iso_week(monday + timedelta(days=7)))
    return render(request, "followup/weekly.html", page=page)


@router.get("/metrics", response_class=HTMLResponse)
def dashboard(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
              project: ProjectQuery = None, start: Annotated[str | None, Query(alias="from", max_length=10)] = None,
              end: Annotated[str | None, Query(alias="to", max_length=10)] = None) -> HTMLResponse:
    today = local_today(settings, clock)
    name = project_filter(session, viewer, project)
    first, last = metrics.period(parse_date(start, field="from") if start else None,
                                 parse_date(end, field="to") if end else None, today=today)
    _result, view = metrics.summary(session, start=first, end=last, project=name, tz=settings.tz,
                                    as_of=min(today, last))
    page = MetricsPage(view=view, charts=metric_charts(view, request_language(request)), project=name,
                       projects=readable_projects(session, viewer))
    return render(request, "followup/metrics.html", page=page)


def closure_page(request: Request, session: SessionDep, settings: SettingsDep, viewer: Viewer, meeting_id: int,
                 *, error: str | None = None, values: dict[str, str] | None = None) -> HTMLResponse:
    meeting = meetings.get(session, meeting_id)
    viewer.require(Permission.READ, meeting.project_id, what="meeting", key=meeting_id)
    retro = session.scalar(select(Retrospective).where(Retrospective.meeting_id == meeting.id))
    page = ClosurePage(meeting_id=meeting.id, view=closure.view(session, meeting, tz=settings.tz),
                       can_edit=viewer.can(Permission.EDIT, meeting.project_id),
                       next_meeting_id=retro.next_meeting_id if retro else None, error=error, values=values or {})
    return render(request, "followup/closure.html", status_code=400 if error else 200, page=page)


@router.get("/closure/{meeting_id}", response_class=HTMLResponse)
def closure_show(request: Request, meeting_id: MeetingId, session: ReadSessionDep, settings: SettingsDep,
                 viewer: CurrentViewer) -> HTMLResponse:
    return closure_page(request, session, settings, viewer, meeting_id)


@router.post("/closure/{meeting_id}", response_model=None)
def closure_close(request: Request, meeting_id: MeetingId, session: SessionDep, settings: SettingsDep,
                  clock: ClockDep, viewer: CurrentViewer, went_well: Text = "", improve: Text = "",
                  reusable: Text = "", next_items: Text = "") -> Response:
    meeting = meetings.get(session, meeting_id)
    viewer.require(Permission.EDIT, meeting.project_id, what="meeting", key=meeting_id)
    now, today = clock.now(), local_today(settings, clock)
    try:
        upcoming = [next_phase.parse_next(line, today=today) for line in next_items.splitlines() if line.strip()]
        closure.close(session, meeting_id, closure.Retro(went_well, improve, reusable), next_items=upcoming,
                      actor=Actor.person(viewer.person_id, "web"), now=now, tz=settings.tz)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        values = {"went_well": went_well, "improve": improve, "reusable": reusable, "next_items": next_items}
        return closure_page(request, session, settings, viewer, meeting_id, error=exc.message, values=values)
    session.commit()
    return see_other(f"/closure/{meeting_id}")


@router.get("/carryover/{meeting_id}", response_class=HTMLResponse)
def carryover(request: Request, meeting_id: MeetingId, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
              viewer: CurrentViewer) -> HTMLResponse:
    meeting = meetings.get(session, meeting_id)
    viewer.require(Permission.READ, meeting.project_id, what="meeting", key=meeting_id)
    view = next_phase.agenda(session, meeting_id, now=clock.now(), tz=settings.tz)
    following = session.scalar(select(Meeting.id).where(Meeting.previous_meeting_id == meeting_id).limit(1))
    page = CarryOverPage(meeting_id=meeting_id, view=view, following=following,
                         can_edit=viewer.can(Permission.EDIT, meeting.project_id))
    return render(request, "followup/carryover.html", page=page)


@router.post("/carryover/{meeting_id}", response_model=None)
def carryover_start(meeting_id: MeetingId, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                    viewer: CurrentViewer) -> Response:
    meeting = meetings.get(session, meeting_id)
    viewer.require(Permission.EDIT, meeting.project_id, what="meeting", key=meeting_id)
    next_phase.start_next(session, meeting_id, now=clock.now(), tz=settings.tz)
    session.commit()
    return see_other(f"/carryover/{meeting_id}")
