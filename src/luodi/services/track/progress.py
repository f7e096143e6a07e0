"""Subtask progress rolled up to the parent (BOARD-3).

An item's progress is 1 when it is done; otherwise the mean progress of its subtasks (0 with no
subtasks). The parent shows how many direct subtasks are done and the rolled-up percentage.
Walks down the subtask tree level by level, one query per level, bounded in depth and size so a
page of cards costs a query or two (the partial index ix_item_parent serves it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus
from luodi.models import Item

MAX_DEPTH = 6
MAX_NODES = 5000
CHUNK = 500   # ids per IN (…) list


@dataclass(frozen=True)
class Progress:
    done: int        # direct subtasks done
    total: int       # direct subtasks
    percent: int     # rolled up over the whole subtask tree, 0–100


def rollup(session: Session, item_ids: Iterable[int]) -> dict[int, Progress]:
    """Progress of each of ``item_ids`` that has subtasks (items without subtasks are left out)."""
    roots = list(dict.fromkeys(item_ids))
    children: dict[int, list[tuple[int, bool]]] = {}
    frontier, depth, seen = roots, 0, 0
    while frontier and depth < MAX_DEPTH and seen < MAX_NODES:
        found: list[int] = []
        for start in range(0, len(frontier), CHUNK):
            rows = session.execute(
                select(Item.parent_id, Item.id, Item.status).where(Item.parent_id.in_(frontier[start:start + CHUNK]))
            ).all()
            for parent_id, child_id, status in rows:
                assert parent_id is not None
                children.setdefault(parent_id, []).append((child_id, status is ItemStatus.DONE))
                found.append(child_id)
        frontier, depth, seen = found, depth + 1, seen + len(found)

    memo: dict[int, float] = {}

    def value(node: int, done: bool, guard: int = 0) -> float:
        if done:
            return 1.0
        if node not in memo:
            kids = children.get(node, [])
            memo[node] = (sum(value(k, d, guard + 1) for k, d in kids) / len(kids)) if kids and guard < 32 else 0.0
        return memo[node]

    result: dict[int, Progress] = {}
    for root in roots:
        kids = children.get(root)
        if kids:
            percent = round(100 * sum(value(k, d) for k, d in kids) / len(kids))
            result[root] = Progress(done=sum(1 for _, d in kids if d), total=len(kids), percent=percent)
    return result
