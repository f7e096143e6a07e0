"""Services of issue 5 on a real database: the agenda is kept once per day, blockers first;
submissions, acceptance rounds, closure, carry-over and metrics (the Q4 meeting of 2026-09-26)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luodi.domain.agenda import FollowUpStatus
from luodi.domain.enums import ItemStatus
from luodi.domain.scoring import SubmissionKind
from luodi.domain.workdays import Calendar
from luodi.models import CarriedItem, FollowUp, Item, ItemChecklist, Meeting
from luodi.services.accept import acceptance, closure, metrics, next_phase, submissions
from luodi.services.audit import Actor
from luodi.services.errors import Conflict, InvalidInput
from luodi.services.followup import blockers, followups
from luodi.services.track import items
from support.q4 import SHANGHAI, load_q4, local, open_session

CHINA = Calendar("china")
ARTICLE = {"completeness": 4, "accuracy": 5, "executability": 3, "innovation": 3}


@pytest.fixture
def q4(any_db_url: str) -> Iterator[tuple[Session, int]]:
    """The Q4 meeting on SQLite and on PostgreSQL."""
    meeting_id = load_q4(any_db_url)
    session = open_session(any_db_url)
    yield session, meeting_id
    session.close()


def _agenda(session: Session, moment: tuple[int, ...]) -> followups.Agenda:
    agenda = followups.build(session, now=local(*moment), tz=SHANGHAI, calendar=CHINA)
    session.commit()
    return agenda


def test_building_the_agenda_twice_writes_each_entry_once(q4: tuple[Session, int]) -> None:
    session, _ = q4
    first = _agenda(session, (2026, 9, 28, 9, 0))
    again = _agenda(session, (2026, 9, 28, 11, 0))
    assert [r.id for r in first.rows] == [r.id for r in again.rows] and len(first.rows) == 3
    assert session.scalar(select(func.count()).select_from(FollowUp)) == 3
    assert _agenda(session, (2026, 9, 27, 9, 0)).rows == []  # Sunday 09-27 is a holiday


def test_a_blocker_is_first_and_its_entry_is_dropped_once_cleared(q4: tuple[Session, int]) -> None:
    session, _ = q4
    item = items.by_code(session, "T002")
    blocker = blockers.add(session, item=item, person=item.owner, what="方案", waiting_on="小王", source="cli",
                           now=local(2026, 9, 28, 9, 0))
    session.commit()
    rows = _agenda(session, (2026, 9, 28, 9, 5)).rows
    assert rows[0].reason == "blocker" and rows[0].blocker_id == blocker.id
    blockers.clear(session, blocker.id, actor=Actor.system("test"), now=local(2026, 9, 28, 10, 35))
    session.commit()
    assert blocker.minutes_open == 95
    assert all(r.reason != "blocker" for r in _agenda(session, (2026, 9, 28, 11, 0)).rows)
    assert session.scalar(select(FollowUp.status).where(FollowUp.blocker_id == blocker.id)) == FollowUpStatus.DROPPED
    with pytest.raises(Conflict):
        blockers.clear(session, blocker.id, actor=Actor.system("test"), now=local(2026, 9, 28, 12, 0))


def test_a_follow_up_keeps_its_first_outcome(q4: tuple[Session, int]) -> None:
    session, _ = q4
    row = _agenda(session, (2026, 9, 28, 9, 0)).rows[0]
    assert row.id is not None
    with pytest.raises(InvalidInput):
        followups.mark_done(session, row.id, "  ", actor=Actor.system("t"), now=local(2026, 9, 28, 9, 30))
    followups.mark_done(session, row.id, "已确认", actor=Actor.system("t"), now=local(2026, 9, 28, 9, 30))
    with pytest.raises(Conflict):
        followups.mark_done(session, row.id, "again", actor=Actor.system("t"), now=local(2026, 9, 28, 9, 40))
    assert session.get_one(FollowUp, row.id).outcome == "已确认"


def test_a_partial_version_moves_the_due_date_and_needs_a_later_full_date(q4: tuple[Session, int]) -> None:
    session, _ = q4
    item = items.by_code(session, "T002")
    with pytest.raises(InvalidInput):
        submissions.submit(session, item, item.owner, link="https://x.example/a", kind=SubmissionKind.PARTIAL,
                           note=None, full_due=None, today=date(2026, 10, 4), now=local(2026, 10, 4, 10, 0))
    with pytest.raises(InvalidInput):
        submissions.submit(session, item, item.owner, link="javascript:alert(1)", kind=SubmissionKind.FINAL,
                           note=None, full_due=None, today=date(2026, 10, 4), now=local(2026, 10, 4, 10, 0))
    submissions.submit(session, item, item.owner, link="https://x.example/lite", kind=SubmissionKind.PARTIAL,
                       note="简版", full_due=date(2026, 10, 12), today=date(2026, 10, 4), now=local(2026, 10, 4, 10, 0))
    assert (item.due, item.status) == (date(2026, 10, 12), ItemStatus.IN_PROGRESS)


def _accept(session: Session, code: str, *, passed: bool = True, **extra: object) -> acceptance.AcceptResult:
    item = items.by_code(session, code)
    submissions.submit(session, item, item.owner, link=f"https://x.example/{code}", kind=SubmissionKind.FINAL,
                       note=None, full_due=None, today=date(2026, 9, 29), now=local(2026, 9, 29, 10, 0))
    verdict = acceptance.Verdict(scores=ARTICLE, passed=passed, **extra)  # type: ignore[arg-type]
    return acceptance.accept(session, item, verdict, reviewer=None, now=local(2026, 9, 29, 11, 0), tz=SHANGHAI)


def test_every_round_is_kept_and_a_fail_moves_the_due_date(q4: tuple[Session, int]) -> None:
    session, _ = q4
    failed = _accept(session, "T001", passed=False, problems=["数据有误"], revise_by=date(2026, 9, 30))
    assert failed.round.number == 1 and failed.item.status is ItemStatus.IN_PROGRESS
    assert failed.item.due == date(2026, 9, 30) and failed.outbox_ids
    passed = _accept(session, "T001")
    assert (passed.round.number, passed.round.score, passed.item.status) == (2, 78, ItemStatus.DONE)
    with pytest.raises(InvalidInput):
        _accept(session, "T002", passed=False, problems=[], revise_by=date(2026, 9, 30))
    low = {"completeness": 1, "accuracy": 1, "executability": 1, "innovation": 1}
    with pytest.raises(InvalidInput):
        acceptance.accept(session, items.by_code(session, "T002"), acceptance.Verdict(scores=low, passed=True),
                          reviewer=None, now=local(2026, 9, 29, 12, 0), tz=SHANGHAI)


def test_closure_needs_every_item_accepted_then_spins_off_the_next_phase(q4: tuple[Session, int]) -> None:
    session, meeting_id = q4
    retro = closure.Retro("主动跟进", "更早启动", "验收清单")
    _accept(session, "T001")
    with pytest.raises(Conflict):
        closure.close(session, meeting_id, retro, next_items=[], actor=Actor.system("t"),
                      now=local(2026, 9, 29, 12, 0), tz=SHANGHAI)
    _accept(session, "T002")
    last = _accept(session, "T003")
    assert last.closure_ready and len(last.outbox_ids) == 2  # feedback + the closure agenda to 小林
    upcoming = [next_phase.parse_next("启动执行|小王|10月15日|执行计划", today=date(2026, 9, 29))]
    meeting, row, following = closure.close(session, meeting_id, retro, next_items=upcoming,
                                             actor=Actor.system("t"), now=local(2026, 9, 29, 12, 0), tz=SHANGHAI)
    assert meeting.closed_at is not None and following is not None and row.next_meeting_id == following.id
    new_items = session.scalars(select(Item).where(Item.meeting_id == row.next_meeting_id)).all()
    assert [(i.code, i.due) for i in new_items] == [("T004", date(2026, 10, 15))]
    stored = session.execute(select(ItemChecklist.position, ItemChecklist.template, ItemChecklist.text)
                             .where(ItemChecklist.item_id == new_items[0].id).order_by(ItemChecklist.position)).all()
    assert [(p, t) for p, t, _text in stored] == [(n, "plan") for n in range(1, 6)]
    assert stored[1].text == "数据准确（财务数据、市场数据）"  # the meeting's language (zh)
    with pytest.raises(Conflict):
        closure.close(session, meeting_id, retro, next_items=[], actor=Actor.system("t"),
                      now=local(2026, 9, 29, 13, 0), tz=SHANGHAI)


def test_carry_over_lists_open_items_and_starts_the_next_list_once(q4: tuple[Session, int]) -> None:
    session, meeting_id = q4
    _accept(session, "T001")
    view = next_phase.agenda(session, meeting_id, now=local(2026, 10, 8, 9, 0), tz=SHANGHAI)
    assert [(i.code, i.carried_from) for i in view.items] == [("T002", date(2026, 9, 26)),
                                                              ("T003", date(2026, 9, 26))]
    following, count = next_phase.start_next(session, meeting_id, now=local(2026, 10, 8, 9, 0), tz=SHANGHAI)
    again, _ = next_phase.start_next(session, meeting_id, now=local(2026, 10, 8, 9, 5), tz=SHANGHAI)
    assert following.id == again.id and count == 2
    assert session.scalar(select(func.count()).select_from(CarriedItem)) == 2
    assert session.get_one(Meeting, following.id).previous_meeting_id == meeting_id
    later = next_phase.agenda(session, following.id, now=local(2026, 10, 15, 9, 0), tz=SHANGHAI)
    assert [i.code for i in later.items] == ["T002", "T003"]  # nothing dropped between meetings
    for bad in ("x|y", "标题|大家|10月1日", "标题|小王|昨天"):
        with pytest.raises(InvalidInput):
            next_phase.parse_next(bad, today=date(2026, 10, 8))


def test_metrics_over_an_empty_period_and_a_real_one(q4: tuple[Session, int]) -> None:
    session, _ = q4
    result, view = metrics.summary(session, start=date(2020, 1, 1), end=date(2020, 1, 31), project=None,
                                   tz=SHANGHAI, as_of=date(2020, 1, 31))
    assert result.items == 0 and view.on_time is None and view.landing_rate is None
    _accept(session, "T001")
    result, view = metrics.summary(session, start=date(2026, 9, 1), end=date(2026, 10, 31), project="Q4",
                                   tz=SHANGHAI, as_of=date(2026, 10, 20))
    assert result.items == 3 and result.on_time.hits == 1 and result.on_time.total == 3
    assert view.landing_rate == 0.0 and result.average_delay is not None
