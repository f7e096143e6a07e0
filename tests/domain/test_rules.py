"""Rules as data and when they fire (RULE-1, RULE-2, RULE-3, RULE-5), with the article's Q4 case."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Hashable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luodi.domain.enums import ItemStatus
from luodi.domain.graph import Slip
from luodi.domain.occasions import (
    Firing,
    ItemFacts,
    MeetingFacts,
    Occasion,
    candidate_due_window,
    due_firings,
    item_occasions,
    item_timeline,
    meeting_firings,
    meeting_timeline,
    next_occasion,
    occasion,
    slip_estimate,
    status_firings,
)
from luodi.domain.rules import DEFAULT_RULES, Action, Anchor, Rule, RuleConfigError, Shift, effective_rules
from luodi.domain.workdays import Calendar, QuietHours, load_overrides
from luodi.i18n import use_language

S = ItemStatus
CHINA = Calendar()
RULES = {rule.id: rule for rule in DEFAULT_RULES}
MEETING = MeetingFacts(
    "Q4", datetime(2026, 9, 26, 14, 0), datetime(2026, 9, 26, 15, 30), datetime(2026, 9, 26, 18, 0),
    list_sent=True,
)
T001 = ItemFacts("T001", date(2026, 9, 30), S.IN_PROGRESS)
T002 = ItemFacts("T002", date(2026, 10, 5), S.NOT_STARTED)
T003 = ItemFacts("T003", date(2026, 10, 10), S.NOT_STARTED)
Q4_EDGES = [("T002", "T001"), ("T003", "T001")]


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute)


# ---------------------------------------------------------------- the defaults

def test_default_rules_are_the_issue_s_nine_in_order() -> None:
    assert list(RULES) == [
        "remind_before_3d", "at_risk_before_1d", "remind_due_morning", "escalate_due_end", "mark_delayed",
        "dependency_threat", "list_unsent", "confirm_deadline", "remind_overdue"]
    assert all(rule.enabled for rule in DEFAULT_RULES)


def test_default_rule_details() -> None:
    at_risk, escalate, delayed = RULES["at_risk_before_1d"], RULES["escalate_due_end"], RULES["mark_delayed"]
    assert (at_risk.offset_days, at_risk.at, at_risk.statuses, at_risk.set_status) == (
        -1, time(9, 30), frozenset({S.NOT_STARTED}), S.AT_RISK)
    assert escalate.actions == (Action.ESCALATE_SUPERVISOR, Action.NOTIFY_COORDINATOR)
    assert (escalate.at, escalate.shift) == (time(17, 0), Shift.LATER)
    assert (delayed.anchor, delayed.offset_days) == (Anchor.WORKDAY_AFTER_DUE, 1)
    assert delayed.set_status is S.DELAYED
    assert RULES["remind_overdue"].repeat_every_workdays == 2
    assert RULES["list_unsent"].after_minutes == 60 and RULES["list_unsent"].list_sent is False
    assert RULES["dependency_threat"].statuses == frozenset({S.AT_RISK, S.DELAYED})
    assert [r.id for r in DEFAULT_RULES if r.is_reminder] == [
        "remind_before_3d", "remind_due_morning", "remind_overdue"]
    assert not RULES["remind_due_morning"].holds(S.DONE, True)


# ---------------------------------------------------------------- overrides

OVERRIDES = """
[rules.remind_before_3d]
offset_days = -2
at = "10:00"

[rules.escalate_due_end]
enabled = false

[rules.remind_weekly]
anchor = "due"
offset_days = -7
at = 09:15:00
actions = ["remind_owner"]
template = "remind_before_3d"
shift = "earlier"
"""


def test_overrides_change_disable_and_add_rules() -> None:
    rules = {rule.id: rule for rule in effective_rules(tomllib.loads(OVERRIDES)["rules"])}
    assert (rules["remind_before_3d"].offset_days, rules["remind_before_3d"].at) == (-2, time(10, 0))
    assert rules["remind_before_3d"].actions == (Action.REMIND_OWNER,)  # untouched fields kept
    assert rules["escalate_due_end"].enabled is False
    weekly = rules["remind_weekly"]
    assert (weekly.at, weekly.shift) == (time(9, 15), Shift.EARLIER)
    assert weekly.statuses == frozenset({S.NOT_STARTED, S.IN_PROGRESS, S.AT_RISK, S.DELAYED})
    assert list(rules)[-1] == "remind_weekly"
    assert effective_rules(None) == DEFAULT_RULES


def test_the_examples_in_docs_rules_md_are_valid() -> None:
    text = (Path(__file__).parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    project_example, rules_example, days_example = re.findall(r"```toml\n(.*?)```", text, re.S)
    assert effective_rules(tomllib.loads(rules_example)["rules"])[-1].id == "remind_week_before"
    project = tomllib.loads(project_example)
    organisation = effective_rules(project["rules"])
    layered = effective_rules(project["projects"]["Q4服务活动"]["rules"], base=organisation)
    assert not next(r for r in layered if r.id == "remind_before_3d").enabled
    assert load_overrides(days_example)[date(2027, 2, 14)] is True


def test_project_overrides_layer_on_the_organisation_s() -> None:
    organisation = effective_rules({"escalate_due_end": {"enabled": False}})
    project = effective_rules({"escalate_due_end": {"enabled": True, "at": "18:00"}}, base=organisation)
    escalate = next(rule for rule in project if rule.id == "escalate_due_end")
    assert (escalate.enabled, escalate.at) == (True, time(18, 0))


@pytest.mark.parametrize(
    ("overrides", "rule_id", "field", "reason"),
    [
        ({"remind_before_3d": {"offest_days": 1}}, "remind_before_3d", "offest_days", "unknown field"),
        ({"remind_before_3d": {"at": "25:00"}}, "remind_before_3d", "at", "HH:MM"),
        ({"remind_before_3d": {"offset_days": True}}, "remind_before_3d", "offset_days", "integer"),
        ({"remind_before_3d": {"statuses": ["late"]}}, "remind_before_3d", "statuses", "not one of"),
        ({"remind_before_3d": {"actions": []}}, "remind_before_3d", "actions", "non-empty"),
        ({"remind_before_3d": {"enabled": "no"}}, "remind_before_3d", "enabled", "true or false"),
        ({"remind_before_3d": "off"}, "remind_before_3d", "*", "table"),
        ({"escalate_due_end": {"shift": "earlier"}}, "escalate_due_end", "shift", "must not move earlier"),
        ({"mark_delayed": {"offset_days": 0}}, "mark_delayed", "offset_days", "at least 1"),
        ({"at_risk_before_1d": {"set_status": "none"}}, "at_risk_before_1d", "set_status", "exactly when"),
        ({"remind_overdue": {"repeat_every_workdays": 0}}, "remind_overdue", "repeat_every_workdays",
         "exactly"),
        ({"list_unsent": {"shift": "earlier"}}, "list_unsent", "shift", "cannot move earlier"),
        ({"nudge": {"anchor": "due", "actions": ["remind_owner"]}}, "nudge", "template", "required"),
        ({"Nudge!": {"anchor": "due"}}, "Nudge!", "id", "lower-case"),
    ],
)
def test_bad_overrides_name_rule_and_field(
    overrides: dict[str, Any], rule_id: str, field: str, reason: str
) -> None:
    with use_language("en"), pytest.raises(RuleConfigError) as caught:
        effective_rules(overrides)
    assert (caught.value.rule_id, caught.value.field) == (rule_id, field)
    assert reason in str(caught.value) and repr(rule_id) in str(caught.value)
    assert isinstance(caught.value, ValueError)


# ---------------------------------------------------------------- occasions of one rule

def test_occasions_move_off_non_working_days_in_the_rule_s_direction() -> None:
    due = T002.due  # 2026-10-05, National Day
    assert occasion(RULES["remind_before_3d"], due, CHINA) == at(9, 30, 9, 30)  # 10-02 → earlier
    assert occasion(RULES["at_risk_before_1d"], due, CHINA) == at(9, 30, 9, 30)  # 10-04 → earlier
    assert occasion(RULES["remind_due_morning"], due, CHINA) == at(9, 30, 9, 0)  # 10-05 → earlier
    assert occasion(RULES["escalate_due_end"], due, CHINA) == at(10, 8, 17, 0)  # 10-05 → later
    assert occasion(RULES["mark_delayed"], due, CHINA) == at(10, 8, 9, 0)
    assert occasion(RULES["list_unsent"], due, CHINA) is None


def test_remind_overdue_repeats_every_two_working_days_from_the_delayed_mark() -> None:
    facts = dataclasses.replace(T001, status=S.DELAYED, delayed_on=date(2026, 10, 8))
    found = item_occasions(RULES["remind_overdue"], facts, CHINA, until=date(2026, 10, 16))
    assert [o.at for o in found] == [at(10, 10, 9, 30), at(10, 13, 9, 30), at(10, 15, 9, 30)]
    no_date = dataclasses.replace(facts, delayed_on=None)  # delayed by hand: count from the mark day
    assert item_occasions(RULES["remind_overdue"], no_date, CHINA, until=date(2026, 10, 10)) == [
        Occasion(date(2026, 10, 10), at(10, 10, 9, 30), at(10, 10, 9, 30))]
    assert item_occasions(RULES["remind_overdue"], T001, CHINA, until=date(2026, 12, 1)) == []


# ---------------------------------------------------------------- the article's Q4 case

# Hand-computed from chinese_calendar 2026 (checked in test_workdays): 09-25..27 Mid-Autumn,
# 10-01..07 National Day, 09-20 and 10-10 adjusted working days, 10-11 a Sunday off.
Q4_TIMELINE = [
    ("Q4", "confirm_deadline", at(9, 26, 18, 0)),  # meeting-level: fires on the meeting's own day
    ("T001", "remind_due_morning", at(9, 30, 9, 0)),  # remind_before_3d: 09-27 → 09-24, before the meeting
    ("T002", "remind_due_morning", at(9, 30, 9, 0)),  # 10-05 (holiday) → 09-30
    ("T002", "at_risk_before_1d", at(9, 30, 9, 30)),  # 10-04 → 09-30; not_started → at_risk
    ("T003", "remind_before_3d", at(9, 30, 9, 30)),  # 10-07 → 09-30
    ("T001", "escalate_due_end", at(9, 30, 17, 0)),
    ("T001", "mark_delayed", at(10, 8, 9, 0)),  # the working day after 09-30
    ("T001", "dependency_threat", at(10, 8, 9, 0)),  # T002 → 10-13, T003 → 10-18 (+8 days)
    ("T002", "mark_delayed", at(10, 8, 9, 0)),
    ("T002", "escalate_due_end", at(10, 8, 17, 0)),  # 10-05 (holiday) → next working day
    ("T003", "at_risk_before_1d", at(10, 9, 9, 30)),
    ("T003", "remind_due_morning", at(10, 10, 9, 0)),  # Saturday 10-10 is a working day
    ("T001", "remind_overdue", at(10, 10, 9, 30)),
    ("T002", "remind_overdue", at(10, 10, 9, 30)),
    ("T003", "escalate_due_end", at(10, 10, 17, 0)),
    ("T003", "mark_delayed", at(10, 12, 9, 0)),  # 10-11 is a Sunday off
    ("T001", "remind_overdue", at(10, 13, 9, 30)),
    ("T002", "remind_overdue", at(10, 13, 9, 30)),
    ("T003", "remind_overdue", at(10, 14, 9, 30)),
    ("T001", "remind_overdue", at(10, 15, 9, 30)),
    ("T002", "remind_overdue", at(10, 15, 9, 30)),
]


def q4_timeline() -> list[Firing]:
    items = [T001, T002, T003]
    return meeting_timeline(DEFAULT_RULES, MEETING, items, Q4_EDGES, CHINA, until=date(2026, 10, 15))


def test_q4_timeline_matches_the_hand_computed_one() -> None:
    firing = [f for f in q4_timeline() if f.superseded_by is None]
    assert [(f.key, f.rule.id, f.at) for f in firing] == Q4_TIMELINE


def test_q4_items_never_fire_on_a_non_working_day() -> None:
    items = [f for f in q4_timeline() if f.key != "Q4"]
    assert items and all(CHINA.is_workday(f.at.date()) for f in items)


def test_q4_superseded_reminder_and_dependency_threats() -> None:
    timeline = q4_timeline()
    skipped = [(f.key, f.rule.id, f.at, f.superseded_by) for f in timeline if f.superseded_by]
    assert skipped == [("T002", "remind_before_3d", at(9, 30, 9, 30), "remind_due_morning")]
    threat = next(f for f in timeline if f.rule.id == "dependency_threat")
    assert threat.threats == {
        "T002": Slip(8, None, date(2026, 10, 13), frozenset({"T001"})),
        "T003": Slip(8, None, date(2026, 10, 18), frozenset({"T001"})),
    }


def test_q4_unsent_list_reminds_the_coordinator_an_hour_after_the_meeting() -> None:
    unsent = dataclasses.replace(MEETING, list_sent=False)
    found = meeting_firings(DEFAULT_RULES, unsent, CHINA, now_local=at(9, 26, 17, 0))
    assert [(f.rule.id, f.at) for f in found] == [("list_unsent", at(9, 26, 16, 30))]
    assert meeting_firings(DEFAULT_RULES, unsent, CHINA, now_local=at(9, 26, 16, 29)) == []
    everyone = dataclasses.replace(MEETING, all_confirmed=True)
    assert meeting_firings(DEFAULT_RULES, everyone, CHINA, now_local=at(9, 27, 0, 0)) == []


def test_timeline_is_what_ticking_due_firings_continuously_writes() -> None:
    """RULE-5: simulate a worker ticking at every occasion with an idempotent store."""
    for item in (T001, T002, T003):
        expected = {(f.rule.id, f.occasion) for f in item_timeline(
            DEFAULT_RULES, item, CHINA, not_before=MEETING.start, until=date(2026, 10, 15))
            if f.superseded_by is None and f.rule.anchor is not Anchor.ON_STATUS}
        facts, written = item, set()
        projected = dataclasses.replace(item, delayed_on=CHINA.next_workday(item.due))
        moments = sorted({o.at for r in DEFAULT_RULES
                          for o in item_occasions(r, projected, CHINA, until=date(2026, 10, 15))})
        for now in moments:
            for f in due_firings(DEFAULT_RULES, facts, CHINA, now_local=now, not_before=MEETING.start):
                written.add((f.rule.id, f.occasion))
                if f.rule.set_status is not None:
                    delayed_on = f.occasion if f.rule.set_status is S.DELAYED else facts.delayed_on
                    facts = dataclasses.replace(facts, status=f.rule.set_status, delayed_on=delayed_on)
        assert written == expected, item.key


# ---------------------------------------------------------------- due firings: catch-up, conditions

def test_catch_up_fires_only_the_latest_reminder_but_every_escalation_and_status_rule() -> None:
    """The worker was down from before the meeting until 10-08 18:00."""
    found = due_firings(DEFAULT_RULES, T002, CHINA, now_local=at(10, 8, 18), not_before=MEETING.start)
    assert [(f.rule.id, f.at) for f in found] == [
        ("remind_due_morning", at(9, 30, 9, 0)),
        ("at_risk_before_1d", at(9, 30, 9, 30)),
        ("mark_delayed", at(10, 8, 9, 0)),
        ("escalate_due_end", at(10, 8, 17, 0)),
    ]


def test_nothing_fires_before_its_time_before_the_meeting_or_for_a_done_item() -> None:
    assert due_firings(DEFAULT_RULES, T003, CHINA, now_local=at(9, 30, 9, 29), not_before=MEETING.start) == []
    early = due_firings(DEFAULT_RULES, T001, CHINA, now_local=at(9, 29, 23), not_before=MEETING.start)
    assert early == []  # remind_before_3d moved to 09-24, before the meeting
    done = dataclasses.replace(T002, status=S.DONE)
    assert due_firings(DEFAULT_RULES, done, CHINA, now_local=at(10, 20, 12), not_before=MEETING.start) == []


def test_confirmation_condition_and_quiet_hours() -> None:
    late_rule = dataclasses.replace(RULES["remind_due_morning"], at=time(22, 0), confirmed=False)
    quiet = QuietHours.parse("21:00-08:00")
    found = due_firings([late_rule], T001, CHINA, now_local=at(9, 30, 23), not_before=MEETING.start,
                        quiet=quiet)
    assert [(f.occasion, f.at, f.send_at) for f in found] == [
        (date(2026, 9, 30), at(9, 30, 22), at(10, 1, 8))]
    confirmed = dataclasses.replace(T001, confirmed=True)
    assert due_firings([late_rule], confirmed, CHINA, now_local=at(9, 30, 23), not_before=MEETING.start) == []


def test_status_change_tells_dependents_only_when_something_is_threatened() -> None:
    delayed = dataclasses.replace(T001, status=S.DELAYED)
    threats: dict[Hashable, Slip[Hashable]] = {
        "T002": Slip(8, None, date(2026, 10, 13), frozenset({"T001"}))}
    found = status_firings(DEFAULT_RULES, delayed, old_status=S.IN_PROGRESS, changed_at=at(10, 8, 9),
                           calendar=CHINA, threats=threats)
    assert [(f.rule.id, f.at, f.threats) for f in found] == [("dependency_threat", at(10, 8, 9), threats)]
    assert status_firings(DEFAULT_RULES, delayed, old_status=S.IN_PROGRESS, changed_at=at(10, 8, 9),
                          calendar=CHINA) == []
    assert status_firings(DEFAULT_RULES, delayed, old_status=S.DELAYED, changed_at=at(10, 8, 9),
                          calendar=CHINA, threats=threats) == []


def test_status_change_on_a_holiday_is_told_the_next_working_morning() -> None:
    at_risk = dataclasses.replace(T001, status=S.AT_RISK)
    threats: dict[Hashable, Slip[Hashable]] = {
        "T002": Slip(1, None, date(2026, 10, 6), frozenset({"T001"}))}
    found = status_firings(DEFAULT_RULES, at_risk, old_status=S.IN_PROGRESS, changed_at=at(10, 3, 20),
                           calendar=CHINA, threats=threats)
    assert [(f.at, f.occasion) for f in found] == [(at(10, 8, 9), date(2026, 10, 8))]


def test_slip_estimate() -> None:
    assert slip_estimate(date(2026, 9, 30), date(2026, 10, 8)) == 8
    assert slip_estimate(date(2026, 10, 5), date(2026, 9, 30)) == 1


def test_next_occasion_is_the_planner_s_next_check() -> None:
    assert next_occasion(DEFAULT_RULES, T002, CHINA, after=at(9, 29, 12)) == at(9, 30, 9, 0)
    assert next_occasion(DEFAULT_RULES, T002, CHINA, after=at(9, 30, 9, 0)) == at(9, 30, 9, 30)
    delayed = dataclasses.replace(T002, status=S.DELAYED, delayed_on=date(2026, 10, 8))
    assert next_occasion(DEFAULT_RULES, delayed, CHINA, after=at(10, 8, 17)) == at(10, 10, 9, 30)
    done = dataclasses.replace(T002, status=S.DONE)
    assert next_occasion(DEFAULT_RULES, done, CHINA, after=at(9, 1, 0)) is None


# ---------------------------------------------------------------- the plan's due window

def test_candidate_due_window_for_two_q4_days() -> None:
    def window(today: date, since: date | None = None) -> tuple[date, date] | None:
        return candidate_due_window(DEFAULT_RULES, CHINA, today, since=since)

    # 09-30: the 3-day reminders of items due up to 10-10 fold onto it (10-01..07 are off);
    # 09-29 is there for mark_delayed (the working day after a 09-29 due date).
    assert window(date(2026, 9, 30)) == (date(2026, 9, 29), date(2026, 10, 10))
    # 10-08: delayed marks and escalations for 09-30..10-07; the 3-day reminder of 10-11.
    assert window(date(2026, 10, 8)) == (date(2026, 9, 30), date(2026, 10, 11))
    assert window(date(2026, 10, 8), since=date(2026, 9, 30)) == (date(2026, 9, 29), date(2026, 10, 11))
    assert candidate_due_window([RULES["list_unsent"]], CHINA, date(2026, 10, 8)) is None


@given(st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 11, 30)), st.sampled_from(
    [r for r in DEFAULT_RULES if r.anchor in (Anchor.DUE, Anchor.WORKDAY_AFTER_DUE)]))
def test_every_item_with_an_occasion_today_is_in_today_s_window(due: date, rule: Rule) -> None:
    fires = occasion(rule, due, CHINA)
    assert fires is not None
    window = candidate_due_window(DEFAULT_RULES, CHINA, fires.date())
    assert window is not None and window[0] <= due <= window[1]
    assert window[1] - window[0] < timedelta(days=40)
