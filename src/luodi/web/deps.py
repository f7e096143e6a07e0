"""FastAPI dependencies (the session, the clock, the settings of the running app) and small route helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from luodi.clock import Clock
from luodi.config import Settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker() as session:  # uncommitted work is rolled back on close
        yield session


async def get_read_session(request: Request) -> AsyncIterator[Session]:
    """A session that only reads (web/reads.py): GET pages and API reads; never blocks on writers.

    ``async``: opening and closing it costs microseconds, less than the two thread-pool hops a
    sync generator dependency takes (PERFORMANCE.md: the hop dominates short requests).
    """
    with request.app.state.read_sessionmaker() as session:
        yield session


# The small dependencies are async for the same reason: a sync one is a thread-pool hop each.
async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
ReadSessionDep = Annotated[Session, Depends(get_read_session)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def local_today(settings: Settings, clock: Clock) -> date:
    """The organisation's calendar date now (overdue marks, due windows)."""
    return clock.now().astimezone(settings.tz).date()


def see_other(url: str) -> RedirectResponse:
    """The end of every successful form: a 303 redirect (reload never re-posts)."""
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None, default: str = "/board") -> str:
    """A local path to return to; anything else (another host, //evil) becomes ``default``."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value
