"""Issue 15 point 1 through the real CLI: 小麗 for 小李 is a question ("did you mean 小李?") in
lint and import, with the match first and creating 小麗 as the last, explicit choice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from luodi.models import Item, Person
from support.q4 import open_session

LIST = ("# 【行动项】周会\n- 时间: 2026-11-30 10:00\n\n## 行动项\n| 序号 | 行动项 | 责任人 | 截止 |\n"
        "|---|---|---|---|\n| 1 | 细化活动方案 | 小王 | 12月4日 |\n| 2 | 技术评估 | 小麗 | 12月9日 |\n")


def _setup(cli: Any, people_csv: Path, tmp_path: Path) -> Path:
    cli.env["LUODI_CLOCK"] = "2026-11-30T10:00+08:00"
    assert cli("people", "import", str(people_csv)).exit_code == 0
    path = tmp_path / "list.md"
    path.write_text(LIST, encoding="utf-8")
    return path


def _people(url: str) -> list[str]:
    with open_session(url) as session:
        return sorted(session.scalars(select(Person.name)))


def test_lint_and_import_ask_did_you_mean(cli: Any, db_url: str, people_csv: Path, tmp_path: Path) -> None:
    path = _setup(cli, people_csv, tmp_path)
    lint = cli("meeting", "lint", str(path), "--json")
    assert lint.exit_code == 1
    [question] = lint.json()["questions"]
    assert (question["line"], question["field"], question["choices"]) == (8, "owner", ["小李", "new 小麗"])
    assert "did you mean 小李?" in question["message"]
    text = cli("meeting", "import", str(path))
    assert text.exit_code == 1 and "did you mean 小李?" in text.stderr and "--answer 8:owner=小李" in text.stderr
    assert "小麗" not in _people(db_url)

    zh = cli.env.copy()
    cli.env["LUODI_LANGUAGE"] = "zh"
    zh_lint = cli("meeting", "lint", str(path))
    assert "你是指 小李 吗？" in zh_lint.stderr and "新建 小麗" in zh_lint.stderr, zh_lint.stderr
    cli.env.clear()
    cli.env.update(zh)

    answered = cli("meeting", "import", str(path), "--answer", "8:owner=小李", "--json")
    assert answered.exit_code == 0, answered.stdout
    assert [i["owner"] for i in answered.json()["items"]] == ["小王", "小李"]
    assert "小麗" not in _people(db_url)


def test_accept_defaults_takes_the_match_never_a_new_person(cli: Any, db_url: str, people_csv: Path,
                                                            tmp_path: Path) -> None:
    path = _setup(cli, people_csv, tmp_path)
    result = cli("meeting", "import", str(path), "--accept-defaults", "--json")
    assert result.exit_code == 0, result.stdout
    doc = result.json()
    assert [i["owner"] for i in doc["items"]] == ["小王", "小李"]
    assert any(w["line"] == 8 and "小李" in w["message"] for w in doc["warnings"])
    assert "小麗" not in _people(db_url)


def test_a_new_person_is_an_explicit_choice(cli: Any, db_url: str, people_csv: Path, tmp_path: Path) -> None:
    path = _setup(cli, people_csv, tmp_path)
    result = cli("meeting", "import", str(path), "--answer", "8:owner=新建 小麗", "--json")
    assert result.exit_code == 0, result.stdout
    assert "小麗" in _people(db_url)
    with open_session(db_url) as session:
        owner = session.scalars(select(Person).join(Item, Item.owner_id == Person.id).where(Item.number == 2)).one()
        assert owner.name == "小麗"


def test_a_known_alias_is_asked_too(cli: Any, db_url: str, tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text("name,email,phone,supervisor,aliases\n李丽,li@example.com,,,Lily|丽丽\n", encoding="utf-8")
    cli.env["LUODI_CLOCK"] = "2026-11-30T10:00+08:00"
    assert cli("people", "import", str(csv)).exit_code == 0
    path = tmp_path / "list.md"
    path.write_text(LIST.replace("小麗", "Lily").replace("小王", "李丽"), encoding="utf-8")
    [question] = cli("meeting", "lint", str(path), "--json").json()["questions"]
    assert question["choices"] == ["李丽", "new Lily"]
