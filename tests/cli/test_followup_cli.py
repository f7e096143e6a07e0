"""The smaller follow-up commands and their refusals (exit 2 with a one-line reason)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

Q4_ZH = Path(__file__).parents[1] / "data" / "q4_zh.md"


def _load(cli: Any, people_csv: Path) -> None:
    cli.env["LUODI_CLOCK"] = "2026-09-28T09:00+08:00"
    assert cli("people", "import", str(people_csv)).exit_code == 0
    assert cli("meeting", "import", str(Q4_ZH)).exit_code == 0


def test_cadence_profile_and_checklist(cli: Any, people_csv: Path) -> None:
    _load(cli, people_csv)
    plan = cli("cadence", "T001", "--json").json()
    assert plan["rule"] == "first_time" and plan["profile_source"] == "history"
    assert plan["key_nodes"][-1] == "2026-09-30" and plan["channels"] == ["phone", "in_person"]
    assert cli("profile", "小王", "--set", "delay_history", "--json").json()["manual"] == "delay_history"
    later = cli("cadence", "T001", "--at", "2026-09-29T10:00", "--json").json()
    assert later["profile"] == ["delay_history"] and later["profile_source"] == "manual"
    assert cli("profile", "小王", "--set", "bogus").exit_code == 2
    lines = cli("checklist", "T001", "--json").json()["checklist"]
    assert len(lines) == 5 and lines[0].startswith("包含所有必需章节")  # the meeting's language, not the CLI's
    replaced = cli("checklist", "T003", "--line", "覆盖要点", "--line", "有练习", "--json").json()
    assert replaced["checklist"] == ["覆盖要点", "有练习"]


def test_carryover_and_the_sync_recommendation(cli: Any, people_csv: Path) -> None:
    _load(cli, people_csv)
    agenda = cli("carryover", "1", "--json").json()
    assert [i["code"] for i in agenda["items"]] == ["T001", "T002", "T003"]
    assert all(i["carried_from"] == "2026-09-26" for i in agenda["items"])
    started = cli("carryover", "1", "--start", "--json").json()
    assert started["carried"] == 3 and started["next_meeting_id"] == 2
    assert cli("carryover", "2", "--json").json()["items"][0]["carried_from"] == "2026-09-26"
    sync = cli("report", "sync", "--project", "Q4【行动项】Q4服务活动方案跟进", "--json")
    assert sync.exit_code == 2  # no such project: a one-line reason
    everything = cli("report", "sync", "--json").json()
    assert everything["kind"] == "standup" and "urgent" in everything["reasons"]


def test_refusals_exit_2_with_a_reason(cli: Any, people_csv: Path) -> None:
    _load(cli, people_csv)
    assert cli("submit", "T001", "--link", "https://x.example/plan").exit_code == 0
    bad_score = cli("accept", "T001", "--score", "completeness=9", "--pass")
    assert bad_score.exit_code == 2 and "completeness" in bad_score.stderr
    assert cli("accept", "T001", "--score", "completeness:x", "--pass").exit_code == 2
    both = cli("accept", "T001", "--score", "completeness=4,accuracy=5,executability=3,innovation=3")
    assert both.exit_code == 2
    low = cli("accept", "T001", "--score", "completeness=1,accuracy=1,executability=1,innovation=1", "--pass")
    assert low.exit_code == 2 and "60" in low.stderr
    assert cli("report", "weekly", "--week", "2026-40").exit_code == 2
    assert cli("report", "weekly", "--week", "2026-W40", "--format", "pdf").exit_code == 2
    assert cli("followup", "done", "42", "--outcome", "x").exit_code == 2
    assert cli("blocker", "clear", "42").exit_code == 2
    assert cli("submit", "T002", "--link", "https://x.example/a", "--partial").exit_code == 2
    assert cli("meeting", "close", "1", "--went-well", "a", "--improve", "b", "--reusable", "c").exit_code == 2
    assert cli("metrics", "--from", "2026-10-01", "--to", "2026-09-01").exit_code == 2


def test_blocker_list_and_metrics_text(cli: Any, people_csv: Path) -> None:
    _load(cli, people_csv)
    assert cli("blocker", "add", "T002", "--what", "方案", "--waiting-on", "小王").exit_code == 0
    listed = cli("blocker", "list", "--json").json()
    assert [(b["item"], b["waiting_on"]) for b in listed] == [("T002", "小王")]
    empty = cli("metrics", "--from", "2020-01-01", "--to", "2020-01-31", "--json").json()
    assert empty["items"] == 0 and empty["on_time"] == {"value": None, "hits": 0, "total": 0}
    assert "Landing rate" in cli("metrics").stdout
