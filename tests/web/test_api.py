"""INT-4: the REST API — bearer tokens (read-only ones only read), ETag / If-Match, errors that
name the field and the reason, and the OpenAPI document."""

from __future__ import annotations

from sqlalchemy import func, select

from luodi.models import ApiToken, AuditEntry, Comment, Item, Meeting
from luodi.services.accounts import logins
from web.conftest import Q4, World, snapshot


def test_items_carry_an_etag_and_a_patch_needs_if_match(world: World) -> None:
    api = world.api("coordinator")
    url = f"/api/v1/items/{world.ids['T001']}"
    got = api.get(url)
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    assert got.json()["code"] == "T001" and got.json()["depends_on"] == []
    before = snapshot(world.url)
    missing = api.patch(url, json={"title": "新标题"})
    assert missing.status_code == 428 and missing.json()["detail"][0]["field"] == "If-Match"
    stale = api.patch(url, json={"title": "新标题"}, headers={"If-Match": '"7"'})
    assert stale.status_code == 412 and stale.json()["detail"][0]["message"] == "T001 当前是第 1 版；请重新获取后再试。"
    assert snapshot(world.url) == before
    ok = api.patch(url, json={"title": "新标题", "due": "2026-10-01"}, headers={"If-Match": got.headers["etag"]})
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"' and ok.json()["title"] == "新标题"
    again = api.patch(url, json={"title": "又一个"}, headers={"If-Match": '"1"'})   # the old ETag, replayed
    assert again.status_code == 412 and world.item("T001").title == "新标题"


def test_a_status_change_through_the_api_is_audited(world: World) -> None:
    api = world.api("owner")
    response = api.post(f"/api/v1/items/{world.ids['T001']}/status", json={"status": "done"},
                        headers={"If-Match": '"1"'})
    assert response.status_code == 200 and response.json()["status"] == "done"
    with world.session() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.field == "status")).one()
        assert (audit.before, audit.after, audit.actor_id) == ("in_progress", "done", world.ids["xiaowang"])
    history = api.get(f"/api/v1/items/{world.ids['T001']}/history").json()
    assert history[0]["field"] == "status" and history[0]["who"] == "小王"


def test_errors_name_the_field_and_the_reason(world: World) -> None:
    api = world.api("coordinator")
    bad_date = api.post("/api/v1/items", json={"project_id": world.ids["project"], "title": "x", "owner": "小王",
                                               "due": "9/30"})
    assert bad_date.status_code == 422 and bad_date.json()["detail"][0]["field"] == "body.due"
    nobody = api.post("/api/v1/items", json={"project_id": world.ids["project"], "title": "x", "owner": "谁",
                                             "due": "2026-10-01"}, headers={"Accept-Language": "en"})
    assert nobody.status_code == 400 and nobody.json()["detail"] == [
        {"field": "owner", "message": "No person '谁' in the directory"}]
    chinese = api.post("/api/v1/items", json={"project_id": world.ids["project"], "title": "x", "owner": "谁",
                                              "due": "2026-10-01"}, headers={"Accept-Language": "zh-CN"})
    assert chinese.json()["detail"][0]["message"] == "目录中没有人员 '谁'"
    control = api.post(f"/api/v1/items/{world.ids['T001']}/comments", json={"body": "a\u0000b"})
    assert control.status_code == 422
    unknown = api.get("/api/v1/items/99999")
    assert unknown.status_code == 404 and unknown.json()["detail"][0]["field"] == "item"


def test_a_read_only_token_reads_and_changes_nothing(world: World) -> None:
    api = world.api("readonly")
    assert api.get("/api/v1/items").json()["total"] == 6
    before = snapshot(world.url)
    denied = api.post(f"/api/v1/items/{world.ids['T001']}/comments", json={"body": "hi"})
    assert denied.status_code == 403 and snapshot(world.url) == before


def test_tokens_are_stored_as_digests_and_can_be_revoked(world: World) -> None:
    with world.session() as session:
        hashes = set(session.scalars(select(ApiToken.token_hash)))
        assert logins.digest(world.tokens["viewer"]) in hashes and world.tokens["viewer"] not in hashes
        digest = logins.digest(world.tokens["viewer"])
        row = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).one()
        row.revoked_at = world.clock.now()
        session.commit()
    assert world.api("viewer").get("/api/v1/me").status_code == 401


def test_items_list_is_paginated_and_scoped(world: World) -> None:
    outsider = world.api("outsider").get("/api/v1/items?limit=2").json()
    assert outsider["total"] == 3 and len(outsider["items"]) == 2
    assert {i["project_id"] for i in outsider["items"]} == {world.ids["other_project"]}
    mine = world.api("admin").get(f"/api/v1/items?owner_id={world.ids['xiaowang']}&sort=code").json()
    assert [i["code"] for i in mine["items"]] == ["T001", "T001"]


def test_comments_and_confirmations_through_the_api(world: World) -> None:
    created = world.api("peer").post(f"/api/v1/items/{world.ids['T002']}/comments", json={"body": "需要方案初稿"})
    assert created.status_code == 201 and created.json()["author"] == "小李"
    assert world.api("viewer").get(f"/api/v1/items/{world.ids['T002']}/comments").json()[0]["body"] == "需要方案初稿"
    confirmed = world.api("peer").post(f"/api/v1/items/{world.ids['T002']}/confirm", json={})
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"] is True
    status = world.api("coordinator").get(f"/api/v1/meetings/{world.ids['meeting']}/confirmations").json()
    assert {row["code"]: row["confirmed"] for row in status["items"]} == {"T001": False, "T002": True, "T003": False}
    with world.session() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 1


def test_meetings_are_imported_as_markdown(world: World) -> None:
    api = world.api("coordinator")
    dry = api.post("/api/v1/meetings", json={"markdown": Q4.read_text(), "project": "Q4", "dry_run": True})
    assert dry.status_code == 200 and dry.json()["meeting_id"] is None and len(dry.json()["items"]) == 3
    done = api.post("/api/v1/meetings", json={"markdown": Q4.read_text(), "project": "Q4"})
    assert done.status_code == 200 and [i["code"] for i in done.json()["items"]] == ["T004", "T005", "T006"]
    broken = api.post("/api/v1/meetings", json={"markdown": Q4.read_text().replace("小李 | 10月5日", "小李 | 某天"),
                                                "project": "Q4"})
    assert broken.status_code == 400 and broken.json()["detail"][0]["field"] == "due"
    with world.session() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == 3
        assert session.scalar(select(func.count()).select_from(Item)) == 9
    meeting = api.get(f"/api/v1/meetings/{done.json()['meeting_id']}").json()
    assert meeting["decisions"][0] == "选择方案B作为Q4活动方案"


def test_the_openapi_document_declares_every_response(world: World) -> None:
    document = world.client().get("/api/openapi.json").json()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            ok = next(code for code in operation["responses"] if code.startswith("2"))
            schema = operation["responses"][ok]["content"]["application/json"]["schema"]
            assert schema, (method, path)
            assert set(operation["responses"]) - {ok} >= {"401"}   # the rest: tests/web/test_api_contract.py
    assert not any(path.startswith(("/board", "/items", "/login")) for path in document["paths"])
    docs = world.client().get("/api/docs")
    assert docs.status_code == 200 and "/api/v1/items/{item_id}" in docs.text
