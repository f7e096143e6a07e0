"""SYNC-1: a daily standup or a weekly review; agendas are time-boxed; ISO weeks."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luodi.domain.sync import (
    CLOSURE_AGENDA,
    STANDUP_QUESTIONS,
    WEEKLY_AGENDA,
    ProjectFacts,
    SyncKind,
    SyncReason,
    agenda_minutes,
    iso_week,
    parse_iso_week,
    recommend,
    translated,
)
from luodi.i18n import gettext, use_language


@given(st.integers(0, 2000), st.integers(0, 12), st.booleans())
def test_recommendation_follows_the_article(span: int, departments: int, risky: bool) -> None:
    found = recommend(ProjectFacts(span, departments, risky))
    standup = span < 30 or departments > 3 or risky
    assert found.kind is (SyncKind.STANDUP if standup else SyncKind.WEEKLY)
    if standup:
        assert found.minutes == (15, 15) and found.at.hour == 9 and found.weekday is None
    else:
        assert found.minutes == (30, 45) and found.weekday == 4
    assert found.reasons


def test_reasons_are_named() -> None:
    assert recommend(ProjectFacts(14, 4, True)).reasons == (
        SyncReason.URGENT, SyncReason.MANY_DEPARTMENTS, SyncReason.HIGH_RISK)
    assert recommend(ProjectFacts(90, 2, False)).reasons == (SyncReason.STEADY,)
    assert recommend(ProjectFacts(400, 2, False)).reasons == (SyncReason.LONG,)


def test_agendas_are_the_articles() -> None:
    assert [p.minutes for p in WEEKLY_AGENDA] == [10, 10, 15, 5] and agenda_minutes(WEEKLY_AGENDA) == 40
    assert [p.minutes for p in CLOSURE_AGENDA] == [5, 10, 10, 5] and agenda_minutes(CLOSURE_AGENDA) == 30


@given(st.dates(date(2000, 1, 3), date(2099, 12, 28)))
def test_iso_weeks_round_trip(day: date) -> None:
    monday, sunday = parse_iso_week(iso_week(day))
    assert monday <= day <= sunday and monday.weekday() == 0 and (sunday - monday).days == 6


def test_bad_weeks_are_refused() -> None:
    assert parse_iso_week("2026-W40") == (date(2026, 9, 28), date(2026, 10, 4))
    for bad in ("2026-40", "W40", "2026-W54", "2021-W53x"):
        with pytest.raises(ValueError):
            parse_iso_week(bad)


# ---------------------------------------------------------------- the article's boundaries

def test_a_project_of_29_days_is_urgent_one_of_a_month_is_not() -> None:
    assert recommend(ProjectFacts(29, 3, False)).reasons == (SyncReason.URGENT,)
    assert recommend(ProjectFacts(30, 3, False)).kind is SyncKind.WEEKLY  # 「紧急项目(<1个月)」


def test_more_than_three_departments_need_a_standup_three_do_not() -> None:
    assert recommend(ProjectFacts(90, 4, False)).reasons == (SyncReason.MANY_DEPARTMENTS,)
    assert recommend(ProjectFacts(90, 3, False)).kind is SyncKind.WEEKLY  # 「多方协作(>3个部门)」


def test_six_months_is_still_a_steady_weekly_project_longer_is_long() -> None:
    assert recommend(ProjectFacts(183, 1, False)).reasons == (SyncReason.STEADY,)
    assert recommend(ProjectFacts(184, 1, False)).reasons == (SyncReason.LONG,)


def test_the_standup_is_at_nine_for_15_minutes_the_weekly_review_friday_at_four() -> None:
    standup = recommend(ProjectFacts(10, 1, False))
    assert (standup.kind, standup.minutes, standup.at, standup.weekday) == (
        SyncKind.STANDUP, (15, 15), time(9, 0), None)
    weekly = recommend(ProjectFacts(90, 1, False))
    assert (weekly.kind, weekly.minutes, weekly.at, weekly.weekday) == (SyncKind.WEEKLY, (30, 45), time(16, 0), 4)


def test_the_agendas_and_questions_are_translated_in_order() -> None:
    with use_language("en"):
        assert translated(WEEKLY_AGENDA) == [
            ("Review of last week's results", 10), ("Confirm next week's plan", 10),
            ("Identify and resolve risks", 15), ("Confirm next week's action items", 5)]
    with use_language("zh"):
        titles = [title for title, _minutes in translated(CLOSURE_AGENDA)]
    assert titles == [_zh(point.title) for point in CLOSURE_AGENDA]
    assert all(title != point.title for title, point in zip(titles, CLOSURE_AGENDA, strict=True))
    assert len(STANDUP_QUESTIONS) == 3  # 昨天完成了什么 / 今天计划做什么 / 遇到什么障碍


def _zh(msgid: str) -> str:
    with use_language("zh"):
        return gettext(msgid)


def test_a_bad_week_is_refused_naming_the_text_or_the_missing_week() -> None:
    with use_language("en"):
        with pytest.raises(ValueError) as unreadable:
            parse_iso_week("2026-40")
        assert str(unreadable.value) == "expected an ISO week such as 2026-W40, got '2026-40'"
        with pytest.raises(ValueError) as missing:
            parse_iso_week("2026-W54")
        assert str(missing.value) == "2026 has no week 54"
    assert parse_iso_week(" 2026w53 ") == (date(2026, 12, 28), date(2027, 1, 3))
    assert iso_week(date(2027, 1, 3)) == "2026-W53" and iso_week(date(2026, 1, 5)) == "2026-W02"
