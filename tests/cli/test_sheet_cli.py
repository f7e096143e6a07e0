"""Excel and CSV through the real CLI (issue 9 part 4): `meeting export` → `meeting import` →
`meeting export` gives the same content; `item export` by filters; a large sheet imports
all-or-nothing with the error on its row; formulas are neutralised in the file."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select

from luodi.models import Item
from support.cli import Cli
from support.q4 import open_session

DATA = Path(__file__).parents[1] / "data"


def _count(url: str) -> int:
    with open_session(url) as session:
        return int(session.scalar(select(func.count()).select_from(Item)) or 0)


@pytest.fixture
def zh_cli(cli_env: dict[str, str]) -> Cli:
    """The CLI of a user whose language is zh (exports headed 序号 行动项 …)."""
    return Cli({**cli_env, "LUODI_LANGUAGE": "zh"})


def _sheet_cells(path: Path) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    return [tuple(cell.value for cell in row) for row in workbook.worksheets[0].iter_rows()]


def _language_of(url: str, meeting_id: int) -> str:
    from luodi.models import Meeting

    with open_session(url) as session:
        return str(session.scalar(select(Meeting.language).where(Meeting.id == meeting_id)))


@pytest.mark.parametrize(("source", "language"), [("q4_zh.md", "zh"), ("q4_zh.md", "en"), ("q4_en.md", "en"),
                                                  ("q4_en.md", "zh")])
def test_export_import_export_gives_the_same_content(cli_env: dict[str, str], db_url: str, tmp_path: Path,
                                                     source: str, language: str) -> None:
    """In the user's language (LUODI_LANGUAGE) whatever the meeting's own: the headings, status and
    priority words are that language's, and the meeting keeps its language through the round trip."""
    cli = Cli({**cli_env, "LUODI_LANGUAGE": language})
    text = (DATA / source).read_text(encoding="utf-8")
    text = text.replace("技术方案", "=技术方案", 1).replace("Technical plan", "=Technical plan", 1)
    (tmp_path / "q4.md").write_text(text, encoding="utf-8")
    assert cli("meeting", "import", str(tmp_path / "q4.md")).exit_code == 0
    own = "zh" if source == "q4_zh.md" else "en"
    assert _language_of(db_url, 1) == own
    first_xlsx, first_csv = tmp_path / "first.xlsx", tmp_path / "first.csv"
    written = cli("meeting", "export", "1", "-o", str(first_xlsx))
    assert written.exit_code == 0, written.stdout
    assert cli("meeting", "export", "1", "--format", "csv", "-o", str(first_csv)).exit_code == 0

    imported = cli("meeting", "import", str(first_xlsx), "--project", "Copy", "--json")
    assert imported.exit_code == 0, imported.stdout
    assert imported.json()["questions"] == [] and imported.json()["errors"] == []
    again = tmp_path / "again.csv"
    assert cli("meeting", "export", str(imported.json()["meeting_id"]), "-o", str(again)).exit_code == 0
    assert again.read_bytes() == first_csv.read_bytes()
    lines = first_csv.read_bytes().decode("utf-8-sig").split("\r\n")
    header = lines.index(next(line for line in lines if line.startswith(("序号,", "No.,"))))
    assert "'=技术方案" in lines[header + 2] or "'=Technical plan" in lines[header + 2]
    assert lines[header] == ("序号,行动项,责任人,截止日期,交付物,状态,优先级,依赖,开始日期,验收标准" if language == "zh"
                             else "No.,Action,Owner,Due,Deliverable,Status,Priority,Depends on,Start,Acceptance")
    words = ["🔵 进行中", "高"] if language == "zh" else ["🔵 In progress", "High"]
    assert lines[header + 1].split(",")[5:7] == words
    # the meeting's own language is kept by a row when the sheet speaks the other one
    stated = [line for line in lines[:header] if line.startswith(("语言,", "Language,"))]
    assert stated == ([] if own == language else [("语言," if language == "zh" else "Language,") + own])
    assert _language_of(db_url, imported.json()["meeting_id"]) == own
    if (source, language) == ("q4_zh.md", "zh"):
        # the decisions and the next follow-up meeting travel with the items (the article's email has them)
        assert lines[lines.index("【决策】"):] == [
            "【决策】", "1,选择方案B作为Q4活动方案", "2,活动时间10月15-31日", "3,预算控制在50万以内", "",
            "【下次跟进会议】", "时间,2026-10-15 10:00", "地点,3楼会议室", "目标,\"检查所有任务完成情况,启动执行\"", ""]
    if (source, language) == ("q4_en.md", "en"):
        assert lines[lines.index("[Decisions]"):] == [
            "[Decisions]", "1,Plan B is the Q4 campaign plan", "2,The campaign runs from October 15 to 31",
            "3,\"The budget stays under 500,000 yuan\"", "", "[Next follow-up]", "Time,2026-10-15 10:00",
            "Place,\"Meeting room, 3rd floor\"", "Goal,Check that every item is done and start the campaign", ""]

    def meeting(meeting_id: int) -> dict[str, Any]:
        shown = cli("meeting", "show", str(meeting_id), "--json").json()
        return {key: shown[key] for key in ("title", "name", "starts_at", "place", "attendees", "decisions",
                                            "next_meeting")}

    assert meeting(imported.json()["meeting_id"]) == meeting(1)
    assert len(meeting(1)["decisions"]) == 3 and meeting(1)["next_meeting"]["place"] is not None

    from_csv = cli("meeting", "import", str(first_csv), "--project", "Copy2", "--json")
    assert from_csv.exit_code == 0, from_csv.stdout
    assert meeting(from_csv.json()["meeting_id"]) == meeting(1)
    again_xlsx = tmp_path / "again.xlsx"
    assert cli("meeting", "export", str(from_csv.json()["meeting_id"]), "-o", str(again_xlsx)).exit_code == 0
    assert _sheet_cells(again_xlsx) == _sheet_cells(first_xlsx)
    name = openpyxl.load_workbook(io.BytesIO(first_xlsx.read_bytes())).sheetnames
    assert name == (["行动项"] if language == "zh" else ["Action items"])
    titles = {(i["title"], i["owner"], i["due"], i["deliverable"], i["status"], i["priority"], tuple(i["depends_on"]))
              for i in from_csv.json()["items"]}
    original = {(i["title"], i["owner"], i["due"], i["deliverable"], i["status"], i["priority"], tuple(i["depends_on"]))
                for i in cli("item", "list", "--meeting", "1", "--json").json()}
    assert titles == original


def test_the_xlsx_is_frozen_fitted_and_holds_no_formula(zh_cli: Cli, tmp_path: Path) -> None:
    cli = zh_cli
    source = (DATA / "q4_zh.md").read_text(encoding="utf-8").replace("技术方案", "=HYPERLINK(\"http://x\")", 1)
    (tmp_path / "q4.md").write_text(source, encoding="utf-8")
    assert cli("meeting", "import", str(tmp_path / "q4.md")).exit_code == 0
    out = tmp_path / "q4.xlsx"
    assert cli("meeting", "export", "1", "-o", str(out)).exit_code == 0
    workbook = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    sheet = workbook["行动项"]
    header = next(row[0].row for row in sheet.iter_rows() if row[0].value == "序号")
    assert sheet.freeze_panes == f"A{header + 1}"
    assert [cell.value for cell in sheet[header]][:7] == [
        "序号", "行动项", "责任人", "截止日期", "交付物", "状态", "优先级"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    assert any(cell.value == "'=HYPERLINK(\"http://x\")" for cell in cells)
    items = sheet["B"][header:header + 3]
    assert [cell.value for cell in items] == ["细化活动方案", "技术评估", "培训材料准备"]
    assert all(str(cell.value)[0] in "⚪🔵🟢🟠⚫" for cell in sheet["F"][header:header + 3])
    # a CJK title column is wider than its character count: wide characters count two (the decisions
    # below the items may overflow it)
    longest = max(len(str(cell.value)) for cell in items)
    assert sheet.cell(header + 5, 1).value == "【决策】" and sheet.cell(header + 5, 1).font.bold
    assert sheet.column_dimensions["B"].width >= 2 * longest


def test_item_export_by_project_imports_back(cli: Cli, tmp_path: Path) -> None:
    assert cli("meeting", "import", str(DATA / "q4_zh.md"), "--project", "Q4").exit_code == 0
    out = tmp_path / "items.csv"
    written = cli("item", "export", "--project", "Q4", "-o", str(out))
    assert written.exit_code == 0 and "3 items" in written.stdout
    text = out.read_text(encoding="utf-8-sig")
    assert "T001," in text and ",T001," in text  # codes as 序号 and as dependencies
    back = cli("meeting", "import", str(out), "--project", "Back", "--accept-defaults", "--json")
    assert back.exit_code == 0, back.stdout
    assert len(back.json()["items"]) == 3


def test_an_export_of_several_projects_numbers_its_rows_uniquely_and_imports_back(zh_cli: Cli, tmp_path: Path) -> None:
    """Each project has its T001…T003: across projects the 序号 is the row's position and the 依赖
    follows it, so the re-import keeps every item and every dependency on the right item."""
    cli = zh_cli
    source = (DATA / "q4_zh.md").read_text(encoding="utf-8")
    (tmp_path / "q5.md").write_text(source.replace("细化活动方案", "Q5方案").replace("技术评估", "Q5评估")
                                    .replace("培训材料准备", "Q5培训"), encoding="utf-8")
    assert cli("meeting", "import", str(DATA / "q4_zh.md"), "--project", "Q4").exit_code == 0
    assert cli("meeting", "import", str(tmp_path / "q5.md"), "--project", "Q5").exit_code == 0
    out, again = tmp_path / "all.csv", tmp_path / "again.csv"
    assert cli("item", "export", "-o", str(out)).exit_code == 0
    assert cli("item", "export", "-o", str(again)).exit_code == 0
    assert again.read_bytes() == out.read_bytes()  # stable
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    header = rows.index(next(row for row in rows if row[:1] == ["序号"]))
    assert [(row[0], row[1], row[7]) for row in rows[header + 1:]] == [
        ("1", "细化活动方案", ""), ("2", "技术评估", "1"), ("3", "培训材料准备", "1"),
        ("4", "Q5方案", ""), ("5", "Q5评估", "4"), ("6", "Q5培训", "4")]
    back = cli("meeting", "import", str(out), "--project", "Back", "--accept-defaults", "--json")
    assert back.exit_code == 0, back.stdout
    stored = cli("item", "list", "--meeting", str(back.json()["meeting_id"]), "--json").json()
    by_code = {item["code"]: item["title"] for item in stored}
    assert sorted((item["title"], tuple(by_code[code] for code in item["depends_on"])) for item in stored) == sorted([
        ("细化活动方案", ()), ("技术评估", ("细化活动方案",)), ("培训材料准备", ("细化活动方案",)),
        ("Q5方案", ()), ("Q5评估", ("Q5方案",)), ("Q5培训", ("Q5方案",))])
    # a prerequisite outside the export has no row to point at: left out, not pointed at a wrong row
    assert cli("item", "export", "--owner", "小李", "-o", str(out)).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert [(row[0], row[1], row[7]) for row in rows[header + 1:]] == [
        ("1", "技术评估", ""), ("2", "Q5评估", ""), ("3", "技术评估", ""), ("4", "Q5评估", "")]  # Q4, Q5, Back


def test_a_large_sheet_imports_all_or_nothing_with_the_row_named(cli: Cli, db_url: str, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("行动项")
    sheet.append(["【行动项】大清单"])
    sheet.append(["时间", "2026-12-01 10:00"])
    sheet.append(["序号", "行动项", "责任人", "截止日期"])
    for number in range(1, 2001):
        sheet.append([number, f"任务{number}", f"员工{number % 40}", "2026-12-20" if number != 1500 else "12月32日"])
    path = tmp_path / "big.xlsx"
    workbook.save(path)
    refused = cli("meeting", "import", str(path), "--json")
    assert refused.exit_code == 1
    assert [(e["line"], e["field"]) for e in refused.json()["errors"]] == [(1503, "due")]
    assert _count(db_url) == 0


def test_export_format_and_missing_meeting_are_usage_errors(cli: Cli, tmp_path: Path) -> None:
    bad = cli("meeting", "export", "1", "-o", str(tmp_path / "x.pdf"))
    assert bad.exit_code == 2 and "xlsx or csv" in bad.stderr
    missing = cli("meeting", "export", "99", "-o", str(tmp_path / "x.xlsx"))
    assert missing.exit_code == 2 and not (tmp_path / "x.xlsx").exists()


def test_an_xlsx_and_a_gbk_csv_import_on_both_databases(any_db_url: str, tmp_path: Path) -> None:
    """The workbook's bytes are not kept as the meeting's source text (PostgreSQL refuses NUL)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from luodi.models import Meeting
    from luodi.services.capture.meetings import import_action_list

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["时间", "2026-12-01 10:00"])
    sheet.append(["行动项", "责任人", "截止日期"])
    sheet.append(["方案", "小王", "12月4日"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    gbk = "时间,2026-12-01 10:00\n行动项,责任人,截止日期\n评估,小李,12月9日\n".encode("gbk")
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    with open_session(any_db_url) as session:
        for data in (buffer.getvalue(), gbk):
            report = import_action_list(session, data, project="P", now=now, tz=ZoneInfo("Asia/Shanghai"))
            assert report.ok, (report.errors, report.questions)
        session.commit()
    with open_session(any_db_url) as session:
        sources = session.scalars(select(Meeting.source).order_by(Meeting.id)).all()
        assert sources[0] is None and sources[1] is not None and "评估,小李" in sources[1]
        assert sorted(session.scalars(select(Item.title)).all()) == ["方案", "评估"]


def _sheet(rows: int, people: str) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["时间", "2026-12-01 10:00"])
    sheet.append(["序号", "行动项", "责任人", "截止日期", "交付物", "依赖"])
    for number in range(1, rows + 1):
        sheet.append([number, f"任务{number}", f"{people}{number}", f"12月{4 + number % 20}日",
                                "执行方案" if number % 2 else "评估报告", str(number - 1) if number % 3 == 0 else ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def statements_into(found: list[str]) -> Callable[..., None]:
    def listener(*args: object) -> None:
        found.append(str(args[2]))
    return listener


def test_an_import_costs_the_same_statements_for_3_or_300_rows(any_db_url: str) -> None:
    """The store is set-based (issue 9 bench: 10k rows in one transaction): the number of SQL
    statements does not grow with the rows or with the new people, and everything is still stored."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy import event

    from luodi.models import AuditEntry, Dependency, ItemChecklist, MeetingAttendee, Person
    from luodi.services.capture.meetings import import_action_list

    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    counts = []
    for rows, prefix in ((3, "张三丰"), (300, "李四光")):
        statements: list[str] = []
        with open_session(any_db_url) as session:
            engine = session.get_bind()
            listener = statements_into(statements)
            event.listen(engine, "before_cursor_execute", listener)
            report = import_action_list(session, _sheet(rows, prefix), project=f"P{rows}", now=now,
                                        tz=ZoneInfo("Asia/Shanghai"), max_open_per_week=10**6)
            session.commit()
            event.remove(engine, "before_cursor_execute", listener)
            assert report.ok, (report.errors[:3], report.questions[:3])
            counts.append(len(statements))
            meeting = report.meeting_id
            assert [item["code"] for item in report.items] == [f"T{n:03d}" for n in range(1, rows + 1)]
            assert report.items[2]["depends_on"] == ["T002"] and report.items[2]["owner"] == f"{prefix}3"
            assert session.scalar(select(func.count()).select_from(Item).where(Item.meeting_id == meeting)) == rows
            assert session.scalar(select(func.count()).select_from(Dependency)
                                  .join(Item, Item.id == Dependency.item_id).where(Item.meeting_id == meeting)) \
                == rows // 3
            assert session.scalar(select(func.count()).select_from(MeetingAttendee)
                                  .where(MeetingAttendee.meeting_id == meeting)) == rows
            created = session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.entity == "person", AuditEntry.action == "created",
                AuditEntry.entity_id.in_(select(Person.id).where(Person.name.like(f"{prefix}%")))))
            new_people = select(func.count()).select_from(Person).where(Person.name.like(f"{prefix}%"))
            assert created == session.scalar(new_people)
            templates = set(session.execute(
                select(Item.deliverable, ItemChecklist.template).join(Item, Item.id == ItemChecklist.item_id)
                .where(Item.meeting_id == meeting)).all())
            assert templates == {("执行方案", "plan"), ("评估报告", "report")}
    assert counts[1] == counts[0], counts
