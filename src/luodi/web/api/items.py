"""/api/v1/items: list, read (with ETag), create, change (If-Match), status changes, history, comments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response
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
from luodi.web.errors import ERROR_RESPONSES, ErrorBody

router = APIRouter(prefix="/api/v1", tags=["items"], responses=ERROR_RESPONSES)
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=100,
                                       description='The ETag of the version you change, e.g. "3"')]
PRECONDITION: dict[int | str, dict[str, Any]] = {
    412: {"model": ErrorBody, "description": "If-Match names an old version"},
    428: {"model": ErrorBody, "description": "If-Match is missing"},
    409: {"model": ErrorBody, "description": "The change conflicts with the item's state"},
}


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
    """The version named by If-Match: 428 when absent, 412 when not the current one."""
    if not if_match:
        raise PreconditionRequired(_("Send If-Match with the item's ETag."), field="If-Match")
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(",")]
    if "*" in tags:
        return item.version
    if str(item.version) not in tags:
        raise PreconditionFailed(_("{code} is at version {version}; reload it and try again.").format(
            code=item.code, version=item.version), field="If-Match")
    return item.version


@router.get("/items", response_model=ItemList)
def list_items(session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
               project_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
               meeting_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
               owner_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
               status: ItemStatus | None = None, priority: Priority | None = None,
               due_from: date | None = None, due_to: date | None = None,
               sort: Annotated[str, Query(pattern="^(due|code|title|owner|start|status|priority|meeting)$")] = "due",
               desc: bool = False, limit: Annotated[int, Query(ge=1, le=500)] = 100,
               offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> ItemList:
    """Items the token's user may read, filtered and sorted, one page at a time."""
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


@router.get("/items/{item_id}", response_model=ItemPublic)
def get_item(item_id: ItemId, response: Response, session: ReadSessionDep, viewer: CurrentViewer) -> ItemPublic:
    item = readable(session, viewer, item_id)
    response.headers["ETag"] = etag(item)
    return to_public(session, [item])[0]


@router.post("/items", response_model=ItemPublic, status_code=201)
def create_item(body: ItemCreate, response: Response, session: SessionDep, clock: ClockDep,
                viewer: CurrentViewer) -> ItemPublic:
    """A new item (or a subtask, with parent_id), numbered in its project."""
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


@router.patch("/items/{item_id}", response_model=ItemPublic, responses=PRECONDITION)
def update_item(item_id: ItemId, body: ItemUpdate, response: Response, session: SessionDep, clock: ClockDep,
                viewer: CurrentViewer, if_match: IfMatch = None) -> ItemPublic:
    """Change the fields sent. Needs If-Match: a stale ETag is refused (412), nothing is overwritten."""
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


@router.post("/items/{item_id}/status", response_model=ItemPublic, responses=PRECONDITION)
def change_status(item_id: ItemId, body: StatusChange, response: Response, session: SessionDep, clock: ClockDep,
                  viewer: CurrentViewer, if_match: IfMatch = None) -> ItemPublic:
    """A status change by a person (audited, like a card moved on the board). Needs If-Match."""
    item = readable(session, viewer, item_id)
    viewer.require_item(Permission.UPDATE, item)
    version = expected_version(if_match, item)
    _apply(session, viewer, item, {"status": body.status}, version, clock)
    response.headers["ETag"] = etag(item)
    return to_public(session, [item])[0]


@router.get("/items/{item_id}/history", response_model=list[HistoryEntry])
def history(item_id: ItemId, session: ReadSessionDep, viewer: CurrentViewer) -> list[HistoryEntry]:
    """Every change of the item, newest first: who, when, field, from → to."""
    readable(session, viewer, item_id)
    return [HistoryEntry(at=entry.at, who=entry.who, action=entry.action, field=entry.field, before=entry.before,
                         after=entry.after) for entry in item_detail.history(session, item_id)]


@router.get("/items/{item_id}/comments", response_model=list[CommentPublic])
def list_comments(item_id: ItemId, session: ReadSessionDep, viewer: CurrentViewer,
                  limit: Annotated[int, Query(ge=1, le=500)] = 100,
                  offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> list[CommentPublic]:
    item = readable(session, viewer, item_id)
    return [CommentPublic(id=c.id, item_id=c.item_id, author=c.author.name if c.author else None, body=c.body,
                          created_at=c.created_at) for c in comments.list_for(session, item, limit=limit,
                                                                              offset=offset)]


@router.post("/items/{item_id}/comments", response_model=CommentPublic, status_code=201)
def add_comment(item_id: ItemId, body: CommentCreate, session: SessionDep, clock: ClockDep,
                viewer: CurrentViewer) -> CommentPublic:
    item = readable(session, viewer, item_id)
    comment = comments.add(session, viewer, item, body.body, now=clock.now())
    session.commit()
    author = comment.author.name if comment.author else None
    return CommentPublic(id=comment.id, item_id=item.id, author=author, body=comment.body,
                         created_at=comment.created_at)
