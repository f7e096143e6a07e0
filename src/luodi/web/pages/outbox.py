"""The outbox page: every message the worker delivers, with its attempts and last error, so an
admin sees a dead message in the web as in ``luodi outbox list`` (issue 16)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from luodi.domain.enums import OutboxStatus
from luodi.services.rules import outbox
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ReadSessionDep, SettingsDep
from luodi.web.pages.contexts import OutboxPage
from luodi.web.templating import render

router = APIRouter(include_in_schema=False)
_TIMES = ("next_attempt_at", "sent_at", "created_at")


@router.get("/outbox", response_class=HTMLResponse)
def outbox_page(request: Request, session: ReadSessionDep, settings: SettingsDep, viewer: CurrentViewer,
                status: Annotated[str | None, Query(max_length=20)] = None) -> HTMLResponse:
    """Admins and coordinators of every project (services decide: outbox.messages_for)."""
    chosen = status if status in {s.value for s in OutboxStatus} else None
    messages = [{**m, **{k: datetime.fromisoformat(m[k]) if m[k] else None for k in _TIMES}}
                for m in outbox.messages_for(session, viewer, status=chosen)]
    page = OutboxPage(messages=messages, counts=outbox.status_counts(session), status=chosen,
                      max_attempts=settings.max_attempts, tz=settings.tz)
    return render(request, "outbox.html", page=page)
