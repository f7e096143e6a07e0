"""Read-only pages of the first web app: the meetings and each meeting's list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from luodi.render.action_list import render_action_list
from luodi.services import lists, meetings
from luodi.services.status import meeting_status
from luodi.web.deps import ClockDep, SessionDep, SettingsDep
from luodi.web.pages import MeetingPage, MeetingsPage
from luodi.web.templating import render, request_language

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    page = MeetingsPage(meetings=meetings.list_meetings(session), tz=settings.tz)
    return render(request, "meetings.html", page=page)


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting(request: Request, meeting_id: int, session: SessionDep, settings: SettingsDep,
            clock: ClockDep) -> HTMLResponse:
    found = meetings.get(session, meeting_id)
    view = lists.build_view(session, found, tz=settings.tz)
    now = clock.now()
    status = meeting_status(session, meeting_id, at=now)
    html = render_action_list(view, lang=request_language(request), fmt="html", template_dir=settings.template_dir)
    page = MeetingPage(meeting=found, list_html=Markup(html), items=status.items,
                       call_list=status.call_list, past_deadline=status.past_deadline, now=now, tz=settings.tz)
    return render(request, "meeting.html", page=page)
