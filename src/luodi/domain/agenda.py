"""Today's follow-ups (FU-5) and interventions (FU-2), as pure functions.

For each open item the coordinator follows, :func:`reasons` says why to contact its owner today;
:func:`channel_for` says how (the cadence rule's channels, never "wait for the weekly meeting"
when something is urgent); :func:`interventions` gives the article's three causes of an item
that stays not started or turns at risk, each with its ready response:

- 「我在等小王的方案」 → ask the predecessor's owner for a partial hand-over (协调小王先给部分内容);
- 「我不太清楚具体要做什么」 → book a 15-minute clarification (约个15分钟澄清需求);
- 「我最近太忙了，这个任务优先级不高」 → escalate to the supervisor (升级给上级决策).

Blockers are entries of their own and come first (FU-3: 「障碍扫除服务」).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from luodi.domain.cadence import CadenceFacts, ContactChannel, cadence_due, rule_on
from luodi.domain.enums import ItemStatus
from luodi.domain.workdays import Calendar, Shift

NOT_STARTED_AFTER_DAYS = 3  # 「如果3天都没动静，立即介入」
DUE_SOON_DAYS = 3  # 「截止日期前3天」
CLARIFY_MINUTES = 15


class Reason(StrEnum):
    """Why to contact someone today, most urgent first (the order of the agenda)."""

    BLOCKER = "blocker"
    QUESTION = "question"  # the owner asked something (a reply to the list's email, the link's form)
    UNCONFIRMED = "unconfirmed"  # the confirmation deadline passed: call (「逐个电话确认」)
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"
    DUE_SOON = "due_soon"
    FIRST_TIME = "first_time"
    CADENCE = "cadence"


URGENT = frozenset({Reason.BLOCKER, Reason.QUESTION, Reason.UNCONFIRMED, Reason.AT_RISK, Reason.OVERDUE,
                    Reason.NOT_STARTED, Reason.DUE_SOON})
ORDER = {reason: index for index, reason in enumerate(Reason)}


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"  # contacted; the outcome is kept
    DROPPED = "dropped"  # no longer needed (the reason went away the same day)


class Cause(StrEnum):
    """The article's three causes of an item that does not move (策略2:风险前置干预)."""

    WAITING_ON_DEPENDENCY = "waiting_on_dependency"
    UNCLEAR_REQUIREMENT = "unclear_requirement"
    LOW_PRIORITY = "low_priority"


class Response(StrEnum):
    PARTIAL_HANDOVER = "partial_handover"  # ask the predecessor's owner for part of it now
    CLARIFY = "clarify"  # a 15-minute clarification
    ESCALATE = "escalate"  # to the owner's supervisor


@dataclass(frozen=True)
class Intervention:
    cause: Cause
    response: Response
    who: tuple[str, ...] = ()  # predecessor owners, or the supervisor
    likely: bool = False  # the facts point at this cause (an open prerequisite)


@dataclass(frozen=True)
class ItemFacts:
    """What the agenda knows of one open item (dates local)."""

    status: ItemStatus
    cadence: CadenceFacts
    last_contact: date | None = None  # the last follow-up marked done
    awaiting_review: bool = False  # a final version was submitted and not yet accepted
    open_prerequisites: tuple[str, ...] = ()  # owners of unfinished items this one waits for
    supervisor: str | None = None
    unconfirmed: bool = False  # the list was sent, its confirmation deadline passed, the owner has not confirmed
    question: str | None = None  # the owner's latest question since the last follow-up marked done
    reachable: frozenset[ContactChannel] = field(
        default_factory=lambda: frozenset({ContactChannel.IM, ContactChannel.IN_PERSON, ContactChannel.MEETING}))


def due_soon_day(due: date, calendar: Calendar) -> date:
    """The day of the 3-days-before follow-up (moved to the working day before when needed)."""
    return calendar.roll(due - timedelta(days=DUE_SOON_DAYS), Shift.EARLIER)


def reasons(facts: ItemFacts, today: date, calendar: Calendar, *,
            not_started_after: int = NOT_STARTED_AFTER_DAYS) -> list[Reason]:
    """Why to contact the owner today, most urgent first; [] when there is no reason.

    Nothing on a non-working day, nothing for a finished item. An item whose final version
    waits for acceptance needs no nudging (the coordinator reviews it instead).
    """
    if facts.status is ItemStatus.DONE or not calendar.is_workday(today):
        return []
    found: list[Reason] = []
    cad = facts.cadence
    if facts.question:
        found.append(Reason.QUESTION)
    if facts.unconfirmed:
        found.append(Reason.UNCONFIRMED)
    if facts.status is ItemStatus.AT_RISK:
        found.append(Reason.AT_RISK)
    if facts.status is ItemStatus.DELAYED or cad.due < today:
        found.append(Reason.OVERDUE)
    if facts.status is ItemStatus.NOT_STARTED and (today - cad.start).days >= not_started_after:
        found.append(Reason.NOT_STARTED)
    if not facts.awaiting_review:
        if today == due_soon_day(cad.due, calendar) and today <= cad.due:
            found.append(Reason.DUE_SOON)
        rule = rule_on(cad, today)
        if cad.due >= today and cadence_due(rule, today=today, last_contact=facts.last_contact, start=cad.start):
            found.append(Reason.FIRST_TIME if rule.id == "first_time" else Reason.CADENCE)
    return sorted(set(found), key=ORDER.__getitem__)


def channel_for(facts: ItemFacts, reason: Reason, today: date) -> ContactChannel:
    """The first channel of today's cadence rule the owner can be reached by.

    An urgent reason never waits for the weekly meeting; a blocker goes to IM (「立即拉群」); a
    missing confirmation is a phone call when the number is known.
    Fallbacks: IM, phone, in person.
    """
    if reason in (Reason.BLOCKER, Reason.QUESTION):
        return ContactChannel.IM
    if reason is Reason.UNCONFIRMED:   # 「下午5点前,逐个电话确认」: the phone first
        return ContactChannel.PHONE if ContactChannel.PHONE in facts.reachable else ContactChannel.IM
    preferred = list(rule_on(facts.cadence, today).channels)
    preferred += [ContactChannel.IM, ContactChannel.PHONE, ContactChannel.IN_PERSON]
    for channel in preferred:
        if channel is ContactChannel.MEETING and reason in URGENT:
            continue
        if channel in facts.reachable:
            return channel
    return ContactChannel.IN_PERSON


def interventions(facts: ItemFacts) -> list[Intervention]:
    """The three causes with their responses; the dependency cause is ``likely`` when the item
    waits for an unfinished prerequisite (then ``who`` names that item's owners)."""
    return [
        Intervention(Cause.WAITING_ON_DEPENDENCY, Response.PARTIAL_HANDOVER, facts.open_prerequisites,
                     likely=bool(facts.open_prerequisites)),
        Intervention(Cause.UNCLEAR_REQUIREMENT, Response.CLARIFY),
        Intervention(Cause.LOW_PRIORITY, Response.ESCALATE, (facts.supervisor,) if facts.supervisor else ()),
    ]


def needs_intervention(found: list[Reason]) -> bool:
    """FU-2: an item that stays not started or turns at risk gets the three causes."""
    return Reason.AT_RISK in found or Reason.NOT_STARTED in found
