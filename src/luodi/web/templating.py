"""Jinja2 for pages: autoescaped, with the i18n extension bound to the request's language.

The language of a page: the logged-in user's (stored on the user, else their person's), then
``?lang=``, the ``lang`` cookie, the browser's Accept-Language. Every page gets ``viewer``
(None when anonymous), ``nav`` (the header's navigation, web/pages/navigation.py) and ``csrf``
(the token its forms carry).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from luodi import i18n
from luodi.domain.enums import ItemStatus, Priority
from luodi.render.env import priority_label, status_label

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=4)
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,   # templates ship with the package: no stat() per render
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = lang
    env.globals["statuses"] = list(ItemStatus)
    env.globals["priorities"] = list(Priority)
    env.globals["priorities"] = list(Priority)
    # No emoji in pages: not every machine has a colour-emoji font; CSS draws the status dots.
    env.filters["status_label"] = lambda status, emoji=False: status_label(status, lang, emoji=emoji)
    env.filters["priority_label"] = lambda priority: priority_label(priority, lang)
    env.filters["stars"] = lambda priority: {"high": "★★★", "medium": "★★☆", "low": "★☆☆"}[Priority(priority).value]
    env.filters["iso"] = lambda value: value.isoformat() if isinstance(value, date | datetime) else ""
    env.filters["local"] = local
    return env


def request_language(request: Request) -> str:
    """The page language: the viewer's, then ?lang=, then the cookie, then Accept-Language."""
    chosen = getattr(request.state, "language", None) or request.query_params.get("lang") \
        or request.cookies.get("lang")
    if not chosen:
        header = request.headers.get("accept-language", "")
        chosen = "en" if header.lower().startswith("en") else i18n.DEFAULT_LANGUAGE
    return i18n.normalize(chosen)


def query(request: Request, **changes: object) -> str:
    """The current URL's query string with ``changes`` applied (None removes a key): sort/page links."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    from luodi.web.auth import CSRF_COOKIE, pre_login_csrf, set_cookie
    from luodi.web.pages.navigation import navigation

    lang = request_language(request)
    viewer = getattr(request.state, "viewer", None)
    nav = navigation(request, viewer) if viewer is not None else None
    csrf = viewer.csrf if viewer is not None else pre_login_csrf(request)
    with i18n.use_language(lang):
        html = environment(lang).get_template(template).render(
            request=request, lang=lang, viewer=viewer, nav=nav, csrf=csrf,
            query=lambda **c: query(request, **c), **context)
    response = HTMLResponse(html, status_code=status_code)
    settings = request.app.state.settings
    if getattr(request.state, "new_csrf", None):
        set_cookie(response, CSRF_COOKIE, request.state.new_csrf, settings, max_age=None)
    if request.query_params.get("lang") and viewer is None:
        set_cookie(response, "lang", lang, settings, max_age=365 * 86400)
    if viewer is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="[^"]*"')


def email_html(html: str) -> Markup:
    """Our own e-mail HTML (already escaped by its templates) for showing inside a page.

    Its inline styles would be refused by the page's CSP (no 'unsafe-inline'), so they are taken
    out and app.css's ``.list`` rules stand in for them.
    """
    return Markup(_STYLE_ATTRIBUTE.sub("", html))


def local(value: datetime | None, tz: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(tz).strftime(fmt) if value else "—"
