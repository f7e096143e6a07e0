"""The plan step (RULE-1…5): which rules fire at ``now``, recorded once, with their effects.

``plan(session, now=…)`` selects the open items whose due date lies in the window where an
occasion can fall (plus delayed items, for the repeating overdue reminder) and the meetings
near their own deadlines — so it scales with what is due, not with the whole database. Each
firing is recorded in ``rule_firing`` under a unique key (subject, rule, occasion, recipient,
channel): planning the same moment twice, on any number of workers, records it once. Only a
newly recorded firing has effects: a status change (audited as the rule's) or a message.

The caller commits (``worker``, ``tick --apply``) or rolls back (``tick`` without --apply).

Isolation (issue 16): each item and each meeting is evaluated in a savepoint. One that cannot be
evaluated (a bug, a broken rule) is rolled back alone and skipped; the error is in the plan's
``errors``, in the worker's log, in the subject's history (an audit row) and in one notice to the
coordinator — once per subject and error, however often the check runs. A scheduled item that
failed is looked at again an hour later, not every round. A lost database connection still
aborts the pass.

The what-if (``tick`` without --apply) is set-based in ``whatif``; this per-item pass is its oracle.

Over 300 lines: one pass over items and meetings with its recording, isolation and effects.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, TextClause, and_, exists, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, selectinload

from luodi.domain.enums import ItemStatus, OutboxStatus
from luodi.domain.graph import ItemDates, Slip, propagate_slip
from luodi.domain.occasions import (
    Firing,
    ItemFacts,
    MeetingFacts,
    Threats,
    due_firings,
    meeting_firings,
    next_occasion,
    slip_estimate,
    status_firings,
)
from luodi.domain.routing import topic_of
from luodi.domain.rules import Action, Anchor, Rule
from luodi.domain.workdays import to_local, to_utc
from luodi.models import Dependency, Item, Meeting, OutboxMessage, Person, Project, RuleFiring
from luodi.services.audit import Actor, record
from luodi.services.rules import compose, schedule
from luodi.services.rules.firings import PlannedFiring
from luodi.services.rules.rule_context import RuleContext
from luodi.services.track.items import set_status


@dataclass
class StatusChange:
    item: Item
    before: ItemStatus
    after: ItemStatus
    rule_id: str
    at: datetime


log = logging.getLogger(__name__)
RETRY_FAILED = timedelta(hours=1)   # when a scheduled item that could not be evaluated is tried again
_LOST_CONNECTION = (OperationalError, InterfaceError)


@dataclass
class PlanError:
    """A subject the rules could not be evaluated for; it was skipped."""

    subject: str        # "item:T001" or "meeting:3"
    error: str          # "KeyError: 'due'"


@dataclass
class Plan:
    at: datetime
    firings: list[PlannedFiring] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)
    outbox_ids: list[int] = field(default_factory=list)
    errors: list[PlanError] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "firings": [
                {"item": f.item.code if f.item else f"meeting:{f.meeting.id if f.meeting else ''}",
                 "rule": f.rule_id, "recipients": [p.name for p in f.recipients],
                 "scheduled_at": f.send_at.isoformat()}
                for f in self.firings
            ],
            "status_changes": [
                {"item": c.item.code, "from": c.before.value, "to": c.after.value} for c in self.status_changes
            ],
            "errors": [{"subject": e.subject, "error": e.error} for e in self.errors],
        }


def plan(session: Session, *, now: datetime, ctx: RuleContext, scheduled: bool = False) -> Plan:
    """Evaluate every rule at ``now``; record new firings, apply status changes, queue messages.

    ``scheduled`` (the worker, moving forward in time): look only at the items whose
    ``next_check_at`` has come, and store each one's next check — so a pass costs what is due,
    not what is open. Otherwise (``luodi tick --at`` any moment): every open item whose due date
    lies in the rules' window, plus delayed items.
    """
    result = Plan(at=now)
    ctx.refresh_calendar(session)
    planner = _Planner(session, now=now, ctx=ctx, result=result, scheduled=scheduled)
    planner.items()
    planner.meetings()
    result.outbox_ids = compose.queue_messages(session, result.firings, now=now, ctx=ctx)
    return result


class _Planner:
    def __init__(self, session: Session, *, now: datetime, ctx: RuleContext, result: Plan,
                 scheduled: bool = False) -> None:
        self.session, self.now, self.ctx, self.result = session, now, ctx, result
        self.scheduled = scheduled
        self.now_local = to_local(now, ctx.tz)
        self.since = (self.now_local - ctx.catch_up).date()
        self.projects = {p.id: p for p in session.scalars(select(Project))}
        self._directory: compose.ChannelDirectory | None = None
        self._people: dict[int, Person] = {}  # coordinators, loaded once (the identity map holds weakly)
        self._known: set[str] = set()  # firing keys already recorded for this pass's subjects

    # -- items ---------------------------------------------------------------------------
    def _window(self) -> tuple[date, date] | None:
        today = self.now_local.date()
        rule_sets = {self.ctx.rules} | {self.ctx.rules_for(p.id, p.settings, p.name) for p in self.projects.values()}
        windows = [w for rules in rule_sets if (w := self.ctx.due_window(rules, today, self.since))]
        if not windows:
            return None
        return min(w[0] for w in windows), max(w[1] for w in windows)

    def items(self) -> None:
        if self.scheduled:
            schedule.reset_if_rules_changed(self.session, self._fingerprint())
            # The literal matches ix_item_next_check's predicate, so SQLite can use that partial index.
            open_items: ColumnElement[bool] | TextClause = text("item.status <> 'done'")
            due_clause = Item.next_check_at <= self.now
        else:
            window = self._window()
            in_window = Item.due.between(*window) if window else Item.id.is_(None)
            open_items = Item.status != ItemStatus.DONE
            due_clause = or_(in_window, Item.status == ItemStatus.DELAYED)
        # Sorted here, not in SQL: an ORDER BY due makes SQLite walk a due-date index over every item
        # instead of the next-check index over the few that are due.
        candidates = sorted(self.session.scalars(
            select(Item).where(open_items, due_clause).options(selectinload(Item.meeting))
        ).all(), key=lambda item: (item.due, item.id))
        self._load_known(RuleFiring.item_id, [item.id for item in candidates])
        next_checks: list[tuple[int, datetime]] = []
        for item in candidates:
            with self._isolated(item=item) as failed:
                rules = self._item(item)
                if self.scheduled:
                    found = next_occasion(rules, self._facts(item), self.ctx.calendar, after=self.now_local)
                    next_checks.append((item.id, self._utc(found) if found else schedule.NEVER))
            if failed and self.scheduled:
                next_checks.append((item.id, self.now + RETRY_FAILED))
        if next_checks:
            self.session.flush()  # the rules' own status changes first: they reset next_check_at
            schedule.store(self.session, next_checks)

    def _load_known(self, column: Any, ids: list[int]) -> None:
        """The keys already recorded for these subjects since the catch-up horizon, in a few
        queries, so a pass does not re-insert (and the unique key re-refuse) old firings."""
        for start in range(0, len(ids), 500):
            self._known.update(self.session.scalars(
                select(RuleFiring.key).where(column.in_(ids[start:start + 500]), RuleFiring.occasion >= self.since)
            ))

    def _fingerprint(self) -> str:
        """What the schedule was computed from: the rules of every project, the calendar, the zone."""
        rule_sets = sorted((p.id, self.ctx.rules_for(p.id, p.settings, p.name)) for p in self.projects.values())
        return repr((self.ctx.rules, rule_sets, self.ctx.calendar.fingerprint(), str(self.ctx.tz)))

    def _facts(self, item: Item) -> ItemFacts:
        delayed_on = to_local(item.delayed_at, self.ctx.tz).date() if item.delayed_at else None
        return ItemFacts(key=item.id, due=item.due, status=item.status, confirmed=item.confirmed_at is not None,
                         delayed_on=delayed_on, start=item.start)

    def _item(self, item: Item) -> tuple[Rule, ...]:
        project = self.projects[item.project_id]
        rules = self.ctx.rules_for(project.id, project.settings, project.name)
        meeting = item.meeting
        not_before = to_local(meeting.starts_at, self.ctx.tz) if meeting else datetime.min
        not_before = max(not_before, datetime.combine(self.since, datetime.min.time()))
        # A status change a rule makes can bring further occasions (the delayed mark starts the
        # overdue reminders), so evaluate again until the item's status settles.
        for _round in range(len(ItemStatus)):
            status = item.status
            found = due_firings(rules, self._facts(item), self.ctx.calendar, now_local=self.now_local,
                                not_before=not_before, quiet=self.ctx.quiet)
            for firing in found:
                if firing.rule.holds(item.status, item.confirmed_at is not None):
                    self._fire_item(item, firing, rules)
            if item.status is status:
                break
        return rules

    def _fire_item(self, item: Item, firing: Firing, rules: tuple[Rule, ...]) -> None:
        rule = firing.rule
        if rule.set_status is not None and rule.set_status is not item.status:
            if self._record(firing, item=item, recipient=None, channel=None) is None:
                return
            before = item.status
            set_status(self.session, item, rule.set_status, actor=Actor.rule(rule.id), now=self._utc(firing.at))
            self.result.status_changes.append(StatusChange(item, before, item.status, rule.id, self._utc(firing.at)))
            self._on_status(item, before, firing, rules)
        self._notify(firing, item=item, meeting=item.meeting, people=self._recipients(rule, item, {}))

    def _on_status(self, item: Item, before: ItemStatus, cause: Firing, rules: tuple[Rule, ...]) -> None:
        threats = self._threats(item, cause.at.date())
        for firing in status_firings(rules, self._facts(item), old_status=before, changed_at=cause.at,
                                     calendar=self.ctx.calendar, quiet=self.ctx.quiet,
                                     threats=cast("Threats", threats)):
            people = self._recipients(firing.rule, item, threats)
            self._notify(firing, item=item, meeting=item.meeting, people=people, threats=threats)

    def _threats(self, item: Item, day: date) -> dict[int, Slip[int]]:
        """Dependents threatened by ``item`` slipping, through the whole downstream graph."""
        ids, frontier, edges = {item.id}, [item.id], []
        while frontier:
            rows = self.session.execute(
                select(Dependency.item_id, Dependency.depends_on_id).where(Dependency.depends_on_id.in_(frontier))
            ).all()
            frontier = [dependent for dependent, _ in rows if dependent not in ids]
            ids.update(frontier)
            edges += [(dependent, prerequisite) for dependent, prerequisite in rows]
        if len(ids) == 1:
            return {}
        dates = {row.id: ItemDates(row.start, row.due) for row in
                 self.session.execute(select(Item.id, Item.start, Item.due).where(Item.id.in_(ids)))}
        return propagate_slip(dates, edges, item.id, slip_estimate(item.due, day))

    # -- meetings ------------------------------------------------------------------------
    def _meeting_rule_ids(self, anchor: Anchor) -> list[str]:
        rule_sets = {self.ctx.rules} | {self.ctx.rules_for(p.id, p.settings, p.name) for p in self.projects.values()}
        return sorted({rule.id for rules in rule_sets for rule in rules if rule.anchor is anchor})

    def meetings(self) -> None:
        """Meetings near the end of the meeting (list unsent) or their confirmation deadline whose
        meeting rules have not fired yet — the NOT EXISTS keeps a pass from reloading them."""
        candidates, unconfirmed = self.meeting_candidates()
        self._load_known(RuleFiring.meeting_id, [meeting.id for meeting in candidates])
        for meeting in candidates:
            with self._isolated(meeting=meeting):
                self._meeting(meeting, unconfirmed)

    def meeting_candidates(self) -> tuple[list[Meeting], dict[int | None, int]]:
        """The meetings a pass looks at, in order, with their unconfirmed items' counts; their
        organizers and projects' coordinators are loaded into ``_people``."""
        earliest = self.now - self.ctx.catch_up - timedelta(days=1)

        def not_fired(anchor: Anchor) -> ColumnElement[bool]:
            return ~exists().where(RuleFiring.meeting_id == Meeting.id, RuleFiring.item_id.is_(None),
                                   RuleFiring.rule_id.in_(self._meeting_rule_ids(anchor)))

        found: dict[int, Meeting] = {}
        for clause in (  # two index-shaped queries (an OR would scan every meeting)
            and_(Meeting.starts_at.between(earliest, self.now), Meeting.list_sent_at.is_(None),
                 not_fired(Anchor.MEETING_END)),
            and_(Meeting.confirm_deadline.between(earliest, self.now), not_fired(Anchor.CONFIRM_DEADLINE)),
        ):
            found.update((m.id, m) for m in self.session.scalars(
                select(Meeting).where(clause, Meeting.closed_at.is_(None))))
        candidates = sorted(found.values(), key=lambda m: (m.starts_at, m.id))
        ids = [meeting.id for meeting in candidates]
        coordinators = {m.organizer_id or self.projects[m.project_id].coordinator_id for m in candidates}
        self._people.update((p.id, p) for p in self.session.scalars(
            select(Person).where(Person.id.in_([c for c in coordinators if c]))))
        unconfirmed = dict(self.session.execute(
            select(Item.meeting_id, func.count()).where(Item.meeting_id.in_(ids), Item.confirmed_at.is_(None))
            .group_by(Item.meeting_id)
        ).all()) if ids else {}
        return candidates, unconfirmed

    def _meeting(self, meeting: Meeting, unconfirmed: dict[int | None, int]) -> None:
        for firing in self.meeting_due(meeting, unconfirmed):
            coordinator = self._coordinator(meeting.organizer_id, meeting.project_id)
            self._notify(firing, item=None, meeting=meeting, people=[coordinator] if coordinator else [])

    def meeting_due(self, meeting: Meeting, unconfirmed: dict[int | None, int]) -> list[Firing]:
        """The meeting's rule firings that have come within the catch-up horizon."""
        def local(moment: datetime) -> datetime:
            return to_local(moment, self.ctx.tz)

        facts = MeetingFacts(
            key=meeting.id, start=local(meeting.starts_at), end=local(meeting.ends_at or meeting.starts_at),
            confirm_deadline=local(meeting.confirm_deadline) if meeting.confirm_deadline else datetime.max,
            list_sent=meeting.list_sent_at is not None,
            all_confirmed=not unconfirmed.get(meeting.id),
        )
        project = self.projects[meeting.project_id]
        rules = self.ctx.rules_for(project.id, project.settings, project.name)
        return [firing for firing in meeting_firings(rules, facts, self.ctx.calendar, now_local=self.now_local,
                                                     quiet=self.ctx.quiet)
                if to_local(self.now, self.ctx.tz) - firing.at <= self.ctx.catch_up]

    # -- recipients, records -------------------------------------------------------------
    def _coordinator(self, organizer_id: int | None, project_id: int) -> Person | None:
        person_id = organizer_id or self.projects[project_id].coordinator_id
        if not person_id:
            return None
        if person_id not in self._people:
            found = self.session.get(Person, person_id)
            if found is None:
                return None
            self._people[person_id] = found
        return self._people[person_id]

    def _recipients(self, rule: Rule, item: Item, threats: dict[int, Slip[int]]) -> list[Person]:
        people: list[Person] = []
        if Action.REMIND_OWNER in rule.actions:
            people.append(item.owner)
        if Action.ESCALATE_SUPERVISOR in rule.actions and item.owner.supervisor is not None:
            people.append(item.owner.supervisor)
        if Action.NOTIFY_COORDINATOR in rule.actions:
            coordinator = self._coordinator(item.meeting.organizer_id if item.meeting else None, item.project_id)
            if coordinator is not None:
                people.append(coordinator)
        if Action.NOTIFY_DEPENDENTS in rule.actions and threats:
            people += [i.owner for i in self.session.scalars(select(Item).where(Item.id.in_(list(threats))))]
        return list({p.id: p for p in people}.values())

    def _notify(self, firing: Firing, *, item: Item | None, meeting: Meeting | None, people: Iterable[Person],
                threats: dict[int, Slip[int]] | None = None) -> None:
        planned = PlannedFiring(firing.rule.id, firing.occasion, self._utc(firing.at), self._utc(firing.send_at),
                                item, meeting, [], dict(threats or {}))
        project_id = item.project_id if item else (meeting.project_id if meeting else None)
        if self._directory is None:
            self._directory = compose.ChannelDirectory(self.session, self.projects, apps=self.ctx.apps)
        topic = topic_of(firing.rule)
        for person in people:
            channels = self._directory.channels_for(person, project_id, topic)
            for channel in channels:
                firing_id = self._record(firing, item=item, meeting=meeting, recipient=person, channel=channel)
                if firing_id is not None:
                    planned.deliveries.append((person, channel, firing_id))
            if any(p is person for p, _, _ in planned.deliveries):
                planned.recipients.append(person)
        if planned.recipients:
            self.result.firings.append(planned)

    def _record(self, firing: Firing, *, item: Item | None, recipient: Person | None, channel: str | None,
                meeting: Meeting | None = None) -> int | None:
        """Insert the firing's row; its id when this call recorded it, None when it already was."""
        subject = f"item:{item.id}" if item else f"meeting:{meeting.id if meeting else 0}"
        key = "|".join([subject, firing.rule.id, firing.occasion.isoformat(),
                        f"p{recipient.id}" if recipient else "-", channel or "-"])
        if key in self._known:
            return None
        self._known.add(key)
        values = {
            "key": key, "rule_id": firing.rule.id, "item_id": item.id if item else None,
            "meeting_id": meeting.id if meeting else (item.meeting_id if item else None),
            "occasion": firing.occasion, "scheduled_at": self._utc(firing.send_at),
            "recipient_id": recipient.id if recipient else None, "channel": channel, "created_at": self.now,
        }
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(RuleFiring).values(**values).on_conflict_do_nothing(index_elements=["key"])
        row = self.session.execute(stmt.returning(RuleFiring.id)).first()
        return None if row is None else int(row[0])

    def _utc(self, local: datetime) -> datetime:
        return to_utc(local, self.ctx.tz)

    # -- isolation -----------------------------------------------------------------------
    @contextmanager
    def _isolated(self, *, item: Item | None = None, meeting: Meeting | None = None) -> Iterator[list[str]]:
        """Evaluate one subject in a savepoint; on failure roll it back alone, report it, go on.

        Yields a list that holds the error text afterwards when the subject failed.
        """
        failed: list[str] = []
        firings, changes = len(self.result.firings), len(self.result.status_changes)
        subject_id = item.id if item else (meeting.id if meeting else 0)
        label = f"item:{item.code}" if item else f"meeting:{subject_id}"
        savepoint = self.session.begin_nested()
        try:
            yield failed
            savepoint.commit()
        except _LOST_CONNECTION:
            raise
        except Exception as exc:
            savepoint.rollback()
            del self.result.firings[firings:], self.result.status_changes[changes:]
            error = f"{type(exc).__name__}: {exc}"[:2000]
            failed.append(error)
            log.exception("plan at %s: %s could not be evaluated; skipped", self.now.isoformat(), label)
            self.result.errors.append(PlanError(label, error))
            self._report(label, error, item=item, meeting=meeting)

    def _report(self, label: str, error: str, *, item: Item | None, meeting: Meeting | None) -> None:
        """Once per subject and error: an audit row in its history and a notice to the coordinator."""
        from luodi.i18n import gettext as _
        from luodi.i18n import use_language

        digest = hashlib.sha1(error.encode()).hexdigest()[:16]
        project_id = item.project_id if item else (meeting.project_id if meeting else None)
        organizer = meeting.organizer_id if meeting else (item.meeting.organizer_id if item and item.meeting else None)
        coordinator = self._coordinator(organizer, project_id) if project_id is not None else None
        with use_language(coordinator.language if coordinator else None):
            subject = _("[luodi] The rules could not be evaluated for {subject}").format(subject=label)
            body = _("luodi skipped {subject} at {at}: its rules raised an error. The other items are "
                     "planned as usual. Error: {error}").format(
                subject=label, at=f"{self.now_local:%Y-%m-%d %H:%M}", error=error)
        values = {
            "key": f"plan-error|{label}|{digest}", "kind": "plan_error",
            "meeting_id": meeting.id if meeting else (item.meeting_id if item else None),
            "recipient_id": coordinator.id if coordinator else None, "channel": "email",
            "address": coordinator.email if coordinator else None,
            "language": coordinator.language if coordinator else "zh", "subject": subject[:500],
            "body_text": body, "payload": {"error": error, "subject": label},
            "status": OutboxStatus.PENDING if coordinator and coordinator.email else OutboxStatus.CANCELLED,
            "attempts": 0, "next_attempt_at": self.now, "created_at": self.now,
        }
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["key"])
        if self.session.execute(stmt.returning(OutboxMessage.id)).first() is None:
            return   # reported before: not every round
        entity, entity_id = ("item", item.id) if item else ("meeting", meeting.id if meeting else 0)
        record(self.session, actor=Actor.system("planner"), at=self.now, entity=entity, entity_id=entity_id,
               action="plan_error", item_id=item.id if item else None, field="rules", after=error)
