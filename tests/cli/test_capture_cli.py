"""Issue 9 through the real CLI: the lists the issue found refused now import; questions are
asked in the JSON, answered with --answer or --accept-defaults, and nothing is written while one
is open."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from luodi.models import Item, Meeting, Person
from support.cli import Cli
from support.q4 import open_session

DATA = Path(__file__).parents[1] / "data"
REFUSED_LIST = "## 行动项\n1. 小王:细化活动方案,12月4日前交详细执行方案\n2. @小李 下周三前给出技术评估\n"
DDL_TABLE = ("# 【行动项】周会\n- 时间: 2026-11-30 10:00\n\n## 行动项\n| 序号 | 行动项 | 责任人 | DDL |\n"
             "|---|---|---|---|\n| 1 | 细化活动方案 | 小王 | 12月4日 |\n| 2 | 技术评估 | 小李 | 下周三 |\n")


def _count(url: str, model: type) -> int:
    with open_session(url) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_ddl_table_imports(cli: Cli, db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "ddl.md"
    path.write_text(DDL_TABLE, encoding="utf-8")
    result = cli("meeting", "import", str(path), "--json")
    assert result.exit_code == 0, result.stdout
    doc = result.json()
    assert doc["questions"] == [] and doc["errors"] == []
    assert [(i["title"], i["owner"], i["due"], i["source_line"]) for i in doc["items"]] == [
        ("细化活动方案", "小王", "2026-12-04", 7), ("技术评估", "小李", "2026-12-09", 8)]
    assert _count(db_url, Item) == 2


def test_the_numbered_list_asks_for_the_meeting_time_then_imports(cli: Cli, db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text(REFUSED_LIST, encoding="utf-8")
    env = {"LUODI_CLOCK": "2026-11-30T10:00+08:00"}
    cli.env.update(env)
    lint = cli("meeting", "lint", str(path), "--json")
    assert lint.exit_code == 1
    doc = lint.json()
    assert doc["errors"] == [] and doc["meeting_id"] is None
    assert doc["questions"] == [{"line": 0, "field": "时间", "message": doc["questions"][0]["message"],
                                 "choices": ["2026-11-30 10:00"]}]
    assert [(i["owner"], i["due"], i["source_line"]) for i in doc["items"]] == [
        ("小王", "2026-12-04", 2), ("小李", "2026-12-09", 3)]
    refused = cli("meeting", "import", str(path))
    assert refused.exit_code == 1 and "question: [时间]" in refused.stderr and "--answer 0:时间=" in refused.stderr
    assert _count(db_url, Meeting) == _count(db_url, Person) == 0

    answered = cli("meeting", "import", str(path), "--answer", "0:时间=2026-12-01 09:00", "--json")
    assert answered.exit_code == 0, answered.stdout
    items = answered.json()["items"]
    assert [(i["title"], i["owner"], i["due"], i["deliverable"]) for i in items] == [
        ("细化活动方案", "小王", "2026-12-04", "详细执行方案"), ("给出技术评估", "小李", "2026-12-09", "技术评估")]
    with open_session(db_url) as session:
        meeting = session.scalars(select(Meeting)).one()
        assert meeting.title == "Action items 2026-12-01"
        assert sorted(session.scalars(select(Person.name))) == ["小李", "小王"]


def test_owner_question_answered_or_defaulted(cli: Cli, db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "two.md"
    path.write_bytes((DATA / "questions" / "two_owners.md").read_bytes())
    first = cli("meeting", "import", str(path), "--json")
    assert first.exit_code == 1
    questions = first.json()["questions"]
    assert [(q["line"], q["field"], q["choices"]) for q in questions] == [(14, "owner", ["小王", "小李"])]
    assert _count(db_url, Item) == 0
    dry = cli("meeting", "import", str(path), "--answer", "14:owner=小李", "--dry-run", "--json")
    assert dry.exit_code == 0 and dry.json()["items"][0]["owner"] == "小李"
    assert _count(db_url, Item) == 0
    defaulted = cli("meeting", "import", str(path), "--accept-defaults", "--json")
    assert defaulted.exit_code == 0
    doc = defaulted.json()
    assert doc["items"][0]["owner"] == "小王"
    assert any(w["line"] == 14 and w["field"] == "owner" and "小王" in w["message"] for w in doc["warnings"])
    assert _count(db_url, Item) == 1


def test_a_malformed_answer_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "list.md"
    path.write_text(REFUSED_LIST, encoding="utf-8")
    for bad in ("owner=小王", "x:owner=小王", "3:owner="):
        result = cli("meeting", "import", str(path), "--answer", bad)
        assert result.exit_code == 2 and "--answer" in result.stderr
