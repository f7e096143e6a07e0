"""`luodi tick --at … --json` (the what-if, no --apply) against the one-SELECT limit (issue 13).

Data: ``generate(profile="open")`` with the due dates respread over [today − 20, today + 39]
(the issue's set: most open items are in the rules' window), past-due ones delayed. Reported per
database and size: luodi's what-if (``whatif.what_if`` + ``to_json``, in process, median of 3),
the limit (the same candidate rows fetched by one raw SQL statement), their ratio, the firings
and the process's peak RSS. Target: ≤ 300 ms and ≤ 150 MB at 100k, ≤ 3 s at 1M.

    .venv/bin/python bench/tick_whatif.py --db sqlite --scale 100000
"""

from __future__ import annotations

import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib
from generate import DEFAULT_TODAY, generate, temporary_database
from sqlalchemy import text, update

from luodi.db import make_engine, make_sessionmaker
from luodi.domain.enums import ItemStatus
from luodi.domain.workdays import Calendar
from luodi.models import Item
from luodi.services.rules.rule_context import RuleContext
from luodi.services.rules.whatif import what_if

TZ = ZoneInfo("Asia/Shanghai")
TARGET_MS = {100_000: 300.0, 1_000_000: 3000.0}


def respread(url: str) -> None:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        for offset in range(60):
            day = DEFAULT_TODAY + timedelta(days=offset - 20)
            session.execute(update(Item).where(text(f"item.id % 60 = {offset}")).values(due=day))
        session.execute(update(Item).where(Item.due >= DEFAULT_TODAY, Item.status != ItemStatus.DONE)
                        .values(status=ItemStatus.IN_PROGRESS, delayed_at=None))
        session.commit()
    engine.dispose()


def run_one(kind: str, items: int, *, keep: bool) -> dict[str, Any]:
    now = datetime.combine(DEFAULT_TODAY, datetime.min.time().replace(hour=10), tzinfo=TZ).astimezone(UTC)
    with temporary_database(kind, keep=keep) as url:
        generate(url, items=items, profile="open", today=DEFAULT_TODAY)
        respread(url)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        times, firings = [], 0
        for _ in range(3):
            ctx = RuleContext(tz=TZ, calendar=Calendar("china"))
            with sessions() as session:
                started = time.perf_counter()
                document = what_if(session, now=now, ctx=ctx).to_json()
                times.append((time.perf_counter() - started) * 1000)
                firings = len(document["firings"])
                session.rollback()
        low, high = DEFAULT_TODAY - timedelta(days=27), DEFAULT_TODAY + timedelta(days=3)
        raw = ("SELECT id, code, due, status, confirmed_at, delayed_at, start, project_id, meeting_id, owner_id "
               "FROM item WHERE status <> 'done' AND (due BETWEEN :low AND :high OR status = 'delayed')")
        limits = []
        with engine.connect() as connection:
            for _ in range(3):
                started = time.perf_counter()
                connection.execute(text(raw), {"low": low, "high": high}).all()
                limits.append((time.perf_counter() - started) * 1000)
        engine.dispose()
    ms, limit = benchlib.median(times), benchlib.median(limits)
    return {"db": kind, "items": items, "ms": round(ms, 1), "limit_ms": round(limit, 1),
            "ratio": round(ms / limit, 1) if limit else None, "firings": firings,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "target_ms": TARGET_MS.get(items)}


def main() -> int:
    p = benchlib.parser(__doc__ or "", scale=10_000)
    p.add_argument("--scales", help="comma-separated sizes (overrides --scale)")
    args = p.parse_args()
    scales = [int(s) for s in args.scales.split(",")] if args.scales else [args.scale]
    runs = [run_one(kind, n, keep=args.keep) for kind in benchlib.kinds(args.db) for n in scales]
    benchlib.print_table("tick --at (what-if), ms", ["db", "items", "luodi ms", "limit ms", "ratio", "firings",
                                                      "peak RSS MB", "target", ""],
                         [[r["db"], r["items"], r["ms"], r["limit_ms"], r["ratio"], r["firings"], r["peak_rss_mb"],
                           r["target_ms"], benchlib.verdict(r["ms"], r["target_ms"]) if r["target_ms"] else ""]
                          for r in runs])
    benchlib.write_results("tick_whatif", args, {"runs": runs, "machine": benchlib.machine()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
