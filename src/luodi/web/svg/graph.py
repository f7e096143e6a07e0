"""Positions for the dependency graph's SVG: one column per generation, one box per item.

Pure geometry over a GraphView; the template ``partials/graph.svg.html`` draws it. Lines run
from the right side of a prerequisite to the left side of the item that depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from luodi.services.track.graph_view import GraphView, Node

BOX_W, BOX_H = 188, 66
GAP_X, GAP_Y = 72, 20
PAD = 16
TITLE_CHARS = 12


@dataclass(frozen=True)
class SvgNode:
    node: Node
    x: int
    y: int
    title: str            # shortened to fit the box (the full title is in <title>)


@dataclass(frozen=True)
class SvgEdge:
    path: str             # an SVG path: a smooth curve between the two boxes
    critical: bool        # on the critical path
    moved: bool           # both ends move in the impact view


@dataclass(frozen=True)
class SvgGraph:
    width: int
    height: int
    box_w: int
    box_h: int
    nodes: list[SvgNode]
    edges: list[SvgEdge]


def shorten(text: str, limit: int = TITLE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def layout(view: GraphView) -> SvgGraph:
    """Place every node; columns are the graph's generations, in the order GraphView gives."""
    placed: dict[int, SvgNode] = {}
    tallest = max((len(layer) for layer in view.layers), default=0)
    for column, layer in enumerate(view.layers):
        for row, node in enumerate(layer):
            placed[node.id] = SvgNode(node, PAD + column * (BOX_W + GAP_X), PAD + row * (BOX_H + GAP_Y),
                                      shorten(node.title))
    edges = []
    for dependent, prerequisite, critical in view.edges:
        a, b = placed[prerequisite], placed[dependent]
        x1, y1 = a.x + BOX_W, a.y + BOX_H // 2
        x2, y2 = b.x - 6, b.y + BOX_H // 2
        bend = max(24, (x2 - x1) // 2)
        path = f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"
        moved = (a.node.slip_days > 0 or (view.impact is not None and a.node.code == view.impact.code)) \
            and b.node.slip_days > 0
        edges.append(SvgEdge(path, critical, moved))
    width = PAD * 2 + max(1, len(view.layers)) * (BOX_W + GAP_X) - GAP_X
    height = PAD * 2 + max(1, tallest) * (BOX_H + GAP_Y) - GAP_Y
    return SvgGraph(width, height, BOX_W, BOX_H, list(placed.values()), edges)
