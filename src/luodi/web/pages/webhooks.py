"""The webhooks page (INT-4): admins and coordinators see and add outgoing webhooks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.services.accounts.access import Viewer, editable_projects
from luodi.services.errors import Forbidden
from luodi.services.integrate import webhooks
from luodi.services.integrate.events import EVENTS
from luodi.services.track import board
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ReadSessionDep
from luodi.web.pages.contexts import WebhooksPage
from luodi.web.templating import render

router = APIRouter(include_in_schema=False)


def webhooks_page(request: Request, session: Session, viewer: Viewer, *, error: str | None = None,
                  values: dict[str, Any] | None = None) -> HTMLResponse:
    """The page (with a refused form's error and values, status 400)."""
    names = board.choices(session, viewer).projects
    projects = editable_projects(viewer, names)
    everywhere = viewer.can(Permission.EDIT, None)
    if not projects and not everywhere:
        raise Forbidden(_("Your role does not allow this."), field="role")
    rows = webhooks.list_all(session, projects=None if everywhere else list(projects))
    shown = [webhooks.public(row, names) | {"secret": row.secret} for row in rows]
    page = WebhooksPage(subscriptions=shown, projects=projects, all_projects=everywhere,
                        may_allow_private=viewer.is_admin, events=EVENTS, error=error, values=values or {})
    session.commit()
    return render(request, "webhooks.html", status_code=400 if error else 200, page=page)


@router.get("/webhooks", response_class=HTMLResponse)
def webhooks_list(request: Request, session: ReadSessionDep, viewer: CurrentViewer) -> HTMLResponse:
    return webhooks_page(request, session, viewer)
