"""Adding and removing outgoing webhooks on the web (admins; coordinators for their projects)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.models import Project, WebhookSubscription
from luodi.services.audit import Actor
from luodi.services.errors import Forbidden, InvalidInput
from luodi.services.integrate import webhooks
from luodi.web.auth import CsrfProtected, CurrentViewer
from luodi.web.deps import ClockDep, SessionDep, see_other
from luodi.web.pages.webhooks import webhooks_page

router = APIRouter(include_in_schema=False, dependencies=[CsrfProtected])
WebhookId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("/webhooks", response_model=None)
def add(request: Request, session: SessionDep, clock: ClockDep, viewer: CurrentViewer,
        url: Annotated[str, Form(max_length=2000)] = "", project: Annotated[str, Form(max_length=12)] = "",
        events: Annotated[list[str] | None, Form()] = None,
        allow_private: Annotated[str, Form(max_length=5)] = "") -> Response:
    """A new subscription: a project the viewer edits (empty: every project, admins only)."""
    project_id = int(project) if project.isdigit() else None
    viewer.require(Permission.EDIT, project_id)
    if allow_private and not viewer.is_admin:
        raise Forbidden(_("Only an admin may allow a private address."), field="allow_private")
    values = {"url": url, "project": project, "events": events or []}
    try:
        chosen = webhooks.parse_events(",".join(events or []))
        found = session.get(Project, project_id) if project_id is not None else None
        row = webhooks.add(session, url.strip(), chosen, project=found, allow_private=bool(allow_private),
                           actor=Actor.person(viewer.person_id, "web"), now=clock.now())
    except InvalidInput as exc:
        session.rollback()
        return webhooks_page(request, session, viewer, error=exc.message, values=values)
    session.commit()
    return see_other(f"/webhooks#webhook-{row.id}")


@router.post("/webhooks/{webhook_id}/remove", response_model=None)
def remove(webhook_id: WebhookId, session: SessionDep, clock: ClockDep, viewer: CurrentViewer) -> Response:
    row = session.get(WebhookSubscription, webhook_id)
    if row is None:   # removed already (a second click): nothing left to do
        return see_other("/webhooks")
    viewer.require(Permission.EDIT, row.project_id, what="webhook", key=webhook_id)
    webhooks.remove(session, webhook_id, actor=Actor.person(viewer.person_id, "web"), now=clock.now())
    session.commit()
    return see_other("/webhooks")
