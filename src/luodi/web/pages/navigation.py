"""The header's navigation by the article's steps, and where each role lands after logging in.

A coordinator starts from 今日跟进 (with the count of today's open follow-ups); an owner from
我的行动项; everyone else from the board. The badge is one indexed count on the read-only engine
(services.followup.followups.open_count), in a session of its own.
"""

from __future__ import annotations

from fastapi import Request

from luodi.domain.roles import Role
from luodi.services.accounts.access import Viewer
from luodi.services.followup import followups
from luodi.web.deps import local_today
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
    if coordinator:
        settings, clock = request.app.state.settings, request.app.state.clock
        with request.app.state.read_sessionmaker() as session:
            count = followups.open_count(session, coordinator_id=viewer.person_id,
                                         day=local_today(settings, clock))
            session.commit()
    return Navigation(coordinator=coordinator, followups_today=count, admin=viewer.is_admin)
