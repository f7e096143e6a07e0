"""Minutes and chats → candidates, reviewed on a page (issue 9 part 3), the web face of
``luodi meeting extract``: paste or upload the text, see each proposed decision and action item
with the sentence it came from, keep, edit or drop each one; the kept ones become a draft on the
import page, whose preview asks what is still undecided. Nothing is stored on this page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from luodi.capture.extract import Candidate, Decision, Extracted, draft_markdown
from luodi.capture.sheet import decode_csv
from luodi.i18n import gettext as _
from luodi.services.accounts.access import Viewer
from luodi.services.capture.extraction import MAX_TEXT, LanguageModel, extract_candidates
from luodi.services.errors import Forbidden, InvalidInput
from luodi.services.rules.rule_context import calendar_from_settings
from luodi.web.auth import CsrfProtected, CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SettingsDep
from luodi.web.pages.imports import draft_page
from luodi.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[CsrfProtected])
Text = Annotated[str, Form(max_length=MAX_TEXT)]


def _require(viewer: Viewer) -> None:
    if not viewer.can_edit_somewhere:
        raise Forbidden(_("Your role does not allow this."), field="role")


def _page(request: Request, *, text: str = "", source: str = "minutes", found: Extracted | None = None,
          error: str | None = None, llm_available: bool = False, status_code: int = 200) -> HTMLResponse:
    return render(request, "extract.html", status_code=status_code, text=text, source=source, found=found,
                  error=error, llm_available=llm_available)


@router.get("/import/extract", response_class=HTMLResponse)
def extract_form(request: Request, settings: SettingsDep, viewer: CurrentViewer) -> HTMLResponse:
    _require(viewer)
    return _page(request, llm_available=bool(settings.llm_url and settings.llm_model))


@router.post("/import/extract", response_class=HTMLResponse)
async def extract(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
                  viewer: CurrentViewer, text: Text = "", file: Annotated[UploadFile | None, File()] = None,
                  source: Annotated[str, Form(max_length=10)] = "minutes",
                  llm: Annotated[str, Form(max_length=5)] = "") -> HTMLResponse:
    _require(viewer)
    llm_available = bool(settings.llm_url and settings.llm_model)
    if file is not None and file.filename:
        decoded, problem = decode_csv(await file.read(MAX_TEXT * 4 + 1))
        if decoded is None:
            return _page(request, text=text, source=source, error=problem.message if problem else None,
                         llm_available=llm_available, status_code=400)
        text = decoded
    if not text.strip():
        return _page(request, source=source, error=_("Paste the minutes or upload them first."),
                     llm_available=llm_available, status_code=400)
    model = None
    if llm and llm_available:
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        model = LanguageModel(url=settings.llm_url or "", model=settings.llm_model or "", api_key=key)
    from fastapi.concurrency import run_in_threadpool

    try:
        found = await run_in_threadpool(
            extract_candidates, session, text, source="chat" if source == "chat" else "minutes", now=clock.now(),
            tz=settings.tz, calendar=calendar_from_settings(settings), end_of_day=settings.end_of_day, model=model)
    except InvalidInput as exc:
        return _page(request, text=text, source=source, error=exc.message, llm_available=llm_available,
                     status_code=400)
    finally:
        session.rollback()
    return _page(request, text=text, source=source, found=found, llm_available=llm_available)


@router.post("/import/extract/draft", response_class=HTMLResponse)
async def make_draft(request: Request, session: ReadSessionDep, viewer: CurrentViewer) -> HTMLResponse:
    """The kept candidates (each row's ``keep`` box, with its edited fields) → the import page."""
    _require(viewer)
    form = await request.form()

    def value(name: str, limit: int = 500) -> str:
        raw = form.get(name)
        return raw.strip()[:limit] if isinstance(raw, str) else ""

    decisions = [Decision(value(f"decision-{n}"), int(value(f"decision-{n}-line", 10) or 0))
                 for n in range(int(value("decisions", 10) or 0)) if value(f"decision-{n}-keep") and
                 value(f"decision-{n}")]
    items = [Candidate(title=value(f"item-{n}-title", 200), owner=value(f"item-{n}-owner", 100) or None, due=None,
                       source_line=int(value(f"item-{n}-line", 10) or 0), sentence="",
                       due_text=value(f"item-{n}-due", 100))
             for n in range(int(value("items", 10) or 0)) if value(f"item-{n}-keep") and value(f"item-{n}-title")]
    found = Extracted(title=value("title", 100) or _("Minutes"), meeting_date=None,
                      meeting_time=value("meeting_time", 40) or None)
    session.rollback()
    return draft_page(request, session, viewer, draft_markdown(found, decisions=decisions, items=items))
