"""Creating and changing items from forms and the API, audited field by field, never silently.

A change names the version it was made from; when the item moved on meanwhile the change is
refused with the current values (StaleEdit), so the person sees both and decides. Status changes
go through services.items.set_status (the rules engine reads the same columns).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus, Priority
from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.models import Item, Meeting, Person, Project
from luodi.services.accounts.access import Viewer
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput, NotFound, StaleEdit
from luodi.services.text import clean_text, optional_text
from luodi.services.track import items

FIELDS = ("title", "owner", "start", "due", "deliverable", "priority", "acceptance", "status")
OWNER_FIELDS = frozenset({"status"})   # what an owner may change on their own item


def _date(value: object, field: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(_("{field} must be a date YYYY-MM-DD, got {value!r}").format(field=field, value=text),
                           field=field) from exc


def _enum(kind: type[ItemStatus] | type[Priority], value: object, field: str) -> Any:
    try:
        return kind(str(value))
    except ValueError as exc:
        choices = ", ".join(member.value for member in kind)
        raise InvalidInput(_("{field} must be one of {choices}").format(field=field, choices=choices),
                           field=field) from exc


def _owner(session: Session, value: object) -> Person:
    person = session.get(Person, value) if isinstance(value, int) else \
        session.scalar(select(Person).where(Person.name == str(value).strip()))
    if person is None:
        raise InvalidInput(_("No person {name!r} in the directory").format(name=value), field="owner")
    return person


def normalize(session: Session, changes: Mapping[str, object]) -> dict[str, Any]:
    """Check and convert submitted fields (strings from forms, JSON values from the API)."""
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise InvalidInput(_("unknown field {field!r}").format(field=unknown[0]), field=unknown[0])
    result: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "title":
            result[field] = clean_text(str(value or ""), field=field, max_length=500)
        elif field == "owner":
            result[field] = _owner(session, value)
        elif field in ("start", "due"):
            result[field] = _date(value, field)
            if field == "due" and result[field] is None:
                raise InvalidInput(_("due must not be empty"), field="due")
        elif field == "deliverable":
            result[field] = optional_text(None if value is None else str(value), field=field, max_length=500)
        elif field == "acceptance":
            result[field] = optional_text(None if value is None else str(value), field=field, max_length=5000,
                                          multiline=True)
        else:
            result[field] = _enum(Priority if field == "priority" else ItemStatus, value, field)
    return result


def current_values(item: Item, fields: list[str]) -> dict[str, str]:
    """The item's values as text, for a conflict page."""
    values = {"title": item.title, "owner": item.owner.name, "start": item.start.isoformat() if item.start else "",
              "due": item.due.isoformat(), "deliverable": item.deliverable or "", "priority": item.priority.value,
              "acceptance": item.acceptance or "", "status": item.status.value}
    return {field: values[field] for field in fields}


def update_item(session: Session, viewer: Viewer, item: Item, changes: Mapping[str, object], *,
                version: int | None, now: datetime) -> list[str]:
    """Apply ``changes`` made from ``version``; return the fields that changed (audited each).

    An owner may change only the status of their own items; a coordinator anything. Raises
    StaleEdit when ``version`` is not the item's current one, InvalidInput for a bad value.
    """
    needed = Permission.UPDATE if set(changes) <= OWNER_FIELDS else Permission.EDIT
    viewer.require_item(needed, item)
    values = normalize(session, changes)
    if version is not None and version != item.version:
        raise StaleEdit(_("{code} was changed by someone else meanwhile.").format(code=item.code),
                        theirs=current_values(item, list(values)), version=item.version)
    if values.get("start") and (values.get("due") or item.due) < values["start"]:
        raise InvalidInput(_("The start date is after the due date."), field="start")
    actor = Actor.person(viewer.person_id, "web")
    changed = [field for field, value in values.items() if _apply(session, item, field, value, actor, now)]
    if changed:
        item.updated_at = now
    return changed


def _apply(session: Session, item: Item, field: str, value: Any, actor: Actor, now: datetime) -> bool:
    if field == "status":
        return items.set_status(session, item, value, actor=actor, now=now)
    before = item.owner if field == "owner" else getattr(item, field)
    if before == value:
        return False
    if field == "owner":
        item.owner_id, item.owner = value.id, value
        if item.confirmed_at is not None:   # a new owner confirms afresh (CONF-1)
            item.confirmed_at = None
        before, value = before.name, value.name
    else:
        setattr(item, field, value)
    record(session, actor=actor, at=now, entity="item", entity_id=item.id, item_id=item.id, action="changed",
           field=field, before=before, after=value)
    return True


def create_item(session: Session, viewer: Viewer, *, project_id: int, fields: Mapping[str, object],
                meeting_id: int | None = None, parent: Item | None = None, now: datetime) -> Item:
    """A new item numbered in its project (T004 …). A subtask takes its parent's project; it belongs
    to the parent, not to the meeting (the meeting's 【行动项】 list and confirmations stay as sent).

    Coordinators create items; the owner of an item may also add subtasks to it.
    """
    if parent is not None:
        viewer.require_item(Permission.UPDATE, parent)
        project_id, meeting_id = parent.project_id, None
    else:
        viewer.require(Permission.EDIT, project_id)
    values = normalize(session, {"priority": "medium", **fields})
    for required in ("title", "owner", "due"):
        if values.get(required) is None:
            raise InvalidInput(_("{field} must not be empty").format(field=required), field=required)
    if values.get("start") and values["due"] < values["start"]:
        raise InvalidInput(_("The start date is after the due date."), field="start")
    project = session.scalar(select(Project).where(Project.id == project_id).with_for_update(of=Project))
    if project is None:
        raise NotFound("project", project_id)
    if meeting_id is not None and session.scalar(select(Meeting.project_id).where(Meeting.id == meeting_id)) \
            != project_id:
        raise InvalidInput(_("The meeting is not in this project."), field="meeting")
    project.last_item_number += 1
    number = None if meeting_id is None or parent is not None else 1 + (session.scalar(
        select(func.max(Item.number)).where(Item.meeting_id == meeting_id)) or 0)
    code = f"{project.code_prefix}{project.last_item_number:03d}"
    item = Item(project_id=project.id, meeting_id=meeting_id, code=code, number=number, title=values["title"],
                owner_id=values["owner"].id, start=values.get("start"),
                due=values["due"], deliverable=values.get("deliverable"), priority=values["priority"],
                status=values.get("status") or ItemStatus.NOT_STARTED, acceptance=values.get("acceptance"),
                parent_id=parent.id if parent else None, created_at=now, updated_at=now)
    session.add(item)
    session.flush()
    record(session, actor=Actor.person(viewer.person_id, "web"), at=now, entity="item", entity_id=item.id,
           item_id=item.id, action="created", after=item.code)
    return item
