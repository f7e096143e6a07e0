"""The acceptance overview (验收): what was handed in and waits, what is being revised, what was
accepted with its score; each row leads to the item's follow-up page, where the checklist and the
rubric are."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from luodi.services.accept import overview
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ReadSessionDep, SettingsDep
from luodi.web.pages.contexts import AcceptancePage
from luodi.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/acceptance", response_class=HTMLResponse)
def acceptance_page(request: Request, session: ReadSessionDep, settings: SettingsDep,
                    viewer: CurrentViewer) -> HTMLResponse:
    found = overview.build(session, project_ids=viewer.visible_projects())
    page = AcceptancePage(view=found, tz=settings.tz, can_edit=viewer.can_edit_somewhere)
    session.commit()
    return render(request, "acceptance.html", page=page)
