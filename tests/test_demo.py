"""``luodi demo``: the article's Q4 case around today, served by the web app."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.demo import create_demo
from luodi.models import Dependency, Item, Meeting, Person
from luodi.web.app import create_app
from support.q4 import local, open_session


def test_demo_builds_the_q4_case_relative_to_today(tmp_path: Path) -> None:
    today = local(2027, 3, 10, 9, 0)   # any day: the dates follow it
    path = tmp_path / "demo.db"
    settings = Settings(database_url=f"sqlite:///{path}", secret_key="d" * 24, clock=today)  # type: ignore[arg-type]
    summary = create_demo(settings, path)
    assert str(path) in summary
    with open_session(settings.database_url) as session:
        meeting = session.scalars(select(Meeting)).one()
        assert meeting.starts_at.date() == (today - timedelta(days=3)).date()
        items = {i.code: i for i in session.scalars(select(Item))}
        assert {c: (i.owner.name, i.status.value) for c, i in items.items()} == {
            "T001": ("小王", "in_progress"), "T002": ("小李", "not_started"), "T003": ("小陈", "not_started")}
        assert items["T001"].due == meeting.starts_at.date() + timedelta(days=4)
        assert len(session.scalars(select(Dependency)).all()) == 2
        assert items["T002"].confirmed_at is None and items["T001"].confirmed_at is not None
        boss = session.scalars(select(Person).where(Person.name == "张经理")).one()
        assert all(i.owner.supervisor_id == boss.id for i in items.values())
        assert meeting.list_sent_at is not None
    links = re.findall(r"(/c/\S+)", summary)
    assert len(links) == 3
    client = TestClient(create_app(settings, clock=FrozenClock(today), migrate=False))
    password = re.search(r"小林\s+coordinator\s+password: (\S+)", summary)   # the demo's users (issue #4)
    assert password is not None
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    client.post("/login", data={"csrf": csrf.group(1), "name": "小林", "password": password.group(1)})
    assert "Q4服务活动方案跟进" in client.get("/meetings/1").text
    assert all(client.get(link).status_code == 200 for link in links)
    create_demo(settings, path)   # a second run starts afresh
    with open_session(settings.database_url) as session:
        assert len(session.scalars(select(Meeting)).all()) == 1
