"""RULE-1's overrides (docs/rules.md): every refusal names the rule and the field and says why in
words (asserted whole, in English: the msgids), and the boundaries of what is accepted — times
00:00…23:59, after_minutes from 0, repeats from 1 working day, a delayed mark at least 1 working
day after the due day, "any" for either confirmation state, template names of letters, digits and
``_.-`` in either case."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from luodi.domain.enums import ItemStatus
from luodi.domain.rules import Anchor, Rule, RuleConfigError, effective_rules
from luodi.i18n import use_language


def rule(overrides: dict[str, Any], rule_id: str) -> Rule:
    return {r.id: r for r in effective_rules(overrides)}[rule_id]


@pytest.mark.parametrize(("overrides", "field", "text"), [
    ({"remind_before_3d": {"offest_days": 1}}, "offest_days",
     "rule 'remind_before_3d', field 'offest_days': unknown field"),
    ({"remind_before_3d": {"at": "24:00"}}, "at",
     "rule 'remind_before_3d', field 'at': expected a time \"HH:MM\", got '24:00'"),
    ({"remind_before_3d": {"at": "9:60"}}, "at",
     "rule 'remind_before_3d', field 'at': expected a time \"HH:MM\", got '9:60'"),
    ({"remind_before_3d": {"at": 930}}, "at",
     "rule 'remind_before_3d', field 'at': expected a time \"HH:MM\", got 930"),
    ({"remind_before_3d": {"offset_days": True}}, "offset_days",
     "rule 'remind_before_3d', field 'offset_days': expected an integer, got True"),
    ({"remind_before_3d": {"after_minutes": -1}}, "after_minutes",
     "rule 'remind_before_3d', field 'after_minutes': must be at least 0"),
    ({"remind_overdue": {"repeat_every_workdays": -2}}, "repeat_every_workdays",
     "rule 'remind_overdue', field 'repeat_every_workdays': must be at least 1"),
    ({"remind_before_3d": {"statuses": ["late"]}}, "statuses",
     "rule 'remind_before_3d', field 'statuses': 'late' is not one of: not_started, in_progress, at_risk, "
     "delayed, done"),
    ({"remind_before_3d": {"actions": []}}, "actions",
     "rule 'remind_before_3d', field 'actions': expected a non-empty list"),
    ({"remind_before_3d": {"enabled": "no"}}, "enabled",
     "rule 'remind_before_3d', field 'enabled': expected true or false, got 'no'"),
    ({"remind_before_3d": {"confirmed": "ANY"}}, "confirmed",
     "rule 'remind_before_3d', field 'confirmed': expected true, false or \"any\", got 'ANY'"),
    ({"remind_before_3d": {"template": "remind me"}}, "template",
     "rule 'remind_before_3d', field 'template': expected a template name, got 'remind me'"),
    ({"remind_before_3d": {"template": 5}}, "template",
     "rule 'remind_before_3d', field 'template': expected a template name, got 5"),
    ({"remind_before_3d": "off"}, "*",
     "rule 'remind_before_3d', field '*': expected a table [rules.remind_before_3d]"),
    ({"escalate_due_end": {"shift": "earlier"}}, "shift",
     "rule 'escalate_due_end', field 'shift': an escalation or a delayed mark must not move earlier"),
    ({"mark_delayed": {"offset_days": 0}}, "offset_days",
     "rule 'mark_delayed', field 'offset_days': must be at least 1 for workday_after_due"),
    ({"at_risk_before_1d": {"set_status": "none"}}, "set_status",
     "rule 'at_risk_before_1d', field 'set_status': set exactly when actions include set_status"),
    ({"remind_overdue": {"repeat_every_workdays": 0}}, "repeat_every_workdays",
     "rule 'remind_overdue', field 'repeat_every_workdays': set exactly when anchor is delayed_repeat"),
    ({"list_unsent": {"shift": "earlier"}}, "shift",
     "rule 'list_unsent', field 'shift': an event or meeting rule cannot move earlier"),
    ({"dependency_threat": {"statuses": "any"}}, "statuses",
     "rule 'dependency_threat', field 'statuses': an on_status rule needs the statuses that trigger it"),
    ({"nudge": {"anchor": "due", "actions": ["remind_owner"]}}, "template",
     "rule 'nudge', field 'template': required for a new rule"),
    ({"Nudge!": {"anchor": "due"}}, "id",
     "rule 'Nudge!', field 'id': use lower-case letters, digits and _"),
])
def test_a_refusal_names_the_rule_and_the_field_and_says_why(overrides: dict[str, Any], field: str,
                                                              text: str) -> None:
    with use_language("en"), pytest.raises(RuleConfigError) as caught:
        effective_rules(overrides)
    assert caught.value.field == field
    assert str(caught.value) == text


def test_a_refusal_speaks_chinese_too() -> None:
    with use_language("zh"), pytest.raises(RuleConfigError) as caught:
        effective_rules({"remind_before_3d": {"offest_days": 1}})
    assert "offest_days" in str(caught.value) and "remind_before_3d" in str(caught.value)
    assert "unknown field" not in str(caught.value)


def test_times_from_00_00_to_23_59_are_accepted() -> None:
    assert rule({"remind_before_3d": {"at": "23:59"}}, "remind_before_3d").at == time(23, 59)
    assert rule({"remind_before_3d": {"at": "0:00"}}, "remind_before_3d").at == time(0, 0)
    assert rule({"remind_before_3d": {"at": " 9:05 "}}, "remind_before_3d").at == time(9, 5)
    assert rule({"remind_before_3d": {"at": time(10, 15)}}, "remind_before_3d").at == time(10, 15)


def test_the_smallest_accepted_numbers() -> None:
    assert rule({"list_unsent": {"after_minutes": 0}}, "list_unsent").after_minutes == 0
    assert rule({"remind_overdue": {"repeat_every_workdays": 1}}, "remind_overdue").repeat_every_workdays == 1
    assert rule({"mark_delayed": {"offset_days": 1}}, "mark_delayed").offset_days == 1
    assert rule({"mark_delayed": {"offset_days": 2}}, "mark_delayed").offset_days == 2


def test_any_lifts_a_condition_and_true_false_set_it() -> None:
    assert rule({"remind_before_3d": {"confirmed": "any"}}, "remind_before_3d").confirmed is None
    assert rule({"remind_before_3d": {"confirmed": False}}, "remind_before_3d").confirmed is False
    assert rule({"remind_before_3d": {"statuses": "any"}}, "remind_before_3d").statuses is None
    assert rule({"remind_before_3d": {"enabled": False}}, "remind_before_3d").enabled is False


def test_template_names_may_use_either_case_digits_dots_and_dashes() -> None:
    assert rule({"remind_before_3d": {"template": "Remind-v2.short"}}, "remind_before_3d").template == "Remind-v2.short"


def test_an_on_status_rule_with_statuses_is_accepted() -> None:
    added = rule({"blocked_note": {"anchor": "on_status", "actions": ["notify_coordinator"],
                                   "template": "blocked_note", "statuses": ["at_risk"]}}, "blocked_note")
    assert added.anchor is Anchor.ON_STATUS and added.statuses == frozenset({ItemStatus.AT_RISK})
