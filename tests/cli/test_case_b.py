"""The article's case B (小林), replayed on dates through the real CLI, Day 1 to Day 15.

Day 1 = Monday 2026-09-14 (the meeting, 14:00–15:00): the list goes out within the hour to a real
SMTP server and 小林 phones every new owner. Day 5 (Friday): the 3-days-before follow-up with 小王
surfaces his blocker (data from 市场部), cleared the same day. Day 8 (Monday): 小王 hands in on
time, two things need fixing; Day 9 the revision scores 78 and passes. Day 10 (Wednesday): the
rules mark 小李 at risk; he hands in a 简版 on Day 11 with the full version for Day 15. Day 15:
everything is accepted and the loop is closed. LUODI_CLOCK is set for every step.
"""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from luodi.db import make_engine, make_sessionmaker
from luodi.models import AcceptanceRound, Blocker, Item, Meeting, OutboxMessage, Retrospective

CASE_B = Path(__file__).parents[1] / "data" / "case_b_zh.md"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(cli: Any, moment: str, *args: str) -> Any:
    """Run ``luodi`` with the clock frozen at ``moment`` (Shanghai time)."""
    cli.env["LUODI_CLOCK"] = f"{moment}+08:00"
    result = cli(*args)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result


def mails(smtp: Any, to: str) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(m.data, policy=email.policy.default)
            for m in smtp.messages if to in m.envelope_to]


def body(message: email.message.EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None
    return str(part.get_content())


def day1_list_within_the_hour(cli: Any, smtp: Any, people_csv: Path, db_url: str) -> int:
    at(cli, "2026-09-14T15:05", "people", "import", str(people_csv))
    meeting_id = at(cli, "2026-09-14T15:05", "meeting", "import", str(CASE_B), "--json").json()["meeting_id"]
    sent = at(cli, "2026-09-14T15:40", "meeting", "send", str(meeting_id), "--json").json()
    assert sent["delivered"] == 4
    with make_sessionmaker(make_engine(db_url))() as session:
        meeting = session.get_one(Meeting, meeting_id)
        first = min(r.sent_at for r in session.scalars(select(OutboxMessage)) if r.sent_at)
        assert meeting.ends_at is not None and first - meeting.ends_at < timedelta(hours=1)
    wang = mails(smtp, "xiaowang@example.com")[0]
    assert str(wang["Subject"]).startswith("【行动项】")
    assert "数据是否准确" in body(wang, "plain") or "数据准确" in body(wang, "plain")  # the 方案 checklist (ACC-2)
    calls = at(cli, "2026-09-14T16:00", "today", "--as", "小林", "--json").json()
    assert [(f["owner"], f["reason"], f["channel"]) for f in calls["followups"]] == [
        ("小王", "first_time", "phone"), ("小李", "first_time", "phone"), ("小陈", "first_time", "phone")]
    for entry in calls["followups"]:
        at(cli, "2026-09-14T16:20", "followup", "done", str(entry["id"]), "--outcome", "电话确认，理解任务")
    for code, owner in (("T001", "小王"), ("T002", "小李"), ("T003", "小陈")):
        at(cli, "2026-09-14T16:30", "item", "confirm", code, "--as", owner)
    return int(meeting_id)


def day5_blocker_found_and_cleared(cli: Any, smtp: Any, db_url: str) -> None:
    today = at(cli, "2026-09-18T09:00", "today", "--as", "小林", "--digest", "--json").json()
    assert today["date"] == "2026-09-18" and today["digest"] == "sent"
    digest = mails(smtp, "xiaolin@example.com")[-1]
    assert str(digest["Subject"]).startswith("【今日跟进】") and "下周一要交" in body(digest, "plain")
    wang = next(f for f in today["followups"] if f["owner"] == "小王")
    assert wang["item"] == "T001" and wang["reason"] == "due_soon"
    assert wang["message"] == "小王，你的「细化活动方案」下周一要交，现在进展如何？需要什么支持吗？"
    at(cli, "2026-09-18T09:15", "followup", "done", str(wang["id"]), "--outcome", "卡在数据收集上，市场部还没给我")
    blocker = at(cli, "2026-09-18T09:20", "blocker", "add", "T001", "--what", "市场数据", "--waiting-on", "市场部",
                 "--json").json()
    again = at(cli, "2026-09-18T09:30", "today", "--as", "小林", "--json").json()["followups"]
    assert again[0]["reason"] == "blocker" and again[0]["item"] == "T001"  # blockers first
    assert "市场部" in again[0]["message"]
    assert any(f["id"] == wang["id"] and f["done"] and f["outcome"].startswith("卡在") for f in again)
    cleared = at(cli, "2026-09-18T15:00", "blocker", "clear", str(blocker["id"]), "--json").json()
    assert cleared["minutes_open"] == 340
    with make_sessionmaker(make_engine(db_url))() as session:
        row = session.get_one(Blocker, blocker["id"])
        assert row.cleared_at is not None and row.cleared_at.astimezone(SHANGHAI).date().isoformat() == "2026-09-18"


def day8_9_revision_then_78(cli: Any, smtp: Any) -> None:
    at(cli, "2026-09-21T10:00", "submit", "T001", "--link", "https://docs.example.com/plan-v1")
    failed = at(cli, "2026-09-21T14:00", "accept", "T001", "--score",
                "completeness=4,accuracy=4,executability=3,innovation=3", "--fail", "--revise-by", "2026-09-22",
                "--problem", "预算数据需要更新", "--problem", "执行步骤缺少时间表", "--as", "小林", "--json").json()
    assert not failed["passed"] and failed["status"] == "in_progress" and failed["due"] == "2026-09-22"
    revision = mails(smtp, "xiaowang@example.com")[-1]
    text = body(revision, "plain")
    assert "2个问题需要修改" in text and "预算数据需要更新" in text and "明天下午5点" in text
    at(cli, "2026-09-22T16:00", "submit", "T001", "--link", "https://docs.example.com/plan-v2")
    passed = at(cli, "2026-09-22T17:00", "accept", "T001", "--score",
                "completeness=4,accuracy=5,executability=3,innovation=3", "--pass", "--strength", "数据分析",
                "--suggestion", "预算部分可以再细化", "--suggestion", "市场数据需要更新", "--check", "1",
                "--as", "小林", "--json").json()
    assert passed["score"] == 78 and passed["passed"] and passed["status"] == "done" and passed["round"] == 2
    praise = body(mails(smtp, "xiaowang@example.com")[-1], "plain")
    assert "78分" in praise and "整体可以通过，辛苦了" in praise


def day10_11_at_risk_then_partial(cli: Any) -> None:
    tick = at(cli, "2026-09-23T09:30", "tick", "--at", "2026-09-23T09:30", "--apply", "--json").json()
    assert {"item": "T002", "from": "not_started", "to": "at_risk"} in tick["status_changes"]
    li = next(f for f in at(cli, "2026-09-23T10:00", "today", "--as", "小林", "--json").json()["followups"]
              if f["owner"] == "小李")
    assert li["reason"] == "at_risk"
    assert [i["response"] for i in li["interventions"]] == ["partial_handover", "clarify", "escalate"]
    assert li["interventions"][2]["who"] == ["张经理"]
    at(cli, "2026-09-23T10:10", "followup", "done", str(li["id"]), "--outcome", "这周突然来了紧急需求；明天先交简版")
    partial = at(cli, "2026-09-24T11:00", "submit", "T002", "--partial", "--full-by", "2026-09-28", "--link",
                 "https://docs.example.com/tech-lite", "--note", "简版，标注了待深入研究的部分", "--json").json()
    assert partial["kind"] == "partial" and partial["status"] == "in_progress" and partial["due"] == "2026-09-28"


def day11_standup_and_weekly_review(cli: Any, smtp: Any) -> None:
    at(cli, "2026-09-24T09:10", "standup", "add", "--as", "小陈", "--yesterday", "整理培训大纲", "--today",
       "做培训PPT", "--blockers", "等小王的方案定稿版", "--waiting-on", "小王")
    digest = at(cli, "2026-09-24T09:20", "report", "standup", "--date", "2026-09-24", "--json").json()
    assert [a["person"] for a in digest["answers"]] == ["小陈"] and "小李" in digest["missing"]
    assert any(b["what"] == "等小王的方案定稿版" and b["item"] == "T003" for b in digest["blockers"])
    at(cli, "2026-09-24T09:25", "report", "standup", "--date", "2026-09-24", "--send", "--to", "小林")
    standup_mail = mails(smtp, "xiaolin@example.com")[-1]
    assert str(standup_mail["Subject"]).startswith("【站会】") and "遇到什么障碍？ 等小王的方案定稿版" in body(
        standup_mail, "plain")
    weekly = at(cli, "2026-09-24T16:00", "report", "weekly", "--week", "2026-W39", "--lang", "zh").stdout
    for part in ("上周完成项", "延期项及原因", "下周行动项", "风险清单及应对措施", "T001", "78分"):
        assert part in weekly, part
    english = at(cli, "2026-09-24T16:00", "report", "weekly", "--week", "2026-W39", "--lang", "en",
                 "--format", "html").stdout
    assert "Completed last week" in english and "<svg" in english
    at(cli, "2026-09-24T16:05", "report", "weekly", "--week", "2026-W39", "--send", "--to", "小林")
    review = mails(smtp, "xiaolin@example.com")[-1]
    assert str(review["Subject"]).startswith("【周会】")
    html = body(review, "html")
    assert "上周完成项" in html and "风险清单及应对措施" in html and "等小王的方案定稿版" in html


def day15_accept_and_close(cli: Any, smtp: Any, meeting_id: int, db_url: str) -> None:
    at(cli, "2026-09-28T09:00", "blocker", "clear", "2")
    at(cli, "2026-09-28T09:00", "submit", "T002", "--link", "https://docs.example.com/tech-full")
    at(cli, "2026-09-28T09:05", "submit", "T003", "--link", "https://docs.example.com/training.pptx")
    at(cli, "2026-09-28T10:00", "accept", "T002", "--score", "completeness=4,accuracy=4,executability=4,innovation=3",
       "--pass", "--as", "小林")
    last = at(cli, "2026-09-28T10:10", "accept", "T003", "--score",
              "completeness=5,accuracy=4,executability=4,innovation=3", "--pass", "--as", "小林", "--json").json()
    assert last["closure_ready"]
    agenda = mails(smtp, "xiaolin@example.com")[-1]
    assert str(agenda["Subject"]).startswith("【闭环会议】") and "感谢与庆祝" in body(agenda, "plain")
    closed = at(cli, "2026-09-28T10:30", "meeting", "close", str(meeting_id), "--went-well", "主动跟进，障碍当天扫除",
                "--improve", "技术评估应更早启动", "--reusable", "行动项清单+看板+验收清单", "--next",
                "启动执行|小王|10月15日|执行计划", "--as", "小林", "--json").json()
    assert closed["next_meeting_id"] and [i["score"] for i in closed["items"]] == [78, 77, 83]
    with make_sessionmaker(make_engine(db_url))() as session:
        meeting = session.get_one(Meeting, meeting_id)
        assert meeting.closed_at is not None
        assert meeting.closed_at.astimezone(SHANGHAI).date() - datetime(2026, 9, 14).date() == timedelta(days=14)
        assert session.scalar(select(Retrospective.reusable)) == "行动项清单+看板+验收清单"
        assert len(session.scalars(select(AcceptanceRound).where(AcceptanceRound.item_id == 1)).all()) == 2
        following = session.scalars(select(Item).where(Item.meeting_id == closed["next_meeting_id"])).all()
        assert [(i.code, i.title) for i in following] == [("T004", "启动执行")]
    figures = at(cli, "2026-09-28T12:00", "metrics", "--from", "2026-09-14", "--to", "2026-09-28", "--json").json()
    assert figures["on_time"]["value"] == 1.0 and figures["landing_rate"]["value"] == 1.0


def test_case_b_from_day_1_to_day_15(cli: Any, smtp: Any, people_csv: Path, any_db_url: str) -> None:
    """On SQLite and on PostgreSQL."""
    db_url = any_db_url
    cli.env |= {"LUODI_SMTP_HOST": "127.0.0.1", "LUODI_SMTP_PORT": str(smtp.port), "LUODI_SMTP_TLS": "none",
                "LUODI_SMTP_FROM": "小林 <xiaolin@example.com>", "LUODI_LANGUAGE": "zh", "LUODI_DATABASE_URL": db_url}
    meeting_id = day1_list_within_the_hour(cli, smtp, people_csv, db_url)
    day5_blocker_found_and_cleared(cli, smtp, db_url)
    day8_9_revision_then_78(cli, smtp)
    day10_11_at_risk_then_partial(cli)
    day11_standup_and_weekly_review(cli, smtp)
    day15_accept_and_close(cli, smtp, meeting_id, db_url)
