"""The item page and the coordinator's forms: edits (conflicts shown, never overwritten), subtasks
with progress, dependencies without cycles, comments, history (BOARD-3, BOARD-6)."""

from __future__ import annotations

from sqlalchemy import func, select

from luodi.models import AuditEntry, Comment, Dependency, Item
from web.conftest import BOTH_BACKENDS, World, snapshot

pytestmark = BOTH_BACKENDS


def _edit(world: World, role: str, version: int, **changes: str) -> object:
    item = world.item("T001")
    form = {"version": str(version), "title": item.title, "owner": str(item.owner_id), "start": "",
            "due": item.due.isoformat(), "deliverable": item.deliverable or "", "priority": item.priority.value,
            "acceptance": "", "status": item.status.value, "csrf": world.csrf[role], **changes}
    return world.client(role).post(f"/items/{world.ids['T001']}/edit", data=form)


def test_an_edit_is_saved_field_by_field_in_the_history(world: World) -> None:
    response = _edit(world, "coordinator", 1, title="细化活动方案(终稿)", due="2026-10-02",
                     owner=str(world.ids["xiaowang"]))
    assert response.status_code == 303  # type: ignore[attr-defined]
    item = world.item("T001")
    assert (item.title, item.due.isoformat(), item.version) == ("细化活动方案(终稿)", "2026-10-02", 2)
    with world.session() as session:
        changed = session.execute(select(AuditEntry.field, AuditEntry.before, AuditEntry.after)
                                  .where(AuditEntry.item_id == item.id, AuditEntry.action == "changed")
                                  .order_by(AuditEntry.id)).all()
    assert [tuple(row) for row in changed] == [("title", "细化活动方案", "细化活动方案(终稿)"),
                                               ("due", "2026-09-30", "2026-10-02")]
    page = world.client("viewer").get(f"/items/{world.ids['T001']}").text
    assert "小林 修改了截止日期 9月30日 → 10月2日" in page or "小林 changed Due date Sep 30 → Oct 2" in page, page


def test_a_stale_edit_shows_both_values_and_saves_nothing(world: World) -> None:
    assert _edit(world, "admin", 1, title="管理员改的标题").status_code == 303  # type: ignore[attr-defined]
    before = snapshot(world.url)
    conflict = _edit(world, "coordinator", 1, title="我改的标题")
    assert conflict.status_code == 409  # type: ignore[attr-defined]
    text = conflict.text  # type: ignore[attr-defined]
    assert "我改的标题" in text and "管理员改的标题" in text
    assert snapshot(world.url) == before
    assert world.item("T001").title == "管理员改的标题"


def test_an_invalid_edit_names_the_field(world: World) -> None:
    response = _edit(world, "coordinator", 1, due="9/30")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert 'aria-invalid="true"' in response.text and "YYYY-MM-DD" in response.text  # type: ignore[attr-defined]
    assert world.item("T001").version == 1


def test_subtasks_roll_their_progress_up_to_the_parent(world: World) -> None:
    client = world.client("owner")
    for title in ("调研", "初稿", "评审", "定稿"):
        response = client.post(f"/items/{world.ids['T001']}/subtasks", data={
            "title": title, "owner": str(world.ids["xiaowang"]), "due": "2026-09-29", "csrf": world.csrf["owner"]})
        assert response.status_code == 303
    with world.session() as session:
        subtasks = session.scalars(select(Item).where(Item.parent_id == world.ids["T001"]).order_by(Item.id)).all()
        assert [s.code for s in subtasks] == ["T004", "T005", "T006", "T007"]
        assert all(s.meeting_id is None and s.project_id == world.ids["project"] for s in subtasks)
        ids = [s.id for s in subtasks]
    for subtask in ids[:2]:
        client.post(f"/items/{subtask}/status", data={"status": "done", "csrf": world.csrf["owner"]})
    page = world.client("viewer").get(f"/items/{world.ids['T001']}").text
    assert 'value="50"' in page and "2/4" in page
    board = world.client("viewer").get("/board").text
    assert 'value="50"' in board


def test_a_dependency_cycle_is_refused(world: World) -> None:
    client = world.client("coordinator")
    response = client.post(f"/items/{world.ids['T001']}/dependencies", data={"code": "T002",
                                                                          "csrf": world.csrf["coordinator"]})
    assert response.status_code == 400 and "T002" in response.text
    with world.session() as session:
        assert session.get(Dependency, (world.ids["T001"], world.ids["T002"])) is None
    ok = client.post(f"/items/{world.ids['T003']}/dependencies", data={"code": "t002", "reason": "先评估",
                                                                    "csrf": world.csrf["coordinator"]})
    assert ok.status_code == 303
    with world.session() as session:
        edge = session.get(Dependency, (world.ids["T003"], world.ids["T002"]))
        assert edge is not None and edge.reason == "先评估"


def test_comments_are_stored_with_their_author_and_shown(world: World) -> None:
    client = world.client("supervisor")
    assert client.post(f"/items/{world.ids['T001']}/comments",
                       data={"body": "周五前要看到初稿", "csrf": world.csrf["supervisor"]}).status_code == 303
    empty = client.post(f"/items/{world.ids['T001']}/comments", data={"body": "  ", "csrf": world.csrf["supervisor"]})
    assert empty.status_code == 400
    with world.session() as session:
        comment = session.scalars(select(Comment)).one()
        assert comment.body == "周五前要看到初稿" and comment.author is not None and comment.author.name == "张经理"
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "commented")) == 1
    assert "周五前要看到初稿" in world.client("viewer").get(f"/items/{world.ids['T001']}").text


def test_the_owner_confirms_on_the_web(world: World) -> None:
    response = world.client("owner").post(f"/items/{world.ids['T001']}/confirm", data={"csrf": world.csrf["owner"]})
    assert response.status_code == 303
    assert world.item("T001").confirmed_at == world.clock.now()
    with world.session() as session:
        assert session.scalar(select(AuditEntry.actor_label).where(AuditEntry.action == "confirmed")) == "web"


def test_the_item_page_shows_everything_about_the_item(world: World) -> None:
    page = world.client("coordinator").get(f"/items/{world.ids['T001']}").text
    for expected in ("细化活动方案", "详细执行方案", "技术评估", "培训材料准备", "方案定稿", 'action="/items/'):
        assert expected in page
    assert world.client("viewer").get(f"/items/{world.ids['T001']}").text.count("<form") < page.count("<form")


def test_the_item_page_shows_its_blockers(world: World) -> None:
    from luodi.models import Person
    from luodi.services.followup import blockers

    with world.session() as session:
        item = session.get(Item, world.ids["T002"])
        owner = session.get(Person, item.owner_id) if item else None
        assert item is not None and owner is not None
        blockers.add(session, item=item, person=owner, what="等市场部的数据", waiting_on="市场部", source="web",
                     now=world.clock.now())
        session.commit()
    page = world.client("viewer").get(f"/items/{world.ids['T002']}").text
    assert "等市场部的数据" in page and "市场部" in page and f"/followup/items/{world.ids['T002']}" in page
