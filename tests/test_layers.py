"""CONVENTIONS 1: dependencies point inward; domain/ is pure."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "luodi"
BANNED = ("sqlalchemy", "fastapi", "starlette", "httpx", "smtplib", "luodi.models", "luodi.db",
          "luodi.services", "luodi.web", "luodi.notify")


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_domain_imports_no_infrastructure() -> None:
    checked = 0
    for path in (SRC / "domain").rglob("*.py"):
        bad = [n for n in _imports(path) if n.startswith(BANNED)]
        assert not bad, f"{path.name} imports {bad}"
        checked += 1
    assert checked >= 5


def test_only_the_worker_calls_notify() -> None:
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).parts
        if rel[0] in ("notify", "worker"):
            continue
        bad = [n for n in _imports(path) if n.startswith("luodi.notify")]
        assert not bad, f"{'/'.join(rel)} imports {bad}"


def test_only_clock_reads_the_wall_clock() -> None:
    for path in SRC.rglob("*.py"):
        if path.name == "clock.py":
            continue
        source = path.read_text()
        assert "datetime.now(" not in source and "utcnow(" not in source, path


def test_the_package_knows_its_migration_heads_as_alembic_does() -> None:
    from alembic.script import ScriptDirectory

    from luodi.migrate import alembic_config, package_heads

    heads = set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
    assert package_heads() == heads
    assert len(heads) == 1, f"several heads {heads}: add a merge revision"
