"""Send pacing: properties of next_allowed, and agreement with the vendors' stand-ins."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from luodi.notify.base import Message
from luodi.notify.dingtalk import DingTalk, DingTalkConfig
from luodi.notify.feishu import Feishu, FeishuConfig
from luodi.notify.ratelimit import HALF_HOUR, Limiter, next_allowed, policy
from support.fakebots import DingTalkBot, FeishuBot

T0 = 1_790_000_000.0  # a :33:20 — far from the marks
MARK = 1_789_999_200.0  # an exact :00 (divisible by 1800)

# Bursts (many messages due at once), trickles and pauses, mixed.
gap = st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=3.0), st.floats(0.0, 90.0))
gaps = st.lists(gap, min_size=1, max_size=80)
starts = st.floats(min_value=T0, max_value=T0 + 86_400, allow_nan=False)
jitters = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
near_a_mark = st.one_of(  # the seconds around :00 and :30, where Feishu must not be hit
    st.floats(min_value=MARK - 120, max_value=MARK + 120), st.floats(min_value=MARK - 2, max_value=MARK + 11)
)


def schedule(kind: str, start: float, arrival_gaps: list[float], jitter: float) -> list[float]:
    """A worker asking for a slot each time a message arrives; slots may lie in the future."""
    booked: list[float] = []
    now = start
    for gap in arrival_gaps:
        now += gap
        slot = next_allowed(kind, booked, now, jitter=jitter)
        assert slot >= now
        booked.append(slot)
    return booked


def most_in_any_window(times: list[float], seconds: float) -> int:
    """The largest number of times inside any half-open window (x - seconds, x]."""
    ordered = sorted(times)
    return max(bisect.bisect_right(ordered, x) - bisect.bisect_right(ordered, x - seconds) for x in ordered)


@settings(max_examples=150, deadline=None)
@given(start=starts, arrival_gaps=gaps, jitter=jitters)
@example(start=T0, arrival_gaps=[0.0] * 80, jitter=0.5)
def test_dingtalk_never_gets_more_than_20_in_any_60_seconds(
    start: float, arrival_gaps: list[float], jitter: float
) -> None:
    assert most_in_any_window(schedule("dingtalk", start, arrival_gaps, jitter), 60.0) <= 20


@settings(max_examples=100, deadline=None)
@given(start=starts, arrival_gaps=gaps, jitter=jitters)
@example(start=T0, arrival_gaps=[0.0] * 80, jitter=0.5)
def test_wecom_never_gets_more_than_20_in_any_60_seconds(
    start: float, arrival_gaps: list[float], jitter: float
) -> None:
    assert most_in_any_window(schedule("wecom", start, arrival_gaps, jitter), 60.0) <= 20


@settings(max_examples=150, deadline=None)
@given(
    start=near_a_mark,
    arrival_gaps=st.lists(st.one_of(st.just(0.0), st.floats(0.0, 3.0)), min_size=1, max_size=120),
    jitter=jitters,
)
@example(start=MARK - 2.0, arrival_gaps=[0.0] * 120, jitter=0.0)
@example(start=MARK + 6.0, arrival_gaps=[0.5] * 10, jitter=0.0)
def test_feishu_respects_both_windows_and_never_lands_in_the_first_seconds_after_00_or_30(
    start: float, arrival_gaps: list[float], jitter: float
) -> None:
    slots = schedule("feishu", start, arrival_gaps, jitter)
    assert most_in_any_window(slots, 1.0) <= 5
    assert most_in_any_window(slots, 60.0) <= 100
    for slot in slots:
        past_mark = slot % HALF_HOUR
        assert past_mark >= 10.0 and past_mark < HALF_HOUR - 1.0, f"{past_mark:.3f}s past a mark"


@settings(max_examples=150, deadline=None)
@given(start=starts, arrival_gaps=gaps, shift=st.floats(min_value=0.0, max_value=120.0), jitter=jitters)
@example(start=T0, arrival_gaps=[0.0] * 30, shift=10.0, jitter=0.5)
def test_slots_already_booked_in_the_future_are_respected(
    start: float, arrival_gaps: list[float], shift: float, jitter: float
) -> None:
    """Rows scheduled ahead (a retry-after, an earlier deferral) count as much as past sends."""
    booked = [slot + shift for slot in schedule("dingtalk", start, arrival_gaps, jitter)]
    slot = next_allowed("dingtalk", booked, start, jitter=jitter)
    assert slot >= start and most_in_any_window([*booked, slot], 60.0) <= 20


def test_twenty_sends_booked_ahead_push_a_new_one_past_their_window() -> None:
    assert next_allowed("dingtalk", [T0 + 30] * 20, T0) == T0 + 90
    assert next_allowed("dingtalk", [T0 + 30] * 19, T0) == T0


def test_a_send_at_the_hour_moves_a_few_seconds_later_by_the_jitter() -> None:
    assert next_allowed("feishu", [], MARK, jitter=0.0) == MARK + 10.0
    assert next_allowed("feishu", [], MARK + 3, jitter=0.5) == MARK + 17.5
    assert next_allowed("feishu", [], MARK - 0.5, jitter=0.0) == MARK + 10.0  # clock skew margin
    assert next_allowed("feishu", [], MARK + 1800 + 12, jitter=0.9) == MARK + 1812  # past the guard


def test_full_minute_delays_to_when_the_oldest_send_leaves_the_window() -> None:
    sent = [T0 + n for n in range(20)]
    assert next_allowed("dingtalk", sent, T0 + 30) == T0 + 60.0
    assert next_allowed("dingtalk", sent[1:], T0 + 30) == T0 + 30  # 19 in the window: go now


def test_older_sends_than_the_horizon_do_not_matter() -> None:
    assert policy("dingtalk").horizon == 60.0 and policy("feishu").horizon == 60.0
    assert next_allowed("dingtalk", [T0 - 61.0] * 50, T0) == T0


def test_kinds_without_limits_always_go_now() -> None:
    assert next_allowed("email", [T0] * 1000, T0) == T0
    assert next_allowed("webhook", [T0] * 1000, T0) == T0
    assert next_allowed("not-a-kind", [T0] * 10, T0) == T0


def test_limiter_books_slots_one_after_another() -> None:
    limiter = Limiter("slack", clock=lambda: T0, jitter=lambda: 0.0)
    assert [limiter.reserve() for _ in range(3)] == [T0, T0 + 1.0, T0 + 2.0]


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5) as client:
        yield client


def test_paced_sends_are_all_accepted_by_dingtalk_which_bans_a_robot_that_sends_too_fast(
    http: httpx.Client,
) -> None:
    clock = [T0]
    message = Message(message_id="<m@luodi>", subject="提醒", text="提醒")
    with DingTalkBot(clock=lambda: clock[0]) as bot:
        robot = DingTalk(DingTalkConfig.model_validate({"url": bot.url}), http=http, clock=lambda: clock[0])
        limiter = Limiter("dingtalk", clock=lambda: clock[0])
        for _ in range(45):  # 45 reminders due at once: the limiter spreads them over three minutes
            clock[0] = max(clock[0], limiter.reserve())
            robot.send(message)
    assert len(bot.accepted) == 45
    assert clock[0] - T0 >= 120.0


def test_paced_sends_are_all_accepted_by_feishu_across_the_half_hour(http: httpx.Client) -> None:
    clock = [MARK - 5.0]
    message = Message(message_id="<m@luodi>", subject="提醒", text="提醒")
    with FeishuBot(clock=lambda: clock[0]) as bot:
        bot_client = Feishu(FeishuConfig.model_validate({"url": bot.url}), http=http, clock=lambda: clock[0])
        limiter = Limiter("feishu", clock=lambda: clock[0])
        sent_at = []
        for _ in range(30):
            clock[0] = max(clock[0], limiter.reserve())
            bot_client.send(message)
            sent_at.append(clock[0])
    assert len(bot.accepted) == 30
    assert not any(MARK - 1.0 <= t < MARK + 10.0 for t in sent_at)
