"""SVG charts drawn on the server (MET-1): no JavaScript, no library, safe to inline.

Only presentation attributes are used (``fill``, ``stroke``, ``font-size``), never ``style``, so
the pages' Content-Security-Policy (``style-src 'self'``) does not strip them; every label is
XML-escaped. Values are rates in [0, 1] (None: nothing to count, drawn as a gap) or plain numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH = 520, 22, 8, 140
COLORS = {"good": "#2e7d32", "fair": "#d46b08", "poor": "#d32f2f", "axis": "#c9cdd4", "text": "#1f2329",
          "muted": "#8f959e", "line": "#1456f0"}
FONT = "-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"


def _color(value: float) -> str:
    return COLORS["good"] if value >= 0.8 else COLORS["fair"] if value >= 0.5 else COLORS["poor"]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def bar_chart(rows: Sequence[tuple[str, float | None]], *, title: str, empty: str = "—") -> Markup:
    """Horizontal bars of rates (0…1), one per row, labelled with the percentage."""
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + 34
    span = WIDTH - LABEL_WIDTH - 60
    parts = [_open(WIDTH, height, title),
             f'<text x="0" y="16" font-size="14" font-weight="bold" fill="{COLORS["text"]}">{escape(title)}</text>']
    if not rows:
        parts.append(f'<text x="0" y="44" font-size="13" fill="{COLORS["muted"]}">{escape(empty)}</text>')
    for index, (label, value) in enumerate(rows):
        y = 28 + index * (BAR_HEIGHT + GAP)
        parts.append(f'<text x="0" y="{y + 15}" font-size="13" fill="{COLORS["text"]}">{escape(label)}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{span}" height="{BAR_HEIGHT}" fill="#f2f3f5"/>')
        if value is not None:
            width = round(span * max(0.0, min(1.0, value)), 1)
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
                         f'fill="{_color(value)}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + span + 8}" y="{y + 15}" font-size="13" '
                     f'fill="{COLORS["text"]}">{_percent(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(points: Sequence[tuple[str, float | None]], *, title: str, empty: str = "—") -> Markup:
    """A trend of rates (0…1) over labelled points (ISO weeks); None leaves a gap."""
    height, top, bottom, left = 200, 30, 170, 40
    span = WIDTH - left - 20
    parts = [_open(WIDTH, height, title),
             f'<text x="0" y="16" font-size="14" font-weight="bold" fill="{COLORS["text"]}">{escape(title)}</text>',
             f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - 10}" y2="{bottom}" stroke="{COLORS["axis"]}"/>',
             f'<text x="0" y="{top + 4}" font-size="11" fill="{COLORS["muted"]}">100%</text>',
             f'<text x="0" y="{bottom}" font-size="11" fill="{COLORS["muted"]}">0%</text>']
    if not points:
        parts.append(f'<text x="{left}" y="{(top + bottom) // 2}" font-size="13" '
                     f'fill="{COLORS["muted"]}">{escape(empty)}</text>')
    step = span / max(1, len(points) - 1) if len(points) > 1 else 0.0
    coords: list[tuple[float, float] | None] = []
    for index, (label, value) in enumerate(points):
        x = left + (step * index if len(points) > 1 else span / 2)
        parts.append(f'<text x="{x:.1f}" y="{bottom + 18}" font-size="11" text-anchor="middle" '
                     f'fill="{COLORS["muted"]}">{escape(label)}</text>')
        coords.append(None if value is None else (x, bottom - (bottom - top) * max(0.0, min(1.0, value))))
    parts += _polylines(coords)
    parts.append("</svg>")
    return Markup("".join(parts))


def _polylines(coords: list[tuple[float, float] | None]) -> list[str]:
    parts, run = [], []
    for point in [*coords, None]:
        if point is not None:
            run.append(point)
            parts.append(f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="3.5" fill="{COLORS["line"]}"/>')
            continue
        if len(run) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{COLORS["line"]}" stroke-width="2"/>')
        run = []
    return parts


def _open(width: int, height: int, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}">')
