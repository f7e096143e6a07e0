"""The README's acceptance lines work as written, in their order, on the article's Q4 case."""

from __future__ import annotations

import shlex
from pathlib import Path

from support.cli import Cli
from support.q4 import load_q4

README = Path(__file__).parents[2] / "README.md"


def _lines(*commands: str) -> list[list[str]]:
    found = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if any(line.startswith(f"luodi {command} ") for command in commands):
            found.append(shlex.split(line.split("#", 1)[0])[1:])
    return found


def test_the_readme_submit_then_accept_gives_78_points(cli: Cli, db_url: str) -> None:
    load_q4(db_url)
    lines = _lines("submit", "accept")
    assert [words[0] for words in lines] == ["submit", "accept"], "the README submits before it accepts"
    for words in lines:
        result = cli(*words, "--json")
        assert result.exit_code == 0, (words, result.stdout, result.stderr)
    assert result.json()["score"] == 78, result.stdout
    assert "# 78 points" in README.read_text(encoding="utf-8")
