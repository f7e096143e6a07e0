"""FU-4's boundaries, as the article writes them (killing the mutants `make mutation` found alive).

Short is span < 5 days (5 is already medium), medium is 5–14 days inclusive, longer falls back to
weekly; a first-time owner is called daily on days 0, 1 and 2; a delay history is 2 late items, or
under 70% on time over 3 items or more; reliable is 3 finished items or more at 90% on time or better.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from luodi.domain.cadence import (
    RULES,
    RULES_BY_ID,
    CadenceFacts,
    OwnerHistory,
    Profile,
    matching,
    rule_on,
    schedule,
    traits_from_history,
    winner,
)
from luodi.domain.enums import Priority
from luodi.domain.workdays import Calendar

MONDAY = date(2026, 9, 14)


def rule_id(priority: Priority, span: int, *traits: Profile, day: int = 0) -> str:
    facts = CadenceFacts(priority, MONDAY, MONDAY + timedelta(days=span), frozenset(traits))
    return rule_on(facts, MONDAY + timedelta(days=day)).id


@pytest.mark.parametrize("span, expected", [
    (0, "high_short"), (4, "high_short"),  # 「短周期(<5天)」: 4 days is short
    (5, "high_medium"), (14, "high_medium"),  # 「中周期(5-14天)」, both ends
    (15, "medium"), (40, "medium"),  # longer than 14 days: weekly
])
def test_a_high_priority_items_span_boundaries(span: int, expected: str) -> None:
    assert rule_id(Priority.HIGH, span) == expected


@pytest.mark.parametrize("span, expected", [(4, "key_nodes"), (5, "medium"), (14, "medium"), (30, "medium")])
def test_a_medium_priority_item_is_weekly_from_5_days(span: int, expected: str) -> None:
    assert rule_id(Priority.MEDIUM, span) == expected


def test_a_low_priority_item_only_has_its_key_nodes() -> None:
    assert rule_id(Priority.LOW, 30) == "key_nodes"
    assert rule_id(Priority.LOW, 2) == "key_nodes"


def test_the_matching_rows_in_table_order() -> None:
    facts = CadenceFacts(Priority.HIGH, MONDAY, MONDAY + timedelta(days=3), frozenset({Profile.FIRST_TIME}))
    assert [r.id for r in matching(facts, MONDAY)] == ["first_time", "high_short", "key_nodes"]
    facts = CadenceFacts(Priority.MEDIUM, MONDAY, MONDAY + timedelta(days=10),
                         frozenset({Profile.DELAY_HISTORY, Profile.RELIABLE}))
    assert [r.id for r in matching(facts, MONDAY)] == ["delay_history", "medium", "reliable", "key_nodes"]


@pytest.mark.parametrize("day, expected", [(-1, "medium"), (0, "first_time"), (2, "first_time"), (3, "medium")])
def test_a_first_time_owner_is_called_daily_on_days_0_1_2(day: int, expected: str) -> None:
    assert rule_id(Priority.MEDIUM, 10, Profile.FIRST_TIME, day=day) == expected


def test_a_tie_goes_to_the_row_about_the_owner() -> None:
    # first_time and high_short are both daily: the owner's row (phone, in person) wins.
    assert rule_id(Priority.HIGH, 3, Profile.FIRST_TIME) == "first_time"
    assert rule_id(Priority.HIGH, 7, Profile.DELAY_HISTORY) == "delay_history"  # both every 2 days


def test_winner_takes_the_most_frequent_and_the_first_of_a_tie() -> None:
    by = RULES_BY_ID
    assert winner([by["medium"], by["high_medium"], by["key_nodes"]]) is by["high_medium"]
    assert winner([by["high_short"], by["first_time"]]) is by["high_short"]
    assert winner([by["reliable"], by["key_nodes"]]) is by["reliable"]
    with pytest.raises(ValueError, match="no cadence rule to choose from"):
        winner([])


def test_frequencies_are_contacts_per_day() -> None:
    assert [rule.frequency for rule in RULES] == [1.0, 0.5, 1.0, 0.5, 1 / 7, 0.0, 0.0]
    assert [rule.every_days for rule in RULES] == [1, 2, 1, 2, 7, None, None]
    assert [rule.board for rule in RULES] == [False, False, False, True, True, False, False]


def test_a_span_never_goes_negative() -> None:
    assert CadenceFacts(Priority.HIGH, MONDAY, MONDAY - timedelta(days=3)).span_days == 0
    assert CadenceFacts(Priority.HIGH, MONDAY, MONDAY + timedelta(days=3)).span_days == 3


def test_a_medium_items_plan_is_weekly_plus_the_key_nodes() -> None:
    # Monday 2026-11-02 to Friday 11-20 on weekdays: weekly from the start, then due−3 (Tue 17th), due−1, due.
    start, due = date(2026, 11, 2), date(2026, 11, 20)
    plan = schedule(CadenceFacts(Priority.MEDIUM, start, due), Calendar("weekends"))
    assert [(p.day.isoformat(), p.rule.id, p.key_node) for p in plan] == [
        ("2026-11-02", "medium", False),
        ("2026-11-09", "medium", False),
        ("2026-11-16", "medium", False),
        ("2026-11-17", "medium", True),
        ("2026-11-19", "medium", True),
        ("2026-11-20", "medium", True),
    ]


def test_a_periodic_contact_on_a_key_node_is_not_marked_as_a_key_node() -> None:
    start, due = date(2026, 11, 2), date(2026, 11, 5)
    plan = schedule(CadenceFacts(Priority.HIGH, start, due), Calendar("weekends"))
    assert [(p.day.day, p.key_node) for p in plan] == [(2, False), (3, False), (4, False), (5, False)]
    plan = schedule(CadenceFacts(Priority.LOW, start, due), Calendar("weekends"))
    assert [(p.day.day, p.rule.id, p.key_node) for p in plan] == [(2, "key_nodes", True), (4, "key_nodes", True),
                                                                  (5, "key_nodes", True)]


def test_a_plan_skips_non_working_days() -> None:
    # Friday to Monday: the weekend is skipped, and the plan counts from the last planned day.
    plan = schedule(CadenceFacts(Priority.HIGH, date(2026, 11, 6), date(2026, 11, 9)), Calendar("weekends"))
    assert [p.day.day for p in plan] == [6, 9]


@pytest.mark.parametrize("on_time, late, traits", [
    (0, 2, {Profile.DELAY_HISTORY}),  # 2 late items
    (20, 2, {Profile.DELAY_HISTORY}),
    (0, 1, set()),  # 1 late item, under 3 finished
    (2, 1, {Profile.DELAY_HISTORY}),  # 3 finished, 67% < 70%
    (3, 1, set()),  # 4 finished, 75%
    (2, 0, set()),  # 2 finished: not yet reliable
    (3, 0, {Profile.RELIABLE}),  # 3 finished, 100%
    (9, 1, {Profile.RELIABLE}),  # 90% exactly is reliable
    (8, 1, set()),  # 89%
    (0, 0, set()),
])
def test_traits_from_history_boundaries(on_time: int, late: int, traits: set[Profile]) -> None:
    assert traits_from_history(OwnerHistory(on_time, late, earlier_with_coordinator=1)) == frozenset(traits)
    first = traits_from_history(OwnerHistory(on_time, late, earlier_with_coordinator=0))
    assert first == frozenset(traits | {Profile.FIRST_TIME})


def test_owner_history_counts() -> None:
    history = OwnerHistory(on_time=3, late=1)
    assert history.finished == 4 and history.on_time_rate == 0.75
    assert OwnerHistory().on_time_rate is None and OwnerHistory().finished == 0
