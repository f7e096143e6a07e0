"""The team's own figures for the article's PMI statistics (MET-1), as pure arithmetic.

The article: 67% of decisions are not carried out, 52% of action items have no clear owner, 71%
of follow-ups fall short, 23% of decisions fully land. Measured here, over the items due in a
period (and the meetings they come from), as of a day:

- **landing rate**: decisions whose meeting's items are all done. The list format does not tie
  an item to one decision, so a meeting's decisions land together when all its items are done;
  a meeting without written decisions counts as one.
- **clear owner**: items whose owner is one person (not a group such as 大家/各部门).
- **followed up before the deadline**: of the items whose deadline has come (or that are done),
  those with a follow-up or a reminder before the due day.
- **on time**: of the items whose outcome is known — done, or open past due — those done on or
  before the due day. **Average delay**: mean days late over the late ones.
- **per-owner reliability**: on-time rate and average delay per owner; **trend**: per ISO week.

Every figure is defined over an empty period: a :class:`Ratio` of 0/0 has ``value`` None, an
average over nothing is None. Nothing raises.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Ratio:
    hits: int
    total: int

    @property
    def value(self) -> float | None:
        """hits / total in [0, 1]; None when there is nothing to count."""
        return self.hits / self.total if self.total else None

    def to_json(self) -> dict[str, float | int | None]:
        value = self.value
        return {"value": None if value is None else round(value, 4), "hits": self.hits, "total": self.total}


@dataclass(frozen=True)
class ItemOutcome:
    key: Hashable
    owner: str
    meeting: Hashable | None
    due: date
    done_on: date | None  # local date it was done; None while open
    clear_owner: bool = True
    followed_before_due: bool = False


@dataclass(frozen=True)
class MeetingOutcome:
    key: Hashable
    decisions: int
    items: int
    done: int


def delay_days(item: ItemOutcome, as_of: date) -> int | None:
    """Days late (0 = on time); None while the outcome is unknown (open, not yet past due)."""
    if item.done_on is not None:
        return max(0, (item.done_on - item.due).days)
    if item.due < as_of:
        return (as_of - item.due).days
    return None


def ratio(items: Iterable[ItemOutcome], counted: Callable[[ItemOutcome], bool | None]) -> Ratio:
    """Items where ``counted`` is True over those where it is not None."""
    verdicts = [v for v in (counted(item) for item in items) if v is not None]
    return Ratio(sum(1 for v in verdicts if v), len(verdicts))


def on_time(items: Iterable[ItemOutcome], as_of: date) -> Ratio:
    def verdict(item: ItemOutcome) -> bool | None:
        late = delay_days(item, as_of)
        return None if late is None else late == 0

    return ratio(items, verdict)


def average_delay(items: Iterable[ItemOutcome], as_of: date) -> float | None:
    late = [d for d in (delay_days(item, as_of) for item in items) if d]
    return round(sum(late) / len(late), 2) if late else None


def clear_owner(items: Iterable[ItemOutcome]) -> Ratio:
    return ratio(items, lambda item: item.clear_owner)


def followed_up(items: Iterable[ItemOutcome], as_of: date) -> Ratio:
    def verdict(item: ItemOutcome) -> bool | None:
        deadline_came = item.due <= as_of or item.done_on is not None
        return item.followed_before_due if deadline_came else None

    return ratio(items, verdict)


def landing_rate(meetings: Iterable[MeetingOutcome]) -> Ratio:
    counted = [m for m in meetings if m.items > 0]
    hits = sum(max(1, m.decisions) for m in counted if m.done >= m.items)
    return Ratio(hits, sum(max(1, m.decisions) for m in counted))


@dataclass(frozen=True)
class OwnerReliability:
    owner: str
    on_time: Ratio
    average_delay: float | None
    items: int


def owners(items: Iterable[ItemOutcome], as_of: date) -> list[OwnerReliability]:
    """Per owner, sorted by on-time rate (best first, unknown last), then by name."""
    grouped: dict[str, list[ItemOutcome]] = defaultdict(list)
    for item in items:
        grouped[item.owner].append(item)
    rows = [OwnerReliability(owner, on_time(owned, as_of), average_delay(owned, as_of), len(owned))
            for owner, owned in grouped.items()]
    return sorted(rows, key=lambda r: (r.on_time.value is None, -(r.on_time.value or 0.0), r.owner))


@dataclass(frozen=True)
class WeekPoint:
    week: str  # ISO week, 2026-W39
    on_time: Ratio
    followed_up: Ratio
    items: int


def by_week(items: Iterable[ItemOutcome], as_of: date) -> list[WeekPoint]:
    """The trend: one point per ISO week of the due dates, oldest first."""
    grouped: dict[str, list[ItemOutcome]] = defaultdict(list)
    for item in items:
        year, week, _day = item.due.isocalendar()
        grouped[f"{year}-W{week:02d}"].append(item)
    return [WeekPoint(week, on_time(group, as_of), followed_up(group, as_of), len(group))
            for week, group in sorted(grouped.items())]


@dataclass(frozen=True)
class Summary:
    items: int
    landing_rate: Ratio
    clear_owner: Ratio
    followed_up: Ratio
    on_time: Ratio
    average_delay: float | None
    owners: list[OwnerReliability]
    trend: list[WeekPoint]


def summarize(items: Sequence[ItemOutcome], meetings: Sequence[MeetingOutcome], as_of: date) -> Summary:
    """Every figure at once; defined (never raising) for empty inputs."""
    return Summary(
        items=len(items),
        landing_rate=landing_rate(meetings),
        clear_owner=clear_owner(items),
        followed_up=followed_up(items, as_of),
        on_time=on_time(items, as_of),
        average_delay=average_delay(items, as_of),
        owners=owners(items, as_of),
        trend=by_week(items, as_of),
    )
