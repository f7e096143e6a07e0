"""Blockers (FU-3): what an owner waits for and from whom; cleared by the coordinator, timed.

The article's 「障碍扫除服务」: 「小王，你需要市场部的数据，我来帮你协调。」 A blocker shows first on
the coordinator's agenda until it is cleared; the minutes it stayed open are kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.i18n import gettext as _
from luodi.models import Blocker, Item, Person
from luodi.services.accounts import people
from luodi.services.audit import Actor, record
from luodi.services.errors import Conflict, InvalidInput, NotFound

MAX_TEXT = 2000


def add(session: Session, *, item: Item | None, person: Person, what: str, waiting_on: str | None,
        source: str, now: datetime, standup_id: int | None = None) -> Blocker:
    """Record a blocker of ``person`` (on ``item`` when known). ``waiting_on`` is a name or a team;
    a name in the people directory is linked. Raises InvalidInput for an empty ``what``."""
    what = " ".join(what.split())
    if not what:
        raise InvalidInput(_("Say what you are waiting for."), field="what")
    if len(what) > MAX_TEXT:
        raise InvalidInput(_("The blocker is too long (2000 characters at most)."), field="what")
    who = " ".join((waiting_on or "").split()) or None
    linked = people.find(session, who) if who else None
    blocker = Blocker(item_id=item.id if item else None, person_id=person.id, what=what, waiting_on=who,
                      waiting_on_id=linked.id if linked else None, source=source, standup_id=standup_id,
                      created_at=now)
    session.add(blocker)
    session.flush()
    record(session, actor=Actor.person(person.id, source), at=now, entity="blocker", entity_id=blocker.id,
           item_id=blocker.item_id, action="created", after=what if not who else f"{what} ← {who}")
    return blocker


def get(session: Session, blocker_id: int) -> Blocker:
    blocker = session.get(Blocker, blocker_id)
    if blocker is None:
        raise NotFound("blocker", blocker_id)
    return blocker


def clear(session: Session, blocker_id: int, *, actor: Actor, now: datetime, resolution: str | None = None
          ) -> Blocker:
    """Mark a blocker cleared and keep how long it took. Raises NotFound, Conflict (already cleared)."""
    blocker = get(session, blocker_id)
    if blocker.cleared_at is not None:
        raise Conflict(_("blocker {id} was already cleared").format(id=blocker_id))
    blocker.cleared_at, blocker.cleared_by_id = now, actor.person_id
    blocker.resolution = " ".join((resolution or "").split()) or None
    blocker.minutes_open = max(0, int((now - blocker.created_at).total_seconds() // 60))
    record(session, actor=actor, at=now, entity="blocker", entity_id=blocker.id, item_id=blocker.item_id,
           action="cleared", field="minutes_open", after=blocker.minutes_open)
    return blocker


def list_blockers(session: Session, *, open_only: bool = True, limit: int = 200) -> list[Blocker]:
    query = select(Blocker)
    if open_only:
        query = query.where(Blocker.cleared_at.is_(None))
    return list(session.scalars(query.order_by(Blocker.id).limit(limit)))


def public(blocker: Blocker) -> dict[str, Any]:
    """The blocker JSON of the CLI/API."""
    return {
        "id": blocker.id,
        "item": blocker.item.code if blocker.item else None,
        "person": blocker.person.name,
        "what": blocker.what,
        "waiting_on": blocker.waiting_on,
        "created_at": blocker.created_at.isoformat(),
        "cleared_at": blocker.cleared_at.isoformat() if blocker.cleared_at else None,
        "minutes_open": blocker.minutes_open,
        "resolution": blocker.resolution,
        "source": blocker.source,
    }
