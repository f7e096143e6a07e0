"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: the database answers, its
schema is at the package's migration head, and a worker's heartbeat is fresh). For load balancers
and monitoring; no authentication, and neither says more than the reasons below."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from luodi.migrate import database_heads, package_heads
from luodi.models import WorkerHeartbeat

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """200 ``{"status": "ready"}``, or 503 with the reasons (English, for operators' tools)."""
    state = request.app.state
    reasons: list[str] = []
    try:
        with state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return JSONResponse({"status": "not ready", "reasons": [f"database unreachable: {type(exc).__name__}"]},
                            status_code=503)
    if database_heads(state.engine) != package_heads():
        reasons.append("database schema is not at the migration head (run: luodi db upgrade)")
    # A worker is dead after three missed beats (worker/deliver.py takes its claims back then).
    oldest_fresh = state.clock.now() - timedelta(seconds=3 * state.settings.heartbeat_seconds)
    with state.sessionmaker() as session:
        fresh = session.scalar(select(func.count()).select_from(WorkerHeartbeat)
                               .where(WorkerHeartbeat.seen_at >= oldest_fresh))
    if not fresh:
        reasons.append("no worker heartbeat in the last "
                       f"{3 * state.settings.heartbeat_seconds:g} seconds (start luodi worker or luodi serve)")
    if reasons:
        return JSONResponse({"status": "not ready", "reasons": reasons}, status_code=503)
    return JSONResponse({"status": "ready"})
