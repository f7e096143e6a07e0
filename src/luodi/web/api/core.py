"""/api/v1: meetings (list, read, import), confirmations, people, the token's user, and the
owner's confirmation of an item (by the link's token, or as the bearer token's user)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
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
from luodi.web.api.items import readable, to_public
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
from luodi.web.errors import ERROR_RESPONSES, api_error

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/me", response_model=Me, tags=["people"])
def me(viewer: CurrentViewer) -> Me:
    """The token's user and their roles."""
    roles = {str(project) if project else "*": sorted(role.value for role in held)
             for project, held in viewer.roles.items()}
    return Me(name=viewer.name, person=viewer.person_name, admin=viewer.is_admin, language=viewer.language,
              read_only=viewer.read_only, roles=roles)


@router.get("/meetings", response_model=MeetingList, tags=["meetings"])
def list_meetings(session: ReadSessionDep, viewer: CurrentViewer, limit: Annotated[int, Query(ge=1, le=500)] = 100,
                  offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> MeetingList:
    rows = visible_meetings(session, viewer, limit=limit, offset=offset)
    return MeetingList(meetings=[MeetingSummary(**row) for row in rows], limit=limit, offset=offset)


@router.post("/meetings", response_model=ImportResult, tags=["meetings"])
def import_meeting(body: MeetingImport, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                   viewer: CurrentViewer) -> ImportResult | JSONResponse:
    """Import an action-list Markdown (CAP-2) in one transaction; lint errors write nothing (400)."""
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


@router.get("/meetings/{meeting_id}", response_model=MeetingPublic, tags=["meetings"])
def get_meeting(meeting_id: Id, session: ReadSessionDep, viewer: CurrentViewer) -> MeetingPublic:
    found = meetings.get(session, meeting_id)
    viewer.require(Permission.READ, found.project_id, what="meeting", key=meeting_id)
    return MeetingPublic(**meetings.meeting_public(found))


@router.get("/meetings/{meeting_id}/confirmations", response_model=Confirmations, tags=["meetings"])
def meeting_confirmations(meeting_id: Id, session: ReadSessionDep, clock: ClockDep,
                          viewer: CurrentViewer) -> Confirmations:
    """Who confirmed; after the deadline, the call list (CONF-1)."""
    found = meetings.get(session, meeting_id)
    viewer.require(Permission.READ, found.project_id, what="meeting", key=meeting_id)
    status = meeting_status(session, meeting_id, at=clock.now())
    return Confirmations(
        meeting_id=meeting_id, sent_at=status.sent_at, deadline=status.deadline, past_deadline=status.past_deadline,
        items=[ConfirmationRow(code=i["code"], owner=i["owner"], confirmed=i["confirmed"]) for i in status.items],
        call_list=[CallEntry(owner=c.owner, phone=c.phone, items=c.items) for c in status.call_list])


@router.get("/people", response_model=list[PersonPublic], tags=["people"])
def list_people(session: ReadSessionDep, viewer: CurrentViewer, limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> list[PersonPublic]:
    return [PersonPublic(**_person(p)) for p in people.list_people(session, limit=limit, offset=offset)]


@router.get("/people/{person_id}", response_model=PersonPublic, tags=["people"])
def get_person(person_id: Id, session: ReadSessionDep, viewer: CurrentViewer) -> PersonPublic:
    found = session.scalar(select(Person).where(Person.id == person_id))
    if found is None:
        from luodi.services.errors import NotFound

        raise NotFound("person", person_id)
    return PersonPublic(**_person(found))


def _person(person: Person) -> dict[str, Any]:
    data = people.person_public(person)
    return {key: data[key] for key in ("id", "name", "email", "phone", "supervisor", "language")}


@router.post("/items/{item_id}/confirm", response_model=ItemPublic, tags=["items"])
def confirm_item(item_id: Id, body: ConfirmRequest, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                 viewer: OptionalViewer) -> ItemPublic:
    """Confirm one item as its owner: with the confirmation link's token, or as the bearer token's user."""
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
    return to_public(session, [item])[0]
