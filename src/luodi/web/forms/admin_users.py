"""The users page's forms: add a user, grant a role in a project, reset a password, deactivate
(admins only). Each POST is one transaction through ``services.accounts.users``, as ``luodi user …``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from luodi.i18n import use_language
from luodi.services.accounts import users as accounts
from luodi.services.audit import Actor
from luodi.services.errors import InvalidInput, NotFound
from luodi.web.auth import CsrfProtected, CurrentViewer
from luodi.web.deps import ClockDep, SessionDep, see_other
from luodi.web.pages.admin_contexts import Refusal
from luodi.web.pages.admin_users import users_page
from luodi.web.templating import request_language

router = APIRouter(include_in_schema=False, dependencies=[CsrfProtected])
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form(max_length=200)]
Secret = Annotated[str, Form(max_length=1000)]


def _actor(viewer: object) -> Actor:
    return Actor.person(getattr(viewer, "person_id", None), "web")


@router.post("/admin/users", response_model=None)
def add_user(request: Request, session: SessionDep, clock: ClockDep, viewer: CurrentViewer,
             name: Text = "", role: Text = "", project: Text = "", person: Text = "", language: Text = "",
             password: Secret = "") -> Response:
    """``luodi user add``: the password typed, or one generated and shown in this answer only."""
    viewer.require_admin()
    values = {"name": name, "role": role, "project": project, "person": person, "language": language}
    with use_language(request_language(request)):   # the service's messages in the page's language
        try:
            created = accounts.create_user(session, name, role=role, project=project or None,
                                           password=password or None, person=person.strip() or None,
                                           language=language or None, now=clock.now(), actor=_actor(viewer))
        except (InvalidInput, NotFound) as exc:
            session.rollback()
            return users_page(request, session, viewer, refusal=Refusal("add-user", exc.field, exc.message),
                              values=values)
    session.commit()
    shown = {"user": created.user.name, "password": created.password} if not password else None
    if shown is None:
        return see_other(f"/admin/users#user-{created.user.id}")
    return users_page(request, session, viewer, password=shown)


@router.post("/admin/users/{user_id}/grant", response_model=None)
def grant_role(user_id: UserId, request: Request, session: SessionDep, clock: ClockDep, viewer: CurrentViewer,
               role: Text = "", project: Text = "") -> Response:
    """``luodi user grant``: another role, in one project or in every project."""
    viewer.require_admin()
    form = f"grant-{user_id}"
    with use_language(request_language(request)):   # the service's messages in the page's language
        try:
            user = accounts.get(session, user_id)
            accounts.grant(session, user, accounts.role_named(role), project=project or None, now=clock.now(),
                           actor=_actor(viewer))
        except (InvalidInput, NotFound) as exc:
            session.rollback()
            return users_page(request, session, viewer, refusal=Refusal(form, exc.field, exc.message),
                              values={"role": role, "project": project})
    session.commit()
    return see_other(f"/admin/users#user-{user_id}")


@router.post("/admin/users/{user_id}/password", response_model=None)
def reset_password(user_id: UserId, request: Request, session: SessionDep, clock: ClockDep,
                   viewer: CurrentViewer, password: Secret = "") -> Response:
    """``luodi user passwd``: the typed password or a generated one (shown once); ends their sessions."""
    viewer.require_admin()
    plain = password or accounts.generate_password()
    with use_language(request_language(request)):   # the service's messages in the page's language
        try:
            user = accounts.get(session, user_id)
            accounts.set_password(session, user, plain, now=clock.now(), actor=_actor(viewer))
        except (InvalidInput, NotFound) as exc:
            session.rollback()
            return users_page(request, session, viewer, refusal=Refusal(f"password-{user_id}", exc.field, exc.message))
    session.commit()
    if password:
        return see_other(f"/admin/users#user-{user_id}")
    return users_page(request, session, viewer, password={"user": user.name, "password": plain})


@router.post("/admin/users/{user_id}/deactivate", response_model=None)
def deactivate_user(user_id: UserId, request: Request, session: SessionDep, clock: ClockDep,
                    viewer: CurrentViewer) -> Response:
    """``luodi user deactivate``: no more logins or tokens; their sessions end now."""
    viewer.require_admin()
    with use_language(request_language(request)):   # the service's messages in the page's language
        try:
            accounts.deactivate(session, accounts.get(session, user_id), now=clock.now(), actor=_actor(viewer),
                                asked_by=viewer.user_id)
        except (InvalidInput, NotFound) as exc:
            session.rollback()
            refusal = Refusal(f"deactivate-{user_id}", exc.field, exc.message)
            return users_page(request, session, viewer, refusal=refusal)
    session.commit()
    return see_other(f"/admin/users#user-{user_id}")
