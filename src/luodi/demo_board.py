"""The demo's board: users for the article's people, the article's milestones and a comment, so
every view of the web app has something to show after ``make demo`` (the items stay the
article's three: subtasks are added on the board, by their owners).

Passwords are generated and printed once, like ``luodi user add``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.models import Item, Meeting
from luodi.services.accounts import users as accounts
from luodi.services.accounts.access import viewer_for
from luodi.services.track import comments, milestones

USERS = (("小林", "coordinator"), ("小王", "owner"), ("小李", "owner"), ("小陈", "owner"),
         ("张经理", "supervisor"), ("访客", "viewer"))


def add_demo_board(session: Session, meeting: Meeting, *, now: datetime) -> list[str]:
    """Create the users, milestones and a comment; return the lines to print."""
    project = meeting.project.name
    lines = [f"users (log in at /login; project {project}):"]
    for name, role in USERS:
        created = accounts.create_user(session, name, role=role, project=None if role == "supervisor" else project,
                                       now=now)
        lines.append(f"  {name:<4} {role:<11} password: {created.password}")
    coordinator = viewer_for(session, accounts.get_by_name(session, "小林"))
    items = {item.number: item for item in session.scalars(select(Item).where(Item.meeting_id == meeting.id))}
    first, second, third = items[1], items[2], items[3]
    launch = (meeting.next_meeting_at or now).astimezone(meeting.starts_at.tzinfo).date()
    for title, due, linked in (("方案定稿", first.due, [first]), ("技术方案确认", second.due, [second]),
                               ("培训材料就绪", third.due, [third]), ("正式启动活动", launch, [second, third])):
        milestones.create(session, coordinator, project_id=meeting.project_id, title=title, due=due,
                          item_codes=[item.code for item in linked], now=now)
    owner = viewer_for(session, accounts.get_by_name(session, "小李"))
    comments.add(session, owner, second, "等小王的方案初稿出来后就开始评估。", now=now)
    return lines
