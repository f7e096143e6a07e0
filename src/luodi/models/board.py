"""The board's own rows (BOARD-5, BOARD-6): comments on items, milestones and their items.

The indexes on ``item`` below are shaped like the board's queries (services.board) and live
here, with the queries' owner, rather than in models/items.py.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from luodi.db import UTCDateTime
from luodi.models.base import Base
from luodi.models.items import Item

if TYPE_CHECKING:
    from luodi.models.people import Person

# services.board.kanban: counts per status and the first cards of each column, per project.
Index("ix_item_project_status_due", Item.project_id, Item.status, Item.due, Item.id)
# services.board.table: a project's items by due date (the table's default order).
Index("ix_item_project_due", Item.project_id, Item.due, Item.id)


class Comment(Base):
    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_item", "item_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[Person | None] = relationship(lazy="joined")


class Milestone(Base):
    """A dated key node of a project (the article: 「9月30日:方案定稿」), linked to items."""

    __tablename__ = "milestone"
    __table_args__ = (Index("ix_milestone_project_due", "project_id", "due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    due: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MilestoneItem(Base):
    """The milestone is reached when its items are done."""

    __tablename__ = "milestone_item"
    __table_args__ = (Index("ix_milestone_item_item", "item_id"),)

    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
