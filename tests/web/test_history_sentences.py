"""Issue 15 point 2: the item page's history reads each line as a sentence in the reader's
language, in the order things happened, the actor a person or a named rule."""

from __future__ import annotations

import re
from datetime import date, timedelta

from luodi.domain.enums import ItemStatus
from luodi.models import Person
from luodi.services.audit import Actor, record
from web.conftest import NOW, World


def _history(html: str) -> list[str]:
    section = html[html.index('id="history"'):]
    section = section[:section.index("</section>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line)).strip()
            for line in re.findall(r'<span class="sentence">(.*?)</span>', section, re.S)]


def _story(world: World) -> int:
    """T002 (小李's 技术评估): created by the import at NOW; then, recorded out of order, a rule
    marks it at risk, 小李 confirms it and 小林 approves moving the due date."""
    item_id = world.ids["T002"]
    with world.session() as session:
        xiaoli = session.query(Person).filter_by(name="小李").one()
        xiaolin = session.query(Person).filter_by(name="小林").one()
        later = NOW + timedelta(days=3)
        record(session, actor=Actor.rule("at_risk_before_1d"), at=later, entity="item", entity_id=item_id,
               item_id=item_id, action="changed", field="status", before=ItemStatus.NOT_STARTED,
               after=ItemStatus.AT_RISK)
        record(session, actor=Actor.person(xiaoli.id), at=NOW + timedelta(hours=1), entity="item",
               entity_id=item_id, item_id=item_id, action="confirmed", field="confirmed", before=False, after=True)
        record(session, actor=Actor.person(xiaolin.id), at=NOW + timedelta(days=1), entity="item",
               entity_id=item_id, item_id=item_id, action="rescheduled", field="due", before=date(2026, 9, 30),
               after=date(2026, 10, 8))
        session.commit()
    return item_id


def test_history_reads_as_sentences_in_chinese_in_time_order(world: World) -> None:
    item_id = _story(world)
    page = world.client("viewer").get(f"/items/{item_id}?lang=zh").text
    assert _history(page) == [
        "由导入创建",
        "小李 确认了任务",
        "截止日期 9月30日 → 10月8日(申请改期已批准,小林)",
        "状态 未开始 → 有风险(规则:截止前1天未开始)",
    ]
    assert "False" not in page and "True" not in page


def test_history_reads_as_sentences_in_english(world: World) -> None:
    item_id = _story(world)
    page = world.client("peer").get(f"/items/{item_id}").text  # 小李 reads English (people CSV)
    assert _history(page) == [
        "Created by import",
        "小李 confirmed the item",
        "due date Sep 30 → Oct 8 (reschedule request approved by 小林)",
        "status Not started → At risk (Rule: 1 day before the due date, not started)",
    ]


def test_the_api_keeps_its_english_fields_newest_first(world: World) -> None:
    item_id = _story(world)
    history = world.api("viewer").get(f"/api/v1/items/{item_id}/history").json()
    assert [h["action"] for h in history] == ["changed", "rescheduled", "confirmed", "created"]
    assert set(history[0]) == {"at", "who", "action", "field", "before", "after"}
