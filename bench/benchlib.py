"""Shared helpers of the bench scripts: arguments, timing, statement counting, tables, JSON."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

# The benchmarks never read a developer's luodi.toml or settings from the environment.
os.environ["LUODI_CONFIG"] = str(ROOT / "bench" / "absent-luodi.toml")


def parser(description: str, *, scale: int) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both",
                   help="which database(s) (default: both; PostgreSQL is skipped when unreachable)")
    p.add_argument("--scale", type=int, default=scale, help=f"main size parameter (default {scale})")
    p.add_argument("--json", type=Path, help="write the results as JSON here (default: bench/results/<name>.json)")
    p.add_argument("--no-json", action="store_true", help="do not write JSON")
    p.add_argument("--keep", action="store_true", help="keep the generated databases")
    return p


def kinds(choice: str) -> list[str]:
    from generate import postgres_available

    wanted = ["sqlite", "postgres"] if choice == "both" else [choice]
    if "postgres" in wanted and not postgres_available():
        print("PostgreSQL not reachable: skipped (set LUODI_BENCH_PG_URL)", file=sys.stderr)
        wanted.remove("postgres")
    return wanted


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0…100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def timed(fn: Callable[[], Any], *, repeat: int, warmup: int = 1) -> list[float]:
    """Run ``fn`` ``warmup`` + ``repeat`` times; the ``repeat`` durations in milliseconds."""
    for _ in range(warmup):
        fn()
    result = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        result.append((time.perf_counter() - started) * 1000)
    return result


@dataclass
class StatementCounter:
    """Counts SQL statements (and the time spent in them) on an engine while ``active``."""

    statements: int = 0
    seconds: float = 0.0
    by_verb: dict[str, int] = field(default_factory=dict)
    active: bool = False
    _started: float = 0.0

    def install(self, engine: Engine) -> StatementCounter:
        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
            if self.active:
                self._started = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
            if self.active:
                self.statements += 1
                self.seconds += time.perf_counter() - self._started
                verb = statement.lstrip().split(None, 1)[0].upper()
                self.by_verb[verb] = self.by_verb.get(verb, 0) + 1
        return self

    @contextmanager
    def counting(self) -> Iterator[StatementCounter]:
        self.statements, self.seconds, self.by_verb, self.active = 0, 0.0, {}, True
        try:
            yield self
        finally:
            self.active = False


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A small fixed-width table on stdout."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True))))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        return f"{value:.1f}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def write_results(name: str, args: argparse.Namespace, results: dict[str, Any]) -> None:
    if args.no_json:
        return
    path = args.json or RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"benchmark": name, "machine": machine(), "scale": getattr(args, "scale", None), **results}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nresults: {path}")


def verdict(value: float, target: float, *, higher_is_better: bool = False) -> str:
    if value != value:
        return "-"
    ok = value >= target if higher_is_better else value <= target
    return "ok" if ok else "MISSED"
