"""Meetings a viewer may read, newest first, with item and confirmation counts.

Two bounded queries: the page of meetings, then the counts of those meetings' items only
(ix_item_meeting), never a GROUP BY over the whole item table.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, case, func, select
from sqlalchemy.orm import Session

from luodi.models import Item, Meeting, Project
from luodi.services.accounts.access import Viewer


def visible_meetings(session: Session, viewer: Viewer, *, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Rows shaped like services.meetings.list_meetings, limited to the viewer's projects."""
    query = (select(Meeting.id, Meeting.title, Project.name, Meeting.starts_at, Meeting.list_sent_at,
                    Meeting.closed_at)
             .join(Project, Project.id == Meeting.project_id)
             .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(limit).offset(offset))
    visible = viewer.visible_projects()
    if visible is not None:
        query = query.where(Meeting.project_id.in_(visible))
    rows = session.execute(query).all()
    counts: dict[int, tuple[int, int]] = {}
    if rows:
        confirmed = func.sum(case((Item.confirmed_at.is_not(None), 1), else_=0)).cast(Integer)
        for meeting_id, n, done in session.execute(
                select(Item.meeting_id, func.count(), confirmed)
                .where(Item.meeting_id.in_([row[0] for row in rows]), Item.parent_id.is_(None))
                .group_by(Item.meeting_id)):
            if meeting_id is not None:
                counts[meeting_id] = (n, int(done or 0))
    return [
        {"id": mid, "title": title, "project": project, "starts_at": starts.isoformat(),
         "sent_at": sent.isoformat() if sent else None, "items": counts.get(mid, (0, 0))[0],
         "confirmed": counts.get(mid, (0, 0))[1], "closed": closed is not None}
        for mid, title, project, starts, sent, closed in rows
    ]
