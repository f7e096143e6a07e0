"""Page contexts of the pictures: the dependency graph and the milestone timeline (SVG drawn here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from luodi.services.track.graph_view import GraphView
from luodi.services.track.milestones import TimelineRow
from luodi.web.svg.graph import SvgGraph
from luodi.web.svg.timeline import SvgTimeline


@dataclass(frozen=True)
class GraphPage:
    """The dependency graph by generations with the critical path marked, and the slip impact form."""

    view: GraphView                  # nodes, edges, critical path, impact
    svg: SvgGraph                    # positioned boxes and lines
    meetings: dict[int, str]         # other meetings to show (a menu)
    slip: str                        # the impact form's values
    days: int
    error: str | None                # a refused impact question (unknown code, days out of range)


@dataclass(frozen=True)
class TimelinePage:
    """Milestones of a project on a time axis, each with its items as bars."""

    project_id: int
    project: str
    projects: dict[int, str]         # a menu of readable projects
    rows: list[TimelineRow]
    svg: SvgTimeline
    can_edit: bool                   # may add milestones
    today: date
    error: str | None
