"""Minutes and chats → candidates (issue 9 part 3): decisions by their words or their heading,
action items by a person of the directory plus a date or a commitment, each with its sentence and
line; what cannot be decided (two people, a two-way date) is left for the import to ask."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from luodi.capture.extract import draft_markdown, extract
from luodi.capture.model import ReadOptions
from luodi.capture.reader import read_draft

MINUTES = Path(__file__).parents[1] / "data" / "minutes"
NAMES = ["小林", "小王", "小李", "小张", "张经理"]
TODAY = dt.date(2026, 12, 3)


def test_the_kickoff_minutes() -> None:
    found = extract((MINUTES / "q4_kickoff.txt").read_text(encoding="utf-8"), names=NAMES, today=TODAY)
    assert (found.title, found.meeting_date, found.meeting_time) == ("Q4服务活动启动会", dt.date(2026, 12, 1),
                                                                     "2026-12-01 14:00")
    assert [(d.text, d.source_line) for d in found.decisions] == [
        ("活动定在12月20日举办，预算上限20万", 6), ("采用线上线下结合的方式", 7), ("由小林统一对接供应商", 13)]
    assert [(i.title, i.owner, i.due, i.source_line) for i in found.items] == [
        ("提交详细执行方案", "小王", dt.date(2026, 12, 4), 11),
        ("给出技术评估", "小李", dt.date(2026, 12, 9), 11),       # 下周三 from the meeting's date
        ("完成推广文案初稿", "小张", dt.date(2026, 12, 4), 12),
        ("跟进场地预订，确定", "小李/小王", dt.date(2026, 12, 10), 14),  # two people: the import asks
    ]
    assert found.items[0].sentence == "小王负责在12月4日前提交详细执行方案"


def test_a_chat_transcript() -> None:
    found = extract((MINUTES / "feishu_chat.txt").read_text(encoding="utf-8"), names=NAMES, today=TODAY,
                    source="chat")
    assert [(i.owner, i.due, i.source_line) for i in found.items] == [
        ("小王", dt.date(2026, 12, 4), 4), ("小王", dt.date(2026, 12, 4), 6), ("小李", dt.date(2026, 12, 9), 8)]
    assert "收到" not in [i.title for i in found.items]


CASES = [
    ("会议决定：下周起每天站会。", [], ["下周起每天站会"]),
    ("经讨论，大家一致认为先做小程序。", [], ["经讨论，大家一致认为先做小程序"]),
    ("张经理负责协调预算，12月8日前反馈。", [("协调预算，反馈", "张经理", dt.date(2026, 12, 8))], []),
    ("请小张在3个工作日内整理会议纪要",  # Thursday + 3 working days: Tuesday
     [("整理会议纪要", "小张", dt.date(2026, 12, 8))], []),
    ("小赵负责联系场地", [("联系场地", "小赵", None)], []),            # not in the directory: named, no date
    ("小林介绍了去年的情况。", [], []),                                  # a person, no task, no decision
    ("@小王 尽快把报价发我", [("把报价发我", "小王", None)], []),       # 尽快: no date, left for the import
    ("Decisions:\n- ship the beta on Friday", [], ["ship the beta on Friday"]),
]


@pytest.mark.parametrize(("text", "items", "decisions"), CASES)
def test_sentences(text: str, items: list[tuple[str, str, dt.date | None]], decisions: list[str]) -> None:
    found = extract(text, names=NAMES, today=TODAY)
    assert [(i.title, i.owner, i.due) for i in found.items] == items
    assert [d.text for d in found.decisions] == decisions


def test_the_draft_imports_as_a_list_with_the_questions_left_open() -> None:
    found = extract((MINUTES / "q4_kickoff.txt").read_text(encoding="utf-8"), names=NAMES, today=TODAY)
    draft = draft_markdown(found, items=found.items)
    result = read_draft(draft, ReadOptions(now=dt.datetime(2026, 12, 3, 9, 0)))
    assert result.errors == [] and result.meeting is not None
    assert result.meeting.decisions == [
        "活动定在12月20日举办，预算上限20万", "采用线上线下结合的方式", "由小林统一对接供应商"]
    assert [q.field for q in result.questions] == ["owner"]     # 小李/小王
    only = draft_markdown(found, decisions=[], items=found.items[:1])
    assert "## 决策" not in only and only.count("| 1 |") == 1
