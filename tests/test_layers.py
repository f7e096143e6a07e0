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


# -- the house's shape (issue 8): layers point down, no import cycles, no private names across rooms --

# Innermost first. A module may import its own layer and the ones before it, never a later one.
LAYERS: list[set[str]] = [
    {"i18n", "clock", "domain", "capture", "logs"},          # pure: no database, no network
    {"render", "config", "db"},
    {"models", "migrate", "migrations", "notify"},
    {"services"},
    {"web", "worker", "cli", "demo", "demo_board"},    # the ways in
    {"__main__"},
]
MAX_LINES = 300
SIZE_NOTE = "Over 300 lines:"


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _module_imports(path: Path, known: dict[str, Path]) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for each luodi import, function-level ones too."""
    out: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("luodi"):
            plain = []
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in known:
                    out.append((full, []))          # a submodule: from luodi.services.send import lists
                else:
                    plain.append(alias.name)
            if plain:
                out.append((node.module, plain))
        elif isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names if a.name.startswith("luodi")]
    return out


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: {m for m, _ in _module_imports(path, known) if m in known and m != name}
            for name, path in known.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each a cycle to break."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import cycles (move the shared piece down into a module neither imports back):\n" + \
        "\n".join(" ↔ ".join(c) for c in cycles)


def _layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else module
    return next(i for i, names in enumerate(LAYERS) if top in names)


def test_every_package_has_a_layer() -> None:
    tops = {name.split(".")[1] for name in _modules() if "." in name}
    assert tops <= set().union(*LAYERS), f"add {tops - set().union(*LAYERS)} to LAYERS"


def test_imports_never_run_up_a_layer() -> None:
    upward = [f"{module} imports {target}" for module, targets in _graph().items() for target in targets
              if _layer(target) > _layer(module)]
    assert not upward, "\n".join(upward)


def test_service_rooms_use_each_others_public_names_only() -> None:
    known = _modules()
    private = []
    for name, path in known.items():
        parts = name.split(".")
        for target, names in _module_imports(path, known):
            room = target.split(".")[:3]
            crossing = room != parts[:3] or target.split(".")[:2] != parts[:2]
            if crossing and target.startswith("luodi.services."):
                private += [f"{name} takes {target}.{n}" for n in names if n.startswith("_")]
    assert not private, "\n".join(private)


def test_service_rooms_say_what_they_do() -> None:
    import importlib

    rooms = [p for p in (SRC / "services").iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    assert len(rooms) >= 7
    for room in rooms:
        module = importlib.import_module(f"luodi.services.{room.name}")
        doc = module.__doc__ or ""
        assert "Use cases" in doc, f"services/{room.name}/__init__.py: list its use cases in the docstring"
        for child in room.glob("*.py"):
            if child.stem != "__init__":
                assert f"``{child.stem}``" in doc, f"services/{room.name}: the docstring does not name {child.stem}"


def test_no_module_over_300_lines_without_a_note() -> None:
    long = [f"{path.relative_to(SRC)}: {n} lines" for path in SRC.rglob("*.py")
            if (n := len(path.read_text().splitlines())) > MAX_LINES and SIZE_NOTE not in path.read_text()]
    assert not long, f"split these, or say why in their docstring with '{SIZE_NOTE}':\n" + "\n".join(long)
