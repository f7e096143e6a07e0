"""Who is asking: the session cookie (pages) or a bearer token (API), and CSRF for every form.

Pages: the cookie ``luodi_session`` holds a random token whose SHA-256 names a ``web_session``
row (HttpOnly, SameSite=Lax, Secure when LUODI_BASE_URL is https — also behind a proxy that
speaks plain http to luodi; the same flags when logout clears it). Every unsafe page request
carries the session's CSRF token in the form field ``csrf`` (or the ``X-CSRF-Token`` header,
for the enhancing JavaScript); before login, the login and language forms use a double-submit
cookie ``luodi_csrf`` instead. The confirmation link POST /c/{token} is authorised by its own
signed token and is not under this check (routes/confirm.py has its own router).

API: ``Authorization: Bearer ld_…`` (services.api_tokens); no cookies, so no CSRF.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from luodi.config import Settings
from luodi.i18n import gettext as _
from luodi.services.accounts import api_tokens, logins
from luodi.services.accounts.access import Viewer, viewer_for
from luodi.services.errors import Forbidden, Unauthenticated
from luodi.web.deps import ClockDep, ReadSessionDep

SESSION_COOKIE = "luodi_session"
CSRF_COOKIE = "luodi_csrf"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def secure_cookies(settings: Settings) -> bool:
    return settings.base_url.lower().startswith("https://")


def set_cookie(response: Response, name: str, value: str, settings: Settings, *, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=secure_cookies(settings), path="/")


def clear_cookie(response: Response, name: str, settings: Settings) -> None:
    """Expire the cookie with the flags it was set with (a browser may ignore a mismatched clear)."""
    response.delete_cookie(name, httponly=True, samesite="lax", secure=secure_cookies(settings), path="/")


def lifetime(settings: Settings) -> logins.Lifetime:
    return logins.Lifetime(idle=timedelta(hours=settings.session_idle_hours),
                           absolute=timedelta(days=settings.session_max_days))


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _touch(request: Request, change: Callable[[Session], None]) -> None:
    """The rare "last seen" write, in its own short write transaction (lookups only read)."""
    with request.app.state.sessionmaker() as session:
        change(session)
        session.commit()


Touch = Callable[[Session], None] | None


def _lookup(request: Request, session: Session, now: datetime) -> tuple[Viewer | None, Touch]:
    """The viewer, and the "last seen" write it is due for (None nearly always)."""
    viewer, touch = None, None
    if request.url.path.startswith("/api/"):
        token = bearer(request)
        row = api_tokens.resolve(session, token, now=now) if token else None
        if row is not None:
            viewer = viewer_for(session, row.user, read_only=row.read_only)
            if api_tokens.needs_touch(row, now=now):
                token_id = row.id
                touch = lambda write: api_tokens.touch(write, token_id, now=now)  # noqa: E731
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        span = lifetime(request.app.state.settings)
        found = logins.resolve(session, cookie, now=now, lifetime=span) if cookie else None
        if found is not None:
            viewer = viewer_for(session, found[1], csrf=found[0].csrf)
            if logins.needs_touch(found[0], now=now, lifetime=span):
                session_id = found[0].id
                touch = lambda write: logins.touch(write, session_id, now=now, lifetime=span)  # noqa: E731
    session.commit()   # hand the connection back to the pool while the route waits for a thread
    return viewer, touch


async def get_viewer(request: Request, session: ReadSessionDep, clock: ClockDep) -> Viewer | None:
    """The request's viewer, or None. Reads only; bookkeeping writes happen at most every few minutes.

    On SQLite (a local file, an unbounded read pool) the two indexed lookups run in the event
    loop: cheaper than a thread-pool hop. On a server database they go to the thread pool, so a
    busy connection pool never stalls the loop.
    """
    if request.app.state.read_engine is not request.app.state.engine:
        viewer, touch = _lookup(request, session, clock.now())
    else:
        viewer, touch = await run_in_threadpool(_lookup, request, session, clock.now())
    if touch is not None:   # a write may wait for the lock: never in the event loop
        await run_in_threadpool(_touch, request, touch)
    request.state.viewer = viewer
    if viewer is not None:
        request.state.language = viewer.language
    return viewer


OptionalViewer = Annotated[Viewer | None, Depends(get_viewer)]


async def require_viewer(viewer: OptionalViewer) -> Viewer:
    if viewer is None:
        raise Unauthenticated(_("Please log in."), field="login")
    return viewer


CurrentViewer = Annotated[Viewer, Depends(require_viewer)]


def pre_login_csrf(request: Request) -> str:
    """The double-submit token of an anonymous browser (made on first use; the route sets the cookie)."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and len(existing) >= 20:
        return existing
    made: str = getattr(request.state, "new_csrf", "") or secrets.token_urlsafe(24)
    request.state.new_csrf = made
    return made


async def csrf_protect(request: Request, viewer: OptionalViewer) -> None:
    """Refuse an unsafe request whose CSRF token is missing or wrong (403), before it does anything."""
    if request.method not in UNSAFE:
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    expected = viewer.csrf if viewer is not None else request.cookies.get(CSRF_COOKIE, "")
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden(_("This form has expired. Reload the page and try again."), field="csrf")


CsrfProtected = Depends(csrf_protect)
