"""Follow-up cadence (FU-4): the article's table as data, owner profiles, and the plan per item.

The article's 「不同情况的跟进频率」:

| task / owner                         | how often                  | how                 | rule id          |
|--------------------------------------|----------------------------|---------------------|------------------|
| high priority, short (< 5 days)      | once a day                 | IM / in person      | ``high_short``   |
| high priority, medium (5–14 days)    | every 2–3 days (we take 2) | IM + board          | ``high_medium``  |
| medium priority, medium cycle        | once a week                | weekly meeting+board| ``medium``       |
| first time working with this owner   | daily for the first 3 days | phone / in person   | ``first_time``   |
| owner with a history of delays       | at least every 2 days      | phone               | ``delay_history``|
| reliable long-time partner           | key nodes only             | IM                  | ``reliable``     |

Every item also has the key nodes (due − 3 days, due − 1 day, the due day: ``key_nodes``), so an
item no row matches is still followed up before its deadline. Several rows can match (a
first-time owner with a high-priority item): **the most frequent rule wins**; a tie goes to the
row about the owner (first time, delay history), then to the row higher in the table. Pure: no
clock, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from luodi.domain.enums import Priority
from luodi.domain.workdays import Calendar, Shift

FIRST_TIME_DAYS = 3  # 「首次合作的责任人: 频繁(前3天每天1次)」
KEY_NODE_OFFSETS = (3, 1, 0)  # days before due: 「截止日期前3天、前1天」, and the due day
SHORT_SPAN, MEDIUM_SPAN = 5, 14  # 「短周期(<5天)」「中周期(5-14天)」


class Profile(StrEnum):
    """An owner trait from history or set by hand (Person.profile)."""

    RELIABLE = "reliable"  # 靠谱的老搭档
    DELAY_HISTORY = "delay_history"  # 有延期历史
    FIRST_TIME = "first_time"  # 首次合作


class ContactChannel(StrEnum):
    """How the coordinator reaches an owner (the article's 跟进方式)."""

    PHONE = "phone"  # 电话
    IN_PERSON = "in_person"  # 当面
    IM = "im"  # 微信/飞书/钉钉
    EMAIL = "email"  # 邮件
    MEETING = "meeting"  # 周会


@dataclass(frozen=True)
class CadenceRule:
    """One row of the table. ``every_days`` None: key nodes only (no periodic contact)."""

    id: str
    every_days: int | None
    channels: tuple[ContactChannel, ...]
    board: bool = False  # "+ 看板更新": progress is also kept on the board

    @property
    def frequency(self) -> float:
        """Contacts per day; key nodes only count as 0."""
        return 1.0 / self.every_days if self.every_days else 0.0


C = ContactChannel
# Order breaks ties: the rows about the owner come first, because they say how to reach this
# person (a new owner daily by phone rather than daily by IM; a late one by phone every 2 days).
RULES: tuple[CadenceRule, ...] = (
    CadenceRule("first_time", 1, (C.PHONE, C.IN_PERSON)),
    CadenceRule("delay_history", 2, (C.PHONE,)),
    CadenceRule("high_short", 1, (C.IM, C.IN_PERSON)),
    CadenceRule("high_medium", 2, (C.IM,), board=True),
    CadenceRule("medium", 7, (C.MEETING,), board=True),
    CadenceRule("reliable", None, (C.IM,)),
    CadenceRule("key_nodes", None, (C.IM,)),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}


@dataclass(frozen=True)
class CadenceFacts:
    """What the cadence knows of an item and its owner.

    ``start``: the day the item began (its start date, else the meeting's date); ``traits``:
    the owner's profile traits (computed from history, or the one set by hand).
    """

    priority: Priority
    start: date
    due: date
    traits: frozenset[Profile] = frozenset()

    @property
    def span_days(self) -> int:
        return max(0, (self.due - self.start).days)


def matches(rule: CadenceRule, facts: CadenceFacts, day: date) -> bool:
    """Whether ``rule`` applies to the item on ``day``."""
    span = facts.span_days
    high = facts.priority is Priority.HIGH
    checks = {
        "high_short": high and span < SHORT_SPAN,
        "high_medium": high and SHORT_SPAN <= span <= MEDIUM_SPAN,
        # 「中优先级，中周期」; a high-priority item longer than 14 days falls back to weekly too.
        "medium": (facts.priority is Priority.MEDIUM and span >= SHORT_SPAN) or (high and span > MEDIUM_SPAN),
        "first_time": Profile.FIRST_TIME in facts.traits and 0 <= (day - facts.start).days < FIRST_TIME_DAYS,
        "delay_history": Profile.DELAY_HISTORY in facts.traits,
        "reliable": Profile.RELIABLE in facts.traits,
        "key_nodes": True,
    }
    return checks.get(rule.id, False)


def matching(facts: CadenceFacts, day: date, rules: Sequence[CadenceRule] = RULES) -> list[CadenceRule]:
    """Every rule that applies on ``day``, in table order (``key_nodes`` always among them)."""
    return [rule for rule in rules if matches(rule, facts, day)]


def winner(candidates: Iterable[CadenceRule]) -> CadenceRule:
    """The most frequent rule; a tie goes to the first. ValueError on an empty iterable."""
    best: CadenceRule | None = None
    for rule in candidates:
        if best is None or rule.frequency > best.frequency:
            best = rule
    if best is None:
        raise ValueError("no cadence rule to choose from")
    return best


def rule_on(facts: CadenceFacts, day: date, rules: Sequence[CadenceRule] = RULES) -> CadenceRule:
    """The rule that decides the cadence on ``day``."""
    found = matching(facts, day, rules)
    return winner(found) if found else RULES_BY_ID["key_nodes"]


def key_nodes(due: date, calendar: Calendar) -> list[date]:
    """Due − 3, due − 1 and the due day, each moved to the working day before when needed."""
    days = {calendar.roll(due - timedelta(days=offset), Shift.EARLIER) for offset in KEY_NODE_OFFSETS}
    return sorted(days)


def cadence_due(rule: CadenceRule, *, today: date, last_contact: date | None, start: date) -> bool:
    """A periodic contact is due: ``every_days`` have passed since the last one (or none yet)."""
    if rule.every_days is None or today < start:
        return False
    return last_contact is None or (today - last_contact).days >= rule.every_days


@dataclass(frozen=True)
class PlannedContact:
    """One day of the plan: the rule that planned it and how to reach the owner."""

    day: date
    rule: CadenceRule
    key_node: bool


def schedule(facts: CadenceFacts, calendar: Calendar, rules: Sequence[CadenceRule] = RULES) -> list[PlannedContact]:
    """The follow-up plan from start to due on working days, if every planned contact happens.

    A day is planned when the rule of that day is due (counting from the last planned day) or
    when it is a key node. Bounded by the item's span (at most a few hundred days).
    """
    plan: list[PlannedContact] = []
    nodes = set(key_nodes(facts.due, calendar))
    last: date | None = None
    day = facts.start
    while day <= facts.due:
        if calendar.is_workday(day):
            rule = rule_on(facts, day, rules)
            periodic = cadence_due(rule, today=day, last_contact=last, start=facts.start)
            if periodic or day in nodes:
                plan.append(PlannedContact(day, rule, day in nodes and not periodic))
                last = day
        day += timedelta(days=1)
    return plan


@dataclass(frozen=True)
class OwnerHistory:
    """An owner's record: finished items on time and late, and earlier work with the coordinator."""

    on_time: int = 0
    late: int = 0  # finished after due, or marked delayed at some point
    earlier_with_coordinator: int = 0  # items in earlier meetings of the same coordinator

    @property
    def finished(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.finished if self.finished else None


RELIABLE_MIN_FINISHED, RELIABLE_RATE = 3, 0.9
DELAYS_FOR_HISTORY, DELAY_RATE = 2, 0.7


def traits_from_history(history: OwnerHistory) -> frozenset[Profile]:
    """Traits computed from history: first time with this coordinator; then delays or reliability.

    A delay history: 2 late items or more, or an on-time rate under 70% over 3 items or more.
    Reliable: 3 finished items or more, 90% on time or better, and no delay history.
    """
    traits: set[Profile] = set()
    if history.earlier_with_coordinator == 0:
        traits.add(Profile.FIRST_TIME)
    rate = history.on_time_rate
    finished = history.finished
    if history.late >= DELAYS_FOR_HISTORY or (finished >= 3 and rate is not None and rate < DELAY_RATE):
        traits.add(Profile.DELAY_HISTORY)
    elif finished >= RELIABLE_MIN_FINISHED and rate is not None and rate >= RELIABLE_RATE:
        traits.add(Profile.RELIABLE)
    return frozenset(traits)


def traits_for(manual: str | None, history: OwnerHistory) -> tuple[frozenset[Profile], str]:
    """The traits to use and where they come from: ``manual`` (Person.profile) wins over history."""
    if manual and manual in Profile._value2member_map_:
        return frozenset({Profile(manual)}), "manual"
    return traits_from_history(history), "history"
