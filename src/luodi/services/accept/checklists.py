"""Per-item acceptance checklists (ACC-2): set from the deliverable type when the item is created.

:func:`attach_defaults` is the creation hook (called by whoever creates items, in the same
transaction, with (id, deliverable) pairs: an import's 10k items are one INSERT);
:func:`ensure` materialises the checklist of an item created before the hook
existed; :func:`lines_of` is what the 【行动项】 list shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, cast

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, object_session

from luodi.domain.checklists import template_for, template_lines
from luodi.i18n import gettext as _
from luodi.i18n import use_language
from luodi.models import Item, ItemChecklist
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy import Table

MAX_LINES, MAX_LENGTH = 20, 500


def _language(item: Item) -> str:
    return item.meeting.language if item.meeting is not None else "zh"


def default_lines(item: Item) -> tuple[str, ...]:
    """The template's lines for the item's deliverable, in its meeting's language."""
    with use_language(_language(item)):
        return template_lines(template_for(item.deliverable))


def attach_defaults(session: Session, items: Sequence[tuple[int, str | None]], *, language: str,
                    new: bool = False) -> None:
    """Give each (item id, deliverable) without a checklist the template of its deliverable, in
    ``language``, in one INSERT; the template's lines are built once per template. ``new``: the
    items were just created, so none has a checklist yet (no lookup)."""
    have: set[int] = set()
    if items and not new:
        have = set(session.scalars(select(ItemChecklist.item_id).where(
            ItemChecklist.item_id.in_([item_id for item_id, _deliverable in items]))).all())
    chosen = [(item_id, template_for(deliverable)) for item_id, deliverable in items if item_id not in have]
    with use_language(language):
        lines = {template: template_lines(template) for template in {template for _id, template in chosen}}
    rows = [{"item_id": item_id, "position": position, "text": text, "template": template}
            for item_id, template in chosen
            for position, text in enumerate(lines[template], start=1)]
    if rows:
        session.execute(insert(cast("Table", ItemChecklist.__table__)), rows)


def ensure(session: Session, item: Item) -> list[ItemChecklist]:
    """The item's checklist rows, attaching the default first when it has none."""
    rows = rows_of(session, item.id)
    if not rows:
        attach_defaults(session, [(item.id, item.deliverable)], language=_language(item))
        session.flush()
        rows = rows_of(session, item.id)
    return rows


def rows_of(session: Session, item_id: int) -> list[ItemChecklist]:
    return list(session.scalars(
        select(ItemChecklist).where(ItemChecklist.item_id == item_id).order_by(ItemChecklist.position)))


def lines_for(session: Session, item_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Stored lines per item, one query (items without a stored checklist are absent)."""
    if not item_ids:
        return {}
    found: dict[int, list[str]] = {}
    rows = session.execute(select(ItemChecklist.item_id, ItemChecklist.text)
                           .where(ItemChecklist.item_id.in_(list(item_ids)))
                           .order_by(ItemChecklist.item_id, ItemChecklist.position))
    for item_id, text in rows:
        found.setdefault(item_id, []).append(text)
    return {item_id: tuple(lines) for item_id, lines in found.items()}


def lines_of(item: Item) -> tuple[str, ...]:
    """The item's checklist as the list shows it: stored lines, else its deliverable's template."""
    session = object_session(item)
    if session is not None and item.id is not None:
        stored = lines_for(session, [item.id]).get(item.id)
        if stored is not None:
            return stored
    return default_lines(item)


def set_lines(session: Session, item: Item, lines: Sequence[str], *, actor: Actor, now: datetime) -> list[str]:
    """Replace the item's checklist (audited). Raises InvalidInput for empty or too many lines."""
    cleaned = [" ".join(line.split()) for line in lines if line.strip()]
    if len(cleaned) > MAX_LINES or any(len(line) > MAX_LENGTH for line in cleaned):
        raise InvalidInput(_("a checklist holds at most {lines} lines of {chars} characters").format(
            lines=MAX_LINES, chars=MAX_LENGTH), field="checklist")
    before = [row.text for row in rows_of(session, item.id)]
    session.execute(delete(ItemChecklist).where(ItemChecklist.item_id == item.id))
    for position, text in enumerate(cleaned, start=1):
        session.add(ItemChecklist(item_id=item.id, position=position, text=text, template=None))
    record(session, actor=actor, at=now, entity="item", entity_id=item.id, item_id=item.id, action="changed",
           field="checklist", before="\n".join(before), after="\n".join(cleaned))
    session.flush()
    return cleaned
