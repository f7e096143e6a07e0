"""The foundation flow through the real CLI: people → lint → import → render → send → confirm → status."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luodi.db import make_engine, make_sessionmaker
from luodi.models import AuditEntry, Dependency, Item, Meeting, OutboxMessage, Person
from support.cli import Cli
from support.smtpd import SMTPSink, text_part

Q4_ZH = Path(__file__).parents[1] / "data" / "q4_zh.md"
Q4_EN = Path(__file__).parents[1] / "data" / "q4_en.md"


def _session(url: str) -> Session:
    return make_sessionmaker(make_engine(url))()


def test_import_stores_meeting_items_and_dependencies(cli: Cli, people_csv: Path, db_url: str) -> None:
    assert cli("people", "import", str(people_csv)).exit_code == 0
    result = cli("meeting", "import", str(Q4_ZH), "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["errors"] == []
    assert [(i["code"], i["owner"], i["due"], i["status"]) for i in doc["items"]] == [
        ("T001", "小王", "2026-09-30", "in_progress"),
        ("T002", "小李", "2026-10-05", "not_started"),
        ("T003", "小陈", "2026-10-10", "not_started"),
    ]
    assert doc["items"][1]["depends_on"] == ["T001"]
    with _session(db_url) as session:
        meeting = session.get_one(Meeting, doc["meeting_id"])
        assert meeting.starts_at == datetime(2026, 9, 26, 6, 0, tzinfo=UTC)
        assert meeting.decisions[0].text == "选择方案B作为Q4活动方案"
        assert meeting.next_meeting_at == datetime(2026, 10, 15, 2, 0, tzinfo=UTC)
        assert session.scalar(select(func.count()).select_from(Dependency)) == 2
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "item")) == 3


def test_dry_run_and_lint_write_nothing(cli: Cli, db_url: str) -> None:
    dry = cli("meeting", "import", str(Q4_ZH), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    assert dry.json()["meeting_id"] is None and len(dry.json()["items"]) == 3
    lint = cli("meeting", "lint", str(Q4_ZH), "--json")
    assert lint.exit_code == 0 and lint.json()["errors"] == []
    with _session(db_url) as session:
        assert session.scalar(select(func.count()).select_from(Item)) == 0
        assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_english_list_imports(cli: Cli) -> None:
    result = cli("meeting", "import", str(Q4_EN), "--json")
    assert result.exit_code == 0, result.stderr
    assert [i["due"] for i in result.json()["items"]] == ["2026-09-30", "2026-10-05", "2026-10-10"]


def test_codes_continue_per_project(cli: Cli) -> None:
    cli("meeting", "import", str(Q4_ZH), "--project", "Q4")
    second = cli("meeting", "import", str(Q4_ZH), "--project", "Q4", "--json").json()
    assert [i["code"] for i in second["items"]] == ["T004", "T005", "T006"]
    other = cli("meeting", "import", str(Q4_ZH), "--project", "其他", "--json").json()
    assert [i["code"] for i in other["items"]] == ["T001", "T002", "T003"]


def test_missing_file_is_a_usage_error(cli: Cli) -> None:
    result = cli("meeting", "import", "/nonexistent/list.md")
    assert result.exit_code == 2
    assert "list.md" in result.stderr


def test_render_text_html_markdown(cli: Cli) -> None:
    meeting_id = cli("meeting", "import", str(Q4_ZH), "--json").json()["meeting_id"]
    text = cli("meeting", "render", str(meeting_id), "--format", "text").stdout
    assert "┌" in text and "细化活动方案" in text and "任务2依赖任务1" in text
    assert text.index("选择方案B") < text.index("细化活动方案") < text.index("任务2依赖任务1")
    html = cli("meeting", "render", str(meeting_id), "--format", "html").stdout
    assert "<table" in html and "请各位务必确认自己的任务" in html
    english = cli("meeting", "render", str(meeting_id), "--format", "markdown", "--lang", "en").stdout
    assert "@小王" in english and "depends on" in english.lower()
    bad = cli("meeting", "render", str(meeting_id), "--format", "pdf")
    assert bad.exit_code == 2 and "--format" in bad.stderr


def _send_env(cli: Cli, smtp: SMTPSink) -> None:
    cli.env |= {"LUODI_CLOCK": "2026-09-26T16:10+08:00",
                "LUODI_SMTP_HOST": "127.0.0.1", "LUODI_SMTP_PORT": str(smtp.port), "LUODI_SMTP_TLS": "none",
                "LUODI_SMTP_FROM": "小林 <xiaolin@example.com>"}


def test_send_emails_every_attendee_once(cli: Cli, smtp: SMTPSink, people_csv: Path, db_url: str) -> None:
    _send_env(cli, smtp)
    cli("people", "import", str(people_csv))
    meeting_id = cli("meeting", "import", str(Q4_ZH), "--json").json()["meeting_id"]
    sent = cli("meeting", "send", str(meeting_id), "--json")
    assert sent.exit_code == 0, sent.stderr
    assert sent.json()["delivered"] == 4
    messages = smtp.messages
    assert sorted(m.envelope_to[0] for m in messages) == sorted(
        ["xiaolin@example.com", "xiaowang@example.com", "xiaoli@example.com", "xiaochen@example.com"])
    by_rcpt = {m.envelope_to[0]: email.message_from_bytes(m.data, policy=email.policy.default) for m in messages}
    wang = by_rcpt["xiaowang@example.com"]
    assert str(wang["Subject"]).startswith("【行动项】")
    plain = text_part(wang)
    html = text_part(wang, "html")
    assert "细化活动方案" in plain and "细化活动方案" in html
    links = re.findall(r"^.*(http://testserver/c/\S+)\s*$", plain, flags=re.M)
    assert len(links) == 1
    line = next(ln for ln in plain.splitlines() if "http://testserver/c/" in ln)
    assert line.strip().endswith(links[0]) and len(line.split()) <= 2
    lin = text_part(by_rcpt["xiaolin@example.com"])
    assert "http://testserver/c/" not in lin  # the coordinator owns nothing here: no link
    li = by_rcpt["xiaoli@example.com"]
    assert str(li["Subject"]).startswith("[Action items]") or str(li["Subject"]).startswith("【行动项】")
    again = cli("meeting", "send", str(meeting_id), "--json")
    assert again.exit_code == 0 and again.json()["already_sent"] is True
    assert len(smtp.messages) == 4
    resent = cli("meeting", "send", str(meeting_id), "--resend", "--json")
    assert resent.json()["delivered"] == 4 and len(smtp.messages) == 8
    with _session(db_url) as session:
        assert session.get_one(Meeting, meeting_id).list_sent_at is not None
        assert session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.status == "sent")) == 8


def test_send_with_smtp_down_keeps_the_messages(cli: Cli, people_csv: Path, db_url: str) -> None:
    cli.env |= {"LUODI_SMTP_HOST": "127.0.0.1", "LUODI_SMTP_PORT": "9", "LUODI_SMTP_TIMEOUT": "2"}
    cli("people", "import", str(people_csv))
    meeting_id = cli("meeting", "import", str(Q4_ZH), "--json").json()["meeting_id"]
    result = cli("meeting", "send", str(meeting_id), "--json")
    assert result.exit_code == 1
    assert result.json()["queued"] == 4
    with _session(db_url) as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert len(rows) == 4 and all(r.status == "pending" and r.last_error for r in rows)


@pytest.mark.parametrize("when, expect_calls", [("2026-09-26T17:59", False), ("2026-09-26T18:00", True)])
def test_status_shows_the_call_list_after_the_deadline(cli: Cli, smtp: SMTPSink, people_csv: Path, when: str,
                                                       expect_calls: bool) -> None:
    _send_env(cli, smtp)
    cli("people", "import", str(people_csv))
    meeting_id = cli("meeting", "import", str(Q4_ZH), "--json").json()["meeting_id"]
    assert cli("meeting", "send", str(meeting_id)).exit_code == 0
    assert cli("item", "confirm", "T001", "--as", "小王").exit_code == 0
    twice = cli("item", "confirm", "T001", "--as", "小王")
    assert twice.exit_code == 0 and "already" in twice.stdout
    wrong = cli("item", "confirm", "T002", "--as", "小王")
    assert wrong.exit_code == 2 and "小王" in wrong.stderr
    # The deadline is 18:00 on the day of sending, in the organisation's time zone.
    status = cli("meeting", "status", str(meeting_id), "--at", when, "--json").json()
    confirmed = {i["code"]: i["confirmed"] for i in status["items"]}
    assert confirmed == {"T001": True, "T002": False, "T003": False}
    if expect_calls:
        assert status["call_list"] == [
            {"owner": "小李", "phone": "13800000004", "items": ["T002"]},
            {"owner": "小陈", "phone": "13800000005", "items": ["T003"]},
        ]
    else:
        assert status["call_list"] == []


def test_item_list_filters(cli: Cli) -> None:
    cli("meeting", "import", str(Q4_ZH))
    rows = cli("item", "list", "--owner", "小李", "--json").json()
    assert [r["code"] for r in rows] == ["T002"]
    assert [r["code"] for r in cli("item", "list", "--status", "in_progress", "--json").json()] == ["T001"]
    assert cli("item", "list", "--status", "bogus").exit_code == 2


def test_people_import_rejects_bad_rows_and_writes_nothing(cli: Cli, tmp_path: Path, db_url: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email,phone,supervisor\n小王,wang@example.com,1,\n小李,not-an-email,2,\n",
                   encoding="utf-8")
    result = cli("people", "import", str(bad))
    assert result.exit_code == 2 and "line 3" in result.stderr and "email" in result.stderr
    with _session(db_url) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0
    missing = tmp_path / "missing.csv"
    missing.write_text("name,email\nx,y@z.cn\n", encoding="utf-8")
    result = cli("people", "import", str(missing))
    assert result.exit_code == 2 and "phone" in result.stderr
