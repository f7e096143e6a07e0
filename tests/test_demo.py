"""``luodi demo``: the article's case B in full around today, every state of the method on the
pages; an existing demo database is kept with its passwords unless --reset (issue 15)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.demo import create_demo
from luodi.demo_board import day_one
from luodi.domain.enums import ItemStatus, OutboxStatus
from luodi.models import AcceptanceRound, AuditEntry, Blocker, Item, Meeting, OutboxMessage, RuleFiring, Standup
from luodi.web.app import create_app
from support.q4 import local, open_session


def _login(client: TestClient, name: str, summary: str) -> None:
    password = re.search(rf"{name}\s+\S+\s+password: (\S+)", summary)
    assert password is not None
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert csrf is not None
    client.post("/login", data={"csrf": csrf.group(1), "name": name, "password": password.group(1)})


@pytest.mark.parametrize("today", [local(2027, 3, 10, 11, 0), local(2027, 3, 15, 16, 0), local(2027, 3, 13, 8, 0),
                                   local(2027, 3, 10, 17, 30)],
                         ids=["wednesday", "monday", "saturday", "wednesday-after-17"])
def test_the_demo_holds_every_state_of_case_b(tmp_path: Path, today: datetime) -> None:
    path = tmp_path / "demo.db"
    settings = Settings(database_url=f"sqlite:///{path}", secret_key="d" * 24, clock=today)
    summary = create_demo(settings, path)
    first = day_one(today.date())
    assert first.weekday() == 0 and (today.date() - first).days > 10
    with open_session(settings.database_url) as session:
        meeting = session.scalars(select(Meeting)).one()
        assert meeting.starts_at.astimezone(today.tzinfo).date() == first
        tops = {i.number: i for i in session.scalars(select(Item).where(Item.meeting_id == meeting.id))}
        assert [tops[n].title for n in (1, 2, 3)] == ["细化活动方案", "技术评估", "培训材料准备"]
        subtasks = session.scalars(select(Item).where(Item.parent_id.is_not(None))).all()
        assert len(subtasks) == 14
        assert all(i.confirmed_at is not None for i in tops.values())
        blocker = session.scalars(select(Blocker)).first()
        assert blocker is not None and blocker.cleared_at is not None and blocker.minutes_open == 340
        assert tops[1].status is ItemStatus.DONE
        assert session.scalar(select(AcceptanceRound.score).where(AcceptanceRound.passed)) == 78
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "partial_delivered", AuditEntry.item_id == tops[2].id)) == 1
        statuses = [i.status for i in subtasks]
        assert statuses.count(ItemStatus.AT_RISK) == 1 and statuses.count(ItemStatus.DELAYED) == 1
        late = next(i for i in subtasks if i.status is ItemStatus.DELAYED)
        escalated = set(session.scalars(select(RuleFiring.item_id).where(RuleFiring.rule_id == "escalate_due_end")))
        assert escalated == {late.id}   # one escalation, whatever the hour: the at-risk one is not yet due
        escalations = session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)).all()
        assert any(row.kind == "escalate_due_end" and row.address == "zhang.manager@example.com" for row in escalations)
        assert session.scalar(select(func.count()).select_from(Standup).where(Standup.day == today.date())) == 2
        created, confirmed = (session.scalar(select(AuditEntry.at).where(
            AuditEntry.item_id == tops[1].id, AuditEntry.action == action)) for action in ("created", "confirmed"))
        assert created is not None and confirmed is not None and created < confirmed
        late_title, risky_title = late.title, next(i for i in subtasks if i.status is ItemStatus.AT_RISK).title
        tech_id, plan_id = tops[2].id, tops[1].id

    client = TestClient(create_app(settings, clock=FrozenClock(today), migrate=False))
    _login(client, "小林", summary)
    board = client.get("/board").text
    for title in ("细化活动方案", "技术评估", "培训材料准备", late_title, risky_title):
        assert title in board, title
    assert "有风险" in board and "已延期" in board
    plan_page = client.get(f"/items/{plan_id}").text
    assert "78" in plan_page and "市场部" in plan_page
    assert "简版" in client.get(f"/items/{tech_id}").text
    assert "做培训PPT" in client.get("/standups").text or "继续做培训PPT" in client.get("/standups").text
    weekly = client.get("/reports/weekly").text
    assert weekly.count("<section") >= 3
    _login(boss := TestClient(create_app(settings, clock=FrozenClock(today), migrate=False)), "张经理", summary)
    assert late_title in boss.get("/escalations").text
    links = re.findall(r"(/c/\S+)", summary)
    assert len(links) == 3 and all(client.get(link).status_code == 200 for link in links)
    assert f"{settings.base_url}/outbox" in summary and "{base_url}" not in summary


def test_an_existing_demo_is_kept_with_its_passwords_unless_reset(tmp_path: Path) -> None:
    today = local(2027, 3, 10, 9, 0)
    path = tmp_path / "demo.db"
    settings = Settings(database_url=f"sqlite:///{path}", secret_key="d" * 24, clock=today)
    first = create_demo(settings, path)
    again = create_demo(settings, path)
    assert again.startswith(first) and "--reset" in again
    elsewhere = create_demo(settings.model_copy(update={"base_url": "http://127.0.0.1:8791"}), path)
    links = re.findall(r"https?://\S+/c/\S+", elsewhere)
    assert len(links) == 3 and all(link.startswith("http://127.0.0.1:8791/c/") for link in links), elsewhere
    client = TestClient(create_app(settings, clock=FrozenClock(today), migrate=False))
    _login(client, "小林", again)
    assert client.get("/board").status_code == 200 and "/login" not in str(client.get("/board").url)
    fresh = create_demo(settings, path, reset=True)
    assert fresh != first
    with open_session(settings.database_url) as session:
        assert len(session.scalars(select(Meeting)).all()) == 1
