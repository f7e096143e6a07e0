"""MET-1: figures over a period — defined when empty, rates in [0, 1], the article's case."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from luodi.domain.metrics import (
    ItemOutcome,
    MeetingOutcome,
    Ratio,
    average_delay,
    by_week,
    delay_days,
    followed_up,
    landing_rate,
    on_time,
    owners,
    summarize,
)

AS_OF = date(2026, 9, 28)

items_strategy = st.lists(st.builds(
    ItemOutcome,
    key=st.integers(),
    owner=st.sampled_from(["小王", "小李", "小陈"]),
    meeting=st.sampled_from([1, 2, None]),
    due=st.dates(date(2026, 9, 1), date(2026, 10, 31)),
    done_on=st.one_of(st.none(), st.dates(date(2026, 9, 1), date(2026, 10, 31))),
    clear_owner=st.booleans(),
    followed_before_due=st.booleans(),
), max_size=40)
meetings_strategy = st.lists(
    st.integers(0, 5).flatmap(lambda n: st.builds(MeetingOutcome, key=st.integers(), decisions=st.integers(0, 4),
                                                  items=st.just(n), done=st.integers(0, n))), max_size=6)


def test_an_empty_period_is_defined() -> None:
    summary = summarize([], [], AS_OF)
    assert summary.items == 0
    for figure in (summary.landing_rate, summary.clear_owner, summary.followed_up, summary.on_time):
        assert figure == Ratio(0, 0) and figure.value is None
    assert summary.average_delay is None and summary.owners == [] and summary.trend == []
    assert Ratio(0, 0).to_json() == {"value": None, "hits": 0, "total": 0}


@given(items_strategy, meetings_strategy, st.dates(date(2026, 9, 1), date(2026, 11, 30)))
def test_figures_are_rates_and_never_raise(items: list[ItemOutcome], meetings: list[MeetingOutcome],
                                          as_of: date) -> None:
    summary = summarize(items, meetings, as_of)
    for figure in (summary.landing_rate, summary.clear_owner, summary.followed_up, summary.on_time):
        assert 0 <= figure.hits <= figure.total
        assert figure.value is None or 0.0 <= figure.value <= 1.0
    assert summary.clear_owner.total == len(items)
    assert summary.average_delay is None or summary.average_delay > 0
    assert sum(owner.items for owner in summary.owners) == len(items)
    assert sum(point.items for point in summary.trend) == len(items)


@given(items_strategy)
def test_open_items_not_yet_due_do_not_count_as_late(items: list[ItemOutcome]) -> None:
    for item in items:
        late = delay_days(item, AS_OF)
        if item.done_on is None and item.due >= AS_OF:
            assert late is None
        else:
            assert late is not None and late >= 0


def test_the_articles_case_b_lands_on_time() -> None:
    day = date(2026, 9, 14)
    outcomes = [
        ItemOutcome(1, "小王", 1, day + timedelta(days=8), day + timedelta(days=8), followed_before_due=True),
        ItemOutcome(2, "小李", 1, day + timedelta(days=14), day + timedelta(days=14), followed_before_due=True),
        ItemOutcome(3, "小陈", 1, day + timedelta(days=14), day + timedelta(days=14), followed_before_due=True),
    ]
    summary = summarize(outcomes, [MeetingOutcome(1, decisions=3, items=3, done=3)], AS_OF)
    assert summary.on_time.value == 1.0 and summary.landing_rate == Ratio(3, 3)
    assert summary.followed_up.value == 1.0 and summary.average_delay is None
    late = ItemOutcome(4, "小赵", 2, date(2026, 9, 1), None)
    again = summarize([*outcomes, late], [MeetingOutcome(2, 0, 1, 0)], AS_OF)
    assert again.on_time == Ratio(3, 4) and again.average_delay == 27
    assert again.owners[-1].owner == "小赵"


def test_landing_rate_counts_decisions_of_fully_done_meetings() -> None:
    assert landing_rate([MeetingOutcome(1, 3, 3, 3), MeetingOutcome(2, 1, 2, 1), MeetingOutcome(3, 0, 1, 1)]) \
        == Ratio(4, 5)
    assert landing_rate([MeetingOutcome(1, 3, 0, 0)]) == Ratio(0, 0)


# ---------------------------------------------------------------- each figure's definition, by example

def outcome(key: int, owner: str, due: date, done_on: date | None = None, *, followed: bool = False) -> ItemOutcome:
    return ItemOutcome(key, owner, 1, due, done_on, followed_before_due=followed)


DUE = date(2026, 9, 30)  # a Wednesday, ISO week 40


def test_followed_up_counts_items_whose_deadline_came_on_the_due_day_itself() -> None:
    waiting = outcome(1, "小王", DUE, followed=False)
    assert followed_up([waiting], DUE - timedelta(days=1)) == Ratio(0, 0)  # deadline not yet come
    assert followed_up([waiting], DUE) == Ratio(0, 1)  # due today: the follow-up should have happened
    followed = outcome(2, "小王", DUE, followed=True)
    assert followed_up([followed], DUE) == Ratio(1, 1)
    done_early = outcome(3, "小李", DUE, DUE - timedelta(days=3), followed=True)
    assert followed_up([done_early], DUE - timedelta(days=2)) == Ratio(1, 1)  # done: the outcome is known


def test_on_time_is_done_on_or_before_the_due_day_over_known_outcomes() -> None:
    items = [outcome(1, "小王", DUE, DUE), outcome(2, "小李", DUE, DUE + timedelta(days=1)),
             outcome(3, "小陈", DUE + timedelta(days=5))]  # open, not yet due: unknown
    assert on_time(items, DUE + timedelta(days=2)) == Ratio(1, 2)
    assert on_time([outcome(4, "小陈", DUE)], DUE + timedelta(days=1)) == Ratio(0, 1)  # open past due is late


def test_the_average_delay_is_the_mean_over_late_items_to_two_decimals() -> None:
    items = [outcome(1, "小王", DUE, DUE + timedelta(days=1)), outcome(2, "小王", DUE, DUE + timedelta(days=1)),
             outcome(3, "小王", DUE, DUE + timedelta(days=2)), outcome(4, "小王", DUE, DUE)]
    assert average_delay(items, DUE + timedelta(days=10)) == 1.33  # (1 + 1 + 2) / 3, the on-time one left out
    assert average_delay([outcome(5, "小李", DUE, DUE + timedelta(days=3))], DUE) == 3
    assert average_delay([outcome(6, "小李", DUE, DUE)], DUE) is None


def test_ratios_serialise_with_four_decimals() -> None:
    assert Ratio(2, 3).to_json() == {"value": 0.6667, "hits": 2, "total": 3}
    assert Ratio(0, 0).to_json() == {"value": None, "hits": 0, "total": 0}
    assert Ratio(1, 1).to_json() == {"value": 1.0, "hits": 1, "total": 1}


def test_owners_best_first_unknown_last_with_their_average_delay() -> None:
    items = [outcome(1, "小王", DUE, DUE), outcome(2, "小李", DUE, DUE + timedelta(days=2)),
             outcome(3, "小陈", DUE + timedelta(days=9)), outcome(4, "小张", DUE, DUE)]
    rows = owners(items, DUE + timedelta(days=3))
    assert [row.owner for row in rows] == ["小张", "小王", "小李", "小陈"]
    assert rows[2].average_delay == 2 and rows[0].average_delay is None
    assert rows[3].on_time == Ratio(0, 0) and rows[3].items == 1


def test_the_trend_has_one_point_per_iso_week_of_the_due_dates() -> None:
    items = [outcome(1, "小王", DUE, DUE, followed=True), outcome(2, "小李", DUE + timedelta(days=7))]
    points = by_week(items, DUE + timedelta(days=8))
    assert [(p.week, p.on_time, p.followed_up, p.items) for p in points] == [
        ("2026-W40", Ratio(1, 1), Ratio(1, 1), 1), ("2026-W41", Ratio(0, 1), Ratio(0, 1), 1)]
