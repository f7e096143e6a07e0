"""JSON API under /api/v1 (the first routes; the board issue adds the rest)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from luodi.services import confirmations, items, tokens
from luodi.services.errors import InvalidInput
from luodi.web.deps import ClockDep, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["items"])


class ConfirmRequest(BaseModel):
    token: str = Field(description="The signed token of the owner's confirmation link")


class ItemPublic(BaseModel):
    id: int
    code: str
    title: str
    owner: str
    start: str | None
    due: str
    deliverable: str | None
    status: str
    priority: str
    depends_on: list[str]
    confirmed: bool
    meeting_id: int | None


@router.post("/items/{item_id}/confirm", response_model=ItemPublic)
def confirm_item(item_id: int, body: ConfirmRequest, session: SessionDep, settings: SettingsDep,
                 clock: ClockDep) -> ItemPublic:
    """Confirm one item as its owner, authorised by the owner's confirmation-link token."""
    now = clock.now()
    verified = tokens.read(settings.secret_key.get_secret_value(), body.token, now=now,
                           max_age_seconds=settings.token_max_age_days * 86400)
    context = confirmations.open_link(session, verified)
    item = next((i for i in context.items if i.id == item_id), None)
    if item is None:
        raise InvalidInput("item is not covered by this token", field="item_id")
    confirmations.confirm(session, item, context.person, via="api", now=now)
    session.commit()
    return ItemPublic(**items.public_list(session, [item])[0])
