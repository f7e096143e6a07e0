"""The pictures: the dependency graph with its critical path and slip impact (BOARD-4), and the
milestone timeline (BOARD-5), both SVG drawn on the server; milestone forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.services.accounts.access import Viewer
from luodi.services.errors import InvalidInput, NotFound
from luodi.services.track import board, graph_view, milestones
from luodi.web.auth import CsrfProtected, CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep, local_today, see_other
from luodi.web.pages.board import _int
from luodi.web.pages.graph_contexts import GraphPage, TimelinePage
from luodi.web.svg import graph as graph_svg
from luodi.web.svg import timeline as timeline_svg
from luodi.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[CsrfProtected])


@router.get("/graph", response_class=HTMLResponse)
def graph(request: Request, session: ReadSessionDep, viewer: CurrentViewer, meeting: str | None = None,
          project: str | None = None, slip: str = "", days: str = "3") -> HTMLResponse:
    """``?meeting=`` (default: the newest) or ``?project=``; ``?slip=T001&days=3`` adds the impact."""
    meeting_id = _int(meeting)
    project_id = None if meeting_id else _int(project)
    wanted_days = _int(days) or 0
    error = None
    try:
        view = graph_view.build(session, viewer, meeting_id=meeting_id, project_id=project_id,
                                slip=slip[:20] or None, days=wanted_days)
    except NotFound:
        if meeting_id is not None or project_id is not None:
            raise
        return render(request, "message.html", title=_("Dependencies"), message=_("No meetings yet."))
    except InvalidInput as exc:
        error = exc.message
        view = graph_view.build(session, viewer, meeting_id=meeting_id, project_id=project_id)
    page = GraphPage(view=view, svg=graph_svg.layout(view), meetings=board.choices(session, viewer, limit=50).meetings,
                     slip=slip[:20], days=wanted_days or 3, error=error)
    session.commit()
    return render(request, "graph.html", status_code=400 if error else 200, page=page)


def timeline_page(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, viewer: Viewer,
                  project_id: int | None, *, error: str | None = None) -> HTMLResponse:
    projects = board.choices(session, viewer).projects
    chosen = project_id if project_id is not None else next(iter(projects), None)
    if chosen is None:
        raise NotFound("project", "—")
    rows = milestones.timeline(session, viewer, chosen)
    today = local_today(settings, clock)
    page = TimelinePage(project_id=chosen, project=projects.get(chosen, str(chosen)), projects=projects, rows=rows,
                        svg=timeline_svg.layout(rows, today), can_edit=viewer.can(Permission.EDIT, chosen),
                        today=today, error=error)
    session.commit()
    return render(request, "timeline.html", status_code=400 if error else 200, page=page)


@router.get("/timeline", response_class=HTMLResponse)
def timeline(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
             project: str | None = None) -> HTMLResponse:
    return timeline_page(request, session, settings, clock, viewer, _int(project))


@router.post("/milestones", response_model=None)
def create_milestone(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                     viewer: CurrentViewer, project: Annotated[str, Form(max_length=12)] = "",
                     title: Annotated[str, Form(max_length=400)] = "", due: Annotated[str, Form(max_length=20)] = "",
                     items: Annotated[str, Form(max_length=2000)] = "") -> Response:
    project_id = _int(project)
    if project_id is None:
        raise NotFound("project", project)
    try:
        when = date.fromisoformat(due.strip()) if due.strip() else None
        if when is None:
            raise InvalidInput("due", field="due")
        milestones.create(session, viewer, project_id=project_id, title=title, due=when,
                          item_codes=items.replace("，", ",").split(","), now=clock.now())
    except (InvalidInput, ValueError) as exc:
        session.rollback()
        message = exc.message if isinstance(exc, InvalidInput) and exc.field != "due" else _due_error()
        return timeline_page(request, session, settings, clock, viewer, project_id, error=message)
    session.commit()
    return see_other(f"/timeline?project={project_id}")


def _due_error() -> str:
    return _("Give the milestone's date (YYYY-MM-DD).")


@router.post("/milestones/link", response_model=None)
def link_items(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
               milestone: Annotated[str, Form(max_length=12)] = "",
               items: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Link more items to a milestone (codes, comma-separated)."""
    milestone_id = _int(milestone)
    found = milestones.get(session, milestone_id or 0)
    viewer.require(Permission.READ, found.project_id, what="milestone", key=milestone_id)
    try:
        milestones.link(session, viewer, found, items.replace("，", ",").split(","), now=clock.now())
    except InvalidInput as exc:
        session.rollback()
        return timeline_page(request, session, settings, clock, viewer, found.project_id, error=exc.message)
    session.commit()
    return see_other(f"/timeline?project={found.project_id}")
