"""The rule plan step (``luodi.services.rules.planning.plan``) over a backlog of open items.

For each database and size: generate the "open" profile (every item open, due dates spread over
[today − 14, today + 351], see bench/generate.py), then at 10:00 Shanghai time on ``today``:

1. first tick  — catches up the last 7 days: records firings, applies status changes, enqueues;
2. re-tick     — the same instant again: must enqueue nothing (asserted; exit 1 if not);
3. re-tick 2   — once more, same instant;
4. next tick   — 30 s later (the worker's interval): the steady-state cost;

each as ``plan(...)`` + commit, like the worker's ``plan_step``. Reported per tick: wall time,
SQL statements issued (and by verb), Item rows loaded as ORM objects, firings and outbox rows;
and, for scale: the candidate rows the planner's item query selects vs all items, and how long
that one SELECT takes alone (the floor a set-based plan step could approach).

Target (PERFORMANCE.md): ≤ 40 ms at 100k, ≤ 400 ms at 1M, SQLite and PostgreSQL; a re-tick
enqueues nothing.

    .venv/bin/python bench/plan_step.py [--db sqlite|postgres|both] [--scale 100000] [--scales 100000,300000]
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import benchlib
from generate import DEFAULT_TODAY, generate, temporary_database
from sqlalchemy import event, func, or_, select

from luodi.db import make_engine, make_sessionmaker
from luodi.domain.enums import ItemStatus
from luodi.domain.workdays import Calendar
from luodi.models import Item, OutboxMessage, RuleFiring
from luodi.services.rules.planning import Plan, _Planner, plan
from luodi.services.rules.rule_context import RuleContext

TZ = ZoneInfo("Asia/Shanghai")
TARGETS_MS = {100_000: 40.0, 1_000_000: 400.0}


def target_for(items: int) -> float:
    """The PERFORMANCE.md target, interpolated linearly between 100k and 1M."""
    if items <= 100_000:
        return TARGETS_MS[100_000]
    return 40.0 + (items - 100_000) * (400.0 - 40.0) / 900_000


def candidate_query(session: Any, now: datetime, ctx: RuleContext) -> Any:
    """The planner's own item query (planning._Planner.items), rebuilt to count and time it alone."""
    window = _Planner(session, now=now, ctx=ctx, result=Plan(at=now))._window()
    due_clause = Item.due.between(*window) if window else Item.id.is_(None)
    return (select(Item.id).where(Item.status != ItemStatus.DONE, or_(due_clause, Item.status == ItemStatus.DELAYED)),
            window)


def tick(sessions: Any, counter: benchlib.StatementCounter, at: datetime, ctx: RuleContext,
         scheduled: bool) -> tuple[Plan, float]:
    """One plan step at ``at`` with its commit; the plan and the milliseconds it took."""
    with sessions() as session, counter.counting():
        started = time.perf_counter()
        planned = plan(session, now=at, ctx=ctx, scheduled=scheduled)
        session.commit()
        return planned, (time.perf_counter() - started) * 1000


def run_one(kind: str, items: int, *, keep: bool, mode: str = "worker") -> dict[str, Any]:
    ctx = RuleContext(tz=TZ, calendar=Calendar("china"))
    now = datetime.combine(DEFAULT_TODAY, datetime.min.time().replace(hour=10), tzinfo=TZ).astimezone(UTC)
    result: dict[str, Any] = {"db": kind, "items": items, "now": now.isoformat(), "mode": mode}
    scheduled = mode == "worker"
    with temporary_database(kind, keep=keep) as url:
        stats = generate(url, items=items, profile="open", today=DEFAULT_TODAY)
        result["generate_seconds"] = round(stats.seconds, 1)
        result["open_items"] = stats.open_items
        result["by_status"] = stats.by_status
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        counter = benchlib.StatementCounter().install(engine)
        loads = Counter[str]()

        def on_load(target: Any, context: Any) -> None:
            loads["item"] += 1

        event.listen(Item, "load", on_load)
        try:
            with sessions() as session:
                query, window = candidate_query(session, now, ctx)
                count = session.scalar(select(func.count()).select_from(query.subquery()))
                durations = benchlib.timed(lambda: session.execute(query).all(), repeat=5)
                session.rollback()
            result["window"] = [d.isoformat() for d in window] if window else None
            result["candidates"] = count
            result["candidate_share"] = round(count / items, 4)
            result["candidate_select_ms"] = round(benchlib.median(durations), 2)
            ticks: list[dict[str, Any]] = []
            result["errors"] = []
            nine_thirty = datetime.min.time().replace(hour=9, minute=30)
            morning = datetime.combine(DEFAULT_TODAY + timedelta(days=1), nine_thirty, tzinfo=TZ).astimezone(UTC)
            for label, at in (("first tick", now), ("re-tick", now), ("re-tick 2", now),
                              ("next tick +30s", now + timedelta(seconds=30)), ("next morning 09:30", morning)):
                loads.clear()
                planned, elapsed = tick(sessions, counter, at, ctx, scheduled)
                ticks.append({
                    "tick": label, "ms": round(elapsed, 1), "statements": counter.statements,
                    "by_verb": dict(counter.by_verb), "sql_ms": round(counter.seconds * 1000, 1),
                    "items_loaded": loads["item"], "firings": len(planned.firings),
                    "outbox_rows": len(planned.outbox_ids), "status_changes": len(planned.status_changes),
                    "rules": dict(Counter(f.rule_id for f in planned.firings)),
                })
                print(f"  {kind} {items}: {label}: {elapsed:.0f} ms, {counter.statements} statements, "
                      f"{len(planned.outbox_ids)} outbox rows", file=sys.stderr)
            with sessions() as session:
                result["rule_firings_total"] = session.scalar(select(func.count()).select_from(RuleFiring))
                result["outbox_total"] = session.scalar(select(func.count()).select_from(OutboxMessage))
            result["ticks"] = ticks
        finally:
            event.remove(Item, "load", on_load)
            engine.dispose()
    result["target_ms"] = round(target_for(items), 1)
    result["retick_enqueued"] = ticks[1]["outbox_rows"]
    return result


def main() -> int:
    p = benchlib.parser(__doc__.split("\n\n")[0], scale=100_000)
    p.add_argument("--scales", help="comma-separated sizes, e.g. 100000,300000 (overrides --scale)")
    p.add_argument("--mode", choices=("worker", "tick"), default="worker",
                   help="worker: the scheduled pass (next_check_at); tick: `luodi tick`'s complete window scan")
    args = p.parse_args()
    scales = [int(s) for s in args.scales.split(",")] if args.scales else [args.scale]
    runs = [run_one(kind, n, keep=args.keep, mode=args.mode) for n in scales for kind in benchlib.kinds(args.db)]
    rows = []
    for run in runs:
        for tick in run["ticks"]:
            rows.append([run["db"], run["items"], run["mode"] + ": " + tick["tick"], tick["ms"], run["target_ms"],
                         benchlib.verdict(tick["ms"], run["target_ms"]), tick["statements"], tick["items_loaded"],
                         tick["firings"], tick["outbox_rows"], tick["status_changes"]])
    benchlib.print_table("plan step (plan + commit), ms", ["db", "items", "tick", "ms", "target", "", "stmts",
                                                           "items loaded", "firings", "outbox", "status"], rows)
    benchlib.print_table("candidates selected by the planner's item query", [
        "db", "items", "open", "window", "candidates", "share", "select ms"], [
        [r["db"], r["items"], r["open_items"], " … ".join(r["window"] or ["-"]), r["candidates"],
         f"{100 * r['candidate_share']:.1f}%", r["candidate_select_ms"]] for r in runs])
    benchlib.write_results("plan_step", args, {"runs": runs})
    failed = [r for r in runs if r["retick_enqueued"]]
    for r in failed:
        print(f"\nASSERTION FAILED: {r['db']} {r['items']}: the re-tick at the same instant enqueued "
              f"{r['retick_enqueued']} outbox rows ({r['ticks'][1]['rules']}); it must enqueue nothing",
              file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
