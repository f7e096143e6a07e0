"""The rules worker through the CLI: tick (simulate, apply), timeline, outbox, channel, worker --once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from luodi.models import Item, OutboxMessage, RuleFiring
from support.cli import Cli
from support.fakebots import WebhookReceiver
from support.q4 import open_session
from support.smtpd import SMTPSink

Q4 = Path(__file__).parents[1] / "data" / "q4_zh.md"


def _setup(cli, people_csv: Path) -> None:  # type: ignore[no-untyped-def]
    cli.env["LUODI_CLOCK"] = "2026-09-26T15:40+08:00"
    assert cli("people", "import", str(people_csv)).exit_code == 0
    assert cli("meeting", "import", str(Q4), "--project", "Q4").exit_code == 0


def test_tick_simulates_then_applies_once(cli: Cli, people_csv: Path, db_url: str) -> None:
    _setup(cli, people_csv)
    shown = cli("tick", "--at", "2026-09-30T09:30", "--json")
    assert shown.exit_code == 0, shown.stderr
    doc = shown.json()
    assert doc["at"] == "2026-09-30T01:30:00+00:00"
    firings = {(f["item"], f["rule"]): f for f in doc["firings"]}
    assert firings["T002", "at_risk_before_1d"]["recipients"] == ["小林"]
    assert firings["T001", "remind_due_morning"]["scheduled_at"] == "2026-09-30T01:00:00+00:00"
    assert doc["status_changes"] == [{"item": "T002", "from": "not_started", "to": "at_risk"}]
    with open_session(db_url) as session:   # a simulation writes nothing
        assert session.scalar(select(func.count()).select_from(RuleFiring)) == 0
        assert session.scalars(select(Item.status).where(Item.code == "T002")).one() == "not_started"
    applied = cli("tick", "--at", "2026-09-30T09:30", "--apply", "--json").json()
    assert applied == doc
    again = cli("tick", "--at", "2026-09-30T09:30", "--apply", "--json").json()
    assert again["firings"] == [] and again["status_changes"] == []
    with open_session(db_url) as session:
        assert session.scalars(select(Item.status).where(Item.code == "T002")).one() == "at_risk"
        assert session.scalars(select(func.count()).select_from(RuleFiring)).one() > 0
    human = cli("tick", "--at", "2026-09-30T09:30")
    assert human.exit_code == 0 and "simulation" in human.stdout
    assert cli("tick", "--at", "tomorrow").exit_code == 2


def test_timeline_lists_the_planned_schedule(cli: Cli, people_csv: Path) -> None:
    _setup(cli, people_csv)
    rows = cli("timeline", "--meeting", "1", "--json").json()
    planned = [(r["at"][:16], r["item"], r["rule"]) for r in rows]
    assert ("2026-09-30T17:00", "T001", "escalate_due_end") in planned
    assert ("2026-10-08T17:00", "T002", "escalate_due_end") in planned
    superseded = [r for r in rows if r["note"] and "superseded" in r["note"]]
    assert [(r["item"], r["rule"]) for r in superseded] == [("T002", "remind_before_3d")]
    escalation = next(r for r in rows if r["rule"] == "escalate_due_end" and r["item"] == "T001")
    assert escalation["recipients"] == ["张经理", "小林"]
    assert cli("timeline", "--meeting", "99").exit_code == 2


def test_worker_once_delivers_and_outbox_commands(cli: Cli, people_csv: Path, db_url: str) -> None:
    _setup(cli, people_csv)
    with SMTPSink() as sink:
        cli.env |= {"LUODI_CLOCK": "2026-09-30T09:35+08:00", "LUODI_SMTP_PORT": str(sink.port)}
        ran = cli("worker", "--once")
        assert ran.exit_code == 0, ran.stderr
        assert "delivered" in ran.stdout
        delivered = len(sink.messages)
        assert delivered >= 4
    rows = cli("outbox", "list", "--json").json()
    assert len(rows) == delivered and {r["status"] for r in rows} == {"sent"}
    assert cli("outbox", "list", "--status", "bogus").exit_code == 2
    sent_id = rows[0]["id"]
    refused = cli("outbox", "retry", str(sent_id))
    assert refused.exit_code == 2 and "sent" in refused.stderr
    with open_session(db_url) as session:
        when = session.get_one(OutboxMessage, sent_id).created_at
        session.add(OutboxMessage(key="manual", kind="test", channel="email", address="x@example.com", subject="s",
                                  body_text="t", payload={}, next_attempt_at=when, created_at=when))
        session.commit()
        manual = session.scalars(select(OutboxMessage.id).where(OutboxMessage.key == "manual")).one()
    assert cli("outbox", "cancel", str(manual)).exit_code == 0
    assert cli("outbox", "list", "--status", "cancelled", "--json").json()[0]["id"] == manual
    assert cli("outbox", "retry", str(manual)).exit_code == 0
    assert cli("outbox", "list", "--status", "pending", "--json").json()[0]["id"] == manual


def test_channel_add_list_test(cli: Cli) -> None:
    with WebhookReceiver(secret="hook-secret") as hook:
        added = cli("channel", "add", "ops", "--kind", "webhook", "--url", hook.url, "--secret", "hook-secret")
        assert added.exit_code == 0, added.stderr
        listed = cli("channel", "list", "--json").json()
        assert listed[0]["name"] == "ops" and listed[0]["signed"] is True
        assert "hook-secret" not in str(listed)
        tested = cli("channel", "test", "ops")
        assert tested.exit_code == 0, tested.stderr
        assert len(hook.accepted) == 1 and "luodi" in hook.accepted[0].json["text"]
    assert cli("channel", "add", "ops", "--kind", "webhook", "--url", "http://x").exit_code == 2
    assert cli("channel", "add", "bad", "--kind", "telegram", "--url", "http://x").exit_code == 2
    assert cli("channel", "add", "bad", "--kind", "slack", "--url", "ftp://x").exit_code == 2
    broken = cli("channel", "test", "ops")   # the receiver is gone now
    assert broken.exit_code == 1 and "ops" in broken.stderr


def test_rules_overridden_for_the_organisation_and_one_project(cli: Cli, people_csv: Path, tmp_path: Path) -> None:
    config = tmp_path / "luodi.toml"
    config.write_text('[rules.escalate_due_end]\nat = "16:00"\n\n'
                      '[projects."Q4".rules.remind_before_3d]\nenabled = false\n', encoding="utf-8")
    cli.env["LUODI_CONFIG"] = str(config)
    _setup(cli, people_csv)
    rows = cli("timeline", "--meeting", "1", "--json").json()
    planned = {(r["at"][:16], r["item"], r["rule"]) for r in rows}
    assert ("2026-09-30T16:00", "T001", "escalate_due_end") in planned
    assert not any(rule == "remind_before_3d" for _, _, rule in planned)
    cli.env["LUODI_CONFIG"] = str(tmp_path / "none.toml")
    rows = cli("timeline", "--meeting", "1", "--json").json()
    assert any(r["rule"] == "remind_before_3d" for r in rows)
    config.write_text('[rules.escalate_due_end]\nat = "25:00"\n', encoding="utf-8")
    cli.env["LUODI_CONFIG"] = str(config)
    bad = cli("tick", "--at", "2026-09-30T09:30")
    assert bad.exit_code == 2 and "escalate_due_end" in bad.stderr


def test_a_due_date_on_a_holiday_draws_a_lint_warning(cli: Cli, tmp_path: Path) -> None:
    holiday = tmp_path / "holiday.md"
    holiday.write_text(Q4.read_text(encoding="utf-8").replace("10月5日", "10月2日"), encoding="utf-8")
    result = cli("meeting", "lint", str(holiday), "--json")
    assert result.exit_code == 0
    warnings = [w for w in result.json()["warnings"] if w["field"] == "due" and "working day" in w["message"]]
    assert [w["message"][:14] for w in warnings] == ["due 2026-10-02"]
    cli.env["LUODI_CALENDAR"] = "none"
    assert not [w for w in cli("meeting", "lint", str(holiday), "--json").json()["warnings"]
                if "working day" in w["message"]]


def test_a_person_can_choose_the_im_app_only_and_reminders_stay_out_of_the_group(cli: Cli, tmp_path: Path,
                                                                                   db_url: str) -> None:
    people = tmp_path / "p.csv"
    people.write_text("name,email,phone,supervisor,notify\n小林,lin@example.com,1,,\n小王,wang@example.com,2,,im\n"
                      "小李,li@example.com,3,,\n小陈,chen@example.com,4,,email\n", encoding="utf-8")
    assert cli("people", "import", str(people)).exit_code == 0
    cli.env["LUODI_CLOCK"] = "2026-09-26T15:40+08:00"
    assert cli("meeting", "import", str(Q4)).exit_code == 0
    with WebhookReceiver() as hook:
        assert cli("channel", "add", "team", "--kind", "webhook", "--url", hook.url).exit_code == 0
        cli("tick", "--at", "2026-09-30T09:35", "--apply")
    with open_session(db_url) as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind != "action_list")).all()
        emails = sorted(r.address or "" for r in rows if r.channel == "email")
        assert "wang@example.com" not in emails and "chen@example.com" in emails
        # Reminders and notices are private by default: nothing for the group (issue 10).
        assert [r for r in rows if r.channel == "team"] == []
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email,phone,supervisor,notify\n小赵,z@example.com,1,,sms\n", encoding="utf-8")
    result = cli("people", "import", str(bad))
    assert result.exit_code == 2 and "notify" in result.stderr
