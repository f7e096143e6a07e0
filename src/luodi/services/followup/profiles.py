"""Owner profiles (FU-4): computed from history, or set by hand in ``Person.profile``.

History counts an owner's finished items (on time or late) and whether they worked with the
coordinator in an earlier meeting. Queries are grouped by owner, so building a day's agenda costs
two queries however many items it holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from luodi.domain.cadence import OwnerHistory, Profile, traits_for
from luodi.domain.enums import ItemStatus
from luodi.domain.workdays import to_local
from luodi.i18n import gettext as _
from luodi.models import Item, Meeting, Person, Project
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput

AUTO = "auto"


@dataclass(frozen=True)
class OwnerRecord:
    """Finished items of one owner: (on time, late)."""

    on_time: int = 0
    late: int = 0


def coordinator_of(item: Item) -> int | None:
    """The item's coordinator: its meeting's organizer, else its project's coordinator."""
    if item.meeting is not None and item.meeting.organizer_id is not None:
        return item.meeting.organizer_id
    project = item.meeting.project if item.meeting is not None else None
    return project.coordinator_id if project is not None else None


def records(session: Session, owner_ids: Iterable[int], *, tz: ZoneInfo) -> dict[int, OwnerRecord]:
    """On-time and late finished items per owner (late: done after due, or ever marked delayed)."""
    ids = sorted(set(owner_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Item.owner_id, Item.due, Item.done_at, Item.delayed_at)
        .where(Item.owner_id.in_(ids), or_(Item.done_at.is_not(None), Item.status == ItemStatus.DELAYED))
    ).all()
    counts: dict[int, list[int]] = {owner: [0, 0] for owner in ids}
    for owner_id, due, done_at, delayed_at in rows:
        late = delayed_at is not None or done_at is None or to_local(done_at, tz).date() > due
        counts[owner_id][1 if late else 0] += 1
    return {owner: OwnerRecord(*pair) for owner, pair in counts.items()}


def first_meetings(session: Session, owner_ids: Iterable[int]) -> dict[tuple[int, int], datetime]:
    """For each (owner, coordinator): the start of the first meeting that gave the owner an item."""
    ids = sorted(set(owner_ids))
    if not ids:
        return {}
    coordinator = func.coalesce(Meeting.organizer_id, Project.coordinator_id)
    rows = session.execute(
        select(Item.owner_id, coordinator, func.min(Meeting.starts_at))
        .join(Meeting, Meeting.id == Item.meeting_id).join(Project, Project.id == Meeting.project_id)
        .where(Item.owner_id.in_(ids), coordinator.is_not(None))
        .group_by(Item.owner_id, coordinator)
    ).all()
    return {(owner, coord): first for owner, coord, first in rows}


def history(record_: OwnerRecord, first: datetime | None, meeting_start: datetime | None) -> OwnerHistory:
    earlier = 1 if first is not None and meeting_start is not None and first < meeting_start else 0
    return OwnerHistory(on_time=record_.on_time, late=record_.late, earlier_with_coordinator=earlier)


def item_traits(session: Session, items: Iterable[Item], *, tz: ZoneInfo) -> dict[int, tuple[frozenset[Profile], str]]:
    """Traits (and their source, "manual" or "history") of each item's owner, for that item."""
    items = list(items)
    owners = {item.owner_id for item in items}
    by_owner, firsts = records(session, owners, tz=tz), first_meetings(session, owners)
    result: dict[int, tuple[frozenset[Profile], str]] = {}
    for item in items:
        coordinator = coordinator_of(item)
        first = firsts.get((item.owner_id, coordinator)) if coordinator is not None else None
        start = item.meeting.starts_at if item.meeting is not None else None
        owned = history(by_owner.get(item.owner_id, OwnerRecord()), first, start)
        result[item.id] = traits_for(item.owner.profile, owned)
    return result


def set_profile(session: Session, person: Person, value: str, *, actor: Actor, now: datetime) -> str | None:
    """Set the profile by hand (reliable, delay_history, first_time), or ``auto`` to compute it."""
    choices = [p.value for p in Profile]
    if value != AUTO and value not in choices:
        raise InvalidInput(_("profile must be one of {choices} or auto").format(choices=", ".join(choices)),
                           field="profile")
    before = person.profile
    person.profile = None if value == AUTO else value
    record(session, actor=actor, at=now, entity="person", entity_id=person.id, action="changed",
           field="profile", before=before, after=person.profile)
    return person.profile


def profile_public(session: Session, person: Person, *, tz: ZoneInfo) -> dict[str, Any]:
    """The owner's record and traits as the CLI/API show them (first time: per coordinator)."""
    owned = records(session, [person.id], tz=tz).get(person.id, OwnerRecord())
    finished = owned.on_time + owned.late
    computed = traits_for(None, OwnerHistory(owned.on_time, owned.late, earlier_with_coordinator=1))[0]
    return {
        "name": person.name,
        "manual": person.profile,
        "on_time": owned.on_time,
        "late": owned.late,
        "on_time_rate": round(owned.on_time / finished, 4) if finished else None,
        "computed": sorted(p.value for p in computed),
    }
