"""Meetings: the list and each meeting's page (its rendered list, confirmations, call list)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from luodi.domain.roles import Permission
from luodi.render.action_list import render_action_list
from luodi.services.accounts.access import Viewer
from luodi.services.capture import exports, meetings
from luodi.services.capture.meeting_list import visible_meetings
from luodi.services.send import lists
from luodi.services.send.status import meeting_status
from luodi.services.track import board
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep
from luodi.web.pages.contexts import MeetingPage, MeetingsPage
from luodi.web.templating import email_html, render, request_language

router = APIRouter(include_in_schema=False)
MeetingId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/meetings", response_class=HTMLResponse)
def meetings_list(request: Request, session: ReadSessionDep, settings: SettingsDep, viewer: CurrentViewer,
                  page: int = 1) -> HTMLResponse:
    offset = (max(1, min(page, 10_000)) - 1) * 100
    context = MeetingsPage(meetings=visible_meetings(session, viewer, limit=100, offset=offset), tz=settings.tz)
    session.commit()
    return render(request, "meetings.html", page=context)


def meeting_page(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, viewer: Viewer,
                 meeting_id: int, *, error: str | None = None, status_code: int = 200) -> HTMLResponse:
    found = meetings.get(session, meeting_id)
    viewer.require(Permission.READ, found.project_id, what="meeting", key=meeting_id)
    view = lists.build_view(session, found, tz=settings.tz)
    now = clock.now()
    status = meeting_status(session, meeting_id, at=now)
    html = render_action_list(view, lang=request_language(request), fmt="html", template_dir=settings.template_dir)
    can_edit = viewer.can(Permission.EDIT, found.project_id)
    page = MeetingPage(meeting=found, list_html=email_html(html), items=status.items,
                       call_list=status.call_list, past_deadline=status.past_deadline, now=now, tz=settings.tz,
                       can_edit=can_edit, people=board.choices(session, viewer).people if can_edit else {},
                       error=error)
    session.commit()
    return render(request, "meeting.html", status_code=status_code, page=page)


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting(request: Request, meeting_id: MeetingId, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
            viewer: CurrentViewer) -> HTMLResponse:
    return meeting_page(request, session, settings, clock, viewer, meeting_id)


_MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "csv": "text/csv; charset=utf-8"}


@router.get("/meetings/{meeting_id}/export.{fmt}", response_model=None)
def meeting_export(request: Request, meeting_id: MeetingId, fmt: Literal["xlsx", "csv"], session: ReadSessionDep,
                   settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer) -> Response:
    """The meeting's action list as a spreadsheet (the same file as ``luodi meeting export``), in
    the viewer's language."""
    found = meetings.get(session, meeting_id)
    viewer.require(Permission.READ, found.project_id, what="meeting", key=meeting_id)
    content = exports.export_meeting(session, meeting_id, fmt, tz=settings.tz, now=clock.now(),
                                     language=request_language(request))
    name = f"【行动项】{found.title}.{fmt}"
    session.commit()
    disposition = f"attachment; filename=\"meeting-{meeting_id}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=_MEDIA_TYPES[fmt], headers={"Content-Disposition": disposition})
