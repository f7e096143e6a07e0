"""A button pressed on a card in an IM app (CONF-1 in place): applied as the web link would be.

The web layer (``web/callbacks.py``) checks the vendor's signature, decrypts and keeps the
timestamp window; this use case does the rest in the caller's transaction:

1. the vendor's event id is recorded once (``callback_receipt``): a replayed callback finds it
   and changes nothing;
2. the clicking user is mapped to a person through the directory's IM id for that app
   (``feishu_open_id`` / ``dingtalk_user_id`` / ``wecom_user_id``), and must be the owner the button's signed token
   names — a card forwarded to someone else confirms nothing;
3. the answer goes through ``confirmations.answer``, the service behind the web link;
4. the card is updated to show who confirmed: Feishu takes the new card in the callback's
   response (``answered_card``); WeCom's and DingTalk's update APIs are called by the worker from
   an outbox row (``card_update`` payload), since nothing is sent inside a request (DingTalk's
   callback response also carries the new data, ``answered_params``, for the presser at once).

DingTalk's callback names the card (its ``outTrackId``), not a token: the token is read from the
outbox row that sent that card (``render/cards.py::dingtalk_outbox_id``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from luodi.domain.routing import APP_ID_FIELDS
from luodi.i18n import gettext as _
from luodi.i18n import use_language
from luodi.models import CallbackReceipt, Item, Meeting, OutboxMessage, Person
from luodi.render.cards import (
    dingtalk_answered_params,
    dingtalk_out_track_id,
    dingtalk_outbox_id,
    feishu_answered_card,
)
from luodi.services.errors import Forbidden, InvalidInput
from luodi.services.send import confirmations, tokens

# What a button may do in place. The others open the signed link (a question needs words).
IN_PLACE = frozenset({"confirm"})


@dataclass(frozen=True)
class CardPress:
    """One verified callback: which app, which event, who pressed what, with which token."""

    app: str  # feishu_app | dingtalk_app | wecom_app
    event_id: str
    user_id: str  # the presser's id in the vendor's directory
    action: str
    token: str  # the signed confirmation token the button carries ("" for DingTalk: see card_id)
    response_code: str | None = None  # WeCom: lets the card be updated once
    card_id: str | None = None  # DingTalk: the pressed card's outTrackId


@dataclass
class CardOutcome:
    replay: bool = False
    person: Person | None = None
    meeting: Meeting | None = None
    items: list[Item] = field(default_factory=list)
    summary: str = ""  # "Confirmed by 小王 at 09-26 16:20" in the owner's language


def press(session: Session, pressed: CardPress, *, secret: str | Sequence[str], max_age_seconds: int, tz: ZoneInfo,
          now: datetime) -> CardOutcome:
    """Apply a pressed button. Raises Forbidden (someone else's card, an unknown presser),
    InvalidInput / Gone (a bad or expired token, an action that cannot act in place)."""
    if pressed.action not in IN_PLACE:
        raise InvalidInput(_("This button opens the confirmation page."), field="action")
    vendor = pressed.app.removesuffix("_app")
    if session.scalar(select(CallbackReceipt.id).where(CallbackReceipt.vendor == vendor,
                                                       CallbackReceipt.event_id == pressed.event_id)):
        return CardOutcome(replay=True)
    person = _presser(session, pressed)
    token = pressed.token or _card_token(session, pressed)
    verified = tokens.read(secret, token, now=now, max_age_seconds=max_age_seconds)
    if verified.person_id != person.id:
        raise Forbidden(_("This card was sent to someone else."), field="user")
    context = confirmations.open_link(session, verified)
    try:
        with session.begin_nested():
            session.add(CallbackReceipt(vendor=vendor, event_id=pressed.event_id[:200], person_id=person.id,
                                        action=pressed.action, received_at=now))
    except IntegrityError:  # the same event, at the same moment, in another request
        return CardOutcome(replay=True)
    confirmations.answer(session, context, kind="confirm", via=vendor, now=now)
    with use_language(person.language or context.meeting.language):
        summary = _("Confirmed by {name} at {time}: {items}").format(
            name=person.name, time=now.astimezone(tz).strftime("%m-%d %H:%M"),
            items=", ".join(f"{i.code} {i.title}" for i in context.items))
    outcome = CardOutcome(person=person, meeting=context.meeting, items=list(context.items), summary=summary)
    if pressed.app == "wecom_app" and pressed.response_code:
        _queue_card_update(session, pressed, outcome, now=now, update={"response_code": pressed.response_code})
    if pressed.app == "dingtalk_app" and pressed.card_id:
        _queue_card_update(session, pressed, outcome, now=now,
                           update={"out_track_id": pressed.card_id} | answered_params(outcome))
    return outcome


def answered_card(outcome: CardOutcome, *, view_url: str | None) -> dict[str, object]:
    """The Feishu card that replaces the pressed one: green, who confirmed and when."""
    assert outcome.meeting is not None and outcome.person is not None
    with use_language(outcome.person.language or outcome.meeting.language):
        title = _("Confirmed: {title}").format(title=outcome.meeting.title)
        return feishu_answered_card(title, outcome.summary, view_url)


def answered_params(outcome: CardOutcome) -> dict[str, str]:
    """The DingTalk card's data after the press: confirmed, who and when."""
    return dingtalk_answered_params(outcome.summary)


def _card_token(session: Session, pressed: CardPress) -> str:
    """The token of the owner's copy that sent the pressed DingTalk card."""
    row_id = dingtalk_outbox_id(pressed.card_id or "")
    row = session.get(OutboxMessage, row_id) if row_id is not None else None
    if row is None or row.channel != pressed.app or dingtalk_out_track_id(row.message_id) != pressed.card_id:
        raise InvalidInput(_("luodi did not send this card."), field="card")
    token = next((str(b["value"]) for b in row.payload.get("buttons", [])
                  if b.get("action") == "confirm" and b.get("value")), None)
    if token is None:
        raise InvalidInput(_("This button opens the confirmation page."), field="card")
    return token


def _presser(session: Session, pressed: CardPress) -> Person:
    column = getattr(Person, APP_ID_FIELDS[pressed.app])
    person = session.scalar(select(Person).where(column == pressed.user_id)) if pressed.user_id else None
    if person is None:
        raise Forbidden(_("Nobody in the directory has this IM id."), field="user")
    return person


def _queue_card_update(session: Session, pressed: CardPress, outcome: CardOutcome, *, now: datetime,
                       update: Mapping[str, str | None]) -> None:
    """An outbox row the worker turns into the vendor's card update: WeCom's update_template_card
    (the button greys out and reads who confirmed), DingTalk's PUT /v1.0/card/instances."""
    assert outcome.person is not None and outcome.meeting is not None
    with use_language(outcome.person.language or outcome.meeting.language):
        label = _("Confirmed · {name}").format(name=outcome.person.name)
    vendor = pressed.app.removesuffix("_app")
    session.add(OutboxMessage(
        key=f"card_update|{vendor}|{pressed.event_id}"[:255], kind="card_update", meeting_id=outcome.meeting.id,
        recipient_id=outcome.person.id, channel=pressed.app, address=pressed.user_id,
        language=outcome.person.language or outcome.meeting.language, subject=label[:500],
        body_text=outcome.summary,
        payload={"card_update": dict(update) | ({"replace_name": label} if vendor == "wecom" else {})},
        next_attempt_at=now, created_at=now))
