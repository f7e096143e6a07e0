"""The admin's users page: who holds which role in which project, with the forms of ``luodi user
add|grant|passwd|deactivate`` (admins only: ``Viewer.require_admin``). The forms are in
``web/forms/admin_users.py``; both go through ``services.accounts.users`` like the CLI."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from luodi.domain.roles import Role
from luodi.services.accounts import users as accounts
from luodi.services.accounts.access import Viewer
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ReadSessionDep
from luodi.web.pages.admin_contexts import Refusal, UsersPage
from luodi.web.templating import render

router = APIRouter(include_in_schema=False)


def users_page(request: Request, session: Session, viewer: Viewer, *, refusal: Refusal | None = None,
               values: dict[str, str] | None = None, password: dict[str, str] | None = None) -> HTMLResponse:
    viewer.require_admin()
    rows = accounts.directory(session)
    page = UsersPage(users=rows, by_project=accounts.by_project(rows), projects=accounts.project_names(session),
                     roles=accounts.ROLE_CHOICES, grantable=tuple(role.value for role in Role),
                     values=values or {}, refusal=refusal, password=password)
    return render(request, "admin/users.html", status_code=400 if refusal else 200, page=page)


@router.get("/admin/users", response_class=HTMLResponse)
def users_list(request: Request, session: ReadSessionDep, viewer: CurrentViewer) -> HTMLResponse:
    return users_page(request, session, viewer)
