"""FU-5 reasons and FU-2 interventions: blockers first, the article's three causes."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from luodi.domain.agenda import (
    ORDER,
    Cause,
    ItemFacts,
    Reason,
    Response,
    channel_for,
    interventions,
    needs_intervention,
    reasons,
)
from luodi.domain.cadence import CadenceFacts, ContactChannel, Profile
from luodi.domain.enums import ItemStatus, Priority
from luodi.domain.workdays import Calendar

CHINA = Calendar("china")
DAY1 = date(2026, 9, 14)


def facts(status: ItemStatus = ItemStatus.IN_PROGRESS, *, priority: Priority = Priority.HIGH,
          due: date = date(2026, 9, 21), traits: frozenset[Profile] = frozenset(), **extra: object) -> ItemFacts:
    return ItemFacts(status=status, cadence=CadenceFacts(priority, DAY1, due, traits), **extra)  # type: ignore[arg-type]


def test_day5_is_three_days_before_a_monday_deadline() -> None:
    # The article's Day 5 (Friday): 「小王，你的方案周一要交，现在进展如何？」
    found = reasons(facts(last_contact=date(2026, 9, 17)), date(2026, 9, 18), CHINA)
    assert found[0] is Reason.DUE_SOON


def test_first_time_owner_gets_daily_calls_for_three_days() -> None:
    new = facts(traits=frozenset({Profile.FIRST_TIME}), reachable=frozenset(ContactChannel))
    assert reasons(new, DAY1, CHINA) == [Reason.FIRST_TIME]
    assert channel_for(new, Reason.FIRST_TIME, DAY1) is ContactChannel.PHONE
    no_phone = facts(traits=frozenset({Profile.FIRST_TIME}))
    assert channel_for(no_phone, Reason.FIRST_TIME, DAY1) is ContactChannel.IN_PERSON
    assert reasons(new, date(2026, 9, 16), CHINA, ) == [Reason.FIRST_TIME]
    assert Reason.FIRST_TIME not in reasons(new, date(2026, 9, 17), CHINA)


def test_not_started_after_three_days_and_at_risk_need_the_three_causes() -> None:
    item = facts(ItemStatus.NOT_STARTED, priority=Priority.MEDIUM, due=date(2026, 9, 24),
                 open_prerequisites=("小王",), supervisor="张经理")
    assert Reason.NOT_STARTED not in reasons(item, date(2026, 9, 16), CHINA)
    assert Reason.NOT_STARTED in reasons(item, date(2026, 9, 17), CHINA)
    at_risk = facts(ItemStatus.AT_RISK, priority=Priority.MEDIUM, due=date(2026, 9, 24))
    found = reasons(at_risk, date(2026, 9, 23), CHINA)
    assert found[0] is Reason.AT_RISK and needs_intervention(found)
    causes = interventions(item)
    assert [(i.cause, i.response) for i in causes] == [
        (Cause.WAITING_ON_DEPENDENCY, Response.PARTIAL_HANDOVER),
        (Cause.UNCLEAR_REQUIREMENT, Response.CLARIFY),
        (Cause.LOW_PRIORITY, Response.ESCALATE),
    ]
    assert causes[0].who == ("小王",) and causes[0].likely and causes[2].who == ("张经理",)


def test_urgent_reasons_never_wait_for_the_weekly_meeting() -> None:
    weekly = facts(priority=Priority.MEDIUM, due=date(2026, 10, 9))
    assert channel_for(weekly, Reason.CADENCE, DAY1) is ContactChannel.MEETING
    assert channel_for(weekly, Reason.DUE_SOON, DAY1) is not ContactChannel.MEETING
    assert channel_for(weekly, Reason.BLOCKER, DAY1) is ContactChannel.IM


def test_an_unconfirmed_item_after_the_deadline_is_a_phone_call_before_anything_but_a_blocker() -> None:
    # 「下午5点前,逐个电话确认」: the call list of CONF-1 is part of the day's follow-ups.
    late = facts(unconfirmed=True, reachable=frozenset(ContactChannel), status=ItemStatus.AT_RISK)
    found = reasons(late, DAY1, CHINA)
    assert found[:2] == [Reason.UNCONFIRMED, Reason.AT_RISK]
    assert channel_for(late, Reason.UNCONFIRMED, DAY1) is ContactChannel.PHONE
    assert channel_for(facts(unconfirmed=True), Reason.UNCONFIRMED, DAY1) is ContactChannel.IM   # no phone number
    assert Reason.UNCONFIRMED not in reasons(facts(), DAY1, CHINA)
    assert list(Reason).index(Reason.BLOCKER) < list(Reason).index(Reason.UNCONFIRMED)


def test_nothing_on_holidays_for_done_items_or_when_a_review_is_pending() -> None:
    assert reasons(facts(), date(2026, 9, 19), CHINA) == []  # a Saturday
    assert reasons(facts(ItemStatus.DONE), date(2026, 9, 18), CHINA) == []
    waiting = facts(awaiting_review=True, last_contact=date(2026, 9, 17))
    assert reasons(waiting, date(2026, 9, 18), CHINA) == []


@given(st.sampled_from(list(ItemStatus)), st.sampled_from(list(Priority)),
       st.dates(date(2026, 9, 14), date(2026, 10, 30)), st.dates(date(2026, 9, 1), date(2026, 11, 30)),
       st.one_of(st.none(), st.dates(date(2026, 9, 1), date(2026, 10, 30))))
def test_reasons_are_sorted_and_unique(status: ItemStatus, priority: Priority, due: date, today: date,
                                       last: date | None) -> None:
    found = reasons(facts(status, priority=priority, due=due, last_contact=last), today, CHINA)
    assert found == sorted(set(found), key=ORDER.__getitem__)
    assert Reason.BLOCKER not in found  # blockers are entries of their own
