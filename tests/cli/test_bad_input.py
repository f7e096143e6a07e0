"""NF-3 through the real CLI: every broken file ends in exit 1 or 2 with a message naming the
line, and nothing is written — not a person, not a meeting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from luodi.models import AuditEntry, Item, Meeting, Person, Project
from support.cli import Cli
from support.q4 import open_session

CORPUS = Path(__file__).parents[1] / "corpus"
TABLE = re.compile(r"^\| `(?P<file>[^`]+)` \| `(?P<field>[^`]+)` \| (?P<line>\d+) \|", re.M)
CASES = [(m["file"], m["field"], int(m["line"])) for m in TABLE.finditer((CORPUS / "README.md").read_text())]


def _nothing_written(url: str) -> None:
    with open_session(url) as session:
        for model in (Person, Project, Meeting, Item, AuditEntry):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model.__name__


def test_the_corpus_is_all_here() -> None:
    assert len(CASES) >= 14
    assert {"binary.png", "cycle.md", "group_owner.md", "duplicate_number.md", "unknown_dependency.md",
            "empty_owner.md", "unreadable_date.md", "missing_owner_column.md"} <= {name for name, _, _ in CASES}


@pytest.mark.parametrize(("name", "field", "line"), CASES, ids=[c[0] for c in CASES])
def test_broken_file_is_refused_by_lint_and_import(cli: Cli, db_url: str, name: str, field: str, line: int) -> None:
    path = CORPUS / name
    for verb in ("lint", "import"):
        result = cli("meeting", verb, str(path), "--json")
        assert result.exit_code == 1, (verb, result.stdout, result.stderr)
        doc = result.json()
        assert doc["meeting_id"] is None
        assert any(e["field"] == field and e["line"] == line for e in doc["errors"]), doc["errors"]
        human = cli("meeting", verb, str(path))
        assert human.exit_code == 1
        assert f"{path}:{line}: error: [{field}]" in human.stderr
    _nothing_written(db_url)


def test_a_10_mb_file_is_refused_without_reading_it_all(cli: Cli, db_url: str, tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes((CORPUS.parent / "data" / "q4_zh.md").read_bytes() + b"x" * (10 * 1024 * 1024))
    result = cli("meeting", "import", str(big), "--json")
    assert result.exit_code == 1
    assert [(e["line"], e["field"]) for e in result.json()["errors"]] == [(0, "file")]
    _nothing_written(db_url)


def test_a_directory_or_missing_file_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    for target in (tmp_path, tmp_path / "absent.md"):
        result = cli("meeting", "import", str(target))
        assert result.exit_code == 2 and result.stderr.startswith("luodi: ") and len(result.stderr.splitlines()) == 1
