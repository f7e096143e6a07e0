"""View models the renderers read: plain frozen dataclasses, built by the services layer.

Nothing here knows about SQLAlchemy; every date and time is already *local* (the organisation's
time zone), because a message says "周五" and "下午3点" in the reader's calendar, not in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from luodi.domain.enums import ItemStatus, Priority


@dataclass(frozen=True)
class PersonView:
    """Someone named in a message: an owner, the organizer, a recipient."""

    name: str
    email: str | None = None
    phone: str | None = None  # shown on the call list (CONF-1)

    def same_as(self, other: PersonView | None) -> bool:
        """The same person: by e-mail when both have one, otherwise by name."""
        if other is None:
            return False
        if self.email and other.email:
            return self.email.casefold() == other.email.casefold()
        return self.name == other.name


@dataclass(frozen=True)
class ItemView:
    """One action item (行动项) as the list and the rule messages show it."""

    code: str  # "T001", unique per project
    number: int  # 序号 within its meeting's list; dependencies refer to it ("任务2依赖任务1")
    title: str
    owner: PersonView
    start: date | None
    due: date
    due_time: time | None  # "今天下午3点前"; None means by the end of the working day
    deliverable: str | None
    status: ItemStatus
    priority: Priority
    acceptance: str | None  # acceptance criteria, sent with the list (the article's trap 5)
    depends_on: tuple[int, ...]  # numbers of the items this one waits for
    confirmed: bool = False  # the owner answered 「收到并理解」 (CONF-1)
    checklist: tuple[str, ...] = ()  # acceptance checklist lines (ACC-2)


@dataclass(frozen=True)
class DependencyView:
    """``dependent`` waits for ``prerequisite`` (both are item numbers); ``reason`` in words."""

    dependent: int
    prerequisite: int
    reason: str | None = None


@dataclass(frozen=True)
class NextMeetingView:
    """【下次跟进会议】: when, where and what for."""

    at: datetime | None  # local
    place: str | None
    goal: str | None


@dataclass(frozen=True)
class ActionListView:
    """A meeting's 【行动项】 list (SEND-1)."""

    meeting_id: int
    title: str  # the subject after 【行动项】: "Q4服务活动方案跟进"
    meeting_name: str | None
    starts_at: datetime | None  # local; its year is the one dates are written without
    place: str | None
    organizer: PersonView | None  # signs the list
    attendees: tuple[PersonView, ...]
    decisions: tuple[str, ...]
    items: tuple[ItemView, ...]
    dependencies: tuple[DependencyView, ...]
    next_meeting: NextMeetingView | None
    attachments: tuple[tuple[str, str], ...]  # (name, URL)
    confirm_by: datetime | None  # local; default 18:00 on the day the list is sent


@dataclass(frozen=True)
class RenderedMessage:
    """One message in every format a channel may want."""

    subject: str  # one line, no line breaks
    text: str  # plain text (e-mail text part, SMS-like channels)
    html: str  # a complete HTML document with inline styles (e-mail HTML part)
    markdown: str  # for IM group bots (Feishu, DingTalk, WeCom, Slack)


class MessageKind(StrEnum):
    """The rule messages (RULE-1, RULE-3, SEND-2, CONF-1, FU-1); values name the template folder."""

    REMIND_BEFORE_3D = "remind_before_3d"  # owner, due − 3 days
    REMIND_BEFORE_1D = "remind_before_1d"  # owner, due − 1 day
    AT_RISK_BEFORE_1D = "at_risk_before_1d"  # coordinator, due − 1 day and still not started
    REMIND_DUE_MORNING = "remind_due_morning"  # owner, the due day's morning
    ESCALATE_DUE_END = "escalate_due_end"  # supervisor and coordinator, due day 17:00, not done
    MARK_DELAYED = "mark_delayed"  # owner (and coordinator), the day after the due day
    REMIND_OVERDUE = "remind_overdue"  # owner, while the item stays delayed
    DEPENDENCY_THREAT = "dependency_threat"  # coordinator: late prerequisite, threatened items
    LIST_UNSENT = "list_unsent"  # coordinator: list still unsent one hour after the meeting
    CONFIRM_DEADLINE = "confirm_deadline"  # coordinator: the call list of unconfirmed owners


@dataclass(frozen=True)
class ThreatView:
    """RULE-3: ``item`` depends on ``prerequisite``, which is late or at risk."""

    item: ItemView
    prerequisite: ItemView
    slip_days: int | None = None  # how far the item may move, when known
    new_due: date | None = None  # the item's due date if the slip carries over


@dataclass(frozen=True)
class MeetingRefView:
    """A meeting whose action list is still unsent (``list_unsent``)."""

    title: str
    ended_at: datetime | None = None  # local
    items: tuple[ItemView, ...] = ()
    url: str | None = None  # where the coordinator reviews and sends the list


@dataclass(frozen=True)
class MessageView:
    """One rule message to one person. It lists *every* item due for that person at that moment,
    so a busy owner gets one message rather than a storm of them.

    ``items`` is what the message is about: the owner's items for reminders, the items at risk,
    escalated, delayed or unconfirmed for the coordinator's and the supervisor's messages, the
    late prerequisites for ``dependency_threat`` (whose threatened items are in ``threats``).
    """

    kind: MessageKind
    recipient: PersonView
    now: datetime  # local time the message goes out: "今天", "明天", "周五" are counted from it
    items: tuple[ItemView, ...] = ()
    sender: PersonView | None = None  # who signs (the coordinator, 小林); None: no signature
    threats: tuple[ThreatView, ...] = ()  # dependency_threat
    meetings: tuple[MeetingRefView, ...] = ()  # list_unsent
    url: str | None = None  # where to act: the item, the board, the call list
    confirm_by: datetime | None = None  # confirm_deadline: the deadline that passed (local)
