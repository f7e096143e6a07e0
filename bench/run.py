"""Run every benchmark at a small scale (``make bench``): a smoke test of the scripts and a
quick look at the figures. Full-scale runs are one script at a time (see bench/README.md).

    .venv/bin/python bench/run.py [--db sqlite|postgres|both] [--full]

Each script writes its JSON to bench/results/<name>.json. Exit 1 when a script failed (an
assertion such as "a re-tick enqueues nothing" or "every message delivered once"); a missed
performance target is reported in the tables, not as a failure.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable

SMALL = [
    ("generate", ["generate.py", "--items", "10000", "--json", str(BENCH / "results" / "generate.json")]),
    ("cli_startup", ["cli_startup.py", "--runs", "10"]),
    ("plan_step", ["plan_step.py", "--scale", "10000"]),
    ("import_list", ["import_list.py", "--scale", "10000", "--meetings", "100"]),
    ("delivery", ["delivery.py", "--scale", "1000"]),
    ("sheets", ["sheets.py", "--scale", "1000"]),
]
FULL = [
    ("cli_startup", ["cli_startup.py"]),
    ("plan_step", ["plan_step.py"]),
    ("import_list", ["import_list.py"]),
    ("delivery", ["delivery.py"]),
    ("sheets", ["sheets.py"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--full", action="store_true", help="default scales instead (≈15 minutes)")
    args = parser.parse_args()
    (BENCH / "results").mkdir(exist_ok=True)
    summary = []
    for name, command in FULL if args.full else SMALL:
        extra = [] if name in ("generate", "cli_startup") else ["--db", args.db]
        if name == "generate":
            extra = ["--db", "sqlite" if args.db == "both" else args.db]
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        code = subprocess.run([PYTHON, str(BENCH / command[0]), *command[1:], *extra], check=False).returncode
        summary.append((name, code, time.perf_counter() - started))
    print("\n=== summary ===")
    for name, code, seconds in summary:
        print(f"{name:<12} {'ok' if code == 0 else f'FAILED (exit {code})':<16} {seconds:6.1f} s")
    return 0 if all(code == 0 for _, code, _ in summary) else 1


if __name__ == "__main__":
    raise SystemExit(main())
