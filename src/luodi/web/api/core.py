"""/api/v1: meetings (list, read, import), confirmations, people, the token's user, and the
owner's confirmation of an item (by the link's token, or as the bearer token's user)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select

from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.models import Person
from luodi.services.accounts import people
from luodi.services.capture import meetings
from luodi.services.capture.meeting_list import visible_meetings
from luodi.services.errors import Forbidden, InvalidInput, Unauthenticated
from luodi.services.send import confirmations, tokens
from luodi.services.send.status import meeting_status
from luodi.web.api.contract import BEARER, BEARER_OR_LINK, errors, operation_id, with_etag
from luodi.web.api.items import etag, readable, to_public
from luodi.web.api.schemas import (
    CallEntry,
    ConfirmationRow,
    Confirmations,
    ConfirmRequest,
    ImportResult,
    ItemPublic,
    Me,
    MeetingImport,
    MeetingList,
    MeetingPublic,
    MeetingSummary,
    PersonPublic,
)
from luodi.web.auth import CurrentViewer, OptionalViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep
from luodi.web.errors import api_error

router = APIRouter(prefix="/api/v1", dependencies=[Depends(BEARER)], generate_unique_id_function=operation_id)
Id = Annotated[int, Path(ge=1, le=2**31 - 1, description="The id from a list or an earlier answer")]


@router.get("/me", response_model=Me, tags=["people"], summary="Who the token is", responses=errors())
def me(viewer: CurrentViewer) -> Me:
    """The token's user, the person they are in the directory, and their roles per project: a quick
    check that a token works, and what it may do."""
    roles = {str(project) if project else "*": sorted(role.value for role in held)
             for project, held in viewer.roles.items()}
    return Me(name=viewer.name, person=viewer.person_name, admin=viewer.is_admin, language=viewer.language,
              read_only=viewer.read_only, roles=roles)


@router.get("/meetings", response_model=MeetingList, tags=["meetings"], summary="List meetings",
            responses=errors(422))
def list_meetings(session: ReadSessionDep, viewer: CurrentViewer, limit: Annotated[int, Query(ge=1, le=500)] = 100,
                  offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> MeetingList:
    """The meetings the token's user may read, newest first, with how many of their items are confirmed."""
    rows = visible_meetings(session, viewer, limit=limit, offset=offset)
    return MeetingList(meetings=[MeetingSummary(**row) for row in rows], limit=limit, offset=offset)


@router.post("/meetings", response_model=ImportResult, tags=["meetings"], summary="Import a meeting's action list",
             responses=errors(400, 403, 404, 422))
def import_meeting(body: MeetingImport, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                   viewer: CurrentViewer) -> ImportResult | JSONResponse:
    """Import the action list of a meeting, written as Markdown (docs/action-list.md), in one
    transaction. The list is checked first: with any error nothing is written and the answer is 400
    naming each line; warnings are returned with the result. `dry_run` checks and shows, writes nothing."""
    from luodi.services.capture import meeting_edits

    now = clock.now()
    target = meeting_edits.writable_project(session, viewer, project_id=None,
                                            new_name=body.project or _title(body.markdown), now=now)
    report = meetings.import_action_list(session, body.markdown, project=target.name, now=now, tz=settings.tz,
                                         max_open_per_week=settings.max_open_per_week)
    if report.errors or body.dry_run:
        session.rollback()
        report.meeting_id = None
    else:
        session.commit()
    if report.errors:
        return api_error(400, [{"field": f.field, "message": f"line {f.line}: {f.message}"} for f in report.errors])
    return ImportResult(**report.to_json())


def _title(markdown: str) -> str:
    from luodi.capture.markdown import parse_action_list

    parsed = parse_action_list(markdown)
    if parsed.meeting is None:
        raise InvalidInput(_("Give the project (the list has no title)."), field="project")
    return parsed.meeting.title


@router.get("/meetings/{meeting_id}", response_model=MeetingPublic, tags=["meetings"], summary="Read one meeting",
            responses=errors(404, 422))
def get_meeting(meeting_id: Id, session: ReadSessionDep, viewer: CurrentViewer) -> MeetingPublic:
    """The meeting's facts and decisions, when its list was sent and until when owners confirm."""
    found = meetings.get(session, meeting_id)
    viewer.require(Permission.READ, found.project_id, what="meeting", key=meeting_id)
    return MeetingPublic(**meetings.meeting_public(found))


@router.get("/meetings/{meeting_id}/confirmations", response_model=Confirmations, tags=["meetings"],
            summary="Who confirmed a meeting's items", responses=errors(404, 422))
def meeting_confirmations(meeting_id: Id, session: ReadSessionDep, clock: ClockDep,
                          viewer: CurrentViewer) -> Confirmations:
    """Each item of the meeting and whether its owner confirmed 收到并理解; once the deadline has
    passed, `call_list` names the owners to phone, with their numbers."""
    found = meetings.get(session, meeting_id)
    viewer.require(Permission.READ, found.project_id, what="meeting", key=meeting_id)
    status = meeting_status(session, meeting_id, at=clock.now())
    return Confirmations(
        meeting_id=meeting_id, sent_at=status.sent_at, deadline=status.deadline, past_deadline=status.past_deadline,
        items=[ConfirmationRow(code=i["code"], owner=i["owner"], confirmed=i["confirmed"]) for i in status.items],
        call_list=[CallEntry(owner=c.owner, phone=c.phone, items=c.items) for c in status.call_list])


@router.get("/people", response_model=list[PersonPublic], tags=["people"], summary="List the directory",
            responses=errors(422))
def list_people(session: ReadSessionDep, viewer: CurrentViewer, limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> list[PersonPublic]:
    """The people items can be given to, by name, one page at a time."""
    return [PersonPublic(**_person(p)) for p in people.list_people(session, limit=limit, offset=offset)]


@router.get("/people/{person_id}", response_model=PersonPublic, tags=["people"], summary="Read one person",
            responses=errors(404, 422))
def get_person(person_id: Id, session: ReadSessionDep, viewer: CurrentViewer) -> PersonPublic:
    """One person of the directory: how to reach them, their supervisor and language."""
    found = session.scalar(select(Person).where(Person.id == person_id))
    if found is None:
        from luodi.services.errors import NotFound

        raise NotFound("person", person_id)
    return PersonPublic(**_person(found))


def _person(person: Person) -> dict[str, Any]:
    data = people.person_public(person)
    return {key: data[key] for key in ("id", "name", "email", "phone", "supervisor", "language")}


@router.post("/items/{item_id}/confirm", response_model=ItemPublic, tags=["items"], summary="Confirm an item",
             responses={**errors(400, 403, 404, 410, 412, 422), **with_etag()}, openapi_extra=BEARER_OR_LINK)
def confirm_item(item_id: Id, body: ConfirmRequest, response: Response, session: SessionDep, settings: SettingsDep,
                 clock: ClockDep, viewer: OptionalViewer) -> ItemPublic:
    """The owner confirms 收到并理解 for one item: either with the token of the confirmation link
    they received (no bearer token needed: 400 if it is not valid, 410 once it expired), or as the
    bearer token's user, who must be the item's owner (403 otherwise). Confirming again changes nothing."""
    now = clock.now()
    if body.token:
        verified = tokens.read(settings.signing_keys, body.token, now=now,
                               max_age_seconds=settings.token_max_age_days * 86400)
        context = confirmations.open_link(session, verified)
        item = next((i for i in context.items if i.id == item_id), None)
        if item is None:
            raise InvalidInput(_("item is not covered by this token"), field="item_id")
        person = context.person
    elif viewer is not None:
        item = readable(session, viewer, item_id)
        viewer.require_item(Permission.UPDATE, item)
        if item.owner_id != viewer.person_id:
            raise Forbidden(_("Only the owner confirms an item."), field="owner")
        person = item.owner
    else:
        raise Unauthenticated(_("Send the link's token or a bearer token."), field="token")
    confirmations.confirm(session, item, person, via="api", now=now)
    session.commit()
    response.headers["ETag"] = etag(item)
    return to_public(session, [item])[0]
