"""Excel and CSV (issue 9): a ``--scale``-row .xlsx action list read, imported and exported.

1. read: ``luodi.capture.reader.read_draft`` on the .xlsx bytes (python-calamine, then the table
   reader) — the parse alone;
2. import: ``luodi.services.capture.meetings.import_action_list`` into a fresh, migrated database,
   one transaction, as ``luodi meeting import list.xlsx`` does (owners from the directory);
3. export: ``luodi.services.capture.exports.export_meeting`` to .xlsx and to .csv.

Targets (issue 9): import ≤ 1 s and export ≤ 1 s at 10k rows.

    .venv/bin/python bench/sheets.py [--db sqlite|postgres|both] [--scale 10000]
"""

from __future__ import annotations

import io
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import benchlib
import openpyxl
from generate import person_name, temporary_database
from sqlalchemy import func, select

from luodi.capture.model import ReadOptions
from luodi.capture.reader import read_draft
from luodi.db import make_engine, make_sessionmaker
from luodi.migrate import upgrade_to_head
from luodi.models import Item
from luodi.services.accounts import people
from luodi.services.capture.exports import export_meeting
from luodi.services.capture.meetings import import_action_list

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
PEOPLE = 400


def workbook(rows: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("行动项")
    sheet.append(["【行动项】基准清单"])
    sheet.append(["时间", "2026-12-01 10:00-11:00"])
    sheet.append([])
    sheet.append(["序号", "行动项", "责任人", "截止日期", "交付物", "状态", "优先级", "依赖"])
    for number in range(1, rows + 1):
        due = date(2026, 12, 7) + timedelta(days=number % 40)
        sheet.append([number, f"细化第{number}项活动方案并提交评审", person_name(number % PEOPLE), due,
                      f"执行方案 v{number}", "⚪ 未开始", "中", str(number - 1) if number % 10 == 0 else ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(kind: str, data: bytes, rows: int) -> dict[str, float]:
    result: dict[str, float] = {}
    started = time.perf_counter()
    parsed = read_draft(data, ReadOptions(now=datetime(2026, 12, 1, 10, 0)))
    result["read_ms"] = (time.perf_counter() - started) * 1000
    assert parsed.meeting is not None and not parsed.errors and len(parsed.meeting.items) == rows, parsed.errors[:3]
    with temporary_database(kind) as url:
        upgrade_to_head(url)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        with sessions() as session:
            csv = "name,email,phone,supervisor\n" + "".join(
                f"{person_name(i)},p{i}@example.cn,,\n" for i in range(PEOPLE))
            people.import_csv(session, csv, now=NOW)
            session.commit()
        with sessions() as session:
            started = time.perf_counter()
            report = import_action_list(session, data, project="基准", now=NOW, tz=TZ, max_open_per_week=10**6)
            session.commit()
            result["import_ms"] = (time.perf_counter() - started) * 1000
            assert report.ok and report.meeting_id is not None, (report.errors[:3], report.questions[:3])
            assert session.scalar(select(func.count()).select_from(Item)) == rows
            for fmt in ("xlsx", "csv"):
                started = time.perf_counter()
                content = export_meeting(session, report.meeting_id, fmt, tz=TZ, now=NOW)
                result[f"export_{fmt}_ms"] = (time.perf_counter() - started) * 1000
                result[f"export_{fmt}_bytes"] = len(content)
        engine.dispose()
    return result


def main() -> None:
    args = benchlib.parser(__doc__.split("\n\n")[0], scale=10_000).parse_args()
    data = workbook(args.scale)
    results = {kind: run(kind, data, args.scale) for kind in benchlib.kinds(args.db)}
    rows = [(kind, f"{r['read_ms']:.0f}", f"{r['import_ms']:.0f}", benchlib.verdict(r["import_ms"], 1000),
             f"{r['export_xlsx_ms']:.0f}", f"{r['export_csv_ms']:.0f}", benchlib.verdict(r["export_xlsx_ms"], 1000))
            for kind, r in results.items()]
    benchlib.print_table(f"{args.scale} rows, .xlsx of {len(data):,} bytes",
                         ["db", "read ms", "import ms", "≤1 s", "export xlsx ms", "export csv ms", "≤1 s"], rows)
    benchlib.write_results("sheets", args, {"xlsx_bytes": len(data), "results": results})


if __name__ == "__main__":
    main()
