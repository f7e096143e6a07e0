"""Positions for the milestone timeline's SVG: a date axis, a diamond per milestone, a bar per item.

Pure geometry over services.milestones.TimelineRow; ``partials/timeline.svg.html`` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from luodi.domain.enums import ItemStatus
from luodi.services.track.milestones import TimelineRow
from luodi.web.svg.graph import shorten

LABEL_W = 220          # the left column: milestone and item names
ROW_H = 26
HEAD_H = 34            # the axis
PAD = 12
WIDTH = 1000           # the drawing is scaled by the browser (viewBox), this is its design width


@dataclass(frozen=True)
class Tick:
    x: int
    label: str            # MM-DD


@dataclass(frozen=True)
class Bar:
    item_id: int
    label: str            # "T001 细化活动方案"
    owner: str
    status: ItemStatus
    x: int
    y: int
    width: int
    late: bool            # due after its milestone


@dataclass(frozen=True)
class Diamond:
    label: str
    due: date
    x: int
    y: int
    done: bool            # every item done
    hidden: int           # items not drawn


@dataclass(frozen=True)
class SvgTimeline:
    width: int
    height: int
    label_w: int
    row_h: int
    ticks: list[Tick]
    diamonds: list[Diamond]
    bars: list[Bar]
    today_x: int | None    # None when today is outside the axis


def _span(rows: list[TimelineRow], today: date) -> tuple[date, date]:
    days = [today]
    for row in rows:
        if row.milestone is not None:
            days.append(row.milestone.due)
        for item in row.items:
            days += [item.due, item.start or item.due]
    return min(days) - timedelta(days=2), max(days) + timedelta(days=3)


def layout(rows: list[TimelineRow], today: date) -> SvgTimeline:
    first, last = _span(rows, today)
    total = max(1, (last - first).days)
    scale = (WIDTH - LABEL_W - PAD) / total

    def x_of(day: date) -> int:
        return round(LABEL_W + (day - first).days * scale)

    ticks = [Tick(x_of(first + timedelta(days=n)), (first + timedelta(days=n)).strftime("%m-%d"))
             for n in range(0, total + 1, max(1, total // 10))]
    diamonds, bars, y = [], [], HEAD_H
    for row in rows:
        if row.milestone is not None:
            diamonds.append(Diamond(row.milestone.title, row.milestone.due, x_of(row.milestone.due), y + ROW_H // 2,
                                    row.done, row.hidden))
        y += ROW_H
        for item in row.items:
            start = x_of(item.start or item.due)
            end = x_of(item.due + timedelta(days=1))
            late = row.milestone is not None and item.due > row.milestone.due
            bars.append(Bar(item.id, shorten(f"{item.code} {item.title}", 16), item.owner, item.status, start,
                            y + 5, max(6, end - start), late))
            y += ROW_H
    today_x = x_of(today) if first <= today <= last else None
    return SvgTimeline(WIDTH, y + PAD, LABEL_W, ROW_H, ticks, diamonds, bars, today_x)
