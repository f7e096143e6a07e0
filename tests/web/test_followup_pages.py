"""The follow-up pages and API on real rows: 今日跟进, blockers, standups, acceptance, reports (issue 5).

The shared world is the Q4 meeting (Saturday 2026-09-26); the clock moves to Monday 09-28 09:00,
a working day, when every owner is still in their first three days with 小林.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from luodi.models import AcceptanceRound, Blocker, FollowUp, OutboxMessage, Standup
from web.conftest import World

MONDAY = datetime(2026, 9, 28, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def _monday(world: World) -> None:
    world.clock.current = MONDAY


def test_today_lists_the_coordinators_follow_ups_and_keeps_the_outcome(world: World) -> None:
    _monday(world)
    client = world.client("coordinator")
    page = client.get("/today")
    assert page.status_code == 200 and "小王" in page.text and "我会定期跟进" in page.text
    first = world.api("coordinator").get("/api/v1/today").json()["followups"][0]
    key = f"item-{world.ids['T001']}-2026-09-28"
    assert (first["key"], first["id"], first["reason"], first["channel"]) == (key, None, "first_time", "phone")
    assert f'action="/followups/{key}/done"' in page.text
    with world.session() as session:
        assert session.scalars(select(FollowUp)).all() == []   # a GET stores nothing
    done = client.post(f"/followups/{key}/done", data={"csrf": world.csrf["coordinator"], "outcome": "已电话确认"})
    assert done.status_code == 303 and done.headers["location"] == "/today"
    with world.session() as session:
        stored = session.scalars(select(FollowUp)).one()
        assert (stored.key, stored.reason, stored.channel) == (f"item:{world.ids['T001']}|2026-09-28", "first_time",
                                                                "phone")
        assert stored.status.value == "done" and stored.outcome == "已电话确认" and stored.done_at == MONDAY
    assert "已电话确认" in client.get("/today").text
    again = client.post(f"/followups/{stored.id}/done", data={"csrf": world.csrf["coordinator"], "outcome": "y"})
    assert again.status_code == 400 and "已电话确认" in again.text   # already done: the first outcome stays
    owner = world.client("owner").post(f"/followups/{key}/done", data={"csrf": world.csrf["owner"], "outcome": "x"})
    assert owner.status_code == 403


def test_an_owners_blocker_comes_first_and_its_clearing_is_timed(world: World) -> None:
    _monday(world)
    added = world.client("owner").post(f"/items/{world.ids['T001']}/blockers",
                                       data={"csrf": world.csrf["owner"], "what": "市场数据", "waiting_on": "市场部"})
    assert added.status_code == 303
    api = world.api("coordinator").get("/api/v1/today").json()["followups"]
    assert api[0]["reason"] == "blocker" and api[0]["item"] == "T001" and "市场部" in api[0]["message"]
    with world.session() as session:
        blocker = session.scalars(select(Blocker)).one()
    world.clock.current = MONDAY.replace(hour=3, minute=30)
    cleared = world.api("coordinator").post(f"/api/v1/blockers/{blocker.id}/clear", json={"note": "拉群解决"})
    assert cleared.status_code == 200 and cleared.json()["minutes_open"] == 150
    assert world.api("coordinator").get("/api/v1/today").json()["followups"][0]["reason"] != "blocker"


def test_acceptance_through_the_page_scores_78_and_queues_the_feedback(world: World) -> None:
    _monday(world)
    item_id = world.ids["T001"]
    submitted = world.client("owner").post(f"/followup/items/{item_id}/submit", data={
        "csrf": world.csrf["owner"], "link": "https://docs.example.com/plan", "kind": "final"})
    assert submitted.status_code == 303
    page = world.client("coordinator").get(f"/followup/items/{item_id}")
    assert page.status_code == 200 and "数据准确" in page.text and 'name="scores"' in page.text
    accepted = world.client("coordinator").post(f"/followup/items/{item_id}/accept", data={
        "csrf": world.csrf["coordinator"], "decision": "pass", "check": ["1", "2"],
        "scores": ["completeness=4", "accuracy=5", "executability=3", "innovation=3"], "strengths": "数据分析"})
    assert accepted.status_code == 303
    with world.session() as session:
        round_ = session.scalars(select(AcceptanceRound)).one()
        assert (round_.score, round_.passed, round_.checked) == (78, True, [1, 2])
        feedback = session.get_one(OutboxMessage, round_.feedback_outbox_id)
        assert feedback.address == "xiaowang@example.com" and "78分" in feedback.body_text
    assert world.item("T001").status.value == "done"


def test_a_fail_without_problems_is_refused_with_a_message(world: World) -> None:
    _monday(world)
    item_id = world.ids["T002"]
    world.api("peer").post(f"/api/v1/items/{item_id}/submissions", json={"link": "https://docs.example.com/t"})
    response = world.client("coordinator").post(f"/followup/items/{item_id}/accept", data={
        "csrf": world.csrf["coordinator"], "decision": "fail", "revise_by": "2026-09-29",
        "scores": ["completeness=2", "accuracy=3", "executability=3", "innovation=3"]})
    assert response.status_code == 400 and "--problem" in response.text
    with world.session() as session:
        assert session.scalars(select(AcceptanceRound)).all() == []


def test_api_acceptance_returns_the_score(world: World) -> None:
    _monday(world)
    item_id = world.ids["T001"]
    assert world.api("owner").post(f"/api/v1/items/{item_id}/submissions",
                                   json={"link": "https://docs.example.com/plan"}).status_code == 201
    result = world.api("coordinator").post(f"/api/v1/items/{item_id}/acceptance", json={
        "scores": {"completeness": 4, "accuracy": 5, "executability": 3, "innovation": 3}, "passed": True})
    assert result.status_code == 201 and result.json()["score"] == 78 and result.json()["status"] == "done"
    cadence = world.api("viewer").get(f"/api/v1/items/{world.ids['T002']}/cadence").json()
    assert cadence["rule"] == "first_time" and cadence["channels"] == ["phone", "in_person"]


def test_standups_flow_into_blockers_and_the_digest(world: World) -> None:
    _monday(world)
    posted = world.client("peer").post("/standups", data={"csrf": world.csrf["peer"], "yesterday": "看需求",
                                                          "today": "技术评估", "blockers": "等小王的方案"})
    assert posted.status_code == 303
    with world.session() as session:
        standup = session.scalars(select(Standup)).one()
        blocker = session.scalars(select(Blocker)).one()
        assert blocker.standup_id == standup.id and blocker.item_id == world.ids["T002"]
    digest = world.api("coordinator").get("/api/v1/reports/standup?project=Q4").json()
    assert [a["person"] for a in digest["answers"]] == ["小李"] and "小王" in digest["missing"]
    assert "等小王的方案" in world.client("coordinator").get("/standups?project=Q4").text


def test_weekly_review_and_metrics_pages_draw_svg(world: World) -> None:
    _monday(world)
    weekly = world.client("supervisor").get("/reports/weekly?week=2026-W40&project=Q4")
    assert weekly.status_code == 200 and "<svg" in weekly.text and 'data-part="risks"' in weekly.text
    assert "style=" not in weekly.text.split("<svg", 1)[1]  # the CSP forbids inline styles
    metrics = world.client("viewer").get("/metrics?project=Q4&from=2026-09-01&to=2026-10-31")
    assert metrics.status_code == 200 and metrics.text.count("<svg") == 3
    api = world.api("viewer").get("/api/v1/metrics?project=Q4&from=2026-09-01&to=2026-10-31").json()
    assert api["items"] == 3 and api["clear_owner"]["value"] == 1.0
    report = world.api("viewer").get("/api/v1/reports/weekly?week=2026-W40&project=Q4").json()
    assert [i["code"] for i in report["next_week"]] == ["T001", "T002", "T003"] and report["delayed"] == []


def _sent_monday_morning(world: World) -> None:
    """The list went out Monday 09:00 (Shanghai), confirmations due 18:00; 小王 confirmed T001 at once."""
    from luodi.models import Item, Meeting

    with world.session() as session:
        meeting = session.get_one(Meeting, world.ids["meeting"])
        meeting.list_sent_at = MONDAY
        meeting.confirm_deadline = MONDAY.replace(hour=10)   # 18:00 in Shanghai
        session.get_one(Item, world.ids["T001"]).confirmed_at = MONDAY
        session.commit()


def test_after_the_confirmation_deadline_today_lists_whom_to_call_with_their_phone(world: World) -> None:
    _sent_monday_morning(world)
    client = world.client("coordinator")
    world.clock.current = MONDAY.replace(hour=9, minute=30)   # 17:30: before the deadline, nobody to call yet
    before = client.get("/today").text
    assert "未按时确认" not in before
    world.clock.current = MONDAY.replace(hour=10, minute=30)  # 18:30: the article's call list
    page = client.get("/today").text
    api = world.api("coordinator").get("/api/v1/today").json()["followups"]
    rows = {f["item"]: f for f in api if f["reason"] == "unconfirmed"}
    assert set(rows) == {"T002", "T003"}                      # 小王 confirmed T001
    assert {row["channel"] for row in rows.values()} == {"phone"}
    assert "please confirm" in rows["T002"]["message"]       # 小李 reads English (his setting)
    assert "请确认" in rows["T003"]["message"] and "小陈" in rows["T003"]["message"]
    key = rows["T002"]["key"]
    entry = page.split(f'id="followup-{key}"')[1].split("</li>")[0]
    assert "未按时确认" in entry and "电话" in entry
    assert 'href="tel:13800000004"' in entry and "13800000004" in entry
    assert f'data-copy-button="message-{key}"' in entry
    assert f'action="/followups/{key}/done"' in entry
    done = client.post(f"/followups/{key}/done",
                       data={"csrf": world.csrf["coordinator"], "outcome": "已电话确认, 小李收到"})
    assert done.status_code == 303
    with world.session() as session:
        stored = session.scalars(select(FollowUp)).one()
        assert stored.status.value == "done" and stored.outcome == "已电话确认, 小李收到"
        assert (stored.item_id, stored.reason, stored.channel) == (world.ids["T002"], "unconfirmed", "phone")
    assert "已电话确认, 小李收到" in client.get("/today").text
    api = world.api("coordinator").get("/api/v1/today").json()["followups"]
    assert [f["item"] for f in api if f["reason"] == "unconfirmed"] == ["T002", "T003"]
    assert [f["id"] is not None for f in api if f["reason"] == "unconfirmed"] == [True, False]


def test_today_brings_at_risk_due_soon_and_overdue_items_with_their_reasons(world: World) -> None:
    from luodi.domain.enums import ItemStatus
    from luodi.models import Item

    with world.session() as session:
        session.get_one(Item, world.ids["T002"]).status = ItemStatus.AT_RISK
        session.commit()
    world.clock.current = datetime(2026, 10, 9, 1, 0, tzinfo=UTC)  # Friday 10/9: T001 (9/30) overdue, T003 (10/10) soon
    api = {f["item"]: f for f in world.api("coordinator").get("/api/v1/today").json()["followups"]}
    assert api["T001"]["reason"] == "overdue"
    assert "at_risk" in api["T002"]["reasons"]
    page = world.client("coordinator").get("/today").text
    assert "已逾期" in page and "有风险" in page
