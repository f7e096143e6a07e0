"""The owner's confirmation link (CONF-1). GET shows; only POST changes anything.

Mail scanners and link previews follow GET links, so GET must never confirm.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from luodi.models import ItemResponse
from luodi.services.errors import InvalidInput
from luodi.services.send import confirmations, tokens
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep
from luodi.web.pages.contexts import ConfirmPage
from luodi.web.templating import render

router = APIRouter(include_in_schema=False)


def _context(session: SessionDep, settings: SettingsDep, clock: ClockDep, token: str
             ) -> confirmations.ConfirmationContext:
    verified = tokens.read(settings.signing_keys, token, now=clock.now(),
                           max_age_seconds=settings.token_max_age_days * 86400)
    return confirmations.open_link(session, verified)


def speak_owner(request: Request, context: confirmations.ConfirmationContext) -> None:
    """The page in the link owner's language (their person setting), unless the reader chose one
    with the header's switch (``?lang=``, then the ``lang`` cookie it sets)."""
    if not request.query_params.get("lang") and not request.cookies.get("lang") and context.person.language:
        request.state.language = context.person.language


def _page(session: SessionDep, settings: SettingsDep, context: confirmations.ConfirmationContext,
          *, token: str, done: str | None, error: str | None) -> ConfirmPage:
    responses = session.scalars(
        select(ItemResponse).where(ItemResponse.item_id.in_([i.id for i in context.items]))
        .order_by(ItemResponse.id)
    ).all()
    return ConfirmPage(
        token=token, meeting=context.meeting, person=context.person, items=list(context.items),
        responses=list(responses), done=done, error=error, tz=settings.tz,
        all_confirmed=all(i.confirmed_at is not None for i in context.items),
    )


@router.get("/c/{token}", response_class=HTMLResponse)
def show(request: Request, token: str, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
         done: str | None = None) -> HTMLResponse:
    context = _context(session, settings, clock, token)
    speak_owner(request, context)
    page = _page(session, settings, context, token=token, done=done, error=None)
    return render(request, "confirm.html", page=page)


@router.post("/c/{token}", response_model=None)
def answer(
    request: Request,
    token: str,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    answer: Annotated[str, Form()] = "",
    question: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    item: Annotated[str, Form()] = "",
) -> Response:
    context = _context(session, settings, clock, token)
    try:
        kind = confirmations.answer(
            session, context, kind=answer, question=question, new_date=date, reason=reason,
            item_id=int(item) if item.strip().isdigit() else None, now=clock.now(),
        )
    except InvalidInput as exc:
        session.rollback()
        speak_owner(request, context)
        page = _page(session, settings, context, token=token, done=None, error=exc.message)
        return render(request, "confirm.html", status_code=400, page=page)
    session.commit()
    return RedirectResponse(f"/c/{token}?done={kind.value}", status_code=303)
