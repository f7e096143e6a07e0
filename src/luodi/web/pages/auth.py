"""Logging in and out, and the language switch in the header."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from luodi.i18n import normalize
from luodi.services.accounts import logins
from luodi.services.accounts import users as accounts
from luodi.services.accounts.access import viewer_for
from luodi.services.errors import TooManyAttempts
from luodi.web.auth import (
    SESSION_COOKIE,
    CsrfProtected,
    CurrentViewer,
    OptionalViewer,
    clear_cookie,
    lifetime,
    set_cookie,
)
from luodi.web.deps import ClockDep, SessionDep, SettingsDep, safe_next, see_other
from luodi.web.pages.board_contexts import LoginPage
from luodi.web.pages.navigation import landing
from luodi.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[CsrfProtected])


@router.get("/login", response_class=HTMLResponse, response_model=None)
def login_form(request: Request, viewer: OptionalViewer, next: str = "") -> Response:
    if viewer is not None:
        return see_other(safe_next(next, landing(viewer)))
    return render(request, "login.html", page=LoginPage(next_url=safe_next(next, ""), name="", error=None))


@router.post("/login", response_model=None)
def login(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep,
          name: Annotated[str, Form(max_length=100)] = "", password: Annotated[str, Form(max_length=1000)] = "",
          next: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Log in; without a page to return to, land where the role starts (web/pages/navigation.py)."""
    from luodi.i18n import gettext as _
    from luodi.i18n import use_language
    from luodi.web.templating import request_language

    now = clock.now()
    try:
        user = logins.authenticate(session, name, password, now=now)
    except TooManyAttempts as exc:
        session.commit()
        page = LoginPage(next_url=safe_next(next, ""), name=name, error=exc.message)
        return render(request, "login.html", status_code=429, page=page)
    if user is None:
        session.commit()  # the failure counts, across processes
        with use_language(request_language(request)):
            error = _("Wrong name or password.")
        return render(request, "login.html", status_code=401,
                      page=LoginPage(next_url=safe_next(next, ""), name=name, error=error))
    span = lifetime(settings)
    started = logins.start_session(session, user, now=now, lifetime=span,
                                   replacing=request.cookies.get(SESSION_COOKIE))
    session.commit()
    response = see_other(safe_next(next, landing(viewer_for(session, user))))
    set_cookie(response, SESSION_COOKIE, started.token, settings, max_age=int(span.absolute.total_seconds()))
    # Mirrors the user's language for messages made before the user is known (see web/middleware.py).
    set_cookie(response, "lang", user.language or user.person.language or "zh", settings, max_age=365 * 86400)
    return response


@router.post("/logout", response_model=None)
def logout(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep,
           viewer: CurrentViewer) -> Response:
    logins.end_session(session, request.cookies.get(SESSION_COOKIE, ""), now=clock.now())
    session.commit()
    response = see_other("/login")
    clear_cookie(response, SESSION_COOKIE, settings)
    return response


@router.post("/language", response_model=None)
def language(session: SessionDep, settings: SettingsDep, viewer: OptionalViewer,
             lang: Annotated[str, Form(max_length=10)] = "zh",
             next: Annotated[str, Form(max_length=2000)] = "/board") -> Response:
    """Switch the pages' language: stored on the user when logged in, else in a cookie."""
    chosen = normalize(lang)
    if viewer is not None:
        accounts.set_language(session, viewer.user_id, chosen)
        session.commit()
    response = see_other(safe_next(next))
    set_cookie(response, "lang", chosen, settings, max_age=365 * 86400)
    return response
