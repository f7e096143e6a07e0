"""``luodi --help`` wall time, and what the start-up imports cost (``python -X importtime``).

Uses hyperfine when installed (``apt-get install -y hyperfine``), else repeated subprocess runs;
reports the median. Target (PERFORMANCE.md): ≤ 150 ms — FastAPI and SQLAlchemy must be imported
lazily (together ≈ 0.3 s).

    .venv/bin/python bench/cli_startup.py [--runs 20]
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import benchlib

LUODI = benchlib.ROOT / ".venv" / "bin" / "luodi"
PYTHON = benchlib.ROOT / ".venv" / "bin" / "python"
TARGET_MS = 150.0
HEAVY = ("sqlalchemy", "fastapi", "starlette", "pydantic", "pydantic_settings", "alembic", "jinja2", "httpx",
         "rich", "babel", "chinese_calendar", "uvicorn", "psycopg")
COMMANDS = {
    "luodi --help": [str(LUODI), "--help"],
    "luodi item list --help": [str(LUODI), "item", "list", "--help"],
    # what-if: Typer's plain help instead of its Rich help (rich_markup_mode=None does the same)
    "TYPER_USE_RICH=0 luodi --help": ["env", "TYPER_USE_RICH=0", str(LUODI), "--help"],
}


def with_hyperfine(commands: dict[str, list[str]], runs: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "hf.json"
        subprocess.run(["hyperfine", "--warmup", "3", "--runs", str(runs), "-N", "--export-json", str(out),
                        *(" ".join(c) for c in commands.values())], check=True, capture_output=True)
        data = json.loads(out.read_text())
    result = {}
    for label, entry in zip(commands, data["results"], strict=True):
        times = [t * 1000 for t in entry["times"]]
        result[label] = {"median_ms": entry["median"] * 1000, "p95_ms": benchlib.percentile(times, 95),
                         "min_ms": entry["min"] * 1000, "mean_ms": entry["mean"] * 1000}
    return result


def with_subprocess(commands: dict[str, list[str]], runs: int) -> dict[str, dict[str, float]]:
    result = {}
    for label, command in commands.items():
        for _ in range(3):
            subprocess.run(command, check=True, capture_output=True)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times.append((time.perf_counter() - started) * 1000)
        result[label] = {"median_ms": benchlib.median(times), "p95_ms": benchlib.percentile(times, 95),
                         "min_ms": min(times), "mean_ms": sum(times) / len(times)}
    return result


def importtime(args: list[str]) -> dict[str, Any]:
    """Parse ``-X importtime``: top-level packages by cumulative time, modules by self time."""
    done = subprocess.run([str(PYTHON), "-X", "importtime", "-m", "luodi", *args], capture_output=True, text=True,
                          check=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cumulative_us, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append((int(self_us), int(cumulative_us), name.strip(), depth))
    top_level: dict[str, int] = {}
    for _self, cumulative, name, depth in rows:
        if depth == 0:
            root = name.split(".")[0]
            top_level[root] = top_level.get(root, 0) + cumulative
    imported = {name.split(".")[0] for _s, _c, name, _d in rows}
    return {
        "total_ms": round(sum(s for s, _c, _n, _d in rows) / 1000, 1),
        "top_packages": sorted(((k, round(v / 1000, 1)) for k, v in top_level.items()), key=lambda kv: -kv[1])[:12],
        "top_modules_self": [(n, round(s / 1000, 1)) for s, _c, n, _d in sorted(rows, reverse=True)[:12]],
        "heavy_imported": sorted(h for h in HEAVY if h in imported),
        "modules": len(rows),
    }


def main() -> int:
    p = benchlib.parser(__doc__.split("\n\n")[0], scale=20)
    p.add_argument("--runs", type=int, default=20)
    args = p.parse_args()
    tool = "hyperfine" if shutil.which("hyperfine") else "subprocess"
    timings = with_hyperfine(COMMANDS, args.runs) if tool == "hyperfine" else with_subprocess(COMMANDS, args.runs)
    python_ms = with_subprocess({"python -c pass": [str(PYTHON), "-c", "pass"]}, args.runs)["python -c pass"]
    imports = importtime(["--help"])
    benchlib.print_table(f"CLI start-up ({tool}, {args.runs} runs, warm cache)", [
        "command", "median ms", "p95 ms", "min ms", "target", ""], [
        [label, t["median_ms"], t["p95_ms"], t["min_ms"], TARGET_MS, benchlib.verdict(t["median_ms"], TARGET_MS)]
        for label, t in timings.items()] + [["(bare python -c pass)", python_ms["median_ms"], python_ms["p95_ms"],
                                             python_ms["min_ms"], "", ""]])
    benchlib.print_table("luodi --help: import time by top-level package (cumulative, -X importtime)",
                         ["package", "ms"], imports["top_packages"])
    benchlib.print_table("luodi --help: slowest modules (self time)", ["module", "ms"], imports["top_modules_self"])
    print(f"\nheavy packages imported by `luodi --help`: {', '.join(imports['heavy_imported']) or 'none'}")
    benchlib.write_results("cli_startup", args, {"tool": tool, "runs": args.runs, "timings": timings,
                                                 "python_baseline": python_ms, "importtime": imports,
                                                 "target_ms": TARGET_MS})
    return 0


if __name__ == "__main__":
    sys.exit(main())
