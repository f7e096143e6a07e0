"""A button pressed on a card in an IM app (CONF-1 in place): applied as the web link would be.

The web layer (``web/callbacks.py``) checks the vendor's signature, decrypts and keeps the
timestamp window; this use case does the rest in the caller's transaction:

1. the vendor's event id is recorded once (``callback_receipt``): a replayed callback finds it
   and changes nothing;
2. the clicking user is mapped to a person through the directory's IM id for that app
   (``feishu_open_id`` / ``wecom_user_id``), and must be the owner the button's signed token
   names — a card forwarded to someone else confirms nothing;
3. the answer goes through ``confirmations.answer``, the service behind the web link;
4. the card is updated to show who confirmed: Feishu takes the new card in the callback's
   response (``answered_card``); WeCom's update API is called by the worker from an outbox row
   (``card_update`` payload), since nothing is sent inside a request.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from luodi.render.cards import feishu_answered_card
from luodi.services.errors import Forbidden, InvalidInput
from luodi.services.send import confirmations, tokens

# What a button may do in place. The others open the signed link (a question needs words).
IN_PLACE = frozenset({"confirm"})


@dataclass(frozen=True)
class CardPress:
    """One verified callback: which app, which event, who pressed what, with which token."""

    app: str  # feishu_app | wecom_app
    event_id: str
    user_id: str  # the presser's id in the vendor's directory
    action: str
    token: str  # the signed confirmation token the button carries
    response_code: str | None = None  # WeCom: lets the card be updated once


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
    verified = tokens.read(secret, pressed.token, now=now, max_age_seconds=max_age_seconds)
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
        _queue_wecom_update(session, pressed, outcome, now=now)
    return outcome


def answered_card(outcome: CardOutcome, *, view_url: str | None) -> dict[str, object]:
    """The Feishu card that replaces the pressed one: green, who confirmed and when."""
    assert outcome.meeting is not None and outcome.person is not None
    with use_language(outcome.person.language or outcome.meeting.language):
        title = _("Confirmed: {title}").format(title=outcome.meeting.title)
        return feishu_answered_card(title, outcome.summary, view_url)


def _presser(session: Session, pressed: CardPress) -> Person:
    column = getattr(Person, APP_ID_FIELDS[pressed.app])
    person = session.scalar(select(Person).where(column == pressed.user_id)) if pressed.user_id else None
    if person is None:
        raise Forbidden(_("Nobody in the directory has this IM id."), field="user")
    return person


def _queue_wecom_update(session: Session, pressed: CardPress, outcome: CardOutcome, *, now: datetime) -> None:
    """An outbox row the worker turns into WeCom's update_template_card call (the button greys
    out and reads who confirmed)."""
    assert outcome.person is not None and outcome.meeting is not None
    with use_language(outcome.person.language or outcome.meeting.language):
        label = _("Confirmed · {name}").format(name=outcome.person.name)
    session.add(OutboxMessage(
        key=f"card_update|wecom|{pressed.event_id}"[:255], kind="card_update", meeting_id=outcome.meeting.id,
        recipient_id=outcome.person.id, channel="wecom_app", address=pressed.user_id,
        language=outcome.person.language or outcome.meeting.language, subject=label[:500],
        body_text=outcome.summary, payload={"card_update": {"response_code": pressed.response_code,
                                                            "replace_name": label}},
        next_attempt_at=now, created_at=now))
