"""What a plain `pip install luodi` brings (issue 14, part 8): no Babel and no PostgreSQL driver at
run time, and a lower bound on every dependency (scripts/lowest_deps.sh installs exactly those)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

IMPORT_EVERYTHING = """
import importlib, pkgutil, sys
import luodi
for module in pkgutil.walk_packages(luodi.__path__, "luodi."):
    if module.name in {"luodi.cli.help_catalog", "luodi.__main__"}:   # Babel's hook, used by scripts/i18n.sh only
        continue
    if ".migrations." in module.name:
        continue
    importlib.import_module(module.name)
print(sorted(name for name in ("babel", "psycopg") if name in sys.modules))
"""


def test_no_module_of_luodi_imports_babel_or_psycopg() -> None:
    found = subprocess.run([sys.executable, "-c", IMPORT_EVERYTHING], capture_output=True, text=True, check=True,
                           timeout=120)
    assert found.stdout.strip() == "[]", found


def test_babel_and_psycopg_are_extras_and_every_dependency_has_a_lower_bound() -> None:
    names = [re.split(r"[\[>=<]", requirement)[0].lower() for requirement in PROJECT["dependencies"]]
    assert "babel" not in names and "psycopg" not in names
    assert len(names) == len(set(names)), "a dependency is listed twice"
    assert all(re.fullmatch(r"[a-z0-9_.\-]+(\[[^\]]*\])?>=[0-9][^,;\s]*", r) for r in PROJECT["dependencies"])
    assert PROJECT["optional-dependencies"]["postgres"] == ["psycopg[binary]>=3.2.1"]
    dev = PROJECT["optional-dependencies"]["dev"]
    assert "luodi[postgres]" in dev and any(r.startswith("babel>=") for r in dev)
    assert any(r.startswith("httpx>=0.28") for r in PROJECT["dependencies"])   # compact UTF-8 JSON bodies
