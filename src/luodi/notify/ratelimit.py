"""Send pacing per channel kind: when may the next message go out? Pure, so a caller DELAYS.

The worker keeps the times of its recent sends per channel (in the database, so every worker
process sees them) and asks ``next_allowed(kind, recent_send_times, now)``. If the answer is
later than ``now`` it sets the outbox row's ``next_attempt_at`` to it instead of sending: the
vendor's limit is never hit, and nothing is dropped.

Limits (sources in docs/channels.md): DingTalk and WeCom 20 a minute per bot (DingTalk then
bans the bot for 10 minutes); Feishu 5 a second and 100 a minute, and Feishu rejects sends
under load around every :00 and :30, so those few seconds are avoided; Slack one a second.

A "window" of ``seconds`` is the half-open interval (x - seconds, x]; a schedule is valid when
no such interval holds more than ``limit`` sends.
"""

from __future__ import annotations

import bisect
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: float


@dataclass(frozen=True)
class Policy:
    """The windows a kind must respect and the half-hour marks it must avoid."""

    windows: tuple[Window, ...] = ()
    avoid_before: float = 0.0  # seconds before each :00/:30 that are off limits
    avoid_after: float = 0.0  # seconds after each :00/:30 that are off limits (0 = no avoidance)
    jitter_span: float = 0.0  # a send moved off a mark lands avoid_after + [0, jitter_span) past it

    @property
    def horizon(self) -> float:
        """How far back send times matter: a caller may forget older ones."""
        return max((w.seconds for w in self.windows), default=0.0)


HALF_HOUR = 1800.0
POLICIES: dict[str, Policy] = {
    "dingtalk": Policy((Window(20, 60.0),)),
    "wecom": Policy((Window(20, 60.0),)),
    "feishu": Policy(
        (Window(5, 1.0), Window(100, 60.0)), avoid_before=1.0, avoid_after=10.0, jitter_span=15.0
    ),
    "slack": Policy((Window(1, 1.0),)),
    "webhook": Policy(),
    "email": Policy(),
}


def policy(kind: str) -> Policy:
    """The kind's policy; an unknown kind is unlimited."""
    return POLICIES.get(kind, Policy())


def next_allowed(kind: str, recent_send_times: Sequence[float], now: float, *, jitter: float = 0.5) -> float:
    """The earliest time >= ``now`` at which one more send keeps every window within its limit.

    ``recent_send_times`` are unix times of sends already made or already scheduled (order does
    not matter; times older than ``policy(kind).horizon`` may be left out). ``jitter`` in [0, 1)
    picks where inside the landing span a send moved off a Feishu half-hour mark goes; a worker
    passes ``random.random()``, tests pass fixed values.
    """
    rules = policy(kind)
    sends = sorted(recent_send_times)
    candidate = now
    while True:
        candidate = _outside_marks(rules, candidate, jitter)
        allowed = _earliest_within_windows(rules, sends, candidate)
        if allowed == candidate or _outside_marks(rules, allowed, jitter) == allowed:
            return allowed
        candidate = allowed


def _outside_marks(rules: Policy, t: float, jitter: float) -> float:
    """``t``, or the landing time past the mark when ``t`` is too close to a :00/:30 mark."""
    if rules.avoid_after <= 0:
        return t
    mark = round(t / HALF_HOUR) * HALF_HOUR  # the nearest mark, before or after t
    if mark - rules.avoid_before <= t < mark + rules.avoid_after:
        return mark + rules.avoid_after + min(max(jitter, 0.0), 0.999) * rules.jitter_span
    return t


def _earliest_within_windows(rules: Policy, sends: list[float], start: float) -> float:
    """Earliest t >= start valid for every window; candidates are start and each send + seconds.

    Validity only changes where an existing send leaves a window, so checking those points
    in order finds the earliest valid one.
    """
    leaving = {s + w.seconds for w in rules.windows for s in sends if s + w.seconds > start}
    candidates = sorted({start} | leaving)
    for t in candidates:
        if all(_fits(sends, t, w) for w in rules.windows):
            return t
    raise AssertionError("unreachable: past every send + window the schedule is empty")


def _fits(sends: list[float], t: float, window: Window) -> bool:
    """Would a send at ``t`` leave every window (x - seconds, x], x in [t, t + seconds), within limit?

    The count of existing sends in such a window peaks at x = t or at an existing send's time.
    """
    points = [t, *sends[bisect.bisect_left(sends, t) : bisect.bisect_left(sends, t + window.seconds)]]
    for x in points:
        inside = bisect.bisect_right(sends, x) - bisect.bisect_right(sends, x - window.seconds)
        if inside >= window.limit:
            return False
    return True


@dataclass
class Limiter:
    """In-memory pacing for one channel (a single process, tests, the CLI's ``send --now``)."""

    kind: str
    clock: Callable[[], float] = time.time
    jitter: Callable[[], float] = random.random
    sent: list[float] = field(default_factory=list)

    def reserve(self) -> float:
        """Book the earliest allowed slot and return it; the caller sleeps until then."""
        now = self.clock()
        horizon = now - policy(self.kind).horizon
        self.sent = [t for t in self.sent if t > horizon]
        slot = next_allowed(self.kind, self.sent, now, jitter=self.jitter())
        self.sent.append(slot)
        return slot
