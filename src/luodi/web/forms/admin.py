"""The admin pages' forms: add, edit and import people; create and revoke API tokens (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, UploadFile
from fastapi.responses import Response

from luodi.i18n import gettext as _
from luodi.services.accounts import api_tokens, people
from luodi.services.accounts import users as accounts
from luodi.services.audit import Actor
from luodi.services.errors import InvalidInput, NotFound
from luodi.web.auth import CsrfProtected, CurrentViewer
from luodi.web.deps import ClockDep, SessionDep, see_other
from luodi.web.pages.admin import FORM_FIELDS, people_page, person_page, tokens_page

router = APIRouter(include_in_schema=False, dependencies=[CsrfProtected])
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form(max_length=300)]
MAX_CSV = 1_000_000


def _supervisor(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


@router.post("/admin/people", response_model=None)
def add_person(request: Request, session: SessionDep, clock: ClockDep, viewer: CurrentViewer,
               name: Text = "", email: Text = "", phone: Text = "", language: Text = "", supervisor: Text = "",
               feishu_open_id: Text = "", dingtalk_user_id: Text = "", wecom_user_id: Text = "",
               slack_user_id: Text = "", profile: Text = "", notify: Text = "", aliases: Text = "") -> Response:
    viewer.require_admin()
    values = {key: value for key, value in locals().items() if key in (*FORM_FIELDS, "supervisor")}
    try:
        person = people.save(session, values, person_id=None, supervisor_id=_supervisor(supervisor),
                             actor=Actor.person(viewer.person_id, "web"), now=clock.now())
    except (InvalidInput, NotFound) as exc:
        session.rollback()
        return people_page(request, session, viewer, error=exc.message, values=values)
    session.commit()
    return see_other(f"/admin/people#person-{person.id}")


@router.post("/admin/people/import", response_model=None)
async def import_people(request: Request, session: SessionDep, clock: ClockDep, viewer: CurrentViewer,
                        file: UploadFile | None = None,
                        text: Annotated[str, Form(max_length=MAX_CSV)] = "") -> Response:
    """The CSV of ``luodi people import`` (header ``name,email,phone,supervisor`` at least), uploaded or pasted."""
    viewer.require_admin()
    raw = await file.read(MAX_CSV + 1) if file is not None and file.filename else text.encode("utf-8")
    try:
        if not raw.strip():
            raise InvalidInput(_("Choose a CSV file."), field="file")
        if len(raw) > MAX_CSV:
            raise InvalidInput(_("The file is larger than 1 MB."), field="file")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(_("The file is not UTF-8 text."), field="file") from None
        report = people.import_csv(session, text, now=clock.now())
    except InvalidInput as exc:
        session.rollback()
        return people_page(request, session, viewer, error=exc.message)
    session.commit()
    return people_page(request, session, viewer, imported={"created": report.created, "updated": report.updated})


@router.post("/admin/people/{person_id}", response_model=None)
def edit_person(person_id: RowId, request: Request, session: SessionDep, clock: ClockDep, viewer: CurrentViewer,
                name: Text = "", email: Text = "", phone: Text = "", language: Text = "", supervisor: Text = "",
                feishu_open_id: Text = "", dingtalk_user_id: Text = "", wecom_user_id: Text = "",
                slack_user_id: Text = "", profile: Text = "", notify: Text = "", aliases: Text = "") -> Response:
    viewer.require_admin()
    values = {key: value for key, value in locals().items() if key in (*FORM_FIELDS, "supervisor")}
    try:
        people.save(session, values, person_id=person_id, supervisor_id=_supervisor(supervisor),
                    actor=Actor.person(viewer.person_id, "web"), now=clock.now())
    except InvalidInput as exc:
        session.rollback()
        return person_page(request, session, viewer, person_id, error=exc.message, values=values)
    session.commit()
    return see_other(f"/admin/people/{person_id}?saved=1")


@router.post("/admin/tokens", response_model=None)
def create_token(request: Request, session: SessionDep, clock: ClockDep, viewer: CurrentViewer,
                 user: Annotated[str, Form(max_length=100)] = "", name: Annotated[str, Form(max_length=100)] = "",
                 read_only: Annotated[str, Form(max_length=5)] = "") -> Response:
    """A new token: its secret is in this answer only (stored as SHA-256)."""
    viewer.require_admin()
    try:
        owner = accounts.get_by_name(session, user)
        if not owner.active:
            raise InvalidInput(_("{name} is deactivated.").format(name=owner.name), field="user")
        new = api_tokens.create(session, owner, name=name.strip() or "web", read_only=bool(read_only),
                                now=clock.now(), actor=Actor.person(viewer.person_id, "web"))
    except (InvalidInput, NotFound) as exc:
        session.rollback()
        return tokens_page(request, session, viewer, error=exc.message)
    session.commit()
    return tokens_page(request, session, viewer, secret=new.secret)


@router.post("/admin/tokens/{token_id}/revoke", response_model=None)
def revoke_token(token_id: RowId, session: SessionDep, clock: ClockDep, viewer: CurrentViewer) -> Response:
    viewer.require_admin()
    api_tokens.revoke(session, token_id, now=clock.now(), actor=Actor.person(viewer.person_id, "web"))
    session.commit()
    return see_other(f"/admin/tokens#token-{token_id}")
