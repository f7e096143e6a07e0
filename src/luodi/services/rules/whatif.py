"""The what-if plan (``luodi tick --at`` without --apply), set-based (issue 13).

Same answer as ``planning.plan(...).to_json()`` followed by a rollback, without its cost: the
candidate items come from one Core SELECT (open, due in the rules' window computed on the
working-day calendar, or delayed) as plain rows — no ORM objects, no savepoints, no INSERTs —
and the rule occasions are computed once per distinct (rules, due, status, confirmed, delayed
day) and shared by every item with those facts. The keys already recorded since the catch-up
horizon come from one SELECT; a key this pass would record is only added to that set. People,
dependency edges and item dates for the slip estimate are read once. Nothing is written for
anything; meetings (a handful near their deadlines) are selected and evaluated by the planner's
own functions, their firings recorded only in memory like the items'. Messages are not composed
(a dry run shows no outbox).

``planning.plan`` stays the path that writes (the worker, ``tick --apply``) and is the oracle:
tests/worker/test_whatif.py checks that both give the same plan on generated data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, cast

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus
from luodi.domain.graph import ItemDates, Slip, propagate_slip
from luodi.domain.occasions import (
    Firing,
    ItemFacts,
    Occasion,
    Threats,
    item_occasions,
    slip_estimate,
    status_firings,
)
from luodi.domain.routing import topic_of
from luodi.domain.rules import ITEM_ANCHORS, Action, Rule
from luodi.domain.workdays import to_local, to_utc
from luodi.models import Dependency, Item, Meeting, Person, Project, RuleFiring
from luodi.services.rules import compose
from luodi.services.rules.planning import Plan, _Planner
from luodi.services.rules.rule_context import RuleContext


@dataclass
class _Row:
    """An open candidate item, as the rules see it (mutable: a rule can change its status)."""

    id: int
    code: str
    due: date
    status: ItemStatus
    confirmed: bool
    delayed_on: date | None
    start: date | None
    project_id: int
    meeting_id: int | None
    owner_id: int
    meeting_start: datetime | None   # UTC
    organizer_id: int | None


@dataclass
class WhatIf:
    """The plan at ``at`` as ``Plan.to_json`` shows it."""

    at: datetime
    firings: list[dict[str, Any]] = field(default_factory=list)
    status_changes: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "firings": self.firings, "status_changes": self.status_changes,
                "errors": self.errors}


def what_if(session: Session, *, now: datetime, ctx: RuleContext) -> WhatIf:
    """What ``plan(session, now=now, ctx=ctx)`` would do, computed without writing item rows."""
    ctx.refresh_calendar(session)
    return _WhatIf(session, now=now, ctx=ctx).run()


class _WhatIf:
    def __init__(self, session: Session, *, now: datetime, ctx: RuleContext) -> None:
        self.session, self.now, self.ctx = session, now, ctx
        self.now_local = to_local(now, ctx.tz)
        self.today = self.now_local.date()
        self.since = (self.now_local - ctx.catch_up).date()
        self.result = WhatIf(at=now)
        self._occasions: dict[tuple[Any, ...], list[tuple[Rule, Occasion]]] = {}
        self._channels: dict[tuple[int, int, Any], list[str]] = {}
        self._utc_memo: dict[datetime, str] = {}

    def run(self) -> WhatIf:
        planner = _Planner(self.session, now=self.now, ctx=self.ctx, result=Plan(at=self.now))
        self.projects: dict[int, Project] = planner.projects
        window = planner._window()
        rows = self._candidates(window)
        self._load_context()
        if rows:
            for row in rows:
                self._evaluate(row)
        self._meetings(planner)
        return self.result

    def _meetings(self, planner: _Planner) -> None:
        """The planner's meeting candidates and firings (a few ORM rows), recorded only in ``known``."""
        meetings, unconfirmed = planner.meeting_candidates()
        if not meetings:
            return
        self.known.update(self.session.scalars(
            select(RuleFiring.key).where(RuleFiring.item_id.is_(None), RuleFiring.occasion >= self.since)))
        for meeting in meetings:
            firings = len(self.result.firings)
            try:
                for firing in planner.meeting_due(meeting, unconfirmed):
                    coordinator = planner._coordinator(meeting.organizer_id, meeting.project_id)
                    self._notify(f"meeting:{meeting.id}", f"meeting:{meeting.id}", meeting.project_id, firing,
                                 [coordinator] if coordinator else [])
            except Exception as exc:
                del self.result.firings[firings:]
                self.result.errors.append({"subject": f"meeting:{meeting.id}",
                                           "error": f"{type(exc).__name__}: {exc}"[:2000]})

    # -- reads -----------------------------------------------------------------------------
    def _candidates(self, window: tuple[date, date] | None) -> list[_Row]:
        in_window = Item.due.between(*window) if window else Item.id.is_(None)
        query = (
            select(Item.id, Item.code, Item.due, Item.status, Item.confirmed_at.is_not(None), Item.delayed_at,
                   Item.start, Item.project_id, Item.meeting_id, Item.owner_id, Meeting.starts_at,
                   Meeting.organizer_id)
            .outerjoin(Meeting, Meeting.id == Item.meeting_id)
            .where(Item.status != ItemStatus.DONE, or_(in_window, Item.status == ItemStatus.DELAYED))
        )
        tz = self.ctx.tz
        rows = [
            _Row(r[0], r[1], r[2], ItemStatus(r[3]), bool(r[4]), to_local(r[5], tz).date() if r[5] else None,
                 r[6], r[7], r[8], r[9], r[10], r[11])
            for r in self.session.execute(query)
        ]
        rows.sort(key=lambda row: (row.due, row.id))
        return rows

    def _load_context(self) -> None:
        self.known: set[str] = set(self.session.scalars(
            select(RuleFiring.key).where(RuleFiring.item_id.is_not(None), RuleFiring.occasion >= self.since)))
        self.people: dict[int, Person] = {p.id: p for p in self.session.scalars(select(Person))}
        self.directory = compose.ChannelDirectory(self.session, self.projects, apps=self.ctx.apps)
        self.dependents: dict[int, list[int]] = defaultdict(list)
        for dependent, prerequisite in self.session.execute(select(Dependency.item_id, Dependency.depends_on_id)):
            self.dependents[prerequisite].append(dependent)
        self._dates: dict[int, ItemDates] | None = None
        self._owners: dict[int, int] | None = None

    def _graph_dates(self) -> tuple[dict[int, ItemDates], dict[int, int]]:
        """Start, due and owner of every item in a dependency edge (read on the first slip)."""
        if self._dates is None or self._owners is None:
            ids = set(self.dependents) | {d for ds in self.dependents.values() for d in ds}
            self._dates, self._owners = {}, {}
            listed = sorted(ids)
            for chunk in range(0, len(listed), 500):
                for id_, start, due, owner in self.session.execute(
                        select(Item.id, Item.start, Item.due, Item.owner_id)
                        .where(Item.id.in_(listed[chunk:chunk + 500]))):
                    self._dates[id_], self._owners[id_] = ItemDates(start, due), owner
        return self._dates, self._owners

    # -- the rules -------------------------------------------------------------------------
    def _facts(self, row: _Row) -> ItemFacts:
        return ItemFacts(key=row.id, due=row.due, status=row.status, confirmed=row.confirmed,
                         delayed_on=row.delayed_on, start=row.start)

    def _come(self, rules: tuple[Rule, ...], row: _Row) -> list[tuple[Rule, Occasion]]:
        """The occasions by now of the rules that hold, shared by every item with the same facts."""
        key = (id(rules), row.due, row.status, row.confirmed, row.delayed_on)  # rules_for keeps each tuple
        found = self._occasions.get(key)
        if found is None:
            facts = self._facts(row)
            found = [
                (rule, occasion)
                for rule in rules if rule.enabled and rule.anchor in ITEM_ANCHORS
                and rule.holds(row.status, row.confirmed)
                for occasion in item_occasions(rule, facts, self.ctx.calendar, until=self.today)
                if occasion.at <= self.now_local
            ]
            self._occasions[key] = found
        return found

    def _due_firings(self, rules: tuple[Rule, ...], row: _Row, not_before: datetime) -> list[Firing]:
        """``occasions.due_firings`` for this row (its selection, over the shared occasions)."""
        come = [(rule, found) for rule, found in self._come(rules, row) if not_before <= found.at]
        latest = max((found.nominal for rule, found in come if rule.is_reminder), default=None)
        quiet = self.ctx.quiet
        firings = [
            Firing(row.id, rule, found.at.date(), found.at, quiet.release(found.at) if quiet else found.at)
            for rule, found in come if not rule.is_reminder or found.nominal == latest
        ]
        return sorted(firings, key=lambda firing: firing.at)

    def _evaluate(self, row: _Row) -> None:
        firings, changes = len(self.result.firings), len(self.result.status_changes)
        try:
            project = self.projects[row.project_id]
            rules = self.ctx.rules_for(project.id, project.settings, project.name)
            not_before = to_local(row.meeting_start, self.ctx.tz) if row.meeting_start else datetime.min
            not_before = max(not_before, datetime.combine(self.since, time.min))
            for _round in range(len(ItemStatus)):
                status = row.status
                for firing in self._due_firings(rules, row, not_before):
                    if firing.rule.holds(row.status, row.confirmed):
                        self._fire(row, firing, rules)
                if row.status is status:
                    break
        except Exception as exc:   # the planner's isolation: this item is skipped, the others go on
            del self.result.firings[firings:], self.result.status_changes[changes:]
            self.result.errors.append({"subject": f"item:{row.code}", "error": f"{type(exc).__name__}: {exc}"[:2000]})

    def _fire(self, row: _Row, firing: Firing, rules: tuple[Rule, ...]) -> None:
        rule = firing.rule
        if rule.set_status is not None and rule.set_status is not row.status:
            if not self._record(f"item:{row.id}", firing, None, None):
                return
            before = row.status
            row.status = rule.set_status
            if rule.set_status is ItemStatus.DELAYED and row.delayed_on is None:
                row.delayed_on = firing.at.date()   # set_status stamps delayed_at with the firing's moment
            self.result.status_changes.append({"item": row.code, "from": before.value, "to": row.status.value})
            threats = self._threats(row, firing.at.date())
            for follow in status_firings(rules, self._facts(row), old_status=before, changed_at=firing.at,
                                         calendar=self.ctx.calendar, quiet=self.ctx.quiet,
                                         threats=cast("Threats", threats)):
                self._notify_item(row, follow, self._recipients(follow.rule, row, threats))
        self._notify_item(row, firing, self._recipients(rule, row, {}))

    def _threats(self, row: _Row, day: date) -> dict[int, Slip[int]]:
        if row.id not in self.dependents:
            return {}
        ids, frontier, edges = {row.id}, [row.id], []
        while frontier:
            step = [(dependent, prerequisite) for prerequisite in frontier
                    for dependent in self.dependents.get(prerequisite, ())]
            frontier = [dependent for dependent, _ in step if dependent not in ids]
            ids.update(frontier)
            edges += step
        dates, _owners = self._graph_dates()
        return propagate_slip({i: dates[i] for i in ids}, edges, row.id, slip_estimate(row.due, day))

    def _recipients(self, rule: Rule, row: _Row, threats: dict[int, Slip[int]]) -> list[Person]:
        owner = self.people[row.owner_id]
        people: list[Person] = []
        if Action.REMIND_OWNER in rule.actions:
            people.append(owner)
        if Action.ESCALATE_SUPERVISOR in rule.actions and owner.supervisor_id is not None:
            people.append(self.people[owner.supervisor_id])
        if Action.NOTIFY_COORDINATOR in rule.actions:
            coordinator_id = row.organizer_id or self.projects[row.project_id].coordinator_id
            if coordinator_id and coordinator_id in self.people:
                people.append(self.people[coordinator_id])
        if Action.NOTIFY_DEPENDENTS in rule.actions and threats:
            _dates, owners = self._graph_dates()
            people += [self.people[owners[i]] for i in sorted(threats)]
        return list({p.id: p for p in people}.values())

    def _notify_item(self, row: _Row, firing: Firing, people: list[Person]) -> None:
        self._notify(f"item:{row.id}", row.code, row.project_id, firing, people)

    def _notify(self, subject: str, label: str, project_id: int, firing: Firing, people: list[Person]) -> None:
        topic = topic_of(firing.rule)
        recipients = []
        for person in people:
            memo = (person.id, project_id, topic)
            channels = self._channels.get(memo)
            if channels is None:
                channels = self._channels[memo] = self.directory.channels_for(person, project_id, topic)
            recorded = False
            for channel in channels:
                recorded = self._record(subject, firing, person, channel) or recorded
            if recorded:
                recipients.append(person.name)
        if recipients:
            self.result.firings.append({"item": label, "rule": firing.rule.id, "recipients": recipients,
                                        "scheduled_at": self._utc(firing.send_at)})

    def _record(self, subject: str, firing: Firing, person: Person | None, channel: str | None) -> bool:
        """True when ``plan`` would record this firing now (its key is not recorded yet)."""
        key = "|".join([subject, firing.rule.id, firing.occasion.isoformat(),
                        f"p{person.id}" if person else "-", channel or "-"])
        if key in self.known:
            return False
        self.known.add(key)
        return True

    def _utc(self, local: datetime) -> str:
        found = self._utc_memo.get(local)
        if found is None:
            found = self._utc_memo[local] = to_utc(local, self.ctx.tz).isoformat()
        return found
