"""SYNC-1: a daily standup or a weekly review; agendas are time-boxed; ISO weeks."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luodi.domain.sync import (
    CLOSURE_AGENDA,
    WEEKLY_AGENDA,
    ProjectFacts,
    SyncKind,
    SyncReason,
    agenda_minutes,
    iso_week,
    parse_iso_week,
    recommend,
)


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
