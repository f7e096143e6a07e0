"""A coordinator's forms for meetings: create, edit, add an item, send the list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.models import Meeting
from luodi.services.accounts.access import Viewer, editable_projects
from luodi.services.capture import item_edits, meeting_edits, meetings
from luodi.services.errors import Forbidden, InvalidInput
from luodi.services.send import lists
from luodi.services.track import board
from luodi.web.auth import CsrfProtected, CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep, see_other
from luodi.web.pages.contexts import MeetingFormPage
from luodi.web.pages.meetings import MeetingId, meeting_page
from luodi.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[CsrfProtected])
Text = Annotated[str, Form(max_length=2000)]
FORM_FIELDS = ("title", "name", "starts_at", "ends_at", "place", "next_meeting_at", "next_meeting_place",
               "next_meeting_goal")


def _form_page(request: Request, session: SessionDep, viewer: Viewer, *, meeting_id: int | None,
               values: dict[str, str], error: InvalidInput | None = None) -> HTMLResponse:
    projects = editable_projects(viewer, board.choices(session, viewer).projects) if meeting_id is None else {}
    if meeting_id is None and not projects and not viewer.can(Permission.EDIT, None):
        raise Forbidden(_("Your role does not allow this."), field="role")
    page = MeetingFormPage(meeting_id=meeting_id, values=values, projects=projects,
                           can_create_project=viewer.can(Permission.EDIT, None),
                           error=error.message if error else None, error_field=error.field if error else None)
    session.commit()
    return render(request, "meeting_form.html", status_code=400 if error else 200, page=page)


def _values(meeting: Meeting, settings: SettingsDep) -> dict[str, str]:
    def local(value: object) -> str:
        from datetime import datetime

        return value.astimezone(settings.tz).strftime("%Y-%m-%dT%H:%M") if isinstance(value, datetime) else ""

    return {field: local(getattr(meeting, field)) if field.endswith("_at") else (getattr(meeting, field) or "")
            for field in FORM_FIELDS}


@router.get("/meetings/new", response_class=HTMLResponse)
def new_form(request: Request, session: ReadSessionDep, viewer: CurrentViewer) -> HTMLResponse:
    return _form_page(request, session, viewer, meeting_id=None, values={})


@router.post("/meetings/new", response_model=None)
def create(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
           project: Text = "", new_project: Text = "", title: Text = "", name: Text = "", starts_at: Text = "",
           ends_at: Text = "", place: Text = "", next_meeting_at: Text = "", next_meeting_place: Text = "",
           next_meeting_goal: Text = "") -> Response:
    form = {"title": title, "name": name, "starts_at": starts_at, "ends_at": ends_at, "place": place,
            "next_meeting_at": next_meeting_at, "next_meeting_place": next_meeting_place,
            "next_meeting_goal": next_meeting_goal}
    try:
        target = meeting_edits.writable_project(session, viewer, project_id=int(project) if project.isdigit()
                                                else None, new_name=new_project, now=clock.now())
        created = meeting_edits.create(session, viewer, target, form, tz=settings.tz, now=clock.now())
    except InvalidInput as exc:
        session.rollback()
        return _form_page(request, session, viewer, meeting_id=None, values=form, error=exc)
    session.commit()
    return see_other(f"/meetings/{created.id}")


@router.get("/meetings/{meeting_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, meeting_id: MeetingId, session: ReadSessionDep, settings: SettingsDep,
              viewer: CurrentViewer) -> HTMLResponse:
    found = meetings.get(session, meeting_id)
    viewer.require(Permission.EDIT, found.project_id, what="meeting", key=meeting_id)
    return _form_page(request, session, viewer, meeting_id=meeting_id, values=_values(found, settings))


@router.post("/meetings/{meeting_id}/edit", response_model=None)
def edit(request: Request, meeting_id: MeetingId, session: SessionDep, settings: SettingsDep, clock: ClockDep,
         viewer: CurrentViewer, title: Text = "", name: Text = "", starts_at: Text = "", ends_at: Text = "",
         place: Text = "", next_meeting_at: Text = "", next_meeting_place: Text = "",
         next_meeting_goal: Text = "") -> Response:
    form = {"title": title, "name": name, "starts_at": starts_at, "ends_at": ends_at, "place": place,
            "next_meeting_at": next_meeting_at, "next_meeting_place": next_meeting_place,
            "next_meeting_goal": next_meeting_goal}
    found = meetings.get(session, meeting_id)
    try:
        meeting_edits.update(session, viewer, found, form, tz=settings.tz, now=clock.now())
    except InvalidInput as exc:
        session.rollback()
        return _form_page(request, session, viewer, meeting_id=meeting_id, values=form, error=exc)
    session.commit()
    return see_other(f"/meetings/{meeting_id}")


@router.post("/meetings/{meeting_id}/items", response_model=None)
def add_item(request: Request, meeting_id: MeetingId, session: SessionDep, settings: SettingsDep, clock: ClockDep,
             viewer: CurrentViewer, title: Text = "", owner: Text = "", start: Text = "", due: Text = "",
             deliverable: Text = "", priority: Text = "medium", acceptance: Text = "") -> Response:
    found = meetings.get(session, meeting_id)
    viewer.require(Permission.READ, found.project_id, what="meeting", key=meeting_id)
    fields: dict[str, object] = {"title": title, "owner": int(owner) if owner.isdigit() else owner, "start": start,
                                 "due": due, "deliverable": deliverable, "priority": priority,
                                 "acceptance": acceptance}
    try:
        item_edits.create_item(session, viewer, project_id=found.project_id, meeting_id=meeting_id, fields=fields,
                               now=clock.now())
    except InvalidInput as exc:
        session.rollback()
        return meeting_page(request, session, settings, clock, viewer, meeting_id, error=exc.message,
                            status_code=400)
    session.commit()
    return see_other(f"/meetings/{meeting_id}#items")


@router.post("/meetings/{meeting_id}/send", response_model=None)
def send(meeting_id: MeetingId, session: SessionDep, settings: SettingsDep, clock: ClockDep,
         viewer: CurrentViewer, resend: Annotated[str, Form(max_length=5)] = "") -> Response:
    """Queue the list for every attendee (the worker delivers it); owners get their confirmation links."""
    found = meetings.get(session, meeting_id)
    viewer.require(Permission.EDIT, found.project_id, what="meeting", key=meeting_id)
    options = lists.SendOptions.from_settings(settings)
    lists.send(session, meeting_id, resend=resend == "1", now=clock.now(), options=options)
    session.commit()
    return see_other(f"/meetings/{meeting_id}?sent=1")

