"""Comments on an item (BOARD-6): written by people with a comment permission, audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.roles import Permission
from luodi.models import Comment, Item
from luodi.services.accounts.access import Viewer
from luodi.services.audit import Actor, record
from luodi.services.text import clean_text

MAX_LENGTH = 5000


def add(session: Session, viewer: Viewer, item: Item, body: str, *, now: datetime) -> Comment:
    """Raises NotFound (unreadable item), Forbidden (role) or InvalidInput (empty, too long)."""
    viewer.require_item(Permission.COMMENT, item)
    text = clean_text(body, field="body", max_length=MAX_LENGTH, multiline=True)
    comment = Comment(item_id=item.id, author_id=viewer.person_id, body=text, created_at=now)
    session.add(comment)
    session.flush()
    record(session, actor=Actor.person(viewer.person_id, "web"), at=now, entity="comment", entity_id=comment.id,
           item_id=item.id, action="commented")
    return comment


def list_for(session: Session, item: Item, *, limit: int = 100, offset: int = 0) -> Sequence[Comment]:
    return session.scalars(select(Comment).where(Comment.item_id == item.id).order_by(Comment.id)
                           .limit(limit).offset(offset)).all()
