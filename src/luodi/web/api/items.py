"""/api/v1/items: list, read (with ETag), create, change (If-Match), status changes, history, comments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus, Priority
from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.models import Item, Meeting, Person
from luodi.services.accounts.access import Viewer
from luodi.services.capture import item_edits
from luodi.services.errors import InvalidInput, PreconditionFailed, PreconditionRequired, StaleEdit
from luodi.services.track import board, board_queries, comments, item_detail, items
from luodi.web.api.contract import BEARER, IF_MATCH, errors, operation_id, with_etag
from luodi.web.api.schemas import (
    CommentCreate,
    CommentPublic,
    HistoryEntry,
    ItemCreate,
    ItemList,
    ItemPublic,
    ItemUpdate,
    StatusChange,
)
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep, local_today

router = APIRouter(prefix="/api/v1", tags=["items"], dependencies=[Depends(BEARER)],
                   generate_unique_id_function=operation_id)
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The item's id (not its code T001)")]


def etag(item: Item) -> str:
    return f'"{item.version}"'


def to_public(session: Session, found: Sequence[Item]) -> list[ItemPublic]:
    deps = items.dependency_codes(session, found)
    return [ItemPublic(
        id=i.id, code=i.code, title=i.title, owner=i.owner.name, owner_id=i.owner_id, start=i.start, due=i.due,
        deliverable=i.deliverable, status=i.status, priority=i.priority, acceptance=i.acceptance,
        depends_on=deps[i.id], confirmed=i.confirmed_at is not None, meeting_id=i.meeting_id,
        project_id=i.project_id, parent_id=i.parent_id, version=i.version, updated_at=i.updated_at,
    ) for i in found]


def readable(session: Session, viewer: Viewer, item_id: int) -> Item:
    item = items.get(session, item_id)
    viewer.require_item(Permission.READ, item)
    return item


def expected_version(if_match: str | None, item: Item) -> int:
    """The version named by If-Match: 428 when absent, 412 when not the current one. The header is
    read by hand, not as a FastAPI parameter: a required one would answer 422, not 428, when missing
    (the document declares it required: contract.IF_MATCH)."""
    if not if_match:
        raise PreconditionRequired(_("Send If-Match with the item's ETag."), field="If-Match")
    if len(if_match) > 100:
        raise PreconditionFailed(_("{code} is at version {version}; reload it and try again.").format(
            code=item.code, version=item.version), field="If-Match")
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(",")]
    if "*" in tags:
        return item.version
    if str(item.version) not in tags:
        raise PreconditionFailed(_("{code} is at version {version}; reload it and try again.").format(
            code=item.code, version=item.version), field="If-Match")
    return item.version


@router.get("/items", response_model=ItemList, summary="List items", responses=errors(422))
def list_items(session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
               project_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
               meeting_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
               owner_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
               status: ItemStatus | None = None, priority: Priority | None = None,
               due_from: date | None = None, due_to: date | None = None,
               sort: Annotated[str, Query(pattern="^(due|code|title|owner|start|status|priority|meeting)$")] = "due",
               desc: bool = False, limit: Annotated[int, Query(ge=1, le=500)] = 100,
               offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> ItemList:
    """The items the token's user may read, filtered and sorted, one page at a time. `total` counts
    every item under the filters, so a client pages with `offset` until it has them all."""
    filters = board.Filters(project_id=project_id, meeting_id=meeting_id, owner_id=owner_id, status=status,
                            priority=priority, due_from=due_from, due_to=due_to)
    where, params = board.conditions(viewer, filters, today=local_today(settings, clock))
    total, found = items_page(session, where, params, sort=sort, desc=desc, limit=limit, offset=offset)
    return ItemList(items=to_public(session, found), total=total, limit=limit, offset=offset)


def items_page(session: Session, where: tuple[ColumnElement[bool], ...], params: dict[str, Any], *, sort: str,
               desc: bool, limit: int, offset: int) -> tuple[int, Sequence[Item]]:
    total = session.scalar(select(func.count()).select_from(Item).where(*where), params) or 0
    query = (select(Item).join(Person, Person.id == Item.owner_id).outerjoin(Meeting, Meeting.id == Item.meeting_id)
             .where(*where).order_by(*board_queries.ordering(sort, desc)).limit(limit).offset(offset))
    return total, session.scalars(query, params).unique().all()


@router.get("/items/{item_id}", response_model=ItemPublic, summary="Read one item",
            responses={**errors(404, 422), **with_etag()})
def get_item(item_id: ItemId, response: Response, session: ReadSessionDep, viewer: CurrentViewer) -> ItemPublic:
    """One item, with its version in the `ETag` header: send that back in `If-Match` to change it."""
    item = readable(session, viewer, item_id)
    response.headers["ETag"] = etag(item)
    return to_public(session, [item])[0]


@router.post("/items", response_model=ItemPublic, status_code=201, summary="Create an item",
             responses={**errors(400, 403, 404, 422), **with_etag(201)})
def create_item(body: ItemCreate, response: Response, session: SessionDep, clock: ClockDep,
                viewer: CurrentViewer) -> ItemPublic:
    """A new item in a project (`project_id`), a meeting's project (`meeting_id`), or a subtask of
    another item (`parent_id`); it gets the project's next code (T004 …). Coordinators create items;
    an item's owner may add subtasks to it. The owner must be a person of the directory (400 otherwise)."""
    from luodi.services.capture import meetings

    parent = readable(session, viewer, body.parent_id) if body.parent_id else None
    project_id = body.project_id
    if body.meeting_id is not None:
        meeting = meetings.get(session, body.meeting_id)
        viewer.require(Permission.READ, meeting.project_id, what="meeting", key=body.meeting_id)
        project_id = meeting.project_id
    if project_id is None and parent is None:
        raise InvalidInput(_("Give project_id, meeting_id or parent_id."), field="project_id")
    fields = body.model_dump(include={"title", "owner", "due", "start", "deliverable", "priority", "acceptance"})
    item = item_edits.create_item(session, viewer, project_id=project_id or 0, meeting_id=body.meeting_id,
                                  fields=fields, parent=parent, now=clock.now())
    session.commit()
    response.headers["ETag"] = etag(item)
    return to_public(session, [item])[0]


@router.patch("/items/{item_id}", response_model=ItemPublic, summary="Change an item",
              responses={**errors(400, 403, 404, 412, 422, 428), **with_etag()}, openapi_extra=IF_MATCH)
def update_item(request: Request, item_id: ItemId, body: ItemUpdate, response: Response, session: SessionDep,
                clock: ClockDep, viewer: CurrentViewer) -> ItemPublic:
    """Change only the fields sent, each change recorded in the item's history. `If-Match` must name
    the current version: an old one is refused with 412 and nothing is overwritten, a missing one
    with 428. An owner may change the status of their own items; other fields need a coordinator."""
    if_match = request.headers.get("if-match")
    item = readable(session, viewer, item_id)
    changes = body.model_dump(exclude_unset=True)
    needed = Permission.UPDATE if set(changes) <= item_edits.OWNER_FIELDS else Permission.EDIT
    viewer.require_item(needed, item)
    version = expected_version(if_match, item)
    _apply(session, viewer, item, changes, version, clock)
    response.headers["ETag"] = etag(item)
    return to_public(session, [item])[0]


def _apply(session: Session, viewer: Viewer, item: Item, changes: dict[str, object], version: int,
           clock: ClockDep) -> None:
    try:
        item_edits.update_item(session, viewer, item, changes, version=version, now=clock.now())
    except StaleEdit as exc:
        raise PreconditionFailed(exc.message, field="If-Match") from exc
    session.commit()


@router.post("/items/{item_id}/status", response_model=ItemPublic, summary="Change an item's status",
             responses={**errors(400, 403, 404, 412, 422, 428), **with_etag()}, openapi_extra=IF_MATCH)
def change_status(request: Request, item_id: ItemId, body: StatusChange, response: Response, session: SessionDep,
                  clock: ClockDep, viewer: CurrentViewer) -> ItemPublic:
    """Move the item to another status, as a card moved on the board: recorded in its history with
    the token's user, and the version goes up (a new `ETag`). Needs `If-Match` like a change."""
    if_match = request.headers.get("if-match")
    item = readable(session, viewer, item_id)
    viewer.require_item(Permission.UPDATE, item)
    version = expected_version(if_match, item)
    _apply(session, viewer, item, {"status": body.status}, version, clock)
    response.headers["ETag"] = etag(item)
    return to_public(session, [item])[0]


@router.get("/items/{item_id}/history", response_model=list[HistoryEntry], summary="An item's history",
            responses=errors(404, 422))
def history(item_id: ItemId, session: ReadSessionDep, viewer: CurrentViewer) -> list[HistoryEntry]:
    """Every change of the item, newest first: who (a person, a rule or the import), when, which
    field, and its value before and after."""
    readable(session, viewer, item_id)
    return [HistoryEntry(at=entry.at, who=entry.who, action=entry.action, field=entry.field, before=entry.before,
                         after=entry.after) for entry in item_detail.history(session, item_id)]


@router.get("/items/{item_id}/comments", response_model=list[CommentPublic], summary="An item's comments",
            responses=errors(404, 422))
def list_comments(item_id: ItemId, session: ReadSessionDep, viewer: CurrentViewer,
                  limit: Annotated[int, Query(ge=1, le=500)] = 100,
                  offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> list[CommentPublic]:
    """The comments on the item, oldest first, one page at a time."""
    item = readable(session, viewer, item_id)
    return [CommentPublic(id=c.id, item_id=c.item_id, author=c.author.name if c.author else None, body=c.body,
                          created_at=c.created_at) for c in comments.list_for(session, item, limit=limit,
                                                                              offset=offset)]


@router.post("/items/{item_id}/comments", response_model=CommentPublic, status_code=201, summary="Comment on an item",
             responses=errors(400, 403, 404, 422))
def add_comment(item_id: ItemId, body: CommentCreate, session: SessionDep, clock: ClockDep,
                viewer: CurrentViewer) -> CommentPublic:
    """Add a comment as the token's user; it shows on the item's page and in its history."""
    item = readable(session, viewer, item_id)
    comment = comments.add(session, viewer, item, body.body, now=clock.now())
    session.commit()
    author = comment.author.name if comment.author else None
    return CommentPublic(id=comment.id, item_id=item.id, author=author, body=comment.body,
                         created_at=comment.created_at)
