"""BOARD-1/2: the kanban and the table — what they show, how they change an item, and that they
query what they show (not the whole table)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event, func, insert, select

from luodi.domain.enums import ItemStatus, Priority
from luodi.models import AuditEntry, Item, Person
from web.conftest import BOTH_BACKENDS, NOW, World

pytestmark = BOTH_BACKENDS


def _add_items(world: World, count: int, *, status: ItemStatus = ItemStatus.NOT_STARTED,
               owner: str = "小陈", due: date = date(2026, 10, 20)) -> None:
    with world.session() as session:
        owner_id = session.scalar(select(Person.id).where(Person.name == owner))
        session.execute(insert(Item), [
            {"project_id": world.ids["project"], "code": f"X{n:04d}", "title": f"批量 {n}", "owner_id": owner_id,
             "due": due + timedelta(days=n % 7), "status": status, "priority": Priority.LOW, "version": 1,
             "reschedule_count": 0, "created_at": NOW, "updated_at": NOW} for n in range(count)])
        session.commit()


def _count_queries(world: World, fetch: Any) -> int:
    """The queries a request runs on any of the app's engines (pages read through the read engine,
    a separate one on SQLite: counting the main engine alone saw none, and compared 0 with 0).
    SQLite's explicit BEGIN is transaction control, not a query: not counted, so both backends agree."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        if not args[2].lstrip().upper().startswith("BEGIN"):
            statements.append(args[2])

    engines = {world.app.state.engine, world.app.state.read_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        assert fetch().status_code == 200
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_kanban_shows_counts_and_the_first_cards_of_each_column(world: World) -> None:
    _add_items(world, 45)
    page = world.client("coordinator").get("/board").text
    column = page.split('data-status="not_started"')[1].split("</section>")[0]
    assert re.search(r'data-count>47<', column)
    assert column.count("data-card ") == 25
    assert "22 more" in column or "还有 22 项" in column
    in_progress = page.split('data-status="in_progress"')[1].split("</section>")[0]
    assert "T001" in in_progress and "细化活动方案" in in_progress


def test_the_board_and_the_table_cost_the_same_queries_at_any_size(world: World) -> None:
    client = world.client("coordinator")
    small = (_count_queries(world, lambda: client.get("/board")), _count_queries(world, lambda: client.get("/items")))
    _add_items(world, 300)
    large = (_count_queries(world, lambda: client.get("/board")), _count_queries(world, lambda: client.get("/items")))
    assert small == large
    # The viewer (2), five capped column counts, the cards of each non-empty column (2 here), the
    # subtasks, the calendar years of the dates shown (statutory-only warning), and the filter
    # choices (3); the table: the viewer, one count, one page, subtasks, choices. Each page also
    # computes the coordinator's agenda of today for the navigation's badge, as 今日跟进 shows it
    # (12: the person, the open items, their meetings, the facts, blockers and the day's stored rows).
    assert 5 <= large[0] <= 26 and 5 <= large[1] <= 20


def test_a_user_sees_only_the_projects_they_have_a_role_in(world: World) -> None:
    outsider = world.client("outsider").get("/items").text
    assert f'href="/items/{world.ids["other_T001"]}"' in outsider
    assert f'href="/items/{world.ids["T001"]}"' not in outsider


def test_dragging_a_card_changes_the_status_through_set_status(world: World) -> None:
    client = world.client("peer")   # 小李 owns T002
    response = client.post(f"/items/{world.ids['T002']}/status", data={"status": "in_progress", "version": "1"},
                           headers={"Accept": "application/json", "X-CSRF-Token": world.csrf["peer"]})
    assert response.status_code == 200
    assert response.json() == {"id": world.ids["T002"], "status": "in_progress", "version": 2}
    with world.session() as session:
        item = session.get(Item, world.ids["T002"])
        assert item is not None and item.status is ItemStatus.IN_PROGRESS and item.version == 2
        audit = session.scalars(select(AuditEntry).where(AuditEntry.item_id == item.id,
                                                         AuditEntry.field == "status")).one()
        assert (audit.before, audit.after, audit.actor_id, audit.actor_label) == \
            ("not_started", "in_progress", item.owner_id, "web")


def test_marking_done_and_delayed_sets_what_the_rules_engine_reads(world: World) -> None:
    client = world.client("coordinator")
    for key, status in (("T002", "delayed"), ("T003", "done")):
        assert client.post(f"/items/{world.ids[key]}/status",
                           data={"status": status, "csrf": world.csrf["coordinator"]}).status_code == 303
    assert world.item("T002").delayed_at == NOW and world.item("T003").done_at == NOW


def test_a_stale_card_move_is_refused_and_shows_both_values(world: World) -> None:
    client = world.client("owner")
    with world.session() as session:
        item = session.get(Item, world.ids["T001"])
        assert item is not None
        item.status = ItemStatus.AT_RISK   # someone else, meanwhile (version 1 → 2)
        session.commit()
    response = client.post(f"/items/{world.ids['T001']}/status",
                           data={"status": "done", "version": "1", "csrf": world.csrf["owner"]})
    assert response.status_code == 409
    differs = response.text.split('class="differs"')[1].split("</tr>")[0]
    assert "已完成" in differs and "有风险" in differs            # yours, the current one, in words
    assert world.item("T001").status is ItemStatus.AT_RISK
    json = client.post(f"/items/{world.ids['T001']}/status", data={"status": "done", "version": "1"},
                       headers={"Accept": "application/json", "X-CSRF-Token": world.csrf["owner"]})
    assert json.status_code == 409 and json.json()["current"] == {"status": "at_risk"}


def test_the_table_sorts_filters_and_pages(world: World) -> None:
    _add_items(world, 120, owner="小王")
    client = world.client("coordinator")
    first = client.get(f"/items?owner={world.ids['xiaowang']}&sort=due").text
    assert "121" in first and first.count('<tr class') + first.count("<tr>\n") >= 1
    rows = re.findall(r'<td class="code"[^>]*><a href="/items/(\d+)">([^<]+)</a>', first)
    assert len(rows) == 50 and rows[0][1] == "T001"
    last = client.get(f"/items?owner={world.ids['xiaowang']}&sort=due&page=3").text
    assert len(re.findall(r'<td class="code"', last)) == 21
    by_title = client.get(f"/items?sort=title&desc=1&status=not_started&project={world.ids['project']}").text
    codes = re.findall(r'<td class="code"[^>]*><a href="/items/\d+">([^<]+)</a>', by_title)
    assert "T001" not in codes and codes[0] == "T002"   # 技术评估 sorts after 批量 …, descending
    overdue = client.get("/items?window=overdue").text
    assert "T001" not in overdue


def test_my_items_are_the_viewers_own(world: World) -> None:
    page = world.client("owner").get("/me").text
    codes = set(re.findall(r'<td class="code"[^>]*><a href="/items/\d+">([^<]+)</a>', page))
    assert codes == {"T001"}


def test_escalations_show_the_late_items_of_the_supervisors_reports(world: World) -> None:
    world.clock.advance(days=10)   # T001 (due 9/30) and T002 (10/5) are now past due
    page = world.client("supervisor").get("/escalations").text
    assert "细化活动方案" in page and "技术评估" in page and "培训材料准备" not in page
    assert "<td class=\"late\">" in page


def test_the_board_streams_changes(world: World) -> None:
    world.app.state.sse_lifetime = 0.05
    response = world.client("viewer").get("/events")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    with world.session() as session:
        latest = session.scalar(select(func.max(AuditEntry.id)))
    assert f"event: hello\ndata: {latest}" in response.text


def test_a_huge_column_is_counted_up_to_a_cap(world: World, monkeypatch: Any) -> None:
    from luodi.services.track import board

    monkeypatch.setattr(board, "COUNT_CAP", 30)
    _add_items(world, 45)
    page = world.client("coordinator").get("/board").text
    column = page.split('data-status="not_started"')[1].split("</section>")[0]
    assert "data-count>30+<" in column and column.count("data-card ") == 25
    assert "在列表中查看更多" in column or "More in the table" in column


def test_an_overdue_card_shows_overdue_before_the_rules_run_with_labelled_confirmation(world: World) -> None:
    """Lateness is drawn from the due date and the organisation's today, not from the stored status."""
    world.clock.advance(days=6)   # 10/2 in Shanghai: T001 (due 9/30, 进行中) is 2 days late; no tick has run
    client = world.client("coordinator")
    board = client.get("/board").text
    card = board.split(f'id="card-{world.ids["T001"]}"')[1].split("</li>")[0]
    assert 'data-late="2"' in card and "逾期2天" in card
    assert world.item("T001").status is ItemStatus.IN_PROGRESS   # stored status untouched
    assert "未确认" in card and "?" not in card.replace("?status", "")
    legend = board.split('class="board-legend"')[1].split("</dl>")[0]
    assert "已确认" in legend and "未确认" in legend and "逾期" in legend
    t002 = board.split(f'id="card-{world.ids["T002"]}"')[1].split("</li>")[0]
    assert "data-late" not in t002                                  # due 10/5: not late yet
    table = client.get("/items").text
    found = re.search(rf'<td class="code"[^>]*><a href="/items/{world.ids["T001"]}">(.*?)</tr>', table, re.S)
    assert found
    row = found.group(1)
    assert "逾期2天" in row and "未确认" in row
    item = client.get(f"/items/{world.ids['T001']}").text
    assert "逾期2天" in item and "未确认" in item
    english = client.get("/board?lang=en", headers={"Accept-Language": "en"})
    assert english.status_code == 200


def test_filters_live_in_the_url_and_follow_a_switch_of_view(world: World) -> None:
    client = world.client("coordinator")
    owner = world.ids["xiaowang"]
    board = client.get(f"/board?owner={owner}&priority=high").text
    link = re.search(r'href="(/items\?[^"]+)" data-view-switch', board)
    assert link and f"owner={owner}" in link.group(1) and "priority=high" in link.group(1)
    table = client.get(link.group(1).replace("&amp;", "&")).text
    assert re.findall(r'<td class="code"[^>]*><a href="/items/\d+">([^<]+)</a>', table) == ["T001"]
    back = re.search(r'href="(/board\?[^"]+)" data-view-switch', table)
    assert back and f"owner={owner}" in back.group(1)
    assert f'<option value="{owner}" selected' in table
