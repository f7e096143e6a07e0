"""Summarise mutmut's results per module of ``src/luodi/domain/`` (``make mutation``, tests/README.md).

Reads the ``mutants/src/luodi/domain/*.py.meta`` files that ``mutmut run`` leaves (mutmut 3.x),
prints killed/total and the kill rate per module, and exits 1 when a module is under the bar
(90% by default) or when some of its mutants were not checked (an interrupted run).

A mutant counts as killed when a test failed on it or it timed out (an endless loop a test
would hang on); survivors, mutants no test reaches and suspicious ones count against the module.

    python scripts/mutation_report.py [--min 90] [--survivors]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
META_DIR = ROOT / "mutants" / "src" / "luodi" / "domain"
KILLED = {1, 3, 36, -24, 24, 152, 255}  # mutmut's "killed" and "timeout" exit codes (mutmut.stats)
SURVIVED, NOT_CHECKED = 0, None


def module_results(meta: Path) -> dict[str, int | None] | None:
    """The exit code per mutant, None when the file is unreadable (a run stopped while writing it)."""
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return dict(data["exit_code_by_key"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=float, default=90.0, help="lowest kill rate per module, percent")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants' names")
    args = parser.parse_args(argv)

    metas = sorted(META_DIR.glob("*.py.meta"))
    if not metas:
        print(f"no mutmut results under {META_DIR.relative_to(ROOT)}: run `make mutation` first", file=sys.stderr)
        return 2
    failing: list[str] = []
    all_killed = all_total = 0
    print(f"{'module':<22}{'killed':>8}{'total':>8}{'rate':>9}")
    for meta in metas:
        module = meta.name.removesuffix(".meta")
        results = module_results(meta)
        if results is None:
            print(f"{module:<22}{'unreadable results: rerun `make mutation`':>40}")
            failing.append(module)
            continue
        total = len(results)
        killed = sum(1 for code in results.values() if code in KILLED)
        unchecked = sum(1 for code in results.values() if code is NOT_CHECKED)
        all_killed, all_total = all_killed + killed, all_total + total
        if total == 0:
            print(f"{module:<22}{'-':>8}{0:>8}{'no mutants':>12}")
            continue
        rate = 100.0 * killed / total
        note = ""
        if unchecked:
            note = f"  ({unchecked} not checked)"
        if rate < args.min or unchecked:
            failing.append(module)
            note += f"  < {args.min:g}%" if rate < args.min else ""
        print(f"{module:<22}{killed:>8}{total:>8}{rate:>8.1f}%{note}")
        if args.survivors:
            for name, code in sorted(results.items()):
                if code not in KILLED:
                    print(f"    {'survived' if code == SURVIVED else code}: {name}")
    if all_total:
        print(f"{'all of domain/':<22}{all_killed:>8}{all_total:>8}{100.0 * all_killed / all_total:>8.1f}%")
    if failing:
        print(f"under {args.min:g}% killed (or not fully checked): {', '.join(failing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
