"""Meetings (CAP-1): decisions, attendees, attachments and the next follow-up meeting."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from luodi.db import UTCDateTime
from luodi.models.base import Base

if TYPE_CHECKING:
    from luodi.models.people import Person
    from luodi.models.projects import Project


class Meeting(Base):
    __tablename__ = "meeting"
    __table_args__ = (
        Index("ix_meeting_project_starts", "project_id", "starts_at"),
        # The plan step's meeting rules: "list unsent after the meeting", "confirmation deadline".
        Index("ix_meeting_starts", "starts_at"),
        Index("ix_meeting_confirm_deadline", "confirm_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))          # the list's subject, after 【行动项】
    name: Mapped[str | None] = mapped_column(String(300))    # the meeting itself (会议)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(200))
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    next_meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_meeting_place: Mapped[str | None] = mapped_column(String(200))
    next_meeting_goal: Mapped[str | None] = mapped_column(String(500))
    list_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirm_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str | None] = mapped_column(Text)          # the imported Markdown, kept verbatim
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship(lazy="joined")
    organizer: Mapped[Person | None] = relationship(lazy="joined")
    decisions: Mapped[list[Decision]] = relationship(order_by="Decision.number", cascade="all, delete-orphan")
    attendees: Mapped[list[MeetingAttendee]] = relationship(cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(cascade="all, delete-orphan")


class MeetingAttendee(Base):
    __tablename__ = "meeting_attendee"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    person: Mapped[Person] = relationship(lazy="joined")


class Decision(Base):
    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


class Attachment(Base):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
