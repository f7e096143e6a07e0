"""The header's navigation by the article's steps, and where each role lands after logging in.

A coordinator starts from 今日跟进 (with the count of today's open follow-ups); an owner from
我的行动项; everyone else from the board. The badge counts the open entries of the same agenda the
page shows (:func:`visible_agenda`, computed on read: a fixed number of queries whatever the size),
on the read-only engine, in a session of its own.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from sqlalchemy.orm import Session

from luodi.config import Settings
from luodi.domain.roles import Permission, Role
from luodi.models import Person
from luodi.services.accounts.access import Viewer
from luodi.services.followup import followups
from luodi.services.rules.rule_context import RuleContext
from luodi.web.pages.contexts import Navigation


def landing(viewer: Viewer) -> str:
    """Where a viewer goes after logging in (and from /): 今日跟进, 我的行动项 or the board."""
    if viewer.can_edit_somewhere:
        return "/today"
    if any(Role.OWNER in held for held in viewer.roles.values()) and not viewer.has_role(Role.SUPERVISOR):
        return "/me"
    return "/board"


def navigation(request: Request, viewer: Viewer) -> Navigation:
    coordinator = viewer.can_edit_somewhere
    count = 0
    if coordinator and viewer.person_id:
        settings, clock = request.app.state.settings, request.app.state.clock
        with request.app.state.read_sessionmaker() as session:
            agenda = visible_agenda(session, viewer, now=clock.now(), settings=settings,
                                    coordinator=session.get(Person, viewer.person_id))
            count = agenda.open_count()
            session.commit()
    return Navigation(coordinator=coordinator, followups_today=count, admin=viewer.is_admin)


def visible_agenda(session: Session, viewer: Viewer, *, now: datetime, settings: Settings,
                   coordinator: Person | None) -> followups.Agenda:
    """The day's agenda (computed on read) as the viewer may read it: 今日跟进, its API, the badge."""
    agenda = followups.compute(session, now=now, tz=settings.tz, calendar=RuleContext.from_settings(settings).calendar,
                               coordinator=coordinator)
    agenda.rows = [row for row in agenda.rows if viewer.can(Permission.READ, row.item.project_id)]
    return agenda
