"""Owners confirm their items, ask a question, or request a new date (CONF-1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.enums import RequestState, ResponseKind
from luodi.i18n import gettext as _
from luodi.models import Item, ItemResponse, Meeting, Person
from luodi.services.audit import Actor, record
from luodi.services.capture import meetings
from luodi.services.errors import Conflict, Gone, InvalidInput, NotFound
from luodi.services.send.tokens import ConfirmationToken


@dataclass(frozen=True)
class ConfirmationContext:
    """What a confirmation link opens: the meeting, the owner, and the owner's items in it."""

    meeting: Meeting
    person: Person
    items: Sequence[Item]


def open_link(session: Session, token: ConfirmationToken) -> ConfirmationContext:
    """Resolve a verified token. Raises Gone when an item was since reassigned or removed."""
    meeting = meetings.get(session, token.meeting_id)
    person = session.get(Person, token.person_id)
    if person is None:
        raise Gone(_("This confirmation link is no longer valid."), field="token")
    items = session.scalars(select(Item).where(Item.id.in_(token.item_ids)).order_by(Item.code)).all()
    if len(items) != len(token.item_ids) or any(item.owner_id != person.id for item in items):
        raise Gone(
            _("An item of this link has been reassigned since the list was sent. "
              "Ask the coordinator for the current list."),
            field="token",
        )
    return ConfirmationContext(meeting=meeting, person=person, items=items)


def confirm(session: Session, item: Item, person: Person, *, via: str, now: datetime) -> bool:
    """Mark ``item`` confirmed by its owner. Harmless when repeated: returns False then."""
    if item.owner_id != person.id:
        raise InvalidInput(
            _("{person} is not the owner of {code}").format(person=person.name, code=item.code), field="as"
        )
    if item.confirmed_at is not None:
        return False
    item.confirmed_at = now
    item.updated_at = now
    session.add(ItemResponse(item_id=item.id, person_id=person.id, kind=ResponseKind.CONFIRM, via=via,
                             created_at=now))
    record(session, actor=Actor.person(person.id, via), at=now, entity="item", entity_id=item.id,
           item_id=item.id, action="confirmed", field="confirmed", before=False, after=True)
    return True


def ask(session: Session, item: Item, person: Person, question: str, *, via: str, now: datetime) -> ItemResponse:
    question = question.strip()
    if not question:
        raise InvalidInput(_("Write your question."), field="question")
    if len(question) > 5000:
        raise InvalidInput(_("The question is too long (5000 characters at most)."), field="question")
    response = ItemResponse(item_id=item.id, person_id=person.id, kind=ResponseKind.QUESTION, text=question,
                            via=via, created_at=now)
    session.add(response)
    record(session, actor=Actor.person(person.id, via), at=now, entity="item", entity_id=item.id,
           item_id=item.id, action="question", after=question)
    return response


def request_reschedule(
    session: Session, item: Item, person: Person, new_due: date, reason: str, *, via: str, now: datetime
) -> ItemResponse:
    """Record a request for a new due date (申请改期); the coordinator decides."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give a reason for the new date."), field="reason")
    if new_due == item.due:
        raise InvalidInput(_("The new date is the current due date."), field="date")
    pending = _pending(session, item)
    if pending is not None:
        pending.state = RequestState.DECLINED
        pending.decided_at = now
    response = ItemResponse(item_id=item.id, person_id=person.id, kind=ResponseKind.RESCHEDULE,
                            text=reason, requested_due=new_due, state=RequestState.PENDING, via=via,
                            created_at=now)
    session.add(response)
    record(session, actor=Actor.person(person.id, via), at=now, entity="item", entity_id=item.id,
           item_id=item.id, action="reschedule_requested", field="due", before=item.due, after=new_due)
    return response


def _pending(session: Session, item: Item) -> ItemResponse | None:
    return session.scalar(
        select(ItemResponse)
        .where(ItemResponse.item_id == item.id, ItemResponse.kind == ResponseKind.RESCHEDULE,
               ItemResponse.state == RequestState.PENDING)
        .order_by(ItemResponse.id.desc())
        .limit(1)
    )


def decide_reschedule(
    session: Session, item: Item, *, approve: bool, actor: Actor, now: datetime
) -> ItemResponse:
    """Approve (the due date moves, audited and counted) or decline the pending request."""
    request = _pending(session, item)
    if request is None:
        raise NotFound("reschedule request", item.code)
    assert request.requested_due is not None
    request.state = RequestState.APPROVED if approve else RequestState.DECLINED
    request.decided_at = now
    request.decided_by_id = actor.person_id
    if approve:
        before = item.due
        item.due = request.requested_due
        item.reschedule_count += 1
        item.updated_at = now
        record(session, actor=actor, at=now, entity="item", entity_id=item.id, item_id=item.id,
               action="rescheduled", field="due", before=before, after=item.due)
    else:
        record(session, actor=actor, at=now, entity="item", entity_id=item.id, item_id=item.id,
               action="reschedule_declined", field="due", before=item.due, after=request.requested_due)
    return request


def answer(
    session: Session,
    context: ConfirmationContext,
    *,
    kind: str,
    question: str = "",
    new_date: str = "",
    reason: str = "",
    item_id: int | None = None,
    via: str = "link",
    now: datetime,
) -> ResponseKind:
    """Apply one answer to the link's items (or one of them): a POST of the confirmation form
    (``via="link"``), a card button pressed in an IM app, a reply to the email."""
    try:
        response_kind = ResponseKind(kind)
    except ValueError as exc:
        raise InvalidInput(_("answer must be confirm, question or reschedule"), field="answer") from exc
    targets = [i for i in context.items if item_id is None or i.id == item_id]
    if not targets:
        raise InvalidInput(_("That item is not in this link."), field="item")
    if response_kind is ResponseKind.CONFIRM:
        for item in targets:
            confirm(session, item, context.person, via=via, now=now)
    elif response_kind is ResponseKind.QUESTION:
        for item in targets[:1] if item_id else targets:
            ask(session, item, context.person, question, via=via, now=now)
    else:
        due = _parse_iso(new_date)
        if len(targets) != 1:
            raise InvalidInput(_("Choose the item to reschedule."), field="item")
        request_reschedule(session, targets[0], context.person, due, reason, via=via, now=now)
    return response_kind


def _parse_iso(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(_("date must be YYYY-MM-DD, got {value!r}").format(value=value), field="date") from exc


def ensure_version(item: Item, expected: int | None) -> None:
    if expected is not None and expected != item.version:
        raise Conflict(_("{code} was changed by someone else (version {have}, you had {had})").format(
            code=item.code, have=item.version, had=expected))
