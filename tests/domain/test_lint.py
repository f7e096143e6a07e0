"""CAP-4: the quality gate before an action list is sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luodi.capture.model import Finding, ParsedDependency, ParsedItem, ParsedMeeting
from luodi.domain.enums import ItemStatus, Priority
from luodi.domain.lint import GROUP_OWNERS, OwnerFacts, is_group, lint
from luodi.i18n import use_language

TODAY = date(2026, 9, 26)
KNOWN = {name: OwnerFacts(reachable=True) for name in ("小王", "小李", "小陈", "Tom")}


@pytest.fixture(autouse=True, scope="module")
def english() -> Iterator[None]:
    """Messages are asserted in their English source form, whatever the default language."""
    with use_language("en"):
        yield


def make_item(number: int = 1, **overrides: Any) -> ParsedItem:
    fields: dict[str, Any] = {
        "line": 10 + number,
        "number": number,
        "title": f"任务{number}",
        "owner": "小王",
        "start": None,
        "due": date(2026, 9, 30),
        "due_time": None,
        "deliverable": "方案",
        "status": ItemStatus.NOT_STARTED,
        "priority": Priority.MEDIUM,
        "acceptance": None,
    }
    fields.update(overrides)
    return ParsedItem(**fields)


def make_meeting(*items: ParsedItem, dependencies: tuple[tuple[int, int], ...] = ()) -> ParsedMeeting:
    """A meeting whose dependency ``(a, b)`` number ``i`` is stated on line ``30 + i``."""
    edges = [ParsedDependency(30 + index, a, b) for index, (a, b) in enumerate(dependencies)]
    return ParsedMeeting(
        title="测试",
        name=None,
        starts_at=None,
        ends_at=None,
        place=None,
        organizer=None,
        items=list(items),
        dependencies=edges,
    )


def check(meeting: ParsedMeeting, **options: Any) -> list[tuple[int, str, str]]:
    findings = lint(
        meeting, today=options.pop("today", TODAY), directory=options.pop("directory", KNOWN), **options
    )
    return [(finding.line, finding.field, finding.severity) for finding in findings]


def messages(meeting: ParsedMeeting, **options: Any) -> str:
    return "\n".join(
        f.message for f in lint(meeting, today=TODAY, directory=options.pop("directory", KNOWN), **options)
    )


def test_a_clean_list_has_no_findings() -> None:
    meeting = make_meeting(
        make_item(1), make_item(2, owner="小李", due=date(2026, 10, 5)), dependencies=((2, 1),)
    )
    assert lint(meeting, today=TODAY, directory=KNOWN) == []


# ---------------------------------------------------------------- owners


@pytest.mark.parametrize("owner", ["", "   "])
def test_an_item_without_owner_is_an_error(owner: str) -> None:
    assert check(make_meeting(make_item(owner=owner))) == [(11, "owner", "error")]


@pytest.mark.parametrize(
    "owner",
    [
        "大家",
        "全体",
        "各部门",
        "所有人",
        "团队",
        "全员",
        "team",
        "Team",
        "Everyone",
        "all",
        "TBD",
        "待定",
        "市场部门",
        "同事们",
        "marketing team",
        "？",
    ],
)
def test_a_group_as_owner_is_an_error(owner: str) -> None:
    assert check(make_meeting(make_item(owner=owner))) == [(11, "owner", "error")]
    assert "group" in messages(make_meeting(make_item(owner=owner)))


@pytest.mark.parametrize(
    "owner",
    [
        "小王/小李",
        "小王、小李",
        "小王,小李",
        "小王，小李",
        "小王和小李",
        "小王 & 小李",
        "Tom and Jerry",
        "Tom or Jerry",
    ],
)
def test_two_people_are_not_one_clear_owner(owner: str) -> None:
    assert check(make_meeting(make_item(owner=owner))) == [(11, "owner", "error")]
    assert "several people" in messages(make_meeting(make_item(owner=owner)))


@pytest.mark.parametrize("owner", ["小王", "和平", "欧阳和平", "Anderson", "Sandy Allen", "阿部"])
def test_one_person_is_not_mistaken_for_a_group(owner: str) -> None:
    assert not is_group(owner)
    assert check(make_meeting(make_item(owner=owner)), directory={owner: OwnerFacts(True)}) == []


def test_the_group_list_holds_the_brief_s_examples() -> None:
    assert {
        "大家",
        "全体",
        "各部门",
        "所有人",
        "团队",
        "全员",
        "team",
        "everyone",
        "all",
        "tbd",
        "待定",
    } <= GROUP_OWNERS


def test_an_owner_unknown_to_the_directory_will_be_created() -> None:
    assert check(make_meeting(make_item(owner="小赵"))) == [(11, "owner", "warning")]
    assert "will be created" in messages(make_meeting(make_item(owner="小赵")))


def test_an_owner_nobody_can_reach_is_a_warning() -> None:
    directory = {"小王": OwnerFacts(reachable=False)}
    assert check(make_meeting(make_item()), directory=directory) == [(11, "owner", "warning")]
    assert "no email, phone or IM" in messages(make_meeting(make_item()), directory=directory)


# ---------------------------------------------------------------- dates and deliverables


def test_no_due_date_is_an_error() -> None:
    assert check(make_meeting(make_item(due=None))) == [(11, "due", "error")]


def test_an_unreadable_due_date_is_left_to_the_parser_s_error() -> None:
    assert check(make_meeting(make_item(due=None, due_text="下个月某天"))) == []


def test_a_past_due_date_is_a_warning_unless_the_item_is_done() -> None:
    late = make_item(due=date(2026, 9, 25))
    assert check(make_meeting(late)) == [(11, "due", "warning")]
    assert "already past" in messages(make_meeting(late))
    assert check(make_meeting(make_item(due=date(2026, 9, 25), status=ItemStatus.DONE))) == []
    assert check(make_meeting(make_item(due=TODAY))) == []


@pytest.mark.parametrize("deliverable", [None, "", "  "])
def test_no_deliverable_is_a_warning(deliverable: str | None) -> None:
    assert check(make_meeting(make_item(deliverable=deliverable))) == [(11, "deliverable", "warning")]


def test_an_item_due_before_its_prerequisite_is_a_warning_on_the_dependency_line() -> None:
    meeting = make_meeting(
        make_item(1, due=date(2026, 10, 5)), make_item(2, due=date(2026, 9, 30)), dependencies=((2, 1),)
    )
    assert check(meeting) == [(30, "due", "warning")]
    assert "before item 1" in messages(meeting)


def test_due_the_same_day_as_the_prerequisite_is_fine() -> None:
    meeting = make_meeting(make_item(1), make_item(2), dependencies=((2, 1),))
    assert check(meeting) == []


# ---------------------------------------------------------------- dependencies


def test_a_dependency_on_an_unknown_item_is_an_error_on_its_line() -> None:
    meeting = make_meeting(make_item(1), make_item(2), dependencies=((2, 1), (3, 1), (2, 9)))
    assert check(meeting) == [(31, "dependencies", "error"), (32, "dependencies", "error")]
    assert "no item 3" in messages(meeting) and "no item 9" in messages(meeting)


def test_a_dependency_on_itself_is_an_error() -> None:
    assert check(make_meeting(make_item(1), dependencies=((1, 1),))) == [(30, "dependencies", "error")]


@pytest.mark.parametrize(
    ("edges", "cycle", "line"),
    [
        (((1, 2), (2, 1)), "1 → 2 → 1", 30),
        (((2, 1), (3, 2), (1, 3)), "2 → 1 → 3 → 2", 30),
        (((2, 1), (3, 2), (2, 3)), "2 → 3 → 2", 32),
    ],
)
def test_a_cycle_is_one_error_listing_it(edges: tuple[tuple[int, int], ...], cycle: str, line: int) -> None:
    items = [make_item(n, due=date(2026, 9, 30)) for n in (1, 2, 3)]
    meeting = make_meeting(*items, dependencies=edges)
    assert [f for f in check(meeting) if f[2] == "error"] == [(line, "dependencies", "error")]
    assert f"Dependency cycle: {cycle}" in messages(meeting)


def test_depends_on_without_a_dependency_line_is_checked_on_the_item_row() -> None:
    meeting = make_meeting(make_item(1, depends_on=[2]), make_item(2, depends_on=[1, 7]))
    assert check(meeting) == [(11, "dependencies", "error"), (12, "dependencies", "error")]
    assert "1 → 2 → 1" in messages(meeting) and "no item 7" in messages(meeting)


def test_depends_on_filled_from_the_lines_is_not_counted_twice() -> None:
    meeting = make_meeting(make_item(1), make_item(2, depends_on=[3]), make_item(3), dependencies=((2, 3),))
    assert check(meeting) == []


# ---------------------------------------------------------------- weekly load


def test_more_than_five_open_items_in_a_week_is_one_warning_per_owner_and_week() -> None:
    items = [make_item(n, due=date(2026, 9, 28) + timedelta(days=n % 5)) for n in range(1, 7)]
    assert check(make_meeting(*items)) == [(11, "owner", "warning")]
    assert "小王 has 6 open items due in week 40 of 2026" in messages(make_meeting(*items))
    assert check(make_meeting(*items[:5])) == []


def test_the_load_counts_open_items_from_other_lists_in_the_same_iso_week() -> None:
    items = [make_item(n, due=date(2026, 9, 30)) for n in (1, 2, 3)]
    elsewhere = {"小王": [date(2026, 9, 28), date(2026, 10, 4), date(2026, 10, 2), date(2026, 10, 5)]}
    assert check(make_meeting(*items), open_due_dates=elsewhere) == [(11, "owner", "warning")]
    assert check(make_meeting(*items), open_due_dates=elsewhere, max_open_per_week=6) == []


def test_the_load_ignores_done_items_and_other_weeks_and_other_owners() -> None:
    items = [
        *(make_item(n, due=date(2026, 9, 30)) for n in (1, 2, 3, 4)),
        make_item(5, due=date(2026, 9, 30), status=ItemStatus.DONE),
        make_item(6, due=date(2026, 10, 5)),
        make_item(7, due=date(2026, 9, 30), owner="小李"),
    ]
    assert check(make_meeting(*items), max_open_per_week=4) == []


def test_the_iso_week_spans_the_new_year() -> None:
    items = [make_item(1, due=date(2026, 12, 31)), make_item(2, due=date(2027, 1, 2))]
    findings = lint(make_meeting(*items), today=date(2026, 12, 28), directory=KNOWN, max_open_per_week=1)
    assert [(f.line, f.field) for f in findings] == [(11, "owner")]
    assert "week 53 of 2026" in findings[0].message


# ---------------------------------------------------------------- shape of the result


def test_findings_are_sorted_by_line_errors_first() -> None:
    meeting = make_meeting(
        make_item(2, owner="大家", deliverable=None),
        make_item(1, due=None, deliverable=None),
        dependencies=((1, 5),),
    )
    assert check(meeting) == [
        (11, "due", "error"),
        (11, "deliverable", "warning"),
        (12, "owner", "error"),
        (12, "deliverable", "warning"),
        (30, "dependencies", "error"),
    ]


def test_chinese_messages_come_from_the_catalog_and_keep_their_values() -> None:
    with use_language("zh"):
        found = lint(make_meeting(make_item(owner="大家")), today=TODAY, directory=KNOWN)
    assert "大家" in found[0].message


item_numbers = st.integers(1, 6)


@st.composite
def meetings(draw: st.DrawFn) -> ParsedMeeting:
    numbers = draw(st.lists(item_numbers, max_size=6))
    items = [
        make_item(
            n,
            owner=draw(st.sampled_from(["", "大家", "小王", "小王/小李", "x"])),
            due=draw(st.none() | st.dates(date(2026, 1, 1), date(2027, 12, 31))),
            depends_on=draw(st.lists(item_numbers, max_size=3)),
        )
        for n in numbers
    ]
    edges = draw(st.lists(st.tuples(item_numbers, item_numbers), max_size=8))
    return make_meeting(*items, dependencies=tuple(edges))


@settings(max_examples=300, deadline=None)
@given(meetings(), st.integers(0, 6))
def test_lint_never_raises_and_every_finding_is_well_formed(meeting: ParsedMeeting, limit: int) -> None:
    findings = lint(meeting, today=TODAY, directory=KNOWN, max_open_per_week=limit)
    assert all(isinstance(f, Finding) and f.severity in ("error", "warning") and f.message for f in findings)
    assert findings == sorted(findings, key=lambda f: (f.line, f.severity != "error"))


# ---------------------------------------------------------------- every finding, whole (English msgids)

def test_each_finding_names_its_line_field_and_reason_in_words() -> None:
    directory = {**KNOWN, "小刘": OwnerFacts(reachable=False)}
    meeting = make_meeting(
        make_item(1, owner=""), make_item(2, owner="大家"), make_item(3, owner="小王、小李"),
        make_item(4, owner="小赵"), make_item(5, owner="小刘"), make_item(6, due=None),
        make_item(7, due=date(2026, 9, 20)), make_item(8, deliverable=None), make_item(9), make_item(10),
        make_item(11), make_item(12), make_item(13, due=date(2026, 10, 2)), make_item(14, due=date(2026, 10, 8)),
        dependencies=((9, 99), (10, 10), (11, 12), (12, 11), (13, 14)))
    found = [(f.severity, f.line, f.field, f.message) for f in lint(meeting, today=TODAY, directory=directory)]
    assert found == [
        ("error", 11, "owner", "Item 1 has no owner"),
        ("error", 12, "owner", "Owner '大家' is a group, not one person"),
        ("error", 13, "owner", "Owner '小王、小李' names several people; give the item to exactly one"),
        ("warning", 14, "owner", "Owner '小赵' is not in the people directory and will be created"),
        ("warning", 15, "owner", "Owner '小刘' has no email, phone or IM handle to reach them"),
        ("error", 16, "due", "Item 6 has no due date"),
        ("warning", 17, "due", "Item 7 is due 2026-09-20, which is already past"),
        ("warning", 18, "deliverable", "Item 8 has no deliverable"),
        ("warning", 18, "owner", "小王 has 6 open items due in week 40 of 2026 (more than 5)"),
        ("error", 30, "dependencies", "Dependency 9 → 99: there is no item 99"),
        ("error", 31, "dependencies", "Item 10 depends on itself"),
        ("error", 32, "dependencies", "Dependency cycle: 11 → 12 → 11"),
        ("warning", 34, "due", "Item 13 is due 2026-10-02, before item 14 it depends on (2026-10-08)"),
    ]


def test_the_weekly_load_adds_the_owners_open_items_in_other_lists() -> None:
    items = [make_item(n, owner="小陈", due=date(2026, 10, 14)) for n in range(1, 6)]
    elsewhere = {"小陈": [date(2026, 10, 16), date(2026, 10, 20)]}  # one in the same ISO week, one not
    found = lint(make_meeting(*items), today=TODAY, directory=KNOWN, open_due_dates=elsewhere)
    assert [(f.line, f.message) for f in found] == [(11, "小陈 has 6 open items due in week 42 of 2026 (more than 5)")]
    assert lint(make_meeting(*items), today=TODAY, directory=KNOWN) == []  # five are not more than five


def test_a_groups_items_count_toward_no_ones_weekly_load() -> None:
    items = [make_item(n, owner="大家") for n in range(1, 8)]
    found = lint(make_meeting(*items), today=TODAY, directory=KNOWN)
    assert {f.message for f in found} == {"Owner '大家' is a group, not one person"}
