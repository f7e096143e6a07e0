"""Jinja2 for pages: autoescaped, with the i18n extension bound to the request's language."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from luodi import i18n

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=4)
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = lang
    return env


def request_language(request: Request) -> str:
    """The page language: ?lang=, then the cookie, then the browser's Accept-Language."""
    chosen = request.query_params.get("lang") or request.cookies.get("lang")
    if not chosen:
        header = request.headers.get("accept-language", "")
        chosen = "en" if header.lower().startswith("en") else i18n.DEFAULT_LANGUAGE
    return i18n.normalize(chosen)


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = request_language(request)
    with i18n.use_language(lang):
        html = environment(lang).get_template(template).render(request=request, lang=lang, **context)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang"):
        response.set_cookie("lang", lang, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


def local(value: datetime | None, tz: Any) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else "—"
