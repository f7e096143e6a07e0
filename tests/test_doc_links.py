"""The README stands alone (issue 15): every relative link and every path written in README.md,
ARCHITECTURE.md and docs/*.md names a file or folder inside the repository — nothing under
``../shared/`` or elsewhere that a clone does not have."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
DOCS = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE = re.compile(r"`([^`\n]+)`")
TOP = {path.name for path in ROOT.iterdir() if not path.name.startswith(".")}
# Files the reader makes by following the docs (docs/deploy.md: cp deploy/luodi.env.example …).
MADE_BY_THE_READER = {"deploy/luodi.env"}


def _inside(target: Path) -> bool:
    return target.resolve().is_relative_to(ROOT.resolve())


def _problems(doc: Path) -> list[str]:
    text = doc.read_text(encoding="utf-8")
    found: list[str] = []
    for link in LINK.findall(CODE.sub("", text)):  # a link written as code is an example
        if re.match(r"^[a-z][a-z0-9+.-]*:", link) or link.startswith("#"):
            continue  # http(s), mailto, anchors
        target = (doc.parent / link.split("#", 1)[0]).resolve()
        if not _inside(target) or not target.exists():
            found.append(f"{doc.name}: link {link}")
    for code in CODE.findall(text):
        word = code.strip().split()[0] if code.strip() else ""
        if word.startswith("../") or "/shared/" in word:
            found.append(f"{doc.name}: path {word} is outside the repository")
        elif "/" in word and word.split("/", 1)[0] in TOP and not any(ch in word for ch in "<>*{}…$") \
                and word not in MADE_BY_THE_READER:
            target = ROOT / word.rstrip("/")
            if not target.exists() and not target.with_suffix(".py").exists():
                found.append(f"{doc.name}: path {word} does not exist")
    return found


def test_every_relative_link_and_path_is_in_the_repository() -> None:
    problems = [problem for doc in DOCS for problem in _problems(doc)]
    assert not problems, problems


def test_the_checker_catches_a_path_outside_the_repository(tmp_path: Path) -> None:
    doc = tmp_path / "probe.md"
    doc.write_text("See `../shared/seed/`, `src/luodi/nothing_here.py`, [the spec](../../shared/SPEC.md) and "
                   "[x](missing.md); [ok](https://example.com).\n", encoding="utf-8")
    assert len(_problems(doc)) == 4
