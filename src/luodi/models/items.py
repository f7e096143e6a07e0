"""Action items (行动项), their dependency edges and the owners' answers (CONF-1)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, String, Text, Time, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from luodi.db import StrEnumType, UTCDateTime
from luodi.domain.enums import ItemStatus, Priority, RequestState, ResponseKind
from luodi.models.base import Base

CHECK_NOW = datetime(1970, 1, 1, tzinfo=UTC)

if TYPE_CHECKING:
    from luodi.models.meetings import Meeting
    from luodi.models.people import Person


class Item(Base):
    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("project_id", "code"),
        # The rule plan step: open items whose due date falls in a window.
        Index("ix_item_status_due", "status", "due"),
        # "My items" and weekly reports per owner.
        Index("ix_item_owner_due", "owner_id", "due"),
        Index("ix_item_meeting", "meeting_id", "number"),
        Index("ix_item_parent", "parent_id", postgresql_where=text("parent_id IS NOT NULL"),
              sqlite_where=text("parent_id IS NOT NULL")),
        # The worker's plan step: "open items whose next check has come" (services.planning).
        Index("ix_item_next_check", "next_check_at", postgresql_where=text("status <> 'done'"),
              sqlite_where=text("status <> 'done'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(String(16))            # T001 …, per project
    number: Mapped[int | None]                               # 序号 in the meeting's list
    title: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    start: Mapped[date | None] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    due_time: Mapped[time | None] = mapped_column(Time)
    deliverable: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[ItemStatus] = mapped_column(StrEnumType(ItemStatus), default=ItemStatus.NOT_STARTED)
    priority: Mapped[Priority] = mapped_column(StrEnumType(Priority, 10), default=Priority.MEDIUM)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"))
    acceptance: Mapped[str | None] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reschedule_count: Mapped[int] = mapped_column(default=0)
    delayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the rules next need to look at this item; CHECK_NOW (the epoch) = at the next pass. The
    # planner writes it with a Core UPDATE (no version bump); any change to what the rules read
    # resets it (see below). Never NULL, so one index range scan finds every item due.
    next_check_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: CHECK_NOW)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    owner: Mapped[Person] = relationship(lazy="joined")
    meeting: Mapped[Meeting | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads a plain dict


class Dependency(Base):
    """``item`` depends on ``depends_on`` (the prerequisite finishes first)."""

    __tablename__ = "dependency"
    __table_args__ = (Index("ix_dependency_prerequisite", "depends_on_id"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    depends_on_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str | None] = mapped_column(String(500))


class ItemResponse(Base):
    """An owner's answer on the confirmation page: confirm, a question, or a reschedule request."""

    __tablename__ = "item_response"
    __table_args__ = (Index("ix_item_response_item", "item_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[ResponseKind] = mapped_column(StrEnumType(ResponseKind))
    text: Mapped[str | None] = mapped_column(Text)
    requested_due: Mapped[date | None] = mapped_column(Date)
    state: Mapped[RequestState | None] = mapped_column(StrEnumType(RequestState))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    via: Mapped[str] = mapped_column(String(20), default="link")   # link | cli | api | web
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")


def _reschedule(target: Item, value: object, old: object, _initiator: object) -> None:
    """What the rules read changed: the planner must look at the item again at its next pass."""
    if value != old:
        target.next_check_at = CHECK_NOW


for _attribute in (Item.status, Item.due, Item.confirmed_at, Item.delayed_at, Item.owner_id, Item.meeting_id):
    event.listen(_attribute, "set", _reschedule)

