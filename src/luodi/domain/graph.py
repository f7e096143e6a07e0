"""Dependency graph of items, as pure functions over edges.

An edge ``(a, b)`` means "a depends on b" (b must finish before a). Nodes are any hashable
keys: item codes, ids or the 序号 of an action list being linted.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


def successors(edges: Iterable[tuple[K, K]]) -> dict[K, list[K]]:
    """Map each prerequisite to the items that depend on it."""
    result: dict[K, list[K]] = {}
    for dependent, prerequisite in edges:
        result.setdefault(prerequisite, []).append(dependent)
    return result


def find_cycle(edges: Iterable[tuple[K, K]]) -> list[K] | None:
    """Return one dependency cycle as ``[a, b, …, a]``, or None when the graph is acyclic.

    Iterative DFS, so a long chain cannot exhaust the recursion limit.
    """
    graph: dict[K, list[K]] = {}
    for dependent, prerequisite in edges:
        graph.setdefault(dependent, []).append(prerequisite)
        graph.setdefault(prerequisite, [])
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    for start in graph:
        if colour[start] != white:
            continue
        stack: list[tuple[K, int]] = [(start, 0)]
        path: list[K] = [start]
        colour[start] = grey
        while stack:
            node, index = stack[-1]
            neighbours = graph[node]
            if index < len(neighbours):
                stack[-1] = (node, index + 1)
                nxt = neighbours[index]
                if colour[nxt] == grey:
                    return [*path[path.index(nxt):], nxt]
                if colour[nxt] == white:
                    colour[nxt] = grey
                    stack.append((nxt, 0))
                    path.append(nxt)
            else:
                colour[node] = black
                stack.pop()
                path.pop()
    return None


@dataclass(frozen=True)
class ItemDates:
    """The planned dates of one item; ``start`` is optional (SPEC: 开始日期 is optional)."""

    start: date | None
    due: date


@dataclass(frozen=True)
class Slip(Generic[K]):
    """How a threatened item moves: by ``days`` (calendar days) to ``start``/``due``.

    ``start`` is None when the item has no explicit start. ``by`` holds the originally slipped
    items whose delay reaches this item along its driving prerequisites.
    """

    days: int
    start: date | None
    due: date
    by: frozenset[K]


def _prerequisites(edges: Iterable[tuple[K, K]]) -> dict[K, list[K]]:
    result: dict[K, list[K]] = {}
    for dependent, prerequisite in edges:
        result.setdefault(dependent, []).append(prerequisite)
    return result


def _nodes(edges: list[tuple[K, K]], nodes: Iterable[K]) -> list[K]:
    """Every node, in first-seen order: ``nodes`` first, then the edges' ends."""
    seen: dict[K, None] = dict.fromkeys(nodes)
    for dependent, prerequisite in edges:
        seen.setdefault(prerequisite)
        seen.setdefault(dependent)
    return list(seen)


def _cycle_error(edges: list[tuple[K, K]]) -> ValueError:
    cycle = find_cycle(edges) or []
    return ValueError("dependency cycle: " + " → ".join(str(node) for node in cycle))


def generations(edges: Iterable[tuple[K, K]], nodes: Iterable[K] = ()) -> list[list[K]]:
    """Layers for drawing: layer 0 has no prerequisites; every item sits in a later layer than
    each of its prerequisites (its longest chain of prerequisites decides which).

    ``nodes`` adds isolated items. Order inside a layer is first-seen order. O(V + E), iterative.
    Raise ValueError naming a cycle when the graph has one.
    """
    edge_list = list(edges)
    order = _nodes(edge_list, nodes)
    remaining = dict.fromkeys(order, 0)
    for dependent, _prerequisite in edge_list:
        remaining[dependent] += 1
    graph = successors(edge_list)
    layer = [node for node in order if remaining[node] == 0]
    result: list[list[K]] = []
    while layer:
        result.append(layer)
        following: list[K] = []
        for node in layer:
            for dependent in graph.get(node, ()):
                remaining[dependent] -= 1
                if remaining[dependent] == 0:
                    following.append(dependent)
        layer = following
    if sum(len(level) for level in result) != len(order):
        raise _cycle_error(edge_list)
    return result


def _topological(edge_list: list[tuple[K, K]], nodes: Iterable[K]) -> list[K]:
    return [node for level in generations(edge_list, nodes) for node in level]


def _check_known(items: Mapping[K, ItemDates], edge_list: list[tuple[K, K]]) -> None:
    for dependent, prerequisite in edge_list:
        for node in (dependent, prerequisite):
            if node not in items:
                raise ValueError(f"dependency on unknown item {node!r}")


def critical_path(items: Mapping[K, ItemDates], edges: Iterable[tuple[K, K]]) -> list[K]:
    """The chain of items that determines the latest finish, prerequisite first.

    It ends at the item with the latest due date (the first such in ``items`` order) and walks
    back, from each item, to its *driving* prerequisite: the one with the latest due date, as long
    as that prerequisite's due is not before the item's start (an item with a start later than
    all its prerequisites' dues is driven by its own start, and the chain stops there).
    Empty for no items. Raise ValueError for an unknown item or a cycle. O(V + E).
    """
    edge_list = list(edges)
    _check_known(items, edge_list)
    if not items:
        return []
    if find_cycle(edge_list):
        raise _cycle_error(edge_list)
    needs = _prerequisites(edge_list)
    node = max(items, key=lambda key: items[key].due)  # max() keeps the first of equals
    chain = [node]
    while needs.get(node):
        driver = max(needs[node], key=lambda key: items[key].due)
        start = items[node].start
        if start is not None and items[driver].due < start:
            break
        node = driver
        chain.append(node)
    chain.reverse()
    return chain


def propagate_slip(
    items: Mapping[K, ItemDates], edges: Iterable[tuple[K, K]], slipped: K, days: int
) -> dict[K, Slip[K]]:
    """If ``slipped`` finishes ``days`` calendar days late, which items move, by how much, to when.

    See :func:`threatened_by`; ``slipped`` itself is not in the result.
    """
    result = threatened_by(items, edges, {slipped: days})
    result.pop(slipped, None)
    return result


def threatened_by(
    items: Mapping[K, ItemDates], edges: Iterable[tuple[K, K]], slips: Mapping[K, int]
) -> dict[K, Slip[K]]:
    """Propagate several slips (``{item: days late}``) through the whole graph at once.

    Model: an item can begin at its *baseline start* = the later of its own start (if any) and
    its prerequisites' original dues (so with no start, it begins when its prerequisites are due
    and keeps its slack: due − prerequisite's due). After the slips it begins at the later of its
    own start and its prerequisites' *new* dues; it is threatened when that is after the baseline,
    and moves its start and due by the difference. Slipped items move by ``days`` (or more if
    pushed). Returns every moved item, slipped ones included, in topological order.
    Raise ValueError for negative days, an unknown item or a cycle. Iterative, O(V + E).
    """
    edge_list = list(edges)
    _check_known(items, edge_list)
    for key, days in slips.items():
        if key not in items:
            raise ValueError(f"unknown item {key!r}")
        if days < 0:
            raise ValueError(f"slip of {key!r} must be >= 0 days, got {days}")
    reachable = _downstream(edge_list, [key for key, days in slips.items() if days > 0])
    sub_edges = [edge for edge in edge_list if edge[0] in reachable and edge[1] in reachable]
    needs = _prerequisites(edge_list)
    result: dict[K, Slip[K]] = {}
    for node in _topological(sub_edges, reachable):
        moved = _moved(node, items, needs.get(node, []), slips.get(node, 0), result)
        if moved is not None:
            result[node] = moved
    return result


def _downstream(edge_list: list[tuple[K, K]], sources: list[K]) -> set[K]:
    graph = successors(edge_list)
    seen = set(sources)
    stack = list(sources)
    while stack:
        for dependent in graph.get(stack.pop(), ()):
            if dependent not in seen:
                seen.add(dependent)
                stack.append(dependent)
    return seen


def _moved(
    node: K, items: Mapping[K, ItemDates], needs: list[K], own_days: int, done: Mapping[K, Slip[K]]
) -> Slip[K] | None:
    """The move of one item given its prerequisites' moves (already in ``done``)."""
    dates = items[node]
    own_start = [dates.start] if dates.start is not None else []
    pushed, by = 0, frozenset[K]()
    if needs:
        baseline = max([items[p].due for p in needs] + own_start)
        new_dues = {p: done[p].due if p in done else items[p].due for p in needs}
        begin = max([*new_dues.values(), *own_start])
        pushed = (begin - baseline).days
        by = frozenset(cause for p in needs if p in done and new_dues[p] == begin for cause in done[p].by)
    days = max(own_days, pushed)
    if days <= 0:
        return None
    causes = (by if pushed >= own_days else frozenset()) | ({node} if own_days >= pushed else frozenset())
    start = dates.start + timedelta(days=days) if dates.start is not None else None
    return Slip(days, start, dates.due + timedelta(days=days), causes)
