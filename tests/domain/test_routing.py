"""SEND-2/RULE-1's routes and the article's trap 4 (对事不对人): what concerns one person goes to
that person's direct channels; only the list as sent and the weekly review also go to the group;
an escalation can never be routed to a group. A project's override is checked topic by topic, and
a RoutingError names the topic (``field``) and says why (asserted in English, the msgids)."""

from __future__ import annotations

import pytest

from luodi.domain.routing import (
    APP_ID_FIELDS,
    APP_KINDS,
    DEFAULT_ROUTES,
    Routes,
    RoutingError,
    Target,
    Topic,
    effective_routes,
    parse_targets,
    serialise,
    topic_of,
)
from luodi.domain.rules import DEFAULT_RULES, Action, Anchor, Rule
from luodi.i18n import use_language

DIRECT, GROUP = frozenset({Target.DIRECT}), frozenset({Target.DIRECT, Target.GROUP})
RULES = {rule.id: rule for rule in DEFAULT_RULES}


def refused(topic: str, value: object) -> RoutingError:
    with use_language("en"), pytest.raises(RoutingError) as caught:
        parse_targets(topic, value)  # type: ignore[arg-type]
    return caught.value


def test_by_default_only_the_list_and_the_weekly_review_reach_the_group() -> None:
    assert DEFAULT_ROUTES == {
        Topic.REMINDER: DIRECT, Topic.CONFIRMATION: DIRECT, Topic.ESCALATION: DIRECT,
        Topic.COORDINATOR: DIRECT, Topic.LIST: GROUP, Topic.WEEKLY_REVIEW: GROUP,
    }
    assert effective_routes(None) == DEFAULT_ROUTES
    assert effective_routes({}) == DEFAULT_ROUTES


def test_each_default_rule_has_the_topic_of_whom_it_concerns() -> None:
    assert topic_of(RULES["remind_before_3d"]) is Topic.REMINDER
    assert topic_of(RULES["remind_due_morning"]) is Topic.REMINDER
    assert topic_of(RULES["remind_overdue"]) is Topic.REMINDER
    assert topic_of(RULES["escalate_due_end"]) is Topic.ESCALATION
    assert topic_of(RULES["at_risk_before_1d"]) is Topic.COORDINATOR
    assert topic_of(RULES["list_unsent"]) is Topic.COORDINATOR
    assert topic_of(RULES["confirm_deadline"]) is Topic.COORDINATOR
    assert topic_of(RULES["mark_delayed"]) is Topic.COORDINATOR


def test_an_escalation_that_also_reminds_the_owner_is_still_an_escalation() -> None:
    both = Rule("custom", Anchor.DUE, (Action.REMIND_OWNER, Action.ESCALATE_SUPERVISOR), "custom")
    assert topic_of(both) is Topic.ESCALATION
    reminder_and_note = Rule("custom", Anchor.DUE, (Action.NOTIFY_COORDINATOR, Action.REMIND_OWNER), "custom")
    assert topic_of(reminder_and_note) is Topic.REMINDER


def test_targets_are_read_from_a_comma_list_or_a_list_with_blanks_ignored() -> None:
    assert parse_targets("list", "direct,group") == GROUP
    assert parse_targets("list", " group , direct ,") == GROUP
    assert parse_targets("reminder", ["direct"]) == DIRECT
    assert parse_targets("reminder", ["direct", " "]) == DIRECT
    assert parse_targets("weekly_review", "group") == frozenset({Target.GROUP})
    assert parse_targets("coordinator", ("direct", "direct")) == DIRECT


def test_an_unknown_topic_is_refused_naming_it_and_listing_the_topics() -> None:
    error = refused("reminders", "direct")
    assert error.field == "reminders"
    assert error.reason == "unknown topic; one of reminder, confirmation, escalation, coordinator, list, weekly_review"
    assert str(error) == ("route 'reminders': unknown topic; one of reminder, confirmation, escalation, "
                          "coordinator, list, weekly_review")


def test_an_unknown_target_is_refused_naming_the_topic_and_the_bad_targets() -> None:
    error = refused("list", "direct,email, im")
    assert error.field == "list"
    assert str(error) == "route 'list': unknown target email, im; use direct and/or group"


def test_no_target_at_all_is_refused() -> None:
    empties: tuple[str | list[str], ...] = ("", " , ", [])
    for empty in empties:
        error = refused("reminder", empty)
        assert error.field == "reminder"
        assert error.reason == "give at least one target (direct, group)"


def test_an_escalation_is_never_routed_to_a_group() -> None:
    for value in ("group", "direct,group", ["group"]):
        error = refused("escalation", value)
        assert error.field == "escalation"
        assert error.reason == "escalations go to the supervisor privately, never to a group"
    assert parse_targets("escalation", "direct") == DIRECT
    assert parse_targets("reminder", "group") == frozenset({Target.GROUP})  # only escalations are held back


def test_a_projects_overrides_change_only_their_topics() -> None:
    routes = effective_routes({"reminder": "direct,group", "list": ["direct"]})
    assert routes[Topic.REMINDER] == GROUP
    assert routes[Topic.LIST] == DIRECT
    assert {t: v for t, v in routes.items() if t not in (Topic.REMINDER, Topic.LIST)} == {
        t: v for t, v in DEFAULT_ROUTES.items() if t not in (Topic.REMINDER, Topic.LIST)}
    assert DEFAULT_ROUTES[Topic.REMINDER] == DIRECT  # the defaults are not changed in place


def test_a_bad_override_is_refused_naming_its_topic() -> None:
    with use_language("en"), pytest.raises(RoutingError) as caught:
        effective_routes({"list": "direct", "escalation": "group"})
    assert caught.value.field == "escalation"
    with pytest.raises(RoutingError) as unknown:
        effective_routes({"everything": "direct"})
    assert unknown.value.field == "everything"


def test_routes_serialise_as_sorted_names_per_topic() -> None:
    routes: Routes = {Topic.LIST: frozenset({Target.GROUP, Target.DIRECT}), Topic.ESCALATION: DIRECT}
    assert serialise(routes) == {"list": ["direct", "group"], "escalation": ["direct"]}
    assert serialise(DEFAULT_ROUTES)["weekly_review"] == ["direct", "group"]


def test_the_errors_speak_chinese_too() -> None:
    with use_language("zh"), pytest.raises(RoutingError) as caught:
        parse_targets("escalation", "group")
    assert str(caught.value) == "路由 'escalation'：升级提醒只私下发给上级，绝不发到群里"


def test_each_im_app_bot_has_its_people_column() -> None:
    assert APP_KINDS == ("feishu_app", "dingtalk_app", "wecom_app")
    assert APP_ID_FIELDS == {"feishu_app": "feishu_open_id", "dingtalk_app": "dingtalk_user_id",
                             "wecom_app": "wecom_user_id"}
