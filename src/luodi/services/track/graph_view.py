"""The dependency graph of a meeting or a project (BOARD-4): layers, critical path, slip impact.

Uses luodi.domain.graph: ``generations`` lays items out in columns, ``critical_path`` marks the
chain that decides the last finish, ``propagate_slip`` answers "if T001 slips 3 days, what moves
and to when" — items and the milestones they reach. The scope is bounded (MAX_NODES items).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus
from luodi.domain.graph import ItemDates, Slip, critical_path, generations, propagate_slip
from luodi.domain.roles import Permission
from luodi.i18n import gettext as _
from luodi.models import Dependency, Item, Meeting, Project
from luodi.services.accounts.access import Viewer
from luodi.services.errors import InvalidInput, NotFound
from luodi.services.track import milestones

MAX_NODES = 150
MAX_SLIP_DAYS = 365


@dataclass(frozen=True)
class Node:
    id: int
    code: str
    title: str
    owner: str
    status: ItemStatus
    start: date | None
    due: date
    generation: int          # column: 0 has no prerequisites
    critical: bool           # on the critical path
    slip_days: int = 0       # in the impact view: how far it moves
    new_due: date | None = None


@dataclass(frozen=True)
class Move:
    code: str
    title: str
    due: date
    new_due: date
    days: int


@dataclass(frozen=True)
class Impact:
    """「若 T001 延误 3 天 → T002、T003 顺延至 …,里程碑 … 顺延至 …」"""

    code: str
    days: int
    items: list[Move]
    milestones: list[milestones.MilestoneMove]


@dataclass(frozen=True)
class GraphView:
    title: str
    project_id: int
    meeting_id: int | None
    layers: list[list[Node]]                 # generations, in drawing order
    edges: list[tuple[int, int, bool]]       # (dependent id, prerequisite id, on the critical path)
    critical: list[str]                      # codes, prerequisite first
    impact: Impact | None
    truncated: bool                          # the scope held more than MAX_NODES items


def _scope(session: Session, viewer: Viewer, meeting_id: int | None, project_id: int | None
           ) -> tuple[str, int, int | None, list[Item], bool]:
    if meeting_id is None and project_id is None:
        visible = viewer.visible_projects()
        latest = select(Meeting.id).order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(1)
        meeting_id = session.scalar(latest if visible is None else latest.where(Meeting.project_id.in_(visible)))
        if meeting_id is None:
            raise NotFound("meeting", "—")
    if meeting_id is not None:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFound("meeting", meeting_id)
        viewer.require(Permission.READ, meeting.project_id, what="meeting", key=meeting_id)
        query = select(Item).where(Item.meeting_id == meeting_id)
        title, project = meeting.title, meeting.project_id
    else:
        assert project_id is not None
        found = session.get(Project, project_id)
        if found is None:
            raise NotFound("project", project_id)
        viewer.require(Permission.READ, project_id)
        query = select(Item).where(Item.project_id == project_id)
        title, project = found.name, project_id
    scoped = list(session.scalars(query.order_by(Item.due, Item.id).limit(MAX_NODES + 1)))
    return title, project, meeting_id, scoped[:MAX_NODES], len(scoped) > MAX_NODES


def build(session: Session, viewer: Viewer, *, meeting_id: int | None = None, project_id: int | None = None,
          slip: str | None = None, days: int = 0) -> GraphView:
    """The graph of a meeting (default: the newest readable one) or of a project, with an optional impact."""
    title, project, meeting, scoped, truncated = _scope(session, viewer, meeting_id, project_id)
    by_id = {item.id: item for item in scoped}
    edges = [(a, b) for a, b in session.execute(
        select(Dependency.item_id, Dependency.depends_on_id).where(Dependency.item_id.in_(list(by_id))))
        if b in by_id]
    dates = {item.id: ItemDates(item.start, item.due) for item in scoped}
    chain = critical_path(dates, edges)
    on_chain = set(zip(chain[1:], chain[:-1], strict=False))
    impact, slips = _impact(session, project, by_id, dates, edges, slip, days)
    layers = []
    for number, layer in enumerate(_ordered(generations(edges, list(by_id)), edges)):
        layers.append([Node(i, by_id[i].code, by_id[i].title, by_id[i].owner.name, by_id[i].status, by_id[i].start,
                            by_id[i].due, number, i in chain, slips[i].days if i in slips else 0,
                            slips[i].due if i in slips else None) for i in layer])
    return GraphView(title, project, meeting, layers, [(a, b, (a, b) in on_chain) for a, b in edges],
                     [by_id[i].code for i in chain], impact, truncated)


def _impact(session: Session, project_id: int, by_id: dict[int, Item], dates: dict[int, ItemDates],
            edges: list[tuple[int, int]], code: str | None, days: int) -> tuple[Impact | None, dict[int, Slip[int]]]:
    if not code:
        return None, {}
    slipped = next((i for i, item in by_id.items() if item.code == code.strip().upper()), None)
    if slipped is None:
        raise InvalidInput(_("No item {code} in this graph").format(code=code), field="slip")
    if not 1 <= days <= MAX_SLIP_DAYS:
        raise InvalidInput(_("days must be between 1 and {n}").format(n=MAX_SLIP_DAYS), field="days")
    moved = propagate_slip(dates, edges, slipped, days)
    own = dates[slipped]
    shift = timedelta(days=days)
    everything = {slipped: Slip(days, own.start + shift if own.start else None, own.due + shift,
                                frozenset({slipped})), **moved}
    items = [Move(by_id[i].code, by_id[i].title, by_id[i].due, s.due, s.days) for i, s in moved.items()]
    codes = {i: item.code for i, item in by_id.items()}
    marks = milestones.moves(milestones.of_project(session, project_id), everything, codes)
    return Impact(by_id[slipped].code, days, items, marks), everything


def _ordered(layers: list[list[int]], edges: list[tuple[int, int]]) -> list[list[int]]:
    """Order each layer by the mean row of its prerequisites (fewer crossing lines)."""
    needs: dict[int, list[int]] = {}
    for dependent, prerequisite in edges:
        needs.setdefault(dependent, []).append(prerequisite)
    row: dict[int, float] = {}
    result = []
    for layer in layers:
        ordered = sorted(layer, key=lambda node: (
            sum(row[p] for p in needs.get(node, [])) / len(needs[node]) if needs.get(node) else -1.0))
        result.append(ordered)
        row.update({node: float(index) for index, node in enumerate(ordered)})
    return result
