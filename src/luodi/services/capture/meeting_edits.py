"""Meetings from web forms (CAP-2): create, edit, and where a form names its project.

Importing an action list goes through services.meetings (the same path as the CLI); this module
decides which project a coordinator may write to and handles the meeting form's fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.models import Meeting, Person, Project
from luodi.services.accounts.access import Viewer
from luodi.services.audit import Actor, record
from luodi.services.capture.meetings import to_utc
from luodi.services.errors import InvalidInput
from luodi.services.text import clean_text, optional_text

MEETING_FIELDS = ("title", "name", "starts_at", "ends_at", "place", "next_meeting_at", "next_meeting_place",
                  "next_meeting_goal")


def writable_project(session: Session, viewer: Viewer, *, project_id: int | None, new_name: str | None,
                     now: datetime) -> Project:
    """The project a form writes to: an existing one the viewer edits, or a new one.

    Creating a project needs a coordinator role in every project (or admin).
    """
    name = optional_text(new_name, field="project", max_length=200)
    if name:
        existing = session.scalar(select(Project).where(Project.name == name))
        if existing is not None:
            viewer.require(Permission.EDIT, existing.id)
            return existing
        if not viewer.can(Permission.EDIT, None):
            raise InvalidInput(_("Only a coordinator of every project can start a new project."), field="project")
        project = Project(name=name, created_at=now, settings={})
        session.add(project)
        session.flush()
        return project
    if project_id is None:
        raise InvalidInput(_("Choose a project."), field="project")
    viewer.require(Permission.EDIT, project_id)
    chosen = session.get(Project, project_id)
    if chosen is None:
        raise InvalidInput(_("Choose a project."), field="project")
    return chosen


def _moment(value: object, field: str, tz: ZoneInfo, *, required: bool = False) -> datetime | None:
    text = str(value or "").strip()
    if not text:
        if required:
            raise InvalidInput(_("{field} must not be empty").format(field=field), field=field)
        return None
    try:
        return to_utc(datetime.fromisoformat(text.replace(" ", "T", 1)), tz)
    except ValueError as exc:
        raise InvalidInput(_("{field} must be a date and time YYYY-MM-DD HH:MM, got {value!r}").format(
            field=field, value=text), field=field) from exc


def meeting_values(form: Mapping[str, object], tz: ZoneInfo) -> dict[str, Any]:
    """The meeting form's fields, checked and converted (times are local to ``tz``)."""
    values: dict[str, Any] = {
        "title": clean_text(str(form.get("title") or ""), field="title", max_length=300),
        "starts_at": _moment(form.get("starts_at"), "starts_at", tz, required=True),
        "ends_at": _moment(form.get("ends_at"), "ends_at", tz),
        "next_meeting_at": _moment(form.get("next_meeting_at"), "next_meeting_at", tz),
    }
    for field, limit in (("name", 300), ("place", 200), ("next_meeting_place", 200), ("next_meeting_goal", 500)):
        values[field] = optional_text(str(form.get(field) or ""), field=field, max_length=limit)
    if values["ends_at"] is not None and values["ends_at"] < values["starts_at"]:
        raise InvalidInput(_("The meeting ends before it starts."), field="ends_at")
    return values


def create(session: Session, viewer: Viewer, project: Project, form: Mapping[str, object], *, tz: ZoneInfo,
           now: datetime) -> Meeting:
    viewer.require(Permission.EDIT, project.id)
    values = meeting_values(form, tz)
    organizer = session.get(Person, viewer.person_id)
    meeting = Meeting(project_id=project.id, organizer_id=organizer.id if organizer else None,
                      language=viewer.language, created_at=now, **values)
    session.add(meeting)
    session.flush()
    if project.coordinator_id is None and organizer is not None:
        project.coordinator_id = organizer.id
    record(session, actor=Actor.person(viewer.person_id, "web"), at=now, entity="meeting", entity_id=meeting.id,
           action="created", after=meeting.title)
    return meeting


def update(session: Session, viewer: Viewer, meeting: Meeting, form: Mapping[str, object], *, tz: ZoneInfo,
           now: datetime) -> list[str]:
    """Apply the meeting form; return the fields that changed (each audited)."""
    viewer.require(Permission.EDIT, meeting.project_id)
    changed = []
    for field, value in meeting_values(form, tz).items():
        before = getattr(meeting, field)
        if before != value:
            setattr(meeting, field, value)
            record(session, actor=Actor.person(viewer.person_id, "web"), at=now, entity="meeting",
                   entity_id=meeting.id, action="changed", field=field, before=before, after=value)
            changed.append(field)
    return changed
