"""Import an action-list Markdown (pasted or uploaded): preview the lint findings and the rendered
【行动项】 list, then import — the same service as ``luodi meeting import``, in one transaction.

The preview runs the real import and rolls it back, so what it shows is exactly what importing
would store and send.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from luodi.capture.reader import MAX_INPUT_BYTES
from luodi.capture.sheet import decode_csv, is_xlsx, looks_like_csv
from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.render.action_list import render_action_list, render_action_list_subject
from luodi.services.accounts.access import Viewer, editable_projects
from luodi.services.capture import meeting_edits, meetings
from luodi.services.errors import Forbidden, InvalidInput
from luodi.services.rules.rule_context import calendar_from_settings
from luodi.services.send import lists
from luodi.services.track import board
from luodi.web.auth import CsrfProtected, CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep, see_other
from luodi.web.pages.contexts import ImportPage
from luodi.web.templating import email_html, render, request_language

router = APIRouter(include_in_schema=False, dependencies=[CsrfProtected])
MAX_BYTES = 1_000_000
Source = Annotated[str, Form(max_length=MAX_BYTES)]
Upload = Annotated[UploadFile | None, File()]
Sheet = Annotated[str, Form(max_length=MAX_INPUT_BYTES * 4 // 3 + 4)]
"""A spreadsheet uploaded for the preview, carried (base64) to the import: one file, one reading."""


@dataclass
class Outcome:
    """What one preview or import produced, for the page."""

    source: str = ""
    project_id: int | None = None
    new_project: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    preview_html: str | None = None
    preview_subject: str | None = None
    error: str | None = None
    sheet: str = ""
    questions: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)  # "LINE:FIELD" → the answer given


def _page(request: Request, session: SessionDep, viewer: Viewer, outcome: Outcome, *,
          status_code: int = 200) -> HTMLResponse:
    projects = editable_projects(viewer, board.choices(session, viewer).projects)
    if not projects and not viewer.can(Permission.EDIT, None):
        raise Forbidden(_("Your role does not allow this."), field="role")
    page = ImportPage(source=outcome.source, projects=projects,
                      project_id=outcome.project_id or next(iter(projects), None), new_project=outcome.new_project,
                      can_create_project=viewer.can(Permission.EDIT, None), errors=outcome.errors,
                      warnings=outcome.warnings, preview_html=outcome.preview_html,
                      preview_subject=outcome.preview_subject, items=outcome.items, error=outcome.error,
                      sheet=outcome.sheet, questions=outcome.questions, answers=outcome.answers,
                      carried={key: value for key, value in outcome.answers.items()
                               if key not in {f"{q['line']}:{q['field']}" for q in outcome.questions}})
    session.commit()
    return render(request, "import.html", status_code=status_code, page=page)


def draft_page(request: Request, session: SessionDep, viewer: Viewer, source: str) -> HTMLResponse:
    """The import page with ``source`` (a draft made from reviewed candidates) in the text box."""
    return _page(request, session, viewer, Outcome(source=source))


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, session: ReadSessionDep, viewer: CurrentViewer) -> HTMLResponse:
    return _page(request, session, viewer, Outcome())


async def _source(text: str, file: UploadFile | None, sheet: str = "") -> bytes:
    if file is not None and file.filename:
        data = await file.read(MAX_INPUT_BYTES + 1)
        if data:
            return data
    if sheet:
        try:
            return base64.b64decode(sheet, validate=True)
        except binascii.Error:
            raise InvalidInput(_("The uploaded spreadsheet was damaged in the form; upload it again"),
                               field="file") from None
    return text.encode("utf-8")


def _is_sheet(data: bytes) -> bool:
    """A spreadsheet (.xlsx, or a .csv in UTF-8 or GBK) rather than text for the text box."""
    if is_xlsx(data):
        return True
    text, _problem = decode_csv(data)
    return text is not None and looks_like_csv(text)


async def _answers(request: Request) -> dict[str, str]:
    """The preview's answers: form fields ``answer:LINE:FIELD`` (a chosen radio or a typed value)."""
    form = await request.form()
    answers: dict[str, str] = {}
    for key, value in form.multi_items():
        if key.startswith("answer:") and isinstance(value, str) and value.strip():
            line, _sep, name = key.removeprefix("answer:").partition(":")
            if line.isdigit() and name:
                answers[f"{int(line)}:{name}"] = value.strip()[:300]
    return answers


def _run(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, viewer: Viewer, data: bytes,
         project: str, new_project: str, answers: dict[str, str], *, commit: bool) -> Response:
    chosen = int(project) if project.isdigit() else None
    outcome = Outcome(source=data.decode("utf-8", "replace"), project_id=chosen, new_project=new_project,
                      answers=answers)
    if _is_sheet(data):
        outcome.source, outcome.sheet = "", base64.b64encode(data).decode("ascii")
    now = clock.now()
    try:
        target = meeting_edits.writable_project(session, viewer, project_id=chosen, new_name=new_project, now=now)
        report = meetings.import_action_list(
            session, data, project=target.name, now=now, tz=settings.tz,
            max_open_per_week=settings.max_open_per_week, calendar=calendar_from_settings(settings),
            end_of_day=settings.end_of_day,
            answers={(int(key.split(":", 1)[0]), key.split(":", 1)[1]): value for key, value in answers.items()})
    except InvalidInput as exc:
        session.rollback()
        outcome.error = exc.message
        return _page(request, session, viewer, outcome, status_code=400)
    findings = report.to_json()
    outcome.errors, outcome.warnings, outcome.items = findings["errors"], findings["warnings"], findings["items"]
    outcome.questions = findings["questions"]
    if report.errors or report.meeting_id is None:
        session.rollback()
        # open questions are not a failure of the preview: they are what it is for
        asked = not report.errors and outcome.questions and not commit
        return _page(request, session, viewer, outcome, status_code=200 if asked else 400)
    if commit:
        session.commit()
        return see_other(f"/meetings/{report.meeting_id}?imported=1")
    view = lists.build_view(session, meetings.get(session, report.meeting_id), tz=settings.tz)
    lang = request_language(request)
    outcome.preview_html = email_html(render_action_list(view, lang=lang, fmt="html",
                                                      template_dir=settings.template_dir))
    outcome.preview_subject = render_action_list_subject(view, lang=lang, template_dir=settings.template_dir)
    session.rollback()  # a preview writes nothing
    return _page(request, session, viewer, outcome)


@router.post("/import/preview", response_model=None)
async def preview(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                  viewer: CurrentViewer, source: Source = "", file: Upload = None,
                  project: Annotated[str, Form(max_length=12)] = "",
                  new_project: Annotated[str, Form(max_length=300)] = "", sheet: Sheet = "") -> Response:
    try:
        data = await _source(source, file, sheet)
    except InvalidInput as exc:
        return _page(request, session, viewer, Outcome(error=exc.message), status_code=400)
    from fastapi.concurrency import run_in_threadpool

    return await run_in_threadpool(_run, request, session, settings, clock, viewer, data, project, new_project,
                                   await _answers(request), commit=False)


@router.post("/import", response_model=None)
async def import_(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                  viewer: CurrentViewer, source: Source = "", file: Upload = None,
                  project: Annotated[str, Form(max_length=12)] = "",
                  new_project: Annotated[str, Form(max_length=300)] = "", sheet: Sheet = "") -> Response:
    try:
        data = await _source(source, file, sheet)
    except InvalidInput as exc:
        return _page(request, session, viewer, Outcome(error=exc.message), status_code=400)
    from fastapi.concurrency import run_in_threadpool

    return await run_in_threadpool(_run, request, session, settings, clock, viewer, data, project, new_project,
                                   await _answers(request), commit=True)
