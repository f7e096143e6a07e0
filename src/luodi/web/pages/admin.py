"""The admin pages: the people directory and API tokens (admins only: ``Viewer.require_admin``).

Reads here; the forms that change them are in ``web/forms/admin.py``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from luodi.models import Person
from luodi.services.accounts import api_tokens, people
from luodi.services.accounts import users as accounts
from luodi.services.accounts.access import Viewer
from luodi.services.errors import NotFound
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ReadSessionDep
from luodi.web.pages.admin_contexts import PeoplePage, PersonPage, TokensPage
from luodi.web.templating import render

router = APIRouter(include_in_schema=False)
PersonId = Annotated[int, Path(ge=1, le=2**31 - 1)]
FORM_FIELDS = ("name", "email", "phone", "language", "feishu_open_id", "dingtalk_user_id", "wecom_user_id",
               "slack_user_id", "profile", "notify", "aliases")


def _row(person: Person) -> dict[str, Any]:
    return people.person_public(person) | {"aliases": person.aliases.replace("|", "、") if person.aliases else ""}


def people_page(request: Request, session: Session, viewer: Viewer, *, error: str | None = None,
                values: dict[str, str] | None = None, imported: dict[str, list[str]] | None = None) -> HTMLResponse:
    viewer.require_admin()
    everyone = people.list_people(session)
    page = PeoplePage(people=[_row(p) for p in everyone], supervisors={p.id: p.name for p in everyone},
                      values=values or {}, error=error, imported=imported)
    return render(request, "admin/people.html", status_code=400 if error else 200, page=page)


def person_page(request: Request, session: Session, viewer: Viewer, person_id: int, *, error: str | None = None,
                values: dict[str, str] | None = None, saved: bool = False) -> HTMLResponse:
    viewer.require_admin()
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("person", person_id)
    stored = {key: "" if value is None else str(value) for key, value in _row(person).items() if key in FORM_FIELDS}
    stored["supervisor"] = str(person.supervisor_id or "")
    choices = {p.id: p.name for p in people.list_people(session) if p.id != person.id}
    page = PersonPage(person_id=person.id, values=values or stored, supervisors=choices, error=error, saved=saved)
    return render(request, "admin/person.html", status_code=400 if error else 200, page=page)


def tokens_page(request: Request, session: Session, viewer: Viewer, *, secret: str | None = None,
                error: str | None = None) -> HTMLResponse:
    viewer.require_admin()
    users = [str(row["name"]) for row in accounts.list_users(session) if row["active"]]
    page = TokensPage(tokens=api_tokens.list_tokens(session), users=users, secret=secret, error=error)
    return render(request, "admin/tokens.html", status_code=400 if error else 200, page=page)


@router.get("/admin/people", response_class=HTMLResponse)
def people_list(request: Request, session: ReadSessionDep, viewer: CurrentViewer) -> HTMLResponse:
    return people_page(request, session, viewer)


@router.get("/admin/people/{person_id}", response_class=HTMLResponse)
def person_edit(person_id: PersonId, request: Request, session: ReadSessionDep, viewer: CurrentViewer,
                saved: bool = False) -> HTMLResponse:
    return person_page(request, session, viewer, person_id, saved=saved)


@router.get("/admin/tokens", response_class=HTMLResponse)
def tokens_list(request: Request, session: ReadSessionDep, viewer: CurrentViewer) -> HTMLResponse:
    return tokens_page(request, session, viewer)
