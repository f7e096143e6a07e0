"""Issue 15 point 2: every kind of audit row becomes a sentence, in zh and en, with no internal words."""

from __future__ import annotations

import pytest

from luodi.render.history import AuditFacts, sentence

CASES = [
    (AuditFacts("system", "import", "item", "created", None, None, None), "由导入创建", "Created by import"),
    (AuditFacts("person", "小林", "item", "created", None, None, "T004"), "小林 创建了任务", "小林 created the item"),
    (AuditFacts("person", "小王", "item", "confirmed", "confirmed", "False", "True"), "小王 确认了任务",
     "小王 confirmed the item"),
    (AuditFacts("person", "小林", "item", "changed", "status", "in_progress", "done"),
     "小林 修改了状态 进行中 → 已完成", "小林 changed status In progress → Done"),
    (AuditFacts("rule", "mark_delayed", "item", "changed", "status", "at_risk", "delayed"),
     "状态 有风险 → 已延期(规则:截止后次一工作日标记延期)", None),
    (AuditFacts("person", "小林", "item", "rescheduled", "due", "2026-09-30", "2026-10-08"),
     "截止日期 9月30日 → 10月8日(申请改期已批准,小林)",
     "due date Sep 30 → Oct 8 (reschedule request approved by 小林)"),
    (AuditFacts("person", "小李", "item", "submitted", "partial", None, "https://x.example/a"),
     "小李 提交了简版:https://x.example/a", "小李 submitted a short version (简版): https://x.example/a"),
    (AuditFacts("person", "小林", "item", "accepted", "score", None, "78"), "小林 验收通过,78 分",
     "小林 accepted the item with 78 points"),
    (AuditFacts("person", "小林", "blocker", "cleared", "minutes_open", None, "240"),
     "小林 解除了阻塞(提出后 240 分钟)", "小林 cleared a blocker (240 minutes after it was raised)"),
]


@pytest.mark.parametrize(("facts", "zh", "en"), CASES)
def test_sentences(facts: AuditFacts, zh: str, en: str | None) -> None:
    zh_text = sentence(facts, "zh", ref_year=2026)
    if "规则" in zh and facts.who == "mark_delayed":
        assert zh_text.startswith("状态 有风险 → 已延期(规则:") and "mark_delayed" not in zh_text
    else:
        assert zh_text == zh
    if en is not None:
        assert sentence(facts, "en", ref_year=2026) == en
    for internal in ("False", "True", "in_progress", "confirmed ·"):
        assert internal not in zh_text
