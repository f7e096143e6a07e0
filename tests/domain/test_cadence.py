"""FU-4: the article's cadence table — the most frequent rule wins; profiles from history."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from luodi.domain.cadence import (
    RULES,
    RULES_BY_ID,
    CadenceFacts,
    ContactChannel,
    OwnerHistory,
    Profile,
    cadence_due,
    key_nodes,
    matching,
    rule_on,
    schedule,
    traits_for,
    traits_from_history,
    winner,
)
from luodi.domain.enums import Priority
from luodi.domain.workdays import Calendar

MONDAY = date(2026, 9, 14)
CHINA = Calendar("china")

facts_strategy = st.builds(
    CadenceFacts,
    priority=st.sampled_from(list(Priority)),
    start=st.dates(date(2026, 1, 1), date(2026, 12, 1)),
    due=st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    traits=st.frozensets(st.sampled_from(list(Profile)), max_size=2),
)


@given(facts_strategy, st.integers(-5, 60))
def test_the_most_frequent_matching_rule_wins(facts: CadenceFacts, offset: int) -> None:
    day = facts.start + timedelta(days=offset)
    found = matching(facts, day)
    chosen = rule_on(facts, day)
    assert chosen in found
    assert all(chosen.frequency >= rule.frequency for rule in found)
    ties = [rule for rule in found if rule.frequency == chosen.frequency]
    assert ties[0] is chosen  # a tie goes to the row higher in the table


@given(st.permutations(RULES))
def test_winner_does_not_depend_on_order_except_for_ties(rules: list) -> None:  # type: ignore[type-arg]
    assert winner(rules).frequency == max(rule.frequency for rule in RULES)


def test_the_articles_table() -> None:
    def on(priority: Priority, days: int, *traits: Profile, day: int = 5) -> str:
        facts = CadenceFacts(priority, MONDAY, MONDAY + timedelta(days=days), frozenset(traits))
        return rule_on(facts, MONDAY + timedelta(days=day)).id

    assert on(Priority.HIGH, 3) == "high_short"
    assert on(Priority.HIGH, 7) == "high_medium"
    assert on(Priority.MEDIUM, 10) == "medium"
    assert on(Priority.LOW, 10) == "key_nodes"
    assert on(Priority.MEDIUM, 10, Profile.DELAY_HISTORY) == "delay_history"
    assert on(Priority.MEDIUM, 10, Profile.RELIABLE) == "medium"
    assert on(Priority.LOW, 10, Profile.RELIABLE) == "reliable"
    # First time: daily for the first three days, then the item's own rule.
    assert [on(Priority.MEDIUM, 10, Profile.FIRST_TIME, day=d) for d in range(5)] == [
        "first_time", "first_time", "first_time", "medium", "medium"]
    assert RULES_BY_ID["first_time"].channels == (ContactChannel.PHONE, ContactChannel.IN_PERSON)
    assert RULES_BY_ID["delay_history"].channels == (ContactChannel.PHONE,)


def test_key_nodes_move_to_the_working_day_before() -> None:
    # Due Monday 2026-09-28 (after the Mid-Autumn holiday 09-25…27): 09-25 → 09-24, 09-27 → 09-24.
    assert key_nodes(date(2026, 9, 28), CHINA) == [date(2026, 9, 24), date(2026, 9, 28)]
    assert key_nodes(date(2026, 9, 21), CHINA) == [date(2026, 9, 18), date(2026, 9, 20), date(2026, 9, 21)]


def test_cadence_due_counts_from_the_last_contact() -> None:
    rule = RULES_BY_ID["delay_history"]
    assert cadence_due(rule, today=MONDAY, last_contact=None, start=MONDAY)
    assert not cadence_due(rule, today=MONDAY, last_contact=MONDAY - timedelta(days=1), start=MONDAY)
    assert cadence_due(rule, today=MONDAY, last_contact=MONDAY - timedelta(days=2), start=MONDAY)
    assert not cadence_due(RULES_BY_ID["reliable"], today=MONDAY, last_contact=None, start=MONDAY)


@given(facts_strategy)
def test_a_schedule_stays_within_the_item_on_working_days(facts: CadenceFacts) -> None:
    plan = schedule(facts, Calendar("weekends"))
    assert all(facts.start <= p.day <= facts.due for p in plan)
    assert all(p.day.weekday() < 5 for p in plan)
    assert [p.day for p in plan] == sorted({p.day for p in plan})


def test_a_high_priority_week_long_item_of_a_new_owner() -> None:
    facts = CadenceFacts(Priority.HIGH, MONDAY, date(2026, 9, 21), frozenset({Profile.FIRST_TIME}))
    plan = [(p.day.isoformat(), p.rule.id) for p in schedule(facts, CHINA)]
    assert plan[:3] == [("2026-09-14", "first_time"), ("2026-09-15", "first_time"), ("2026-09-16", "first_time")]
    assert ("2026-09-18", "high_medium") in plan and plan[-1] == ("2026-09-21", "high_medium")


@given(st.integers(0, 20), st.integers(0, 20), st.integers(0, 5))
def test_traits_from_history(on_time: int, late: int, earlier: int) -> None:
    traits = traits_from_history(OwnerHistory(on_time, late, earlier))
    assert (Profile.FIRST_TIME in traits) == (earlier == 0)
    assert not {Profile.RELIABLE, Profile.DELAY_HISTORY} <= traits
    if late >= 2:
        assert Profile.DELAY_HISTORY in traits
    if Profile.RELIABLE in traits:
        assert on_time + late >= 3 and on_time / (on_time + late) >= 0.9


def test_a_profile_set_by_hand_wins() -> None:
    history = OwnerHistory(on_time=0, late=5, earlier_with_coordinator=0)
    assert traits_for("reliable", history) == (frozenset({Profile.RELIABLE}), "manual")
    assert traits_for(None, history)[1] == "history"
    assert Profile.DELAY_HISTORY in traits_for("bogus", history)[0]
