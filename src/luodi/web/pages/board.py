"""The board's pages: kanban, table, my items, escalations, and live refresh (Server-Sent Events)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from luodi.domain.enums import ItemStatus, Priority
from luodi.models import AuditEntry
from luodi.services import calendar as calendars
from luodi.services.rules import escalations
from luodi.services.rules.rule_context import calendar_from_settings
from luodi.services.track import board
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SettingsDep, local_today, see_other
from luodi.web.pages.board_contexts import BoardPage, EscalationsPage, ItemTablePage
from luodi.web.templating import render

router = APIRouter(include_in_schema=False)
PER_COLUMN = 25
PER_PAGE = 50
SSE_POLL_SECONDS = 2.0
SSE_LIFETIME_SECONDS = 50.0   # then the browser reconnects (EventSource does it by itself)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() and len(value) < 10 else None


def _enum(kind: type[ItemStatus] | type[Priority], value: str | None) -> ItemStatus | Priority | None:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


async def parse_filters(project: str | None = None, meeting: str | None = None, owner: str | None = None,
                  status: str | None = None, priority: str | None = None, window: str | None = None,
                  due_from: str | None = None, due_to: str | None = None) -> board.Filters:
    """The filters of the board and the table, from the query string; unreadable values are ignored."""
    found_status = _enum(ItemStatus, status)
    found_priority = _enum(Priority, priority)
    return board.Filters(
        project_id=_int(project), meeting_id=_int(meeting), owner_id=_int(owner),
        status=found_status if isinstance(found_status, ItemStatus) else None,
        priority=found_priority if isinstance(found_priority, Priority) else None,
        window=window if window in board.WINDOWS else None, due_from=_date(due_from), due_to=_date(due_to),
    )


FiltersDep = Annotated[board.Filters, Depends(parse_filters)]


@router.get("/")
def home(viewer: CurrentViewer) -> RedirectResponse:
    """The viewer's landing page: 今日跟进 for a coordinator, 我的行动项 for an owner, else the board."""
    from luodi.web.pages.navigation import landing

    return see_other(landing(viewer))


@router.get("/board", response_class=HTMLResponse)
def kanban(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
           filters: FiltersDep) -> HTMLResponse:
    today = local_today(settings, clock)
    columns = board.kanban(session, viewer, filters, today=today, per_column=PER_COLUMN)
    warnings = calendars.page_warnings(session, calendar_from_settings(settings), today=today,
                                       days=[card.due for column in columns for card in column.cards])
    page = BoardPage(columns=columns, filters=filters, choices=board.choices(session, viewer), per_column=PER_COLUMN,
                     today=today, calendar_warnings=warnings)
    session.commit()  # end the read transaction before rendering
    return render(request, "board.html", page=page)


def _table(request: Request, session: Session, viewer: CurrentViewer, filters: board.Filters, today: date, *,
           mine: bool, sort: str, desc: bool, page: int) -> HTMLResponse:
    from luodi.i18n import gettext as _
    from luodi.i18n import use_language
    from luodi.web.templating import request_language

    table = board.table(session, viewer, filters, today=today, sort=sort, descending=desc, page=page,
                        per_page=PER_PAGE)
    choices = board.choices(session, viewer)
    session.commit()
    with use_language(request_language(request)):
        title = _("My action items") if mine else _("Items")
    context = ItemTablePage(table=table, filters=filters, choices=choices, today=today, title=title, mine=mine)
    return render(request, "table.html", page=context)


@router.get("/items", response_class=HTMLResponse)
def items_table(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
                viewer: CurrentViewer, filters: FiltersDep, sort: str = "due", desc: bool = False,
                page: int = 1) -> HTMLResponse:
    return _table(request, session, viewer, filters, local_today(settings, clock), mine=False, sort=sort,
                  desc=desc, page=max(1, min(page, 100_000)))


@router.get("/me", response_class=HTMLResponse)
def my_items(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
             filters: FiltersDep, sort: str = "due", desc: bool = False, page: int = 1) -> HTMLResponse:
    """我的行动项: the viewer's own items (default: the open ones), with inline status changes."""
    return _table(request, session, viewer, filters.with_owner(viewer.person_id), local_today(settings, clock),
                  mine=True, sort=sort, desc=desc, page=max(1, min(page, 100_000)))


@router.get("/escalations", response_class=HTMLResponse)
def escalations_page(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
                     viewer: CurrentViewer) -> HTMLResponse:
    page = EscalationsPage(items=escalations.items_of_reports(session, viewer, today=local_today(settings, clock)),
                           firings=escalations.firings_to(session, viewer), tz=settings.tz)
    session.commit()
    return render(request, "escalations.html", page=page)


def _latest_change(maker: sessionmaker[Session]) -> int:
    """The change counter: the newest audit entry's id (every change is audited). One index probe
    (the primary key's last entry), in a session of its own that ends before the function returns."""
    with maker() as session:
        return int(session.scalar(select(func.max(AuditEntry.id))) or 0)


@router.get("/events")
async def events(request: Request, viewer: CurrentViewer) -> StreamingResponse:
    """``event: changed`` whenever anything is audited (any process): the board reloads its columns.

    Each poll reads the change counter on the read-only engine and closes its session: between polls
    no transaction is open, and on SQLite a poll never waits for (nor holds) the write lock.
    """
    maker: sessionmaker[Session] = request.app.state.read_sessionmaker

    async def stream() -> AsyncIterator[str]:
        last = await run_in_threadpool(_latest_change, maker)
        yield f"retry: 3000\nevent: hello\ndata: {last}\n\n"
        deadline = time.monotonic() + getattr(request.app.state, "sse_lifetime", SSE_LIFETIME_SECONDS)
        while time.monotonic() < deadline and not await request.is_disconnected():
            await asyncio.sleep(min(SSE_POLL_SECONDS, max(0.0, deadline - time.monotonic())))
            current = await run_in_threadpool(_latest_change, maker)
            if current != last:
                last = current
                yield f"event: changed\ndata: {current}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
