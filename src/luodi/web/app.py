"""``create_app(settings)``: builds everything the web app needs; nothing happens at import."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from luodi.clock import Clock
from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.web import errors
from luodi.web.auth import secure_cookies

STATIC = Path(__file__).parent / "static"

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")

API_DESCRIPTION = """luodi's REST API (INT-4). Authenticate with a personal token:
`Authorization: Bearer <token>` (`luodi token create --user NAME [--read-only]`).

Item responses carry an `ETag` (the item's version). `PATCH /api/v1/items/{id}` and
`POST /api/v1/items/{id}/status` need `If-Match` with that ETag: a stale one is refused with 412,
a missing one with 428. Errors are `{"detail": [{"field": …, "message": …}]}`."""


def create_app(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> FastAPI:
    from luodi.migrate import upgrade_to_head
    from luodi.web.routes import (
        api,
        api_docs,
        api_items,
        auth_pages,
        board,
        confirm,
        graph,
        item_forms,
        item_pages,
        meeting_forms,
        pages,
    )

    if migrate:
        upgrade_to_head(settings.database_url)
    app = FastAPI(title="luodi", version="0.1.0", description=API_DESCRIPTION, openapi_url="/api/openapi.json",
                  docs_url=None, redoc_url=None)
    engine = make_engine(settings.database_url)
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.settings = settings
    app.state.clock = clock or settings.make_clock()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth_pages, board, item_pages, item_forms, meeting_forms, graph, pages, confirm, api, api_items,
                   api_docs):
        app.include_router(module.router)
    errors.install(app)
    https = secure_cookies(settings)

    @app.middleware("http")
    async def _security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")  # confirmation tokens live in URLs
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if https:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
