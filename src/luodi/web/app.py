"""``create_app(settings)``: builds everything the web app needs; nothing happens at import."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from luodi.clock import Clock
from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.services.errors import Conflict, Gone, InvalidInput, NotFound, ServiceError
from luodi.web.templating import render

STATIC = Path(__file__).parent / "static"
STATUS_FOR = {NotFound: 404, InvalidInput: 400, Conflict: 409, Gone: 410}

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def create_app(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> FastAPI:
    from luodi.migrate import upgrade_to_head
    from luodi.web.routes import api, confirm, pages

    if migrate:
        upgrade_to_head(settings.database_url)
    app = FastAPI(title="luodi", version="0.1.0", openapi_url="/api/openapi.json", docs_url="/api/docs",
                  redoc_url=None)
    engine = make_engine(settings.database_url)
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.settings = settings
    app.state.clock = clock or settings.make_clock()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages.router)
    app.include_router(confirm.router)
    app.include_router(api.router)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> Response:
        code = next((c for kind, c in STATUS_FOR.items() if isinstance(exc, kind)), 400)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": [{"field": exc.field, "message": exc.message}]}, status_code=code)
        return render(request, "message.html", status_code=code, title=str(code), message=exc.message)

    @app.middleware("http")
    async def _security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")  # confirmation tokens live in URLs
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
