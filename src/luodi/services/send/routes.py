"""A project's routes: which message topics go to people's direct channels, which to its group
robots too (domain.routing). Shown and edited per project; stored in ``project.settings["routes"]``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from luodi.domain.routing import (
    DEFAULT_ROUTES,
    RoutingError,
    Target,
    Topic,
    effective_routes,
    parse_targets,
    serialise,
)
from luodi.models import Channel, Project
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput, NotFound


def _project(session: Session, name: str, *, lock: bool = False) -> Project:
    query = select(Project).where(Project.name == name)
    project = session.scalar(query.with_for_update(of=Project) if lock else query)
    if project is None:
        raise NotFound("project", name)
    return project


def show(session: Session, project: str) -> dict[str, list[str]]:
    """The project's routes, topic → targets (the defaults where it chose nothing)."""
    found = _project(session, project)
    return serialise(effective_routes((found.settings or {}).get("routes")))


def set_routes(session: Session, project: str, changes: dict[str, str], *, actor: Actor,
               now: datetime) -> dict[str, list[str]]:
    """Change some topics' targets (``{"reminder": "direct,group"}``), audited; returns all routes.

    A topic set back to its default is stored as no override. Raises InvalidInput naming the topic.
    """
    found = _project(session, project, lock=True)
    settings = dict(found.settings or {})
    stored = dict(settings.get("routes") or {})
    before = serialise(effective_routes(stored))
    for topic, value in changes.items():
        try:
            targets = parse_targets(topic, value)
        except RoutingError as exc:
            raise InvalidInput(str(exc), field=exc.field) from exc
        if targets == DEFAULT_ROUTES[next(t for t in DEFAULT_ROUTES if t.value == topic)]:
            stored.pop(topic, None)
        else:
            stored[topic] = sorted(t.value for t in targets)
    settings["routes"] = stored
    found.settings = settings  # a new dict: the JSON column sees the change
    after = serialise(effective_routes(stored))
    record(session, actor=actor, at=now, entity="project", entity_id=found.id, action="routes_changed",
           field="routes", before=before, after=after)
    return after


def group_channels(session: Session, project: Project | None, topic: Topic) -> list[str]:
    """The group robots a message of ``topic`` goes to: the enabled bots of ``project`` and the
    global ones, when the project's route for ``topic`` includes ``group`` (the default for the
    list as sent and the weekly review) and its bots are not switched off. [] without a project."""
    if project is None:
        return []
    settings = project.settings or {}
    if Target.GROUP not in effective_routes(settings.get("routes"))[topic]:
        return []
    if not settings.get("notify", {}).get("bots", True):
        return []
    return list(session.scalars(
        select(Channel.name).where(Channel.enabled.is_(True), Channel.kind != "email",
                                   or_(Channel.project_id.is_(None), Channel.project_id == project.id))
        .order_by(Channel.name)))
