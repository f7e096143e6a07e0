"""One item's page, and what owners do there: change the status, confirm, comment.

The status form is the kanban's drop target too: board.js posts the same form with
``Accept: application/json`` and gets the new version back instead of a redirect.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.render.history import AuditFacts, sentence
from luodi.services import calendar as calendars
from luodi.services.accounts.access import Viewer
from luodi.services.capture import item_edits
from luodi.services.errors import Forbidden, InvalidInput, StaleEdit
from luodi.services.rules.rule_context import calendar_from_settings
from luodi.services.send import confirmations
from luodi.services.track import board, comments, item_detail, items
from luodi.web.auth import CsrfProtected, CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep, local_today, safe_next, see_other
from luodi.web.pages.board_contexts import ConflictPage, ItemPage
from luodi.web.templating import render, request_language

router = APIRouter(include_in_schema=False, dependencies=[CsrfProtected])
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def item_page(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, viewer: Viewer,
              item_id: int, *, error: str | None = None, status_code: int = 200) -> HTMLResponse:
    detail = item_detail.load(session, viewer, item_id)
    people = board.choices(session, viewer).people if detail.can_update else {}
    today = local_today(settings, clock)
    warnings = calendars.page_warnings(session, calendar_from_settings(settings), today=today,
                                       days=[detail.item.due])
    lang = request_language(request)
    lines = [(entry, sentence(AuditFacts(entry.actor_kind, entry.who, entry.entity, entry.action, entry.field,
                                         entry.before, entry.after), lang, ref_year=today.year))
             for entry in detail.history]
    page = ItemPage(detail=detail, tz=settings.tz, today=today, people=people, error=error,
                    calendar_warnings=warnings, history=lines)
    session.commit()
    return render(request, "item.html", status_code=status_code, page=page)


@router.get("/items/{item_id}", response_class=HTMLResponse)
def show(request: Request, item_id: ItemId, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
         viewer: CurrentViewer) -> HTMLResponse:
    return item_page(request, session, settings, clock, viewer, item_id)


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


@router.post("/items/{item_id}/status", response_model=None)
def change_status(request: Request, item_id: ItemId, session: SessionDep, clock: ClockDep, viewer: CurrentViewer,
                  status: Annotated[str, Form(max_length=20)] = "",
                  version: Annotated[str, Form(max_length=12)] = "",
                  next: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Move an item to another status (an owner: their own items; a coordinator: any), audited."""
    item = items.get(session, item_id)
    expected = int(version) if version.isdigit() else None
    try:
        item_edits.update_item(session, viewer, item, {"status": status}, version=expected, now=clock.now())
    except StaleEdit as exc:
        session.rollback()
        if wants_json(request):
            return JSONResponse({"detail": [{"field": "version", "message": exc.message}],
                                 "current": exc.theirs, "version": exc.version}, status_code=409)
        return conflict(request, item_id, item.code, {"status": status}, exc)
    session.commit()
    if wants_json(request):
        return JSONResponse({"id": item.id, "status": item.status.value, "version": item.version})
    return see_other(safe_next(next, f"/items/{item_id}"))


def conflict(request: Request, item_id: int, code: str, yours: dict[str, str], exc: StaleEdit, *,
             action: str = "", back: str = "", shown: dict[str, str] | None = None) -> HTMLResponse:
    """Both values of each field sent, side by side (409); ``shown``: yours as words (the owner's name)
    when ``yours`` holds what is sent again (an id); ``action``: where 「apply mine」 posts ``yours``."""
    words, lang = shown or yours, request_language(request)
    rows = [(field, _value_words(field, words[field], lang), _value_words(field, exc.theirs.get(field, ""), lang))
            for field in yours if field in exc.theirs]
    page = ConflictPage(item_id=item_id, code=code, rows=rows, version=exc.version, yours=yours, action=action,
                        back=back or f"/items/{item_id}")
    return render(request, "conflict.html", status_code=409, page=page)


def _value_words(field: str, value: str, lang: str) -> str:
    """A status or a priority in words (在进行中, 高); other values as they are."""
    from luodi.domain.enums import ItemStatus, Priority
    from luodi.render.env import priority_label, status_label

    if field == "status" and value in set(ItemStatus):
        return status_label(ItemStatus(value), lang, emoji=False)
    if field == "priority" and value in set(Priority):
        return priority_label(Priority(value), lang)
    return value


@router.post("/items/{item_id}/confirm", response_model=None)
def confirm(item_id: ItemId, session: SessionDep, clock: ClockDep, viewer: CurrentViewer) -> Response:
    """The owner confirms 「收到并理解」 on the web (CONF-1)."""
    item = items.get(session, item_id)
    viewer.require_item(Permission.UPDATE, item)
    if item.owner_id != viewer.person_id:
        raise Forbidden(_("Only the owner confirms an item."), field="owner")
    confirmations.confirm(session, item, item.owner, via="web", now=clock.now())
    session.commit()
    return see_other(f"/items/{item_id}")


@router.post("/items/{item_id}/comments", response_model=None)
def comment(request: Request, item_id: ItemId, session: SessionDep, settings: SettingsDep, clock: ClockDep,
            viewer: CurrentViewer, body: Annotated[str, Form(max_length=20_000)] = "") -> Response:
    item = items.get(session, item_id)
    try:
        comments.add(session, viewer, item, body, now=clock.now())
    except InvalidInput as exc:
        session.rollback()
        return item_page(request, session, settings, clock, viewer, item_id, error=exc.message, status_code=400)
    session.commit()
    return see_other(f"/items/{item_id}#comments")
