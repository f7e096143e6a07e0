"""When rules fire (RULE-1, RULE-2, RULE-5): occasions, due firings and planned timelines.

Every time here is naive *local* wall time of the organisation (see ``workdays.to_local``);
dates are calendar dates. Nothing reads the clock: ``now_local`` is an argument, so a
simulation (``tick --at``) is the same call with another ``now_local``.

An *occasion* is a moment at which a rule may fire for an item or a meeting. Its local date,
with the item (or meeting) and the rule id, is the idempotency key of what the planner writes
(ARCHITECTURE: ``(item, rule, occasion date, recipient)``). ``Firing.send_at`` is the moment
moved out of quiet hours: status changes happen at ``at``, messages are sent at ``send_at``.

Over 300 lines: the article's rule table needs its occasion arithmetic in one place, and it
is pure and table-tested.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from luodi.domain.enums import ItemStatus
from luodi.domain.graph import ItemDates, Slip, propagate_slip
from luodi.domain.rules import ITEM_ANCHORS, MEETING_ANCHORS, Action, Anchor, Rule
from luodi.domain.workdays import Calendar, QuietHours, Shift

Threats = Mapping[Hashable, Slip[Hashable]]
ThreatFinder = Callable[["ItemFacts", date], Threats]
_SCAN_DAYS = 31  # longer than any run of non-working days a calendar can hold in practice


@dataclass(frozen=True)
class ItemFacts:
    """What the rules know of an item. ``delayed_on``: local date it was marked delayed."""

    key: Hashable
    due: date
    status: ItemStatus
    confirmed: bool = False
    delayed_on: date | None = None
    start: date | None = None


@dataclass(frozen=True)
class MeetingFacts:
    """What the meeting rules know of a meeting (local times)."""

    key: Hashable
    start: datetime
    end: datetime
    confirm_deadline: datetime
    list_sent: bool = False
    all_confirmed: bool = False


class Occasion(NamedTuple):
    day: date  # local date it fires on (idempotency key)
    at: datetime  # local moment it fires
    nominal: datetime  # the moment before any move off a non-working day (orders reminders)


@dataclass(frozen=True)
class Firing:
    """A rule firing for one item or meeting (``key``) on one occasion."""

    key: Hashable
    rule: Rule
    occasion: date
    at: datetime
    send_at: datetime
    superseded_by: str | None = None  # timelines only: the later reminder that replaced it
    threats: Threats = field(default_factory=dict)  # dependency rules: threatened items


def occasion(rule: Rule, due: date, calendar: Calendar) -> datetime | None:
    """Local fire time of a ``due`` or ``workday_after_due`` rule for an item due on ``due``."""
    found = _due_occasion(rule, due, calendar)
    return found.at if found else None


def _due_occasion(rule: Rule, due: date, calendar: Calendar) -> Occasion | None:
    if rule.anchor is Anchor.DUE:
        nominal = due + timedelta(days=rule.offset_days)
        day = calendar.roll(nominal, rule.shift) if rule.shift else nominal
        return Occasion(day, datetime.combine(day, rule.at), datetime.combine(nominal, rule.at))
    if rule.anchor is Anchor.WORKDAY_AFTER_DUE:
        day = calendar.add_workdays(due, rule.offset_days)
        moment = datetime.combine(day, rule.at)
        return Occasion(day, moment, moment)
    return None


def item_occasions(rule: Rule, facts: ItemFacts, calendar: Calendar, *, until: date) -> list[Occasion]:
    """The occasions of an item rule on or before ``until``, repeats included, in time order.

    ``delayed_repeat`` counts from ``facts.delayed_on`` (or, for an item already ``delayed``
    with no date, from the working day after due); no delayed mark, no occasions.
    Conditions are not checked here. Other anchors give [].
    """
    if rule.anchor is Anchor.DELAYED_REPEAT:
        base = facts.delayed_on
        if base is None and facts.status is ItemStatus.DELAYED:
            base = calendar.next_workday(facts.due)
        return _repeats(rule, base, calendar, until) if base else []
    found = _due_occasion(rule, facts.due, calendar)
    return [found] if found and found.day <= until else []


def _repeats(rule: Rule, base: date, calendar: Calendar, until: date) -> list[Occasion]:
    result, day = [], base
    while (day := calendar.add_workdays(day, rule.repeat_every_workdays or 1)) <= until:
        moment = datetime.combine(day, rule.at)
        result.append(Occasion(day, moment, moment))
    return result


def _firing(
    key: Hashable, rule: Rule, at: datetime, quiet: QuietHours | None, *,
    superseded_by: str | None = None, threats: Threats | None = None,
) -> Firing:
    send_at = quiet.release(at) if quiet else at
    return Firing(key, rule, at.date(), at, send_at, superseded_by, dict(threats or {}))


def _item_rules(rules: Iterable[Rule]) -> list[Rule]:
    return [rule for rule in rules if rule.enabled and rule.anchor in ITEM_ANCHORS]


def due_firings(
    rules: Iterable[Rule], facts: ItemFacts, calendar: Calendar, *,
    now_local: datetime, not_before: datetime, quiet: QuietHours | None = None,
) -> list[Firing]:
    """The item-rule occasions in ``[not_before, now_local]`` whose condition holds now.

    ``not_before`` is the meeting's start: occasions before the meeting do not fire. Catch-up:
    of the reminders that have come, only the one with the latest nominal moment is returned
    (a later reminder supersedes an earlier one); escalations and status rules always are.
    Calling it again returns the same firings: the caller's idempotency key dedupes them.
    Sorted by ``at``; a caller applies ``set_status`` firings in that order.
    """
    come = [
        (rule, found)
        for rule in _item_rules(rules) if rule.holds(facts.status, facts.confirmed)
        for found in item_occasions(rule, facts, calendar, until=now_local.date())
        if not_before <= found.at <= now_local
    ]
    latest = max((found.nominal for rule, found in come if rule.is_reminder), default=None)
    firings = [
        _firing(facts.key, rule, found.at, quiet)
        for rule, found in come if not rule.is_reminder or found.nominal == latest
    ]
    return sorted(firings, key=lambda firing: firing.at)


def next_occasion(
    rules: Iterable[Rule], facts: ItemFacts, calendar: Calendar, *, after: datetime
) -> datetime | None:
    """The first item-rule occasion after ``after`` whose condition holds now (the planner's next
    check time; recompute it whenever the item changes). None: nothing more will fire."""
    candidates = []
    for rule in _item_rules(rules):
        if not rule.holds(facts.status, facts.confirmed):
            continue
        every = rule.repeat_every_workdays  # the next repeat is at most `every` working days away
        until = calendar.add_workdays(after.date(), every) if every else date.max
        candidates += [found.at for found in item_occasions(rule, facts, calendar, until=until)]
    return min((moment for moment in candidates if moment > after), default=None)


def _instant(rule: Rule, moment: datetime, calendar: Calendar) -> datetime:
    """``moment`` + ``after_minutes``; with ``shift`` LATER, off a non-working day to ``at``."""
    moment += timedelta(minutes=rule.after_minutes)
    if rule.shift is Shift.LATER and not calendar.is_workday(moment.date()):
        return datetime.combine(calendar.next_workday(moment.date()), rule.at)
    return moment


def status_firings(
    rules: Iterable[Rule], facts: ItemFacts, *, old_status: ItemStatus, changed_at: datetime,
    calendar: Calendar, quiet: QuietHours | None = None, threats: Threats | None = None,
) -> list[Firing]:
    """``on_status`` firings when an item (``facts``, already in its new status) changed from
    ``old_status`` at local ``changed_at``. A rule that notifies dependents fires only with
    ``threats`` to report (``graph.propagate_slip`` with :func:`slip_estimate` days)."""
    if old_status is facts.status:
        return []
    return [
        _firing(facts.key, rule, _instant(rule, changed_at, calendar), quiet, threats=threats)
        for rule in rules
        if rule.enabled and rule.anchor is Anchor.ON_STATUS and rule.holds(facts.status, facts.confirmed)
        and (threats or Action.NOTIFY_DEPENDENTS not in rule.actions)
    ]


def slip_estimate(due: date, on: date) -> int:
    """Days an item late or at risk on ``on`` is expected to slip: at least 1, at least the
    calendar days already past due."""
    return max(1, (on - due).days)


def meeting_occasion(rule: Rule, meeting: MeetingFacts, calendar: Calendar) -> datetime | None:
    """Local fire time of a ``meeting_end``/``confirm_deadline`` rule; None for other anchors."""
    if rule.anchor not in MEETING_ANCHORS:
        return None
    anchor = meeting.end if rule.anchor is Anchor.MEETING_END else meeting.confirm_deadline
    return _instant(rule, anchor, calendar)


def meeting_firings(
    rules: Iterable[Rule], meeting: MeetingFacts, calendar: Calendar, *,
    now_local: datetime, quiet: QuietHours | None = None,
) -> list[Firing]:
    """Meeting-rule occasions that have come by ``now_local`` and whose condition holds now:
    ``list_sent`` against the meeting's, ``confirmed`` against "every owner confirmed"."""
    result = []
    for rule in rules:
        at = meeting_occasion(rule, meeting, calendar) if rule.enabled else None
        sent_ok = rule.list_sent in (None, meeting.list_sent)
        holds = sent_ok and rule.confirmed in (None, meeting.all_confirmed)
        if at is not None and at <= now_local and holds:
            result.append(_firing(meeting.key, rule, at, quiet))
    return sorted(result, key=lambda firing: firing.at)


def candidate_due_window(
    rules: Iterable[Rule], calendar: Calendar, today: date, *, since: date | None = None
) -> tuple[date, date] | None:
    """The due dates of the items that can have a ``due``/``workday_after_due`` occasion on a day
    in ``[since or today, today]``, as one inclusive range (None: no such rule enabled).

    The planner selects items due in it, plus items with a delayed mark (``delayed_repeat``).
    Occasion dates grow with due dates, so the matching dues form one range.
    """
    first_day, lows, highs = since or today, [], []
    for rule in _item_rules(rules):
        if rule.anchor is Anchor.DELAYED_REPEAT:
            continue
        span = _SCAN_DAYS * max(1, rule.offset_days) + abs(rule.offset_days)
        lowest = first_day - timedelta(days=span)
        dues = [lowest + timedelta(days=n) for n in range((today - lowest).days + span + 1)]
        hits = [due for due in dues if first_day <= _day_of(occasion(rule, due, calendar)) <= today]
        if hits:
            lows.append(min(hits))
            highs.append(max(hits))
    return (min(lows), max(highs)) if lows else None


def _day_of(moment: datetime | None) -> date:
    return moment.date() if moment else date.min


def item_timeline(
    rules: Sequence[Rule], facts: ItemFacts, calendar: Calendar, *, not_before: datetime,
    until: date, quiet: QuietHours | None = None, threats: ThreatFinder | None = None,
) -> list[Firing]:
    """What the rules will do to one item from ``not_before`` to the end of ``until`` if nobody
    touches it: the rules' own status changes are applied (and fire ``on_status`` rules, with
    ``threats(facts, day)`` for dependents), superseded reminders are kept with
    ``superseded_by`` set. Same semantics as calling :func:`due_firings` continuously."""
    order = {rule.id: index for index, rule in enumerate(rules)}
    pending = [(r, o) for r in _item_rules(rules) for o in item_occasions(r, facts, calendar, until=until)]
    pending = [(rule, found) for rule, found in pending if found.at >= not_before]
    result: list[Firing] = []
    latest: tuple[datetime, str] | None = None
    while pending:
        rule, found = min(pending, key=lambda p: (p[1].at, datetime.min - p[1].nominal, order[p[0].id]))
        pending.remove((rule, found))
        if not rule.holds(facts.status, facts.confirmed):
            continue
        if rule.is_reminder and latest and latest[0] > found.nominal:
            result.append(_firing(facts.key, rule, found.at, quiet, superseded_by=latest[1]))
            continue
        latest = (found.nominal, rule.id) if rule.is_reminder else latest
        result.append(_firing(facts.key, rule, found.at, quiet))
        if rule.set_status is not None and rule.set_status is not facts.status:
            old, facts = facts.status, dataclasses.replace(facts, status=rule.set_status)
            found_threats = threats(facts, found.day) if threats else None
            result += status_firings(rules, facts, old_status=old, changed_at=found.at, calendar=calendar,
                                     quiet=quiet, threats=found_threats)
            if facts.status is ItemStatus.DELAYED and facts.delayed_on is None:
                facts = dataclasses.replace(facts, delayed_on=found.day)
                repeating = [r for r in _item_rules(rules) if r.anchor is Anchor.DELAYED_REPEAT]
                pending += [(r, o) for r in repeating
                            for o in item_occasions(r, facts, calendar, until=until)]
    return sorted(result, key=lambda firing: firing.at)


def meeting_timeline(
    rules: Sequence[Rule], meeting: MeetingFacts, items: Sequence[ItemFacts],
    edges: Iterable[tuple[Hashable, Hashable]], calendar: Calendar, *,
    until: date, quiet: QuietHours | None = None,
) -> list[Firing]:
    """The planned timeline of a meeting (``luodi timeline``): its meeting rules, then every
    item's :func:`item_timeline` from the meeting's start, with dependency threats computed by
    :func:`graph.propagate_slip`; sorted by ``at`` (ties: meeting first, then ``items`` order)."""
    edge_list = list(edges)
    dates = {item.key: ItemDates(item.start, item.due) for item in items}

    def find_threats(facts: ItemFacts, day: date) -> Threats:
        return propagate_slip(dates, edge_list, facts.key, slip_estimate(facts.due, day))

    end = datetime.combine(until, time.max)
    result = meeting_firings(rules, meeting, calendar, now_local=end, quiet=quiet)
    for item in items:
        result += item_timeline(rules, item, calendar, not_before=meeting.start, until=until,
                                quiet=quiet, threats=find_threats)
    return sorted(result, key=lambda firing: firing.at)
