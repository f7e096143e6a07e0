"""Issue 9: lists, tables with other headings, tab-separated rows and chat pastes all read into
the same draft; every ambiguity is a question, never a guess."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

import pytest

from luodi.capture.markdown import parse_action_list
from luodi.capture.model import ParseResult, ReadOptions
from luodi.domain.enums import ItemStatus, Priority
from luodi.i18n import use_language

NOW = datetime(2026, 11, 30, 10, 0)  # a Monday
HEAD = "# 【行动项】周会\n- 时间: 2026-11-30 10:00\n\n## 行动项\n"


@pytest.fixture(autouse=True, scope="module")
def english() -> Iterator[None]:
    with use_language("en"):
        yield


def read(text: str, **options: object) -> ParseResult:
    return parse_action_list(text, ReadOptions(now=NOW, **options))  # type: ignore[arg-type]


Expected = tuple[str, str, date | None, str | None]  # owner, title, due, deliverable

LISTS: list[tuple[str, list[Expected]]] = [
    # the two lists the issue found refused
    ("1. 小王:细化活动方案,12月4日前交详细执行方案\n2. @小李 下周三前给出技术评估",
     [("小王", "细化活动方案", date(2026, 12, 4), "详细执行方案"),
      ("小李", "给出技术评估", date(2026, 12, 9), "技术评估")]),
    ("1. 小王：细化活动方案，12月4日前交详细执行方案", [("小王", "细化活动方案", date(2026, 12, 4), "详细执行方案")]),
    ("- [ ] @小王 周五前给出方案", [("小王", "给出方案", date(2026, 12, 4), "方案")]),
    ("小王 —— 方案 —— 9/30", [("小王", "方案", date(2027, 9, 30), None)]),
    ("细化活动方案 — 小王 — 12月10日", [("小王", "细化活动方案", date(2026, 12, 10), None)]),
    ("* @小陈 明天下班前 发会议纪要", [("小陈", "会议纪要", date(2026, 12, 1), "会议纪要")]),
    ("1、小王：预算表，12月15日前提交", [("小王", "预算表", date(2026, 12, 15), None)]),
    ("(1) 小李负责技术评估,下周五前", [("小李", "技术评估", date(2026, 12, 11), None)]),
    ("① 小王: 场地预定 12/5", [("小王", "场地预定", date(2026, 12, 5), None)]),
    ("- 市场部-小张: 推广文案, 月底前", [("小张", "推广文案", date(2026, 11, 30), None)]),
    ("- 小张(市场部): 推广文案, 12月20日", [("小张", "推广文案", date(2026, 12, 20), None)]),
    ("- 小张（市场部）：推广文案，12月20日", [("小张", "推广文案", date(2026, 12, 20), None)]),
    ("- 推广文案 负责人:小张 截止 12月20日", [("小张", "推广文案", date(2026, 12, 20), None)]),
    ("- 推广文案(负责人：小张) 12月20日前", [("小张", "推广文案", date(2026, 12, 20), None)]),
    ("- @小王 3个工作日内给出报价", [("小王", "给出报价", date(2026, 12, 3), "报价")]),
    ("- @小王 两周内完成供应商比选", [("小王", "完成供应商比选", date(2026, 12, 14), None)]),
    ("- @小王 下个月15号前交年度总结", [("小王", "年度总结", date(2026, 12, 15), "年度总结")]),
    ("- @小王 年底前上线新系统", [("小王", "上线新系统", date(2026, 12, 31), None)]),
    ("- @小王 元旦后第一个工作日 发布公告", [("小王", "发布公告", date(2027, 1, 4), None)]),
    ("- @小李 12月4日 下午3点前 提交评估报告", [("小李", "评估报告", date(2026, 12, 4), "评估报告")]),
    ("- 小王: 细化方案, 交付物: 执行方案, 12月4日", [("小王", "细化方案", date(2026, 12, 4), "执行方案")]),
    ("- ✅ @小王 12月1日 订会议室", [("小王", "订会议室", date(2026, 12, 1), None)]),
    ("- 🔵 @小王 12月8日 写需求文档", [("小王", "写需求文档", date(2026, 12, 8), None)]),
    ("- @小王 12月8日 写需求文档 (有风险)", [("小王", "写需求文档", date(2026, 12, 8), None)]),
    ("- @小王 12月8日 写需求文档 ⭐⭐⭐", [("小王", "写需求文档", date(2026, 12, 8), None)]),
    ("1. ＠小王　１２月８日前　写需求文档", [("小王", "写需求文档", date(2026, 12, 8), None)]),
    ("- @Alice review the plan by Dec 4", [("Alice", "review the plan", date(2026, 12, 4), None)]),
    ("- Bob: draft the budget, next Friday", [("Bob", "draft the budget", date(2026, 12, 11), None)]),
    ("- 张经理: 审批预算, 12月3日", [("张经理", "审批预算", date(2026, 12, 3), None)]),
    ("T1. 小王: 方案, 12月4日\nT2. 小李: 评估, 12月9日\n任务2依赖任务1",
     [("小王", "方案", date(2026, 12, 4), None), ("小李", "评估", date(2026, 12, 9), None)]),
    # tables with other headings, without outer pipes, and tab-separated rows
    ("| 任务 | 负责人 | DDL |\n|---|---|---|\n| 方案 | 小王 | 12月4日 |", [("小王", "方案", date(2026, 12, 4), None)]),
    ("事项 | 执行人 | 完成时间 | 产出\n--|--|--|--\n方案 | 小王 | 12/4 | 文档",
     [("小王", "方案", date(2026, 12, 4), "文档")]),
    ("| task | assignee | deadline | output |\n|---|---|---|---|\n| plan | Bob | Dec 4 | doc |",
     [("Bob", "plan", date(2026, 12, 4), "doc")]),
    ("任务名称\t负责人\t截止时间\t交付物\n方案\t小王\t2026-12-04\t文档\n评估\t小李\t12月9日\t报告",
     [("小王", "方案", date(2026, 12, 4), "文档"), ("小李", "评估", date(2026, 12, 9), "报告")]),
]

CHATS: list[tuple[str, list[Expected]]] = [
    ("小林 10:32\n@小王 周五前给出方案\n收到\n小王 10:35\n好的，我明天下班前发初稿",
     [("小王", "给出方案", date(2026, 12, 4), "方案"), ("小王", "初稿", date(2026, 12, 1), "初稿")]),
    ("[10:40] 小林: @小陈 3个工作日内完成预算表\n[10:41] 小陈: 好的",
     [("小陈", "完成预算表", date(2026, 12, 3), None)]),
    ("小林 2026-11-27 16:00\n@小李 明天之前把评估发我", [("小李", "把评估发我", date(2026, 11, 28), None)]),
    ("【小林】10:32 @小王 12月4日前交方案\n【小王】10:33 收到", [("小王", "方案", date(2026, 12, 4), "方案")]),
]


def _summary(result: ParseResult) -> list[Expected]:
    assert result.meeting is not None
    return [(i.owner, i.title, i.due, i.deliverable) for i in result.meeting.items]


@pytest.mark.parametrize(("text", "expected"), LISTS + CHATS, ids=[t.split("\n")[0][:30] for t, _ in LISTS + CHATS])
def test_reads_the_list(text: str, expected: list[Expected]) -> None:
    result = read(HEAD + text + "\n")
    assert [f for f in result.findings if f.severity == "error"] == []
    assert result.questions == []
    assert _summary(result) == expected


def test_enough_lists() -> None:
    assert len(LISTS) + len(CHATS) >= 30


def test_the_same_draft_without_any_heading_asks_for_the_meeting_time() -> None:
    result = read("1. 小王:细化活动方案,12月4日前交详细执行方案\n2. @小李 下周三前给出技术评估\n")
    assert [(q.line, q.field, q.choices) for q in result.questions] == [(0, "时间", ["2026-11-30 10:00"])]
    assert _summary(result)[0] == ("小王", "细化活动方案", date(2026, 12, 4), "详细执行方案")
    answered = read("- @小李 下周三前给出技术评估\n", answers={(0, "时间"): "2026-12-07 09:00"})
    assert answered.questions == [] and _summary(answered) == [("小李", "给出技术评估", date(2026, 12, 16), "技术评估")]


def test_status_priority_numbers_and_dependencies_of_list_lines() -> None:
    result = read(HEAD + "3. ✅ @小王 12月1日 订会议室 ⭐⭐⭐\n5. @小李 12月8日 方案 (进行中) P2\n先做3再做5\n")
    assert result.meeting is not None
    first, second = result.meeting.items
    assert (first.number, first.status, first.priority, first.line) == (3, ItemStatus.DONE, Priority.HIGH, 5)
    assert (second.number, second.status, second.priority) == (5, ItemStatus.IN_PROGRESS, Priority.MEDIUM)
    assert second.depends_on == [3]


def test_a_time_of_day_and_the_configured_end_of_day() -> None:
    result = read(HEAD + "- @小王 12月4日 下午3点前 提交\n- @小李 明天下班前 发纪要\n", end_of_day=time(17, 30))
    assert result.meeting is not None
    assert [i.due_time for i in result.meeting.items] == [time(15, 0), time(17, 30)]


# ---------------------------------------------------------------- questions, not guesses

QUESTIONS: list[tuple[str, str, list[str]]] = [
    ("- 小王/小李: 方案, 12月4日", "owner", ["小王", "小李"]),
    ("- @小王 @小李 12月4日前 方案", "owner", ["小王", "小李"]),
    ("| 行动项 | 责任人 | 截止日期 |\n|---|---|---|\n| 方案 | 小王和小李 | 12月4日 |", "owner", ["小王", "小李"]),
    ("- @小王 本周内 方案", "due", ["2026-12-04", "2026-12-06"]),
    ("- @小王 周一 方案", "due", ["2026-11-30", "2026-12-07"]),
    ("- @小王 30号 方案", "due", ["2026-11-30", "2026-12-30"]),
    ("- @小王 下月初 方案", "due", ["2026-12-05", "2026-12-01", "2026-12-10"]),
    ("- @小王 周末 方案", "due", ["2026-12-06", "2026-12-05"]),
]


@pytest.mark.parametrize(("text", "field", "choices"), QUESTIONS)
def test_an_ambiguity_is_a_question(text: str, field: str, choices: list[str]) -> None:
    result = read(HEAD + text + "\n")
    line = 5 if text.startswith("-") else 7
    assert [(q.line, q.field, q.choices) for q in result.questions] == [(line, field, choices)]
    answered = read(HEAD + text + "\n", answers={(line, field): choices[1]})
    assert answered.questions == []
    item = answered.meeting.items[0] if answered.meeting else None
    assert item is not None
    assert (item.owner if field == "owner" else item.due.isoformat() if item.due else None) == choices[1]
    defaulted = read(HEAD + text + "\n", accept_defaults=True)
    assert defaulted.questions == []
    assert any(w.line == line and w.field == field and choices[0] in w.message for w in defaulted.warnings)


# ---------------------------------------------------------------- what cannot be read says why

REFUSED: list[tuple[str, int, str]] = [
    ("- @小王 尽快 方案", 5, "due"),
    ("- @小王 待定 方案", 5, "due"),
    ("- @小王 10月32日 方案", 5, "due"),
    ("- @小王 2月30日 方案", 5, "due"),
    ("- 方案 12月4日", 5, "owner"),
    ("- @小王 方案", 5, "due"),
]


@pytest.mark.parametrize(("text", "line", "field"), REFUSED)
def test_an_unreadable_line_is_an_error_naming_it(text: str, line: int, field: str) -> None:
    from luodi.domain.lint import lint

    result = read(HEAD + text + "\n")
    assert result.meeting is not None
    findings = result.findings + lint(result.meeting, today=NOW.date(), directory={})
    assert (line, field) in [(f.line, f.field) for f in findings if f.severity == "error"]


def test_chat_conversation_is_skipped_with_a_reason_not_silently() -> None:
    result = read(HEAD + "小林 10:32\n大家看下方案\n@小王 周五前给出方案\n谢谢\n")
    assert _summary(result) == [("小王", "给出方案", date(2026, 12, 4), "方案")]
    assert [(w.line, w.field) for w in result.warnings if w.field == "chat"] == [(6, "chat")]
