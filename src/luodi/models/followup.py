"""Follow-up, sync and closure rows (FU-2…6, SYNC-2, ACC-1…4, CLOSE-1).

Follow-ups (today's agenda entries, kept with their outcome), blockers, standups, submissions,
per-item checklists, acceptance rounds, retrospectives and carried-over items. Owner profiles use
``Person.profile``. Indexes are shaped like the queries of services.followups/blockers/
acceptance/metrics and say who uses them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from luodi.db import StrEnumType, UTCDateTime
from luodi.domain.agenda import FollowUpStatus
from luodi.domain.enums import ItemStatus
from luodi.domain.scoring import SubmissionKind
from luodi.models.base import Base
from luodi.models.items import Item
from luodi.models.meetings import Meeting

if TYPE_CHECKING:
    from luodi.models.people import Person

# services.reports.weekly: the items completed in a week ("done_at in [Monday, next Monday)").
Index("ix_item_done_at", Item.done_at, postgresql_where=text("done_at IS NOT NULL"),
      sqlite_where=text("done_at IS NOT NULL"))
# services.metrics and services.reports: the items due in a period, of every status, per project.
Index("ix_item_due_project", Item.due, Item.project_id)
# services.agenda_facts.open_items: the open meetings a coordinator organises (今日跟进).
Index("ix_meeting_organizer", Meeting.organizer_id, Meeting.closed_at)


class FollowUp(Base):
    """One entry of a coordinator's 今日跟进: whom to contact, why, how, the message, the outcome."""

    __tablename__ = "followup"
    __table_args__ = (
        # services.followups.today: the day's entries (per coordinator).
        Index("ix_followup_day", "day", "coordinator_id"),
        # services.followups: the last contact of each item (MAX(done_at) per item); metrics.
        Index("ix_followup_item_done", "item_id", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "item:<id>|<day>" or "blocker:<id>|<day>": building the agenda twice writes each entry once.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    day: Mapped[date] = mapped_column(Date)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    blocker_id: Mapped[int | None] = mapped_column(ForeignKey("blocker.id", ondelete="SET NULL"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))  # whom to contact (the owner)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))  # domain.agenda.Reason value
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(20))  # domain.cadence.ContactChannel value
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[FollowUpStatus] = mapped_column(StrEnumType(FollowUpStatus, 10), default=FollowUpStatus.OPEN)
    outcome: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    item: Mapped[Item] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")


class Blocker(Base):
    """What an owner waits for, and from whom (FU-3); cleared by the coordinator, timed."""

    __tablename__ = "blocker"
    __table_args__ = (
        # services.blockers.open_for / the agenda: open blockers of a set of items.
        Index("ix_blocker_open", "item_id", postgresql_where=text("cleared_at IS NULL"),
              sqlite_where=text("cleared_at IS NULL")),
        Index("ix_blocker_item", "item_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))  # who is blocked
    what: Mapped[str] = mapped_column(Text)
    waiting_on: Mapped[str | None] = mapped_column(String(200))  # a name or a department (市场部)
    waiting_on_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20), default="cli")  # cli | web | api | standup
    standup_id: Mapped[int | None] = mapped_column(ForeignKey("standup.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(Text)
    minutes_open: Mapped[int | None]  # kept when cleared: how long clearing it took

    item: Mapped[Item | None] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")


class Standup(Base):
    """One person's answers to the three standup questions on one day (SYNC-2)."""

    __tablename__ = "standup"
    __table_args__ = (
        UniqueConstraint("person_id", "day"),
        Index("ix_standup_day", "day"),  # services.standups.digest: one day's answers
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="SET NULL"))
    yesterday: Mapped[str] = mapped_column(Text)
    today: Mapped[str] = mapped_column(Text)
    blockers: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(lazy="joined")


class Submission(Base):
    """A deliverable handed in (ACC-1): a draft, a partial version (简版, FU-6) or the final one."""

    __tablename__ = "submission"
    __table_args__ = (Index("ix_submission_item", "item_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[SubmissionKind] = mapped_column(StrEnumType(SubmissionKind, 10))
    link: Mapped[str] = mapped_column(String(2000))
    note: Mapped[str | None] = mapped_column(Text)
    full_due: Mapped[date | None] = mapped_column(Date)  # partial: when the full version comes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ItemChecklist(Base):
    """The acceptance checklist of one item (ACC-2), set when the item is created."""

    __tablename__ = "item_checklist"

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)  # 1, 2, … as `accept --check 2` names it
    text: Mapped[str] = mapped_column(String(500))
    template: Mapped[str | None] = mapped_column(String(20))  # the template it came from, if any


class AcceptanceRound(Base):
    """One review of a submission (ACC-3/4): checklist, rubric scores, verdict, feedback. Kept all."""

    __tablename__ = "acceptance_round"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    number: Mapped[int]
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id", ondelete="SET NULL"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    weights: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # the rubric used, kept
    score: Mapped[int]
    pass_mark: Mapped[int]
    passed: Mapped[bool]
    checked: Mapped[list[int]] = mapped_column(JSON, default=list)  # checklist positions that hold
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    strengths: Mapped[list[str]] = mapped_column(JSON, default=list)
    suggestions: Mapped[list[str]] = mapped_column(JSON, default=list)
    revise_by: Mapped[date | None] = mapped_column(Date)
    feedback_outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Retrospective(Base):
    """The closure meeting's notes (CLOSE-1): went well, to improve, reusable; the next list."""

    __tablename__ = "retrospective"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    went_well: Mapped[str] = mapped_column(Text)
    improve: Mapped[str] = mapped_column(Text)
    reusable: Mapped[str] = mapped_column(Text)
    next_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CarriedItem(Base):
    """An open item of an earlier meeting on a later meeting's agenda (「延续自 9月28日」)."""

    __tablename__ = "carried_item"
    __table_args__ = (Index("ix_carried_item_item", "item_id"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    from_meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    status: Mapped[ItemStatus] = mapped_column(StrEnumType(ItemStatus))  # its state when carried
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


__all__ = ["AcceptanceRound", "Blocker", "CarriedItem", "FollowUp", "ItemChecklist", "Retrospective",
           "Standup", "Submission"]
