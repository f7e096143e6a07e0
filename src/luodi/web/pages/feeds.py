"""Calendar feeds (INT-3): ``GET /feeds/<token>.ics`` answers ``text/calendar``, no login (the
secret token in the URL is the key; ``luodi feed url --rotate`` replaces it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from luodi.services.integrate import feeds
from luodi.services.rules.rule_context import RuleContext
from luodi.web.deps import ClockDep, ReadSessionDep, SettingsDep

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


@router.get("/feeds/{token}.ics")
def feed(token: Token, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep) -> Response:
    """The person's or the meeting's feed; 404 for an unknown or rotated token."""
    found = feeds.render_token(session, token, ctx=RuleContext.from_settings(settings),
                               base_url=str(settings.base_url), now=clock.now())
    session.commit()
    return Response(found.body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300",
                             "Content-Disposition": 'inline; filename="luodi.ics"'})
