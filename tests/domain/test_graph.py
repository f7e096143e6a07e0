"""Dependency graph: cycles, layers, critical path, slip propagation (RULE-3, BOARD-4)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luodi.domain.graph import (
    ItemDates,
    Slip,
    critical_path,
    find_cycle,
    generations,
    propagate_slip,
    successors,
    threatened_by,
)

# The article's Q4 case: T002 and T003 depend on T001.
Q4 = {
    "T001": ItemDates(None, date(2026, 9, 30)),
    "T002": ItemDates(None, date(2026, 10, 5)),
    "T003": ItemDates(None, date(2026, 10, 10)),
}
Q4_EDGES = [("T002", "T001"), ("T003", "T001")]
DAY0 = date(2026, 1, 1)
Graph = tuple[dict[int, ItemDates], list[tuple[int, int]]]


def test_successors_and_find_cycle_keep_their_contract() -> None:
    assert successors(Q4_EDGES) == {"T001": ["T002", "T003"]}
    assert find_cycle(Q4_EDGES) is None
    assert find_cycle([(1, 2), (2, 3), (3, 1)]) == [1, 2, 3, 1]


def test_generations_layers_the_q4_graph() -> None:
    assert generations(Q4_EDGES, ["T004"]) == [["T004", "T001"], ["T002", "T003"]]


def test_generations_put_an_item_after_its_longest_chain() -> None:
    edges = [("d", "b"), ("d", "c"), ("b", "a"), ("c", "b")]
    assert generations(edges) == [["a"], ["b"], ["c"], ["d"]]


def test_generations_refuse_a_cycle_and_name_it() -> None:
    with pytest.raises(ValueError, match="dependency cycle: 1 → 2 → 1"):
        generations([(1, 2), (2, 1), (3, 1)])


def test_critical_path_of_q4_is_t001_then_t003() -> None:
    assert critical_path(Q4, Q4_EDGES) == ["T001", "T003"]


def test_critical_path_stops_where_an_item_waits_for_its_own_start() -> None:
    items = {**Q4, "T003": ItemDates(date(2026, 10, 8), date(2026, 10, 10))}
    assert critical_path(items, Q4_EDGES) == ["T003"]
    items = {**Q4, "T003": ItemDates(date(2026, 9, 30), date(2026, 10, 10))}
    assert critical_path(items, Q4_EDGES) == ["T001", "T003"]


def test_critical_path_edge_cases() -> None:
    assert critical_path({}, []) == []
    with pytest.raises(ValueError, match="unknown item 'T009'"):
        critical_path(Q4, [("T009", "T001")])
    with pytest.raises(ValueError, match="cycle"):
        critical_path(Q4, [("T002", "T001"), ("T001", "T002")])


def test_q4_slip_of_t001_moves_both_dependents_keeping_their_slack() -> None:
    result = propagate_slip(Q4, Q4_EDGES, "T001", 8)
    assert result == {
        "T002": Slip(8, None, date(2026, 10, 13), frozenset({"T001"})),
        "T003": Slip(8, None, date(2026, 10, 18), frozenset({"T001"})),
    }


def test_a_dependent_with_a_later_start_absorbs_a_small_slip() -> None:
    items = {**Q4, "T002": ItemDates(date(2026, 10, 3), date(2026, 10, 5))}
    assert "T002" not in propagate_slip(items, Q4_EDGES, "T001", 3)  # new due 10-03 = start
    moved = propagate_slip(items, Q4_EDGES, "T001", 5)["T002"]
    assert moved == Slip(2, date(2026, 10, 5), date(2026, 10, 7), frozenset({"T001"}))


def test_slip_travels_transitively_and_only_beyond_the_latest_prerequisite() -> None:
    items = {
        "a": ItemDates(None, date(2026, 10, 1)),
        "b": ItemDates(None, date(2026, 10, 5)),
        "c": ItemDates(None, date(2026, 10, 8)),  # needs a and b
        "d": ItemDates(None, date(2026, 10, 20)),  # needs c
    }
    edges = [("c", "a"), ("c", "b"), ("d", "c")]
    assert propagate_slip(items, edges, "a", 3) == {}  # a's new due 10-04 is still before b's
    result = propagate_slip(items, edges, "a", 6)
    assert {key: (s.days, s.due) for key, s in result.items()} == {
        "c": (2, date(2026, 10, 10)), "d": (2, date(2026, 10, 22))}


def test_threatened_by_combines_slips_and_names_the_causes() -> None:
    items = {"a": ItemDates(None, DAY0), "b": ItemDates(None, DAY0),
             "c": ItemDates(None, DAY0 + timedelta(3))}
    edges = [("c", "a"), ("c", "b")]
    result = threatened_by(items, edges, {"a": 2, "b": 2})
    assert result["c"] == Slip(2, None, DAY0 + timedelta(5), frozenset({"a", "b"}))
    assert result["a"].by == frozenset({"a"})
    assert threatened_by(items, edges, {"a": 1, "b": 4})["c"].by == frozenset({"b"})


def test_slip_input_errors() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        propagate_slip(Q4, Q4_EDGES, "T001", -1)
    with pytest.raises(ValueError, match="unknown item 'T404'"):
        propagate_slip(Q4, Q4_EDGES, "T404", 1)


def test_a_long_chain_needs_no_recursion() -> None:
    size = 50_000
    items = {n: ItemDates(None, DAY0 + timedelta(days=n)) for n in range(size)}
    edges = [(n + 1, n) for n in range(size - 1)]
    assert len(generations(edges)) == size
    assert critical_path(items, edges) == list(range(size))
    result = propagate_slip(items, edges, 0, 3)
    assert len(result) == size - 1 and result[size - 1].due == DAY0 + timedelta(days=size + 2)


# ---------------------------------------------------------------- properties over random DAGs

@st.composite
def dags(draw: st.DrawFn) -> Graph:
    """Random acyclic graphs: an edge always points from a higher number to a lower one."""
    size = draw(st.integers(min_value=1, max_value=25))
    pairs = st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)).filter(lambda p: p[0] > p[1])
    edges = draw(st.lists(pairs, max_size=60, unique=True))
    items = {}
    for node in range(size):
        due = DAY0 + timedelta(days=draw(st.integers(0, 60)))
        back = draw(st.none() | st.integers(0, 10))
        items[node] = ItemDates(None if back is None else due - timedelta(days=back), due)
    return items, edges


@given(dags())
def test_generations_respect_every_edge(graph: Graph) -> None:
    items, edges = graph
    layers = generations(edges, items)
    level = {node: index for index, layer in enumerate(layers) for node in layer}
    assert sorted(level) == sorted(items) and sum(map(len, layers)) == len(items)
    assert all(level[dependent] > level[prerequisite] for dependent, prerequisite in edges)


@given(dags())
def test_critical_path_is_a_path_ending_at_the_latest_due(
    graph: Graph,
) -> None:
    items, edges = graph
    path = critical_path(items, edges)
    assert all((later, earlier) in edges for earlier, later in itertools.pairwise(path))
    assert items[path[-1]].due == max(dates.due for dates in items.values())


@given(dags(), st.integers(0, 24))
def test_zero_slip_changes_nothing(graph: Graph, node: int) -> None:
    items, edges = graph
    assert propagate_slip(items, edges, node % len(items), 0) == {}


@given(dags(), st.integers(0, 24), st.integers(1, 30))
def test_slips_reach_only_dependents_and_never_grow(
    graph: Graph, node: int, days: int,
) -> None:
    items, edges = graph
    slipped = node % len(items)
    result = propagate_slip(items, edges, slipped, days)
    downstream, frontier = set(), [slipped]
    while frontier:
        current = frontier.pop()
        for dependent, prerequisite in edges:
            if prerequisite == current and dependent not in downstream:
                downstream.add(dependent)
                frontier.append(dependent)
    assert set(result) <= downstream
    for key, slip in result.items():
        assert 1 <= slip.days <= days and slip.by == {slipped}
        assert slip.due == items[key].due + timedelta(days=slip.days)
