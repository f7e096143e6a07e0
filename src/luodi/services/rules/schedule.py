"""The plan step's schedule: when each open item next needs the rules (``item.next_check_at``).

Written with Core UPDATEs so the worker never bumps an item's ``version`` (a person's edit in
flight must not meet a conflict because the worker looked at the item). Any change to what the
rules read resets the column through the ORM (models.items._reschedule); a change of the rules
themselves resets every open item's, once, by comparing a fingerprint kept in ``plan_state``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus
from luodi.models import Item, PlanState
from luodi.models.items import CHECK_NOW

NEVER = datetime(9999, 12, 31, tzinfo=UTC)  # nothing more will fire unless the item changes
_KEY = "rules_fingerprint"
_ITEMS = cast("Table", Item.__table__)  # Core statements: no ORM versioning, no identity map


def store(session: Session, next_checks: Sequence[tuple[int, datetime]]) -> None:
    """Set each item's next check (one executemany, no version bump)."""
    statement = (
        update(_ITEMS)
        .where(_ITEMS.c.id == bindparam("item_id"))
        .values(next_check_at=bindparam("next_check"))
    )
    session.execute(statement, [{"item_id": item_id, "next_check": at} for item_id, at in next_checks])


def reset_if_rules_changed(session: Session, fingerprint: str) -> bool:
    """When the rules (or calendar, or zone) differ from the last pass, every open item is looked
    at again. Returns True when it reset the schedule."""
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()
    state = session.get(PlanState, _KEY)
    if state is not None and state.value == digest:
        return False
    session.execute(
        update(_ITEMS).where(_ITEMS.c.status != ItemStatus.DONE).values(next_check_at=CHECK_NOW)
    )
    if state is None:
        session.add(PlanState(key=_KEY, value=digest))
    else:
        state.value = digest
    session.flush()
    return True

