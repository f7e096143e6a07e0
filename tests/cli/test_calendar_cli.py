"""Working days that stay true in 2027 (issue 11): the fallback chain through the CLI.

chinesecalendar 1.11 has no 2027 data. Without a loaded notice, luodi answers 2027 from the
statutory holidays and says so wherever a date is reasoned about; `luodi calendar import` loads
the State Council's notice, after review, and the rules use it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from luodi.models import AuditEntry, CalendarYear
from support.q4 import open_session

NOTICES = Path(__file__).parents[1] / "data" / "notices"
LIST_2027 = """# 【行动项】春节前收尾
- 会议: 年末复盘会
- 时间: 2026-12-28 14:00-15:00
- 地点: 3楼会议室
- 组织者: 小林
- 参会: 小林, 小王, 小李

## 行动项
| 序号 | 行动项 | 责任人 | 截止日期 | 交付物 | 状态 | 优先级 |
|---|---|---|---|---|---|---|
| 1 | 年度总结 | 小王 | 2027-01-04 | 总结报告 | 未开始 | 高 |
| 2 | 节后排期 | 小李 | 2027-02-08 | 排期表 | 未开始 | 中 |
"""
# A 2027 notice for the test (the real one is not in the stored pages): the shape of the 2026 notice,
# with 2027's dates and weekdays, so a mistake in the weekdays would be refused.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（农历正月初八、周五）放假调休，共8天。1月31日（周日）、2月20日（周六）上班。
三、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""
WARNING = "No official holiday schedule for 2027"


def test_statutory_year_is_shown_with_its_source_and_a_warning(cli) -> None:  # type: ignore[no-untyped-def]
    shown = cli("calendar", "show", "2027", "--json")
    assert shown.exit_code == 0, shown.stderr
    doc = shown.json()
    assert doc["source"] == "statutory" and doc["workdays"] == []
    assert {"2027-01-01", "2027-02-05", "2027-02-08", "2027-10-01"} <= set(doc["holidays"])
    assert WARNING in shown.stderr and "luodi calendar import" in shown.stderr
    official = cli("calendar", "show", "2026", "--json")
    assert official.json()["source"] == "official" and official.json()["workdays"][0] == "2026-01-04"
    assert WARNING not in official.stderr
    grid = cli("calendar", "show", "2026")
    assert grid.exit_code == 0 and "2026-02" in grid.stdout and "14班 15休" in grid.stdout


def test_lint_and_timeline_say_so_and_skip_the_statutory_holidays(cli, people_csv: Path,  # type: ignore[no-untyped-def]
                                                                    tmp_path: Path) -> None:
    cli.env["LUODI_CLOCK"] = "2026-12-28T15:10+08:00"
    assert cli("people", "import", str(people_csv)).exit_code == 0
    source = tmp_path / "q1.md"
    source.write_text(LIST_2027, encoding="utf-8")
    linted = cli("meeting", "lint", str(source), "--json")
    assert linted.exit_code == 0, linted.stderr
    warnings = [w for w in linted.json()["warnings"] if WARNING in w["message"]]
    assert [(w["line"], w["field"]) for w in warnings] == [(11, "due")]  # one line, on the first 2027 item
    imported = cli("meeting", "import", str(source), "--project", "Q1")
    assert imported.exit_code == 0 and WARNING in imported.stderr
    rows = cli("timeline", "--meeting", "1", "--json")
    assert rows.exit_code == 0 and WARNING in rows.stderr
    planned = {(r["item"], r["rule"]): r["at"][:16] for r in rows.json()}
    # 2027-02-08 (正月初三) is a statutory holiday: the due moment's escalation moves to the next
    # working day after the 补假 (2-9, 2-10), and the at-risk check before 除夕 (2-5).
    assert planned["T002", "escalate_due_end"] == "2027-02-11T17:00"
    assert planned["T002", "at_risk_before_1d"][:10] == "2027-02-04"
    tick = cli("tick", "--at", "2027-02-04T09:30")
    assert tick.exit_code == 0 and WARNING in tick.stderr


def test_import_reviews_then_stores_and_the_rules_use_the_loaded_year(  # type: ignore[no-untyped-def]
        cli, people_csv: Path, tmp_path: Path, db_url: str) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    dry = cli("calendar", "import", str(notice), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    assert dry.json() == {
        "year": 2027,
        "holidays": ["2027-01-01", "2027-01-02", "2027-01-03", *(f"2027-02-{d:02d}" for d in range(5, 13)),
                     *(f"2027-10-0{d}" for d in range(1, 8))],
        "workdays": ["2027-01-31", "2027-02-20", "2027-09-26", "2027-10-09"],
    }
    review = cli("calendar", "import", str(notice))   # not a terminal and no --yes: refused, nothing stored
    assert review.exit_code == 2 and "--yes" in review.stderr and "春节: 2027-02-05 to 2027-02-12" in review.stderr
    with open_session(db_url) as session:
        assert session.scalars(select(CalendarYear)).all() == []
    stored = cli("calendar", "import", str(notice), "--yes", "--json")
    assert stored.exit_code == 0 and stored.json() == dry.json()
    with open_session(db_url) as session:
        row = session.get(CalendarYear, 2027)
        assert row is not None and row.workdays == dry.json()["workdays"] and len(row.holidays) == 18
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "calendar")).all() == ["loaded"]
    shown = cli("calendar", "show", "2027", "--json")
    assert shown.json() == dry.json() | {"source": "loaded"} and WARNING not in shown.stderr

    cli.env["LUODI_CLOCK"] = "2026-12-28T15:10+08:00"
    assert cli("people", "import", str(people_csv)).exit_code == 0
    source = tmp_path / "q1.md"
    source.write_text(LIST_2027, encoding="utf-8")
    linted = cli("meeting", "lint", str(source), "--json").json()
    assert not [w for w in linted["warnings"] if WARNING in w["message"]]
    assert cli("meeting", "import", str(source), "--project", "Q1").exit_code == 0
    planned = {(r["item"], r["rule"]): r["at"][:16] for r in cli("timeline", "--meeting", "1", "--json").json()}
    # The loaded notice makes 2-5..2-12 holidays: the first working day after the due date is Monday 2-15.
    assert planned["T002", "escalate_due_end"] == "2027-02-15T17:00"


def test_unreadable_notice_is_refused_with_the_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE_2027.replace("1月1日（周五）", "1月1日（周四）"), encoding="utf-8")
    result = cli("calendar", "import", str(notice), "--yes")
    assert result.exit_code == 2 and "line 2" in result.stderr and "2027-01-01" in result.stderr
    assert cli("calendar", "import", str(tmp_path / "missing.txt")).exit_code == 2
    assert cli("calendar", "show", "27").exit_code == 2
