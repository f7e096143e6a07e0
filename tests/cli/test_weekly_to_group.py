"""The weekly review goes to the project group too (issue 10, part 3): ``luodi report weekly
--project Q4 --send`` emails the coordinator and posts the review to Q4's group robot, because the
route of ``weekly_review`` is direct + group by default; routed ``direct`` only, the group gets
nothing. A real SMTP server and a local DingTalk robot receive them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.fakebots import DingTalkBot

Q4 = Path(__file__).parents[1] / "data" / "q4_zh.md"


def test_weekly_review_reaches_the_project_group_unless_routed_direct(cli: Any, smtp: Any, people_csv: Path) -> None:
    cli.env |= {"LUODI_SMTP_PORT": str(smtp.port), "LUODI_LANGUAGE": "zh", "LUODI_CLOCK": "2026-09-28T10:00+08:00"}
    assert cli("people", "import", str(people_csv)).exit_code == 0
    assert cli("meeting", "import", str(Q4), "--project", "Q4").exit_code == 0
    assert cli("meeting", "import", str(Q4), "--project", "Other").exit_code == 0
    with DingTalkBot() as group, DingTalkBot() as other:
        assert cli("channel", "add", "q4-group", "--kind", "dingtalk", "--url", group.url, "--project", "Q4"
                   ).exit_code == 0
        assert cli("channel", "add", "other-group", "--kind", "dingtalk", "--url", other.url, "--project", "Other"
                   ).exit_code == 0
        sent = cli("report", "weekly", "--week", "2026-W40", "--project", "Q4", "--send", "--to", "小林")
        assert sent.exit_code == 0, sent.stderr
        assert any("xiaolin@example.com" in m.envelope_to for m in smtp.messages)
        assert len(group.accepted) == 1 and not other.accepted  # only Q4's own group
        text = group.accepted[0].json["markdown"]["text"]
        assert "周会" in group.accepted[0].json["markdown"]["title"] and "下周行动项" in text

        assert cli("channel", "routes", "Q4", "--set", "weekly_review=direct").exit_code == 0
        again = cli("report", "weekly", "--week", "2026-W41", "--project", "Q4", "--send", "--to", "小林")
        assert again.exit_code == 0, again.stderr
        assert len(group.accepted) == 1  # routed direct: nothing more in the group


def test_weekly_send_needs_no_email_recipient_when_the_project_has_a_group_robot(
        cli: Any, smtp: Any, people_csv: Path, tmp_path: Path) -> None:
    """A project whose meeting names no organizer has no coordinator, so nobody to email; with a
    group robot ``--send`` posts the review there and succeeds. Without a robot it still asks for --to."""
    cli.env |= {"LUODI_SMTP_PORT": str(smtp.port), "LUODI_LANGUAGE": "zh", "LUODI_CLOCK": "2026-09-28T10:00+08:00"}
    no_organizer = tmp_path / "q4_no_organizer.md"
    no_organizer.write_text("".join(line for line in Q4.read_text(encoding="utf-8").splitlines(keepends=True)
                                    if not line.startswith("- 组织者")), encoding="utf-8")
    assert cli("people", "import", str(people_csv)).exit_code == 0
    assert cli("meeting", "import", str(no_organizer), "--project", "Q4").exit_code == 0
    assert cli("meeting", "import", str(no_organizer), "--project", "Lonely").exit_code == 0
    with DingTalkBot() as group:
        assert cli("channel", "add", "q4-group", "--kind", "dingtalk", "--url", group.url, "--project", "Q4"
                   ).exit_code == 0
        sent = cli("report", "weekly", "--week", "2026-W40", "--project", "Q4", "--send")
        assert sent.exit_code == 0, sent.stderr
        assert len(group.accepted) == 1 and not smtp.messages
        assert "下周行动项" in group.accepted[0].json["markdown"]["text"]
        lonely = cli("report", "weekly", "--week", "2026-W40", "--project", "Lonely", "--send")
        assert lonely.exit_code != 0 and "--to" in lonely.stderr
        assert len(group.accepted) == 1 and not smtp.messages


def test_weekly_send_help_says_group_robots_need_no_recipient(cli: Any) -> None:
    """``--send``'s help names the robot case, in both languages (through the catalogs)."""
    cli.env["LUODI_LANGUAGE"] = "zh"
    zh = " ".join(cli("report", "weekly", "--help").stdout.split())
    assert "群机器人" in zh and "既不需要 --to 也不需要协调人" in zh, zh
    cli.env["LUODI_LANGUAGE"] = "en"
    en = " ".join(cli("report", "weekly", "--help").stdout.split())
    assert "needs neither --to nor a coordinator" in en, en
