"""ACC-2 and the article's trap 5 (验收标准不清晰): the checklist is chosen from the deliverable
when the item is created. The more specific types win over the general 方案 (a 技术方案 is checked
as a technical deliverable, a 培训PPT as training material); case does not matter; a deliverable of
no standard type, or none at all, gets no checklist. The 方案 checklist is the article's
「方案验收清单」, in the meeting's language."""

from __future__ import annotations

import pytest

from luodi.domain.checklists import TEMPLATES, checklist_for, template_for, template_lines
from luodi.i18n import use_language


@pytest.mark.parametrize(("deliverable", "template"), [
    ("详细执行方案", "plan"),        # the article's T001
    ("技术方案", "technical"),       # T002: 技术 before 方案
    ("培训PPT", "training"),         # T003
    ("培训材料", "training"),
    ("课件", "training"),
    ("Q4 plan", "plan"),
    ("Project PROPOSAL", "plan"),
    ("项目计划", "plan"),
    ("Technical design", "technical"),
    ("Tech review", "technical"),
    ("Tech", "technical"),           # a word at the very end still counts as a word
    ("Training slides", "training"),
    ("周报告", "report"),
    ("复盘总结", "report"),
    ("Market analysis", "report"),
    ("Weekly Summary", "report"),
])
def test_the_template_follows_the_deliverable_most_specific_first(deliverable: str, template: str) -> None:
    assert template_for(deliverable) == template


@pytest.mark.parametrize("deliverable", [None, "", "合同", "Technology stack", "a signed contract"])
def test_a_deliverable_of_no_standard_type_has_no_checklist(deliverable: str | None) -> None:
    assert template_for(deliverable) is None
    assert checklist_for(deliverable) == ()


def test_no_template_name_has_no_lines() -> None:
    assert template_lines(None) == ()
    assert template_lines("contract") == ()


def test_the_plan_checklist_is_the_articles_in_chinese() -> None:
    with use_language("zh"):
        lines = checklist_for("详细执行方案")
    assert len(lines) == 5
    assert lines[0] == "包含所有必需章节（背景、目标、方案、预算、时间表）"


def test_the_checklists_in_english_are_the_msgids_in_order() -> None:
    with use_language("en"):
        assert checklist_for("Q4 plan") == (
            "All required sections (background, goals, plan, budget, timeline)",
            "Accurate data (financial data, market data)",
            "Clear logic (the goal–strategy–execution chain is complete)",
            "Executable (clear execution steps)",
            "Risks identified (with contingency plans)",
        )
        assert checklist_for("技术方案")[0] == "A clear conclusion on technical feasibility"
        assert checklist_for("培训PPT") == template_lines("training")
        assert template_lines("report")[0] == "Answers the question it was asked"


def test_every_template_is_reachable_and_has_lines() -> None:
    for name, keywords, lines in TEMPLATES:
        assert lines
        assert template_for(keywords[0]) == name
