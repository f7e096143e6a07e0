"""Minutes → candidates → draft → import on the web (issue 9 part 3): the page proposes each
decision and item with its sentence, the coordinator keeps, edits or drops each one, the kept
ones become the import page's draft, and only the import stores anything."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from luodi.models import Item, Person
from web.conftest import World, csrf_of, snapshot

MINUTES = ("Q4复盘会 会议纪要\n会议时间：2026年9月26日 14:00\n一、会议决议\n1. 同意活动延期一周。\n"
           "二、分工\n小王负责在9月30日前提交复盘报告。\n@小李 10月8日前完成技术评估。\n小林介绍了情况。\n")


def test_candidates_are_reviewed_then_the_kept_ones_become_the_draft(world: World) -> None:
    client = world.client("coordinator")
    before = snapshot(world.url)
    assert 'href="/import/extract"' in client.get("/import").text
    page = client.post("/import/extract", data={"text": MINUTES, "source": "minutes",
                                                "csrf": world.csrf["coordinator"]})
    assert page.status_code == 200, page.text
    assert 'value="活动延期一周"' in page.text
    rows = re.findall(r'name="item-(\d)-title" value="([^"]*)"', page.text)
    assert rows == [("0", "提交复盘报告"), ("1", "完成技术评估")]
    assert "第 6 行" in page.text or "line 6" in page.text
    assert "小王负责在9月30日前提交复盘报告" in page.text
    form = {"csrf": csrf_of(page.text), "title": "Q4复盘会", "meeting_time": "2026-09-26 14:00",
            "decisions": "1", "decision-0": "活动延期一周", "decision-0-keep": "1", "decision-0-line": "4",
            "items": "2", "item-0-keep": "1", "item-0-title": "提交复盘报告（含数据）", "item-0-owner": "小王",
            "item-0-due": "2026-09-30", "item-0-line": "6",
            "item-1-title": "完成技术评估", "item-1-owner": "小李", "item-1-due": "2026-10-08"}  # item 1 dropped
    draft = client.post("/import/extract/draft", data=form)
    assert draft.status_code == 200
    source = html.unescape(draft.text.split('name="source"')[1].split(">", 1)[1].split("</textarea>")[0])
    assert "| 1 | 提交复盘报告（含数据） | 小王 | 2026-09-30 |" in source and "技术评估" not in source
    assert "- 活动延期一周" in source
    assert snapshot(world.url) == before          # nothing stored until the import
    done = client.post("/import", data={"project": str(world.ids["project"]), "source": source,
                                        "csrf": csrf_of(draft.text)})
    assert done.status_code == 303, done.text
    with world.session() as session:
        rows2 = session.execute(select(Item.title, Person.name).join(Person, Person.id == Item.owner_id)
                                .where(Item.title.like("提交复盘报告%"))).all()
    assert [tuple(r) for r in rows2] == [("提交复盘报告（含数据）", "小王")]


def test_owners_and_viewers_cannot_use_it_and_empty_text_is_refused(world: World) -> None:
    assert world.client("viewer").get("/import/extract").status_code == 403
    empty = world.client("coordinator").post("/import/extract", data={"text": " ", "csrf": world.csrf["coordinator"]})
    assert empty.status_code == 400
