"""CAP-2: import of the action-list Markdown, and the bad-input corpus (NF-3)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luodi.capture.markdown import MAX_BYTES, parse_action_list
from luodi.capture.model import (
    Finding,
    ParsedDependency,
    ParsedItem,
    ParsedMeeting,
    ParsedNextMeeting,
    ParseResult,
)
from luodi.domain.enums import ItemStatus, Priority
from luodi.domain.lint import OwnerFacts, lint
from luodi.i18n import use_language

TESTS = Path(__file__).parents[1]
Q4_ZH = TESTS / "data" / "q4_zh.md"
Q4_EN = TESTS / "data" / "q4_en.md"
CORPUS = TESTS / "corpus"
MEETING_DAY = date(2026, 9, 26)


@pytest.fixture(autouse=True, scope="module")
def english() -> Iterator[None]:
    """Messages are asserted in their English source form, whatever the default language."""
    with use_language("en"):
        yield


HEAD = """# 【行动项】测试清单
- 会议: 周会
- 时间: 2026-09-26 14:00-15:30
- 地点: 3楼会议室
- 组织者: 小林
- 参会: 小林, 小王, 小李, 小陈

## 行动项
"""
HEADER = "| 序号 | 行动项 | 责任人 | 截止日期 | 交付物 | 状态 | 优先级 |\n|---|---|---|---|---|---|---|\n"
FIRST_ROW = 11  # HEAD is 8 lines, HEADER 2: rows start on line 11


def action_list(*rows: str, header: str = HEADER, head: str = HEAD, tail: str = "") -> str:
    """A small Chinese action list; row ``i`` (0-based) is on line ``FIRST_ROW + i``."""
    return head + header + "".join(row + "\n" for row in rows) + tail


def row(
    number: str = "1",
    title: str = "细化活动方案",
    owner: str = "小王",
    due: str = "9月30日",
    deliverable: str = "详细执行方案",
    status: str = "进行中",
    priority: str = "高",
) -> str:
    return f"| {number} | {title} | {owner} | {due} | {deliverable} | {status} | {priority} |"


def only(result: ParseResult, field: str) -> Finding:
    found = [finding for finding in result.findings if finding.field == field]
    assert len(found) == 1, result.findings
    return found[0]


def meeting_of(result: ParseResult) -> ParsedMeeting:
    assert result.meeting is not None, result.findings
    return result.meeting


# ---------------------------------------------------------------- the article's Q4 list


def q4_items() -> list[ParsedItem]:
    common: dict[str, Any] = {"start": None, "due_time": None, "acceptance": None, "priority": Priority.MEDIUM}
    return [
        ParsedItem(
            **common | {"priority": Priority.HIGH},
            line=16,
            number=1,
            title="细化活动方案",
            owner="小王",
            due=date(2026, 9, 30),
            deliverable="详细执行方案",
            status=ItemStatus.IN_PROGRESS,
            due_text="9月30日",
        ),
        ParsedItem(
            **common,
            line=17,
            number=2,
            title="技术评估",
            owner="小李",
            due=date(2026, 10, 5),
            deliverable="技术方案",
            status=ItemStatus.NOT_STARTED,
            depends_on=[1],
            due_text="10月5日",
        ),
        ParsedItem(
            **common,
            line=18,
            number=3,
            title="培训材料准备",
            owner="小陈",
            due=date(2026, 10, 10),
            deliverable="培训PPT",
            status=ItemStatus.NOT_STARTED,
            depends_on=[1],
            due_text="10月10日",
        ),
    ]


def test_the_chinese_q4_list_reads_exactly() -> None:
    result = parse_action_list(Q4_ZH.read_bytes())
    assert result.findings == []
    assert result.meeting == ParsedMeeting(
        title="Q4服务活动方案跟进",
        name="Q4服务活动方案评审会",
        starts_at=datetime(2026, 9, 26, 14, 0),
        ends_at=datetime(2026, 9, 26, 15, 30),
        place="3楼会议室",
        organizer="小林",
        attendees=["小林", "小王", "小李", "小陈"],
        decisions=["选择方案B作为Q4活动方案", "活动时间10月15-31日", "预算控制在50万以内"],
        items=q4_items(),
        dependencies=[
            ParsedDependency(21, 2, 1, "小李需要先看到小王的方案才能做技术评估"),
            ParsedDependency(22, 3, 1, "小陈需要根据小王的方案准备培训"),
        ],
        next_meeting=ParsedNextMeeting(
            24, datetime(2026, 10, 15, 10, 0), "3楼会议室", "检查所有任务完成情况,启动执行"
        ),
        attachments=[],
        language="zh",
    )


@pytest.mark.parametrize(("line", "language", "warned"), [
    ("- Language: zh", "zh", False), ("- 语言: EN", "en", False), ("- Language: fr", "en", True)])
def test_a_language_line_states_the_lists_language(line: str, language: str, warned: bool) -> None:
    """The English list is en by its headings; a 语言/Language line overrides them (a sheet exported
    in the user's language keeps the meeting's own), anything but zh/en is a warning on its line."""
    text = Q4_EN.read_text(encoding="utf-8").replace("- Attendees:", line + "\n- Attendees:", 1)
    result = parse_action_list(text)
    assert meeting_of(result).language == language
    assert [(f.line, f.field, f.severity) for f in result.findings] == ([(6, "meta", "warning")] if warned else [])
    if warned:
        assert "'fr' is neither zh nor en" in result.findings[0].message


def test_the_english_q4_list_reads_the_same_facts() -> None:
    result = parse_action_list(Q4_EN.read_text(encoding="utf-8"))
    assert result.findings == []
    meeting, chinese = meeting_of(result), meeting_of(parse_action_list(Q4_ZH.read_bytes()))
    assert meeting.language == "en"
    assert meeting.title == "Q4 service campaign follow-up"
    assert meeting.attendees == ["Xiao Lin", "Xiao Wang", "Xiao Li", "Xiao Chen"]
    assert (meeting.starts_at, meeting.ends_at) == (chinese.starts_at, chinese.ends_at)
    facts = [(i.line, i.number, i.due, i.status, i.priority, i.depends_on) for i in meeting.items]
    assert facts == [(i.line, i.number, i.due, i.status, i.priority, i.depends_on) for i in chinese.items]
    assert [(d.line, d.dependent, d.prerequisite) for d in meeting.dependencies] == [(21, 2, 1), (22, 3, 1)]
    assert meeting.next_meeting is not None and meeting.next_meeting.at == datetime(2026, 10, 15, 10, 0)
    assert len(meeting.decisions) == 3


@pytest.mark.parametrize("path", [Q4_ZH, Q4_EN], ids=["zh", "en"])
def test_the_q4_lists_pass_lint_when_everyone_is_known(path: Path) -> None:
    meeting = meeting_of(parse_action_list(path.read_bytes()))
    directory = {item.owner: OwnerFacts(reachable=True) for item in meeting.items}
    assert lint(meeting, today=MEETING_DAY, directory=directory) == []


# ---------------------------------------------------------------- meta lines and sections


def test_full_width_colons_and_chinese_separators() -> None:
    head = HEAD.replace("- 参会: 小林, 小王, 小李, 小陈", "- 参会：小林、小王，@小李,小陈").replace(
        "- 地点: ", "- 地点："
    )
    meeting = meeting_of(parse_action_list(action_list(row(), head=head)))
    assert meeting.attendees == ["小林", "小王", "小李", "小陈"]
    assert meeting.place == "3楼会议室"


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("# 【行动项】Q4跟进", "Q4跟进"),
        ("# 【 行动项清单 】 Q4跟进", "Q4跟进"),
        ("# [Action items] Q4 follow-up", "Q4 follow-up"),
        ("# Action items: Q4 follow-up", "Q4 follow-up"),
        ("# Q4跟进", "Q4跟进"),
    ],
)
def test_the_title_loses_its_prefix(line: str, title: str) -> None:
    assert (
        meeting_of(
            parse_action_list(action_list(row(), head=HEAD.replace("# 【行动项】测试清单", line)))
        ).title
        == title
    )


def test_a_missing_or_empty_title_is_an_error() -> None:
    assert (
        only(
            parse_action_list(action_list(row(), head=HEAD.replace("# 【行动项】测试清单\n", ""))), "title"
        ).line
        == 0
    )
    empty = only(parse_action_list(action_list(row(), head=HEAD.replace("测试清单", ""))), "title")
    assert (empty.line, empty.severity) == (1, "error")


def test_a_missing_meeting_time_is_an_error_and_relative_dates_cannot_be_read() -> None:
    head = HEAD.replace("- 时间: 2026-09-26 14:00-15:30\n", "")
    result = parse_action_list(action_list(row(due="9月30日"), row("2", due="2026-10-05"), head=head))
    assert [(f.line, f.field) for f in result.errors] == [(0, "时间"), (FIRST_ROW - 1, "due")]
    assert "meeting's date" in result.errors[1].message
    assert [item.due for item in meeting_of(result).items] == [None, date(2026, 10, 5)]


@pytest.mark.parametrize("value", ["9月26日 14:00", "下午两点", "2026-09-26", "2026-09-26 16:00-15:00"])
def test_an_unreadable_meeting_time_names_the_line(value: str) -> None:
    result = parse_action_list(action_list(row(), head=HEAD.replace("2026-09-26 14:00-15:30", value)))
    finding = only(result, "时间")
    assert (finding.line, finding.severity) == (3, "error")
    assert repr(value) in finding.message


def test_unknown_meta_lines_and_sections_are_warnings_and_a_repeated_section_an_error() -> None:
    head = HEAD.replace("- 组织者: 小林\n", "- 组织者: 小林\n- 心情: 很好\n")
    text = action_list(row(), head=head, tail="\n## 备注\n随便写写\n\n## 行动项\n| 序号 |\n")
    result = parse_action_list(text)
    assert [(f.line, f.field, f.severity) for f in result.findings] == [
        (6, "meta", "warning"),
        (14, "section", "warning"),
        (17, "section", "error"),
    ]
    assert len(meeting_of(result).items) == 1


def test_decisions_attachments_and_next_meeting() -> None:
    tail = (
        "\n## 决策\n1. 选择方案B\n2、活动时间10月15-31日\n- 预算50万以内\n随口一提\n"
        "\n## 附件\n- [会议录音](https://example.com/q4.mp3)\n- [PPT](files/q4.pptx)\n"
        "- [坏链接](javascript:void0)\n"
        "\n## 下次跟进会议\n- 时间：10月15日 下午3点\n- 地点：3楼会议室\n- 目的：检查进度\n"
    )
    result = parse_action_list(action_list(row(), tail=tail))
    meeting = meeting_of(result)
    assert meeting.decisions == ["选择方案B", "活动时间10月15-31日", "预算50万以内"]
    assert meeting.attachments == [("会议录音", "https://example.com/q4.mp3"), ("PPT", "files/q4.pptx")]
    assert meeting.next_meeting == ParsedNextMeeting(24, datetime(2026, 10, 15, 15), "3楼会议室", "检查进度")
    assert [(f.line, f.field) for f in result.findings] == [(17, "decisions"), (22, "attachments")]


def test_a_next_meeting_without_a_readable_time() -> None:
    missing = parse_action_list(action_list(row(), tail="\n## 下次跟进会议\n- 地点: 3楼\n"))
    assert (only(missing, "next_meeting").line, only(missing, "next_meeting").severity) == (13, "warning")
    vague = parse_action_list(action_list(row(), tail="\n## 下次跟进会议\n- 时间: 下周找时间\n"))
    assert (only(vague, "next_meeting").line, only(vague, "next_meeting").severity) == (14, "error")


# ---------------------------------------------------------------- the table


def test_columns_are_matched_by_name_in_any_order_with_optional_ones() -> None:
    header = "| 责任人 | 截止日期 | 序号 | 开始日期 | 行动项 | 验收标准 |\n|:--|:-:|--:|---|---|---|\n"
    text = action_list("| @小王 | 10月5日 下午3点 | T003 | 9月28日 | 技术评估 | 含成本测算 |", header=header)
    result = parse_action_list(text)
    assert result.findings == []
    assert meeting_of(result).items == [
        ParsedItem(
            line=FIRST_ROW,
            number=3,
            title="技术评估",
            owner="小王",
            start=date(2026, 9, 28),
            due=date(2026, 10, 5),
            due_time=time(15, 0),
            deliverable=None,
            status=ItemStatus.NOT_STARTED,
            priority=Priority.MEDIUM,
            acceptance="含成本测算",
            due_text="10月5日 下午3点",
        ),
    ]


def test_english_headers_and_a_missing_separator_line() -> None:
    header = "| # | Action | Owner | Due | Deliverable | Status | Priority |\n"
    result = parse_action_list(
        action_list("| 1 | Plan | Xiao Wang | Sep 30 | Plan doc | done | ⭐ |", header=header)
    )
    assert [(f.line, f.field, f.severity) for f in result.findings] == [(9, "table", "warning")]
    item = meeting_of(result).items[0]
    assert (item.line, item.status, item.priority, item.due) == (
        10,
        ItemStatus.DONE,
        Priority.LOW,
        date(2026, 9, 30),
    )


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("", ItemStatus.NOT_STARTED),
        ("未开始", ItemStatus.NOT_STARTED),
        ("⚪未开始", ItemStatus.NOT_STARTED),
        ("🔵进行中", ItemStatus.IN_PROGRESS),
        ("🔵 进行中", ItemStatus.IN_PROGRESS),
        ("?进行中", ItemStatus.IN_PROGRESS),
        ("🟠有风险", ItemStatus.AT_RISK),
        ("⚫已延期", ItemStatus.DELAYED),
        ("🟢已完成", ItemStatus.DONE),
        ("🟢", ItemStatus.DONE),
        ("in progress", ItemStatus.IN_PROGRESS),
        ("At risk", ItemStatus.AT_RISK),
        ("not_started", ItemStatus.NOT_STARTED),
        ("Delayed", ItemStatus.DELAYED),
        ("Done", ItemStatus.DONE),
    ],
)
def test_status_words(text: str, status: ItemStatus) -> None:
    result = parse_action_list(action_list(row(status=text)))
    assert result.findings == []
    assert meeting_of(result).items[0].status is status


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("", Priority.MEDIUM),
        ("高", Priority.HIGH),
        ("中", Priority.MEDIUM),
        ("低", Priority.LOW),
        ("⭐⭐⭐", Priority.HIGH),
        ("⭐⭐", Priority.MEDIUM),
        ("⭐", Priority.LOW),
        ("High", Priority.HIGH),
        ("medium", Priority.MEDIUM),
        ("low", Priority.LOW),
        ("⭐⭐⭐ 高", Priority.HIGH),
    ],
)
def test_priority_words(text: str, priority: Priority) -> None:
    result = parse_action_list(action_list(row(priority=text)))
    assert result.findings == []
    assert meeting_of(result).items[0].priority is priority


@pytest.mark.parametrize(
    ("field", "cells"),
    [
        ("status", {"status": "搞定了"}),
        ("priority", {"priority": "⭐⭐⭐⭐"}),
        ("priority", {"priority": "很急"}),
    ],
)
def test_unknown_status_or_priority_is_an_error_on_the_row(field: str, cells: dict[str, str]) -> None:
    result = parse_action_list(action_list(row(), row("2", **cells)))
    finding = only(result, field)
    assert (finding.line, finding.severity) == (FIRST_ROW + 1, "error")


def test_cells_may_hold_an_escaped_bar_and_placeholders_mean_nothing() -> None:
    meeting = meeting_of(parse_action_list(action_list(row(title=r"方案A\|B", deliverable="—"))))
    assert (meeting.items[0].title, meeting.items[0].deliverable) == ("方案A|B", None)


def test_empty_rows_are_skipped_and_text_around_the_table_is_a_warning() -> None:
    text = (
        HEAD
        + "请各位按时完成:\n"
        + HEADER
        + row()
        + "\n|  |  |  |  |  |  |  |\n"
        + row("2")
        + "\n\n说明文字\n"
    )
    result = parse_action_list(text)
    assert [item.number for item in meeting_of(result).items] == [1, 2]
    assert [(f.line, f.field, f.severity) for f in result.findings] == [
        (9, "table", "warning"),
        (16, "table", "warning"),
    ]


def test_a_start_after_the_due_date_is_a_warning() -> None:
    header = "| 序号 | 行动项 | 责任人 | 开始日期 | 截止日期 |\n|---|---|---|---|---|\n"
    result = parse_action_list(action_list("| 1 | 评估 | 小李 | 10月6日 | 10月5日 |", header=header))
    assert (only(result, "start").line, only(result, "start").severity) == (FIRST_ROW, "warning")


def test_an_unknown_or_repeated_column() -> None:
    header = "| 序号 | 行动项 | 责任人 | 截止日期 | 备注 | 负责人 |\n|---|---|---|---|---|---|\n"
    result = parse_action_list(action_list("| 1 | 评估 | 小李 | 10月5日 | 无 | 小王 |", header=header))
    assert [(f.line, f.field, f.severity) for f in result.findings] == [
        (9, "table", "error"),
        (9, "table", "warning"),
    ]
    assert meeting_of(result).items[0].owner == "小李"


def test_a_row_without_a_title_is_an_error() -> None:
    assert only(parse_action_list(action_list(row(title=""))), "title").line == FIRST_ROW


def test_no_action_item_section_at_all() -> None:
    text = HEAD.replace("## 行动项\n", "## 决策\n1. 选择方案B\n")
    finding = only(parse_action_list(text), "table")
    assert (finding.line, finding.severity) == (0, "error")


# ---------------------------------------------------------------- dependencies


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- 任务2依赖任务1", [(2, 1, None)]),
        ("- T002依赖T001", [(2, 1, None)]),
        ("- 2依赖1", [(2, 1, None)]),
        ("- 任务2依赖于任务1。", [(2, 1, None)]),
        ("- 任务2依赖任务1（小李需要先看到小王的方案）", [(2, 1, "小李需要先看到小王的方案")]),
        ("- 任务2依赖任务1(方案(终稿))", [(2, 1, "方案(终稿)")]),
        ("- 任务3依赖任务1和任务2", [(3, 1, None), (3, 2, None)]),
        ("- 任务3依赖任务1、任务2", [(3, 1, None), (3, 2, None)]),
        ("* 3 depends on 1, 2", [(3, 1, None), (3, 2, None)]),
        ("- 3 depends on 1 and 2 (needs both)", [(3, 1, "needs both"), (3, 2, "needs both")]),
        ("- Task 2 depends on task 1", [(2, 1, None)]),
        ("1. T003 depends on T002", [(3, 2, None)]),
    ],
)
def test_dependency_lines(line: str, expected: list[tuple[int, int, str | None]]) -> None:
    rows = (row(), row("2"), row("3"))
    result = parse_action_list(action_list(*rows, tail=f"\n## 依赖关系\n{line}\n"))
    assert result.findings == []
    meeting = meeting_of(result)
    assert [(d.line, d.dependent, d.prerequisite, d.reason) for d in meeting.dependencies] == [
        (FIRST_ROW + 5, *edge) for edge in expected
    ]
    assert {item.number: item.depends_on for item in meeting.items}[expected[0][0]] == [
        e[1] for e in expected
    ]


def test_no_dependencies_written_as_none() -> None:
    result = parse_action_list(action_list(row(), tail="\n## 依赖关系\n- 无\n"))
    assert result.findings == [] and meeting_of(result).dependencies == []


def test_an_unreadable_or_repeated_dependency() -> None:
    tail = "\n## 依赖关系\n- 任务2依赖任务1\n- 任务2和任务1有关系\n- 2 depends on 1\n"
    result = parse_action_list(action_list(row(), row("2"), tail=tail))
    assert [(f.line, f.field, f.severity) for f in result.findings] == [
        (FIRST_ROW + 5, "dependencies", "error"),
        (FIRST_ROW + 6, "dependencies", "warning"),
    ]
    assert len(meeting_of(result).dependencies) == 1


# ---------------------------------------------------------------- files that are not action lists


def test_bom_and_crlf_do_not_move_lines() -> None:
    plain = parse_action_list(Q4_ZH.read_bytes())
    windows = parse_action_list(b"\xef\xbb\xbf" + Q4_ZH.read_bytes().replace(b"\n", b"\r\n"))
    assert windows == plain


def test_str_and_bytes_read_alike() -> None:
    assert parse_action_list(Q4_ZH.read_text(encoding="utf-8")) == parse_action_list(Q4_ZH.read_bytes())


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "binary"),
        (b"# \xe8\xa1\x8c\xff\xfe", "UTF-8"),
        ("# 行动项\x00".encode(), "binary"),
        ("# 行动项\x00", "binary"),
        ("# 行动项\ud800", "Unicode"),
        ("# 【行动项】".encode("utf-16"), "UTF-16"),
    ],
    ids=["png", "not-utf8", "nul-bytes", "nul-str", "surrogate", "utf16"],
)
def test_unreadable_files(source: bytes | str, words: str) -> None:
    result = parse_action_list(source)
    assert result.meeting is None
    assert [(f.line, f.field, f.severity) for f in result.findings] == [(0, "file", "error")]
    assert words in result.findings[0].message


@pytest.mark.parametrize("kind", [bytes, str])
def test_a_10_mb_file_is_refused_without_being_read(kind: type) -> None:
    text = Q4_ZH.read_text(encoding="utf-8")
    big = text + "\n" * (10 * 1024 * 1024)
    result = parse_action_list(big.encode() if kind is bytes else big)
    assert result.meeting is None
    assert [(f.line, f.field) for f in result.errors] == [(0, "file")]
    assert "too large" in result.errors[0].message


def test_a_file_at_the_limit_is_read() -> None:
    data = Q4_ZH.read_bytes()
    result = parse_action_list(data + b"\n" * (MAX_BYTES - len(data)))
    assert result.findings == []
    assert len(meeting_of(result).items) == 3


def test_an_empty_file_is_an_action_list_with_everything_missing() -> None:
    result = parse_action_list(b"")
    assert {(f.line, f.field) for f in result.errors} == {(0, "title"), (0, "时间"), (0, "table")}


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_never_raises_on_arbitrary_input(source: bytes | str) -> None:
    result = parse_action_list(source)
    assert all(finding.line >= 0 for finding in result.findings)


Q4_LINES = Q4_ZH.read_text(encoding="utf-8").splitlines()
FRAGMENTS = [
    *Q4_LINES,
    "| 1 |",
    "|---|",
    "| x | y | z | w |",
    "## 依赖关系",
    "- 任务9依赖任务9",
    "- 时间: 明天",
    "## 下次跟进会议",
    "## 附件",
    "- [a](b)",
    "# ",
    "| 序号 | 责任人 |",
    "- 时间: 2026-02-30 25:00",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25))
def test_never_raises_on_shuffled_action_lists(lines: list[str]) -> None:
    result = parse_action_list("\n".join(lines))
    if result.meeting is not None:
        lint(result.meeting, today=MEETING_DAY, directory={})
    assert all(0 <= finding.line <= len(lines) for finding in result.findings)


# ---------------------------------------------------------------- the bad-input corpus

EXPECTED = {
    "binary.png": ("file", 0),
    "utf16.md": ("file", 0),
    "missing_owner_column.md": ("table", 12),
    "wrong_cell_count.md": ("table", 15),
    "duplicate_number.md": ("序号", 16),
    "non_integer_number.md": ("序号", 15),
    "unreadable_date.md": ("due", 15),
    "impossible_date.md": ("due", 15),
    "no_due_date.md": ("due", 15),
    "empty_owner.md": ("owner", 15),
    "group_owner.md": ("owner", 15),
    "unknown_dependency.md": ("dependencies", 19),
    "cycle.md": ("dependencies", 19),
    "unreadable_meeting_time.md": ("时间", 3),
}


def parse_and_lint(path: Path) -> list[Finding]:
    result = parse_action_list(path.read_bytes())
    findings = list(result.findings)
    if result.meeting is not None:
        directory = {item.owner: OwnerFacts(reachable=True) for item in result.meeting.items}
        findings += lint(result.meeting, today=MEETING_DAY, directory=directory)
    return findings


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_corpus_file_yields_the_expected_error(name: str, expected: tuple[str, int]) -> None:
    errors = [(f.field, f.line) for f in parse_and_lint(CORPUS / name) if f.severity == "error"]
    assert expected in errors


def test_the_corpus_readme_lists_every_file_with_its_expectation() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    table = {
        name: (field, int(line))
        for name, field, line in re.findall(r"^\| `(.+?)` \| `(.+?)` \| (\d+) \|", readme, re.M)
    }
    assert table == EXPECTED
    assert sorted(p.name for p in CORPUS.iterdir() if p.name != "README.md") == sorted(EXPECTED)


def test_corpus_errors_name_the_reason() -> None:
    messages = " ".join(f.message for f in parse_and_lint(CORPUS / "cycle.md"))
    assert "1 → 3 → 2 → 1" in messages
    assert "'下个月某天'" in " ".join(f.message for f in parse_and_lint(CORPUS / "unreadable_date.md"))
    assert "大家" in " ".join(f.message for f in parse_and_lint(CORPUS / "group_owner.md"))


def test_translated_messages_keep_their_placeholders() -> None:
    """A catalog entry with a wrong ``{placeholder}`` would make the parser raise: it must not."""
    with use_language("zh"):
        for path in sorted(CORPUS.iterdir()):
            assert parse_and_lint(path) or path.name == "README.md"
        assert parse_action_list(b"x" * (MAX_BYTES + 1)).errors
