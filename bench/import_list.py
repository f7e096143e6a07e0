"""Importing action lists and listing items, on SQLite and PostgreSQL.

Per database: generate ``--scale`` items (the "history" profile, bench/generate.py), then

1. import ``--meetings`` action-list Markdown files (bench/generate.py's writer) through
   ``luodi.services.capture.meetings.import_action_list``, one session and one transaction each, as
   ``luodi meeting import`` does (into the generated projects, owners from the directory);
2. list items with ``list_items`` + ``public_list`` at the CLI's page size (1000): the first
   page, a middle page, the last page, walking every page, and filtered (one owner, one status,
   one project);
3. run ``luodi item list --json --owner NAME`` end to end (a subprocess: start-up, migration
   check, query, JSON).

Reference targets (PERFORMANCE.md): list API p50 ≤ 8 ms at 100k for a page (a 200-item JSON
page in the web tier); creating tasks: Kanboard does 132/s through its API.

    .venv/bin/python bench/import_list.py [--db sqlite|postgres|both] [--scale 100000] [--meetings 1000]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import benchlib
from generate import DEFAULT_TODAY, generate, person_name, project_name, temporary_database, write_action_lists
from sqlalchemy import func, select

from luodi.db import make_engine, make_sessionmaker
from luodi.domain.enums import ItemStatus
from luodi.models import Dependency, Item, Person
from luodi.services.capture.meetings import import_action_list
from luodi.services.track.items import list_items, public_list

TZ = ZoneInfo("Asia/Shanghai")
PAGE = 1000  # `luodi item list` --limit default
LUODI = benchlib.ROOT / ".venv" / "bin" / "luodi"


def import_lists(engine: Any, paths: list[Path], projects: int, counter: benchlib.StatementCounter) -> dict[str, Any]:
    sessions = make_sessionmaker(engine)
    now = datetime.combine(DEFAULT_TODAY, datetime.min.time().replace(hour=16), tzinfo=TZ).astimezone(UTC)
    durations, statements, failures, items = [], [], 0, 0
    started = time.perf_counter()
    for index, path in enumerate(paths):
        source = path.read_bytes()
        with counter.counting():
            t0 = time.perf_counter()
            with sessions() as session:
                report = import_action_list(session, source, project=project_name(index % projects), now=now, tz=TZ)
                if report.errors:
                    session.rollback()
                    failures += 1
                else:
                    session.commit()
            durations.append((time.perf_counter() - t0) * 1000)
        statements.append(counter.statements)
        items += len(report.items)
        if failures == 1 and report.errors:
            print(f"  import failed: {path}: {[f.message for f in report.errors][:3]}", file=sys.stderr)
    total = time.perf_counter() - started
    return {
        "meetings": len(paths), "failed": failures, "items": items, "total_s": round(total, 2),
        "meetings_per_s": round(len(paths) / total, 1), "items_per_s": round(items / total, 1),
        "p50_ms": round(benchlib.median(durations), 2), "p95_ms": round(benchlib.percentile(durations, 95), 2),
        "max_ms": round(max(durations), 1), "statements_p50": benchlib.median(statements),
    }


def listing(engine: Any, counter: benchlib.StatementCounter) -> list[dict[str, Any]]:
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        total = session.scalar(select(func.count()).select_from(Item)) or 0
        owner_id = session.scalar(select(Item.owner_id).group_by(Item.owner_id).order_by(func.count().desc()).limit(1))
        session.rollback()
    owner = person_name((owner_id or 1) - 1)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("page 1, 200 rows (API size)", {"offset": 0, "limit": 200}),
        ("page 1", {"offset": 0}),
        ("middle page", {"offset": (total // 2 // PAGE) * PAGE}),
        ("last page", {"offset": max(0, total - PAGE)}),
        ("owner (busiest)", {"owner": owner}),
        ("status=in_progress", {"status": ItemStatus.IN_PROGRESS}),
        ("project", {"project": project_name(0)}),
    ]
    rows = []
    for label, kwargs in cases:
        got: list[int] = []

        def page(kwargs: dict[str, Any] = kwargs, got: list[int] = got) -> None:
            with sessions() as session:
                found = public_list(session, list_items(session, **{"limit": PAGE, **kwargs}))
                session.rollback()
            got[:] = [len(found)]

        with counter.counting():
            page()
        durations = benchlib.timed(page, repeat=5)
        rows.append({"case": label, "rows": got[0], "p50_ms": round(benchlib.median(durations), 1),
                     "max_ms": round(max(durations), 1), "statements": counter.statements})
    # reference: the same page's JSON fields as plain columns (no ORM objects, no eager joins)
    def core_page() -> None:
        with sessions() as session:
            page_rows = session.execute(
                select(Item.id, Item.code, Item.title, Person.name, Item.start, Item.due, Item.deliverable,
                       Item.status, Item.priority, Item.confirmed_at, Item.meeting_id)
                .join(Person, Person.id == Item.owner_id).order_by(Item.project_id, Item.code).limit(PAGE)).all()
            ids = [r.id for r in page_rows]
            session.execute(select(Dependency.item_id, Item.code).join(Item, Item.id == Dependency.depends_on_id)
                            .where(Dependency.item_id.in_(ids))).all()
            session.rollback()

    durations = benchlib.timed(core_page, repeat=5)
    rows.append({"case": "page 1, plain columns (reference)", "rows": PAGE,
                 "p50_ms": round(benchlib.median(durations), 1), "max_ms": round(max(durations), 1), "statements": 2})
    # walk every page, as a script exporting everything through the CLI's page size would
    started, pages, seen = time.perf_counter(), 0, 0
    with sessions() as session:
        while True:
            found = public_list(session, list_items(session, limit=PAGE, offset=seen))
            session.expunge_all()
            if not found:
                break
            pages, seen = pages + 1, seen + len(found)
        session.rollback()
    walk = (time.perf_counter() - started) * 1000
    rows.append({"case": f"all {pages} pages", "rows": seen, "p50_ms": round(walk, 1), "max_ms": round(walk, 1),
                 "statements": pages * 2 + 1})
    return rows


def cli_list(url: str, owner: str, *, repeat: int = 5) -> dict[str, Any]:
    env = {**os.environ, "LUODI_DATABASE_URL": url, "LUODI_SECRET_KEY": "bench-secret-key-0123456789",
           "LUODI_CONFIG": str(benchlib.ROOT / "bench" / "absent-luodi.toml"), "LUODI_LANGUAGE": "en"}
    command = [str(LUODI), "item", "list", "--json", "--owner", owner]
    durations, rows = [], 0
    for index in range(repeat + 1):
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, check=True)
        if index:  # the first run warms the page cache
            durations.append((time.perf_counter() - started) * 1000)
        rows = len(json.loads(done.stdout))
    return {"command": "luodi item list --json --owner <busiest owner>", "rows": rows,
            "p50_ms": round(benchlib.median(durations), 1), "max_ms": round(max(durations), 1)}


def run_one(kind: str, items: int, meetings: int, lists: list[Path], *, keep: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"db": kind, "items": items}
    with temporary_database(kind, keep=keep) as url:
        stats = generate(url, items=items, today=DEFAULT_TODAY)
        result["generate_seconds"] = round(stats.seconds, 1)
        engine = make_engine(url)
        counter = benchlib.StatementCounter().install(engine)
        try:
            print(f"  {kind}: importing {meetings} lists …", file=sys.stderr)
            result["import"] = import_lists(engine, lists[:meetings], stats.projects, counter)
            print(f"  {kind}: listing …", file=sys.stderr)
            result["list"] = listing(engine, counter)
        finally:
            engine.dispose()
        engine = make_engine(url)
        with engine.connect() as conn:
            owner_id = conn.scalar(select(Item.owner_id).group_by(Item.owner_id).order_by(func.count().desc()).limit(1))
        engine.dispose()
        print(f"  {kind}: luodi item list --json …", file=sys.stderr)
        result["cli"] = cli_list(url, person_name((owner_id or 1) - 1))
    return result


def main() -> int:
    p = benchlib.parser(__doc__.split("\n\n")[0], scale=100_000)
    p.add_argument("--meetings", type=int, default=1000, help="action lists to import (default 1000)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="luodi-lists-") as folder:
        people = min(5000, max(20, args.scale // 250))  # as generate() makes them
        lists = write_action_lists(Path(folder), args.meetings, today=DEFAULT_TODAY, people=people)
        runs = [run_one(kind, args.scale, args.meetings, lists, keep=args.keep) for kind in benchlib.kinds(args.db)]
    benchlib.print_table(f"import {args.meetings} action lists (one transaction each)", [
        "db", "meetings", "items", "failed", "total s", "meetings/s", "items/s", "p50 ms", "p95 ms", "stmts p50"], [
        [r["db"], r["import"]["meetings"], r["import"]["items"], r["import"]["failed"], r["import"]["total_s"],
         r["import"]["meetings_per_s"], r["import"]["items_per_s"], r["import"]["p50_ms"], r["import"]["p95_ms"],
         r["import"]["statements_p50"]] for r in runs])
    benchlib.print_table(f"list_items + public_list, page size {PAGE}, {args.scale} items", [
        "db", "case", "rows", "p50 ms", "max ms", "stmts"], [
        [r["db"], c["case"], c["rows"], c["p50_ms"], c["max_ms"], c["statements"]] for r in runs for c in r["list"]])
    benchlib.print_table("CLI end to end", ["db", "command", "rows", "p50 ms", "max ms"], [
        [r["db"], r["cli"]["command"], r["cli"]["rows"], r["cli"]["p50_ms"], r["cli"]["max_ms"]] for r in runs])
    benchlib.write_results("import_list", args, {"runs": runs})
    return 1 if any(r["import"]["failed"] for r in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
