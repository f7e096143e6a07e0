"""CAP-2 on the web: meetings by form, an action list pasted or uploaded with a preview (lint and
the rendered list) before importing, sending; milestones; the dependency graph and its impact."""

from __future__ import annotations

from sqlalchemy import func, select

from luodi.models import Item, Meeting, Milestone, OutboxMessage
from web.conftest import BOTH_BACKENDS, Q4, World, snapshot

pytestmark = BOTH_BACKENDS


def test_the_preview_lints_and_renders_but_writes_nothing(world: World) -> None:
    client = world.client("coordinator")
    before = snapshot(world.url)
    response = client.post("/import/preview", data={"project": str(world.ids["project"]), "source": Q4.read_text(),
                                                    "csrf": world.csrf["coordinator"]})
    assert response.status_code == 200
    assert "【行动项】Q4服务活动方案跟进" in response.text and "任务2依赖任务1" in response.text
    assert snapshot(world.url) == before


def test_lint_errors_are_shown_with_their_line_and_block_the_import(world: World) -> None:
    broken = Q4.read_text().replace("| 2 | 技术评估 | 小李 |", "| 2 | 技术评估 | 大家 |")
    client = world.client("coordinator")
    before = snapshot(world.url)
    for path in ("/import/preview", "/import"):
        response = client.post(path, data={"project": str(world.ids["project"]), "source": broken,
                                           "csrf": world.csrf["coordinator"]})
        assert response.status_code == 400 and "大家" in response.text
        assert "line 17" in response.text or "第 17 行" in response.text
    assert snapshot(world.url) == before


def test_an_uploaded_list_is_imported_in_one_go(world: World) -> None:
    client = world.client("coordinator")
    response = client.post("/import", data={"project": str(world.ids["project"]), "csrf": world.csrf["coordinator"]},
                           files={"file": ("q4.md", Q4.read_bytes(), "text/markdown")})
    assert response.status_code == 303
    meeting_id = int(response.headers["location"].split("/")[2].split("?")[0])
    with world.session() as session:
        codes = session.scalars(select(Item.code).where(Item.meeting_id == meeting_id).order_by(Item.code)).all()
        assert codes == ["T004", "T005", "T006"]


def test_sending_queues_the_list_for_every_attendee(world: World) -> None:
    response = world.client("coordinator").post(f"/meetings/{world.ids['meeting']}/send",
                                                data={"csrf": world.csrf["coordinator"]})
    assert response.status_code == 303
    with world.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.meeting_id == world.ids["meeting"])).all()
        assert len(rows) == 4 and all(r.subject.startswith(("【行动项】", "[Action")) for r in rows)
        meeting = session.get(Meeting, world.ids["meeting"])
        assert meeting is not None and meeting.list_sent_at == world.clock.now()


def test_a_meeting_is_created_and_edited_by_form(world: World) -> None:
    client = world.client("coordinator")
    bad = client.post("/meetings/new", data={"project": str(world.ids["project"]), "title": "周会",
                                             "starts_at": "下周一", "csrf": world.csrf["coordinator"]})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    created = client.post("/meetings/new", data={"project": str(world.ids["project"]), "title": "周会",
                                                 "starts_at": "2026-09-28T10:00", "place": "3楼",
                                                 "csrf": world.csrf["coordinator"]})
    assert created.status_code == 303
    meeting_id = int(created.headers["location"].rsplit("/", 1)[1])
    edited = client.post(f"/meetings/{meeting_id}/edit", data={"title": "周会(改)", "starts_at": "2026-09-28T10:30",
                                                               "csrf": world.csrf["coordinator"]})
    assert edited.status_code == 303
    added = client.post(f"/meetings/{meeting_id}/items", data={
        "title": "准备周报", "owner": str(world.ids["xiaowang"]), "due": "2026-10-02", "priority": "high",
        "csrf": world.csrf["coordinator"]})
    assert added.status_code == 303
    with world.session() as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.title == "周会(改)" and meeting.place is None
        assert meeting.starts_at.isoformat() == "2026-09-28T02:30:00+00:00"
        item = session.scalars(select(Item).where(Item.meeting_id == meeting_id)).one()
        assert (item.code, item.number, item.priority.value) == ("T004", 1, "high")


def test_milestones_are_drawn_on_the_timeline(world: World) -> None:
    client = world.client("coordinator")
    response = client.post("/milestones", data={"project": str(world.ids["project"]), "title": "正式启动",
                                                "due": "2026-10-15", "items": "T002，T003",
                                                "csrf": world.csrf["coordinator"]})
    assert response.status_code == 303
    unknown = client.post("/milestones", data={"project": str(world.ids["project"]), "title": "x",
                                               "due": "2026-10-15", "items": "T999", "csrf": world.csrf["coordinator"]})
    assert unknown.status_code == 400 and "T999" in unknown.text
    with world.session() as session:
        assert session.scalar(select(func.count()).select_from(Milestone)) == 2
    page = world.client("viewer").get(f"/timeline?project={world.ids['project']}").text
    assert "<svg" in page and "正式启动" in page and "方案定稿" in page and 'class="tl-bar' in page


def test_the_graph_marks_the_critical_path_and_the_impact_of_a_slip(world: World) -> None:
    page = world.client("viewer").get(f"/graph?meeting={world.ids['meeting']}&slip=T001&days=3").text
    assert "T001 → T003" in page   # T003 is due last (10/10), through T001
    assert page.count('class="g-node s-') == 3 and page.count("g-edge critical") == 1
    impact = page.split("data-impact")[1]
    assert "2026-10-05 → <strong>2026-10-08</strong>" in impact   # T002
    assert "2026-10-10 → <strong>2026-10-13</strong>" in impact   # T003
    assert "方案定稿" in impact and "2026-10-03" in impact          # the milestone of T001 moves
    bad = world.client("viewer").get(f"/graph?meeting={world.ids['meeting']}&slip=T999&days=3")
    assert bad.status_code == 400 and "T999" in bad.text


def test_the_preview_asks_did_you_mean_and_imports_the_chosen_owner(world: World) -> None:
    """Issue 15: 小麗 for 小李 is a question with 小李 first; 「新建 小麗」 only when chosen."""
    import re

    from luodi.models import Person
    from web.conftest import csrf_of

    typo = Q4.read_text().replace("| 2 | 技术评估 | 小李 |", "| 2 | 技术评估 | 小麗 |")
    client = world.client("coordinator")
    data = {"project": str(world.ids["project"]), "source": typo, "csrf": world.csrf["coordinator"]}
    before = snapshot(world.url)
    asked = client.post("/import/preview", data=data)
    assert asked.status_code == 200
    assert "did you mean 小李?" in asked.text or "你是指 小李 吗？" in asked.text
    choices = re.findall(r'name="answer:17:owner" value="([^"]*)"', asked.text)
    assert choices[0] == "小李" and choices[-1] in ("新建 小麗", "new 小麗"), choices
    refused = client.post("/import", data=data)   # unanswered: nothing is stored, no 小麗 created
    assert refused.status_code == 400
    assert snapshot(world.url) == before
    answered = data | {"answer:17:owner": "小李", "csrf": csrf_of(asked.text)}
    assert client.post("/import/preview", data=answered).status_code == 200
    imported = client.post("/import", data=answered)
    assert imported.status_code == 303, imported.text
    with world.session() as session:
        assert session.scalar(select(func.count()).select_from(Person).where(Person.name == "小麗")) == 0
