"""``create_app(settings)``: builds everything the web app needs; nothing happens at import."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from luodi.clock import Clock
from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.web import errors
from luodi.web.auth import secure_cookies
from luodi.web.middleware import CSP, WebMiddleware
from luodi.web.reads import make_read_engine

STATIC = Path(__file__).parent / "static"
__all__ = ["CSP", "create_app"]


API_DESCRIPTION = """luodi's REST API (INT-4). Authenticate with a personal token:
`Authorization: Bearer <token>` (`luodi token create --user NAME [--read-only]`).

Item responses carry an `ETag` (the item's version). `PATCH /api/v1/items/{id}` and
`POST /api/v1/items/{id}/status` need `If-Match` with that ETag: a stale one is refused with 412,
a missing one with 428. Errors are `{"detail": [{"field": …, "message": …}]}` in the language of the
token's user (or `Accept-Language`); each operation lists the error statuses it can answer."""


def create_app(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> FastAPI:
    from luodi.migrate import upgrade_to_head

    if migrate:
        upgrade_to_head(settings.database_url)
    app = FastAPI(title="luodi", version="0.1.0", description=API_DESCRIPTION, openapi_url="/api/openapi.json",
                  docs_url=None, redoc_url=None)
    engine = make_engine(settings.database_url)
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.read_engine = make_read_engine(settings.database_url, engine)
    app.state.read_sessionmaker = make_sessionmaker(app.state.read_engine)
    app.state.settings = settings
    app.state.clock = clock or settings.make_clock()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _include_routers(app)
    from luodi.web.api import contract

    app.openapi = lambda: contract.openapi(app)  # type: ignore[method-assign]
    if settings.api_docs_served:   # off in production unless LUODI_API_DOCS=1
        from luodi.web.api import docs as api_docs

        app.include_router(api_docs.router)
    from luodi.web import health

    app.include_router(health.router)   # /healthz, /readyz
    from luodi.web import metrics

    app.state.metrics = metrics.AppMetrics(app.state.read_engine, app.state.clock)
    app.include_router(metrics.router)   # /internal/metrics
    errors.install(app)
    app.add_middleware(WebMiddleware, https=secure_cookies(settings), metrics=app.state.metrics)

    return app


def _include_routers(app: FastAPI) -> None:
    from luodi.web import callbacks
    from luodi.web.api import core as api
    from luodi.web.api import items as api_items
    from luodi.web.forms import admin as admin_forms
    from luodi.web.forms import admin_channels as admin_channel_forms
    from luodi.web.forms import admin_users as admin_user_forms
    from luodi.web.forms import items as item_forms
    from luodi.web.forms import meetings as meeting_forms
    from luodi.web.forms import webhooks as webhook_forms
    from luodi.web.pages import acceptance as acceptance_page
    from luodi.web.pages import admin as admin_pages
    from luodi.web.pages import admin_channels as admin_channel_pages
    from luodi.web.pages import admin_users as admin_user_pages
    from luodi.web.pages import auth as auth_pages
    from luodi.web.pages import board, calendar, confirm, extract, feeds, graph
    from luodi.web.pages import imports as import_pages
    from luodi.web.pages import items as item_pages
    from luodi.web.pages import meetings as pages
    from luodi.web.pages import outbox as outbox_page
    from luodi.web.pages import webhooks as webhook_pages

    for module in (auth_pages, board, item_pages, item_forms, meeting_forms, extract, import_pages, graph, pages,
                   confirm,
                   outbox_page, acceptance_page, calendar, feeds, webhook_pages, webhook_forms,
                   admin_pages, admin_forms, admin_user_pages, admin_user_forms,
                   admin_channel_pages, admin_channel_forms, api, api_items,
                   callbacks):
        app.include_router(module.router)
    from luodi.web.api import followup as api_followup
    from luodi.web.pages import followup

    app.include_router(followup.router)
    app.include_router(api_followup.router)
