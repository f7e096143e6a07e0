"""A coordinator's forms on an item: edit its fields (with a conflict page when stale), change
owner, due date, status or priority inline from the item page or the table (``/items/{id}/fields``,
the same use case as the API's PATCH with If-Match: a stale version changes nothing and shows
both values), add a subtask, add or remove a dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from luodi.domain.roles import Permission
from luodi.services.accounts.access import Viewer
from luodi.services.capture import item_edits
from luodi.services.errors import InvalidInput, StaleEdit
from luodi.services.track import board, dependency_edits, items
from luodi.web.auth import CsrfProtected, CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep, safe_next, see_other
from luodi.web.pages.board_contexts import ItemEditPage
from luodi.web.pages.items import ItemId, conflict, item_page
from luodi.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[CsrfProtected])
EDIT_FIELDS = ("title", "owner", "start", "due", "deliverable", "priority", "acceptance", "status")
Text = Annotated[str, Form(max_length=6000)]


def _edit_page(request: Request, session: SessionDep, viewer: Viewer, item_id: int, values: dict[str, str] | None,
               *, error: str | None = None, field: str | None = None, version: int | None = None) -> HTMLResponse:
    item = items.get(session, item_id)
    viewer.require_item(Permission.EDIT, item)
    current = item_edits.current_values(item, list(EDIT_FIELDS))
    page = ItemEditPage(item_id=item.id, code=item.code, version=version or item.version, values=values or current,
                        people=board.choices(session, viewer).people, error=error, error_field=field)
    session.commit()
    return render(request, "item_edit.html", status_code=400 if error else 200, page=page)


@router.get("/items/{item_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, item_id: ItemId, session: ReadSessionDep, viewer: CurrentViewer) -> HTMLResponse:
    return _edit_page(request, session, viewer, item_id, None)


@router.post("/items/{item_id}/edit", response_model=None)
def edit(request: Request, item_id: ItemId, session: SessionDep, clock: ClockDep, viewer: CurrentViewer,
         version: Annotated[str, Form(max_length=12)] = "", title: Text = "", owner: Text = "", start: Text = "",
         due: Text = "", deliverable: Text = "", priority: Text = "medium", acceptance: Text = "",
         status: Text = "") -> Response:
    """Save the form; when the item changed since the form was loaded, show both values (409)."""
    yours = {"title": title, "owner": owner, "start": start, "due": due, "deliverable": deliverable,
             "priority": priority, "acceptance": acceptance, "status": status}
    item = items.get(session, item_id)
    changes: dict[str, object] = {k: v for k, v in yours.items() if k != "owner"}
    changes["owner"] = int(owner) if owner.isdigit() else owner
    try:
        item_edits.update_item(session, viewer, item, changes, version=int(version) if version.isdigit() else -1,
                               now=clock.now())
    except StaleEdit as exc:
        session.rollback()
        shown = {**yours, "owner": _person_name(session, owner)}
        return conflict(request, item_id, item.code, shown, exc)
    except InvalidInput as exc:
        session.rollback()
        return _edit_page(request, session, viewer, item_id, yours, error=exc.message, field=exc.field,
                          version=int(version) if version.isdigit() else None)
    session.commit()
    return see_other(f"/items/{item_id}")


INLINE_FIELDS = ("owner", "due", "status", "priority")
Small = Annotated[str | None, Form(max_length=40)]


@router.post("/items/{item_id}/fields", response_model=None)
def inline_edit(request: Request, item_id: ItemId, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                viewer: CurrentViewer, version: Annotated[str, Form(max_length=12)] = "",
                next: Annotated[str, Form(max_length=2000)] = "", owner: Small = None, due: Small = None,
                status: Small = None, priority: Small = None) -> Response:
    """Change the fields sent (owner, due, status, priority) made from ``version``; when the item
    changed since the page was drawn, nothing is saved and both values are shown (409)."""
    back = safe_next(next, f"/items/{item_id}")
    sent = {"owner": owner, "due": due, "status": status, "priority": priority}
    yours = {field: value.strip() for field, value in sent.items() if value is not None}
    item = items.get(session, item_id)
    changes: dict[str, object] = {**yours}
    if "owner" in yours:
        changes["owner"] = int(yours["owner"]) if yours["owner"].isdigit() else yours["owner"]
    try:
        item_edits.update_item(session, viewer, item, changes, version=int(version) if version.isdigit() else -1,
                               now=clock.now())
    except StaleEdit as exc:
        session.rollback()
        return conflict(request, item_id, item.code, yours, exc, action=f"/items/{item_id}/fields", back=back,
                        shown={**yours, "owner": _person_name(session, yours["owner"])} if "owner" in yours else None)
    except InvalidInput as exc:
        session.rollback()
        return item_page(request, session, settings, clock, viewer, item_id, error=exc.message, status_code=400)
    session.commit()
    return see_other(back)


def _person_name(session: SessionDep, owner: str) -> str:
    from luodi.models import Person

    person = session.get(Person, int(owner)) if owner.isdigit() else None
    return person.name if person else owner


@router.post("/items/{item_id}/subtasks", response_model=None)
def add_subtask(request: Request, item_id: ItemId, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                viewer: CurrentViewer, title: Text = "", owner: Text = "", due: Text = "",
                start: Text = "") -> Response:
    """Break an item down (BOARD-3): its owner or a coordinator adds a subtask."""
    parent = items.get(session, item_id)
    fields: dict[str, object] = {"title": title, "owner": int(owner) if owner.isdigit() else owner, "due": due,
                                 "start": start}
    try:
        created = item_edits.create_item(session, viewer, project_id=parent.project_id, fields=fields,
                                         parent=parent, now=clock.now())
    except InvalidInput as exc:
        session.rollback()
        return item_page(request, session, settings, clock, viewer, item_id, error=exc.message, status_code=400)
    session.commit()
    return see_other(f"/items/{item_id}#subtask-{created.id}")


@router.post("/items/{item_id}/dependencies", response_model=None)
def add_dependency(request: Request, item_id: ItemId, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                   viewer: CurrentViewer, code: Annotated[str, Form(max_length=20)] = "",
                   reason: Text = "") -> Response:
    item = items.get(session, item_id)
    try:
        dependency_edits.add(session, viewer, item, code, reason=reason, now=clock.now())
    except InvalidInput as exc:
        session.rollback()
        return item_page(request, session, settings, clock, viewer, item_id, error=exc.message, status_code=400)
    session.commit()
    return see_other(f"/items/{item_id}#dependencies")


@router.post("/items/{item_id}/dependencies/{prerequisite_id}/delete", response_model=None)
def remove_dependency(item_id: ItemId, prerequisite_id: ItemId, session: SessionDep, clock: ClockDep,
                      viewer: CurrentViewer) -> Response:
    dependency_edits.remove(session, viewer, items.get(session, item_id), prerequisite_id, now=clock.now())
    session.commit()
    return see_other(f"/items/{item_id}#dependencies")
