"""The demo: the article's case B in full, placed around today (the story is in demo_board.py).

Built through the same services a user calls: the people CSV import, the Markdown import,
``send`` (the emails are not delivered: the demo has no mail server, so the story's past rows are
cancelled with that reason; today's reminders and escalation wait in the outbox), the owners'
confirmations, subtasks, a blocker, submissions, acceptance, standups and the rules.

An existing demo database is kept, with its users' passwords (the summary printed when it was
made is kept beside it, readable only by its owner, with its links pointing wherever the demo
serves now); ``reset=True`` builds it afresh.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.demo_board import BASE_URL, day_one, play
from luodi.i18n import gettext as _
from luodi.migrate import upgrade_to_head
from luodi.models import Item
from luodi.services.accounts import people
from luodi.services.capture import meetings
from luodi.services.rules.rule_context import RuleContext
from luodi.services.send import confirmations, lists, tokens

PEOPLE_CSV = """name,email,phone,supervisor,language
张经理,zhang.manager@example.com,13800000001,,zh
小林,xiaolin@example.com,13800000002,张经理,zh
小王,xiaowang@example.com,13800000003,张经理,zh
小李,xiaoli@example.com,13800000004,张经理,zh
小陈,xiaochen@example.com,13800000005,张经理,zh
"""

LIST_TEMPLATE = """# 【行动项】Q4服务活动方案跟进
- 会议: Q4服务活动方案评审会
- 时间: {d1:%Y-%m-%d} 14:00-15:00
- 地点: 3楼会议室
- 组织者: 小林
- 参会: 小林, 小王, 小李, 小陈

## 决策
1. 选择方案B作为Q4活动方案
2. 活动时间{launch:%m月%d日}起两周
3. 预算控制在50万以内

## 行动项
| 序号 | 行动项 | 责任人 | 开始日期 | 截止日期 | 交付物 | 状态 | 优先级 |
|---|---|---|---|---|---|---|---|
| 1 | 细化活动方案 | 小王 | {d1:%Y-%m-%d} | {d8:%Y-%m-%d} | 详细执行方案 | 进行中 | 高 |
| 2 | 技术评估 | 小李 | {d1:%Y-%m-%d} | {d11:%Y-%m-%d} | 技术方案 | 未开始 | 中 |
| 3 | 培训材料准备 | 小陈 | {d1:%Y-%m-%d} | {training:%Y-%m-%d} | 培训PPT | 未开始 | 中 |

## 依赖关系
- 任务2依赖任务1(小李需要先看到小王的方案才能做技术评估)
- 任务3依赖任务1(小陈需要根据小王的方案准备培训)

## 下次跟进会议
- 时间: {launch:%Y-%m-%d} 10:00
- 地点: 3楼会议室
- 目标: 检查所有任务完成情况,启动执行
"""


def demo_markdown(now: datetime | date, training_due: date | None = None) -> str:
    """Case B's list around ``now``: the meeting on Day 1 (:func:`luodi.demo_board.day_one`),
    细化活动方案 due Day 8, 技术评估 Day 11, and 培训材料准备 on ``training_due`` (default: six
    days after ``now``; the demo passes four working days after it)."""
    today = now.date() if isinstance(now, datetime) else now
    first = day_one(today)
    training = training_due or today + timedelta(days=6)

    def day(number: int) -> date:
        return first + timedelta(days=number - 1)

    return LIST_TEMPLATE.format(d1=day(1), d8=day(8), d11=day(11), training=training,
                                launch=max(training, day(15)) + timedelta(days=1))


# The pages the summary points to, in the order of the method.
PAGES = ("/today", "/board", "/graph", "/timeline", "/standups", "/reports/weekly", "/escalations", "/metrics",
         "/outbox")


def summary_path(path: Path) -> Path:
    return path.with_name(path.name + ".txt")


def create_demo(settings: Settings, path: Path, *, reset: bool = False) -> str:
    """Build the demo database at ``path`` unless it exists (``reset`` replaces it); return the
    summary to print."""
    kept = summary_path(path)
    base = settings.base_url.rstrip("/")
    if path.exists() and kept.exists() and not reset:
        return (kept.read_text(encoding="utf-8").replace(BASE_URL, base) + "\n"
                + _("(kept: an existing demo database; luodi demo --reset rebuilds it)"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    upgrade_to_head(settings.database_url)
    now = settings.make_clock().now()
    tz = settings.tz
    ctx = RuleContext.from_settings(settings)
    today = now.astimezone(tz).date()
    first = day_one(today)
    training_due = today
    for _step in range(4):
        training_due = ctx.calendar.next_workday(training_due)
    engine = make_engine(settings.database_url)
    with make_sessionmaker(engine)() as session:
        imported = datetime.combine(first, time(15, 5), tzinfo=tz)
        people.import_csv(session, PEOPLE_CSV, now=imported)
        report = meetings.import_action_list(session, demo_markdown(today, training_due), project="Q4服务活动",
                                             now=imported, tz=tz)
        assert report.meeting_id is not None, report.errors
        meeting = meetings.get(session, report.meeting_id)
        sent_at = datetime.combine(first, time(15, 40), tzinfo=tz)
        options = lists.SendOptions(tz=tz, secret=settings.signing_keys[0],
                                    base_url=settings.base_url, deadline_at=settings.confirm_deadline)
        lists.send(session, meeting.id, resend=False, now=sent_at, options=options)
        items = meetings.items_of(session, meeting)
        for item in items:   # 小林 phoned every owner before 17:00
            confirmations.confirm(session, item, item.owner, via="link", now=sent_at + timedelta(minutes=50))
        users = play(session, meeting, ctx=ctx, first=first, now=now)
        session.commit()
        links = _links(session, meeting.id, settings, now)
        title = meeting.title
    engine.dispose()
    pages = ", ".join(f"{BASE_URL}{page}" for page in PAGES)
    lines = [_("demo database: {path}").format(path=path),
             _("meeting {id}: {title} (case B, Day 1 = {day})").format(id=report.meeting_id, title=title,
                                                                      day=first),
             _("confirmation links:"), *links, *users, _("read: {pages}").format(pages=pages)]
    text = "\n".join(lines)
    kept.write_text(text, encoding="utf-8")
    os.chmod(kept, 0o600)
    return text.replace(BASE_URL, base)


def _links(session: Session, meeting_id: int, settings: Settings, now: datetime) -> list[str]:
    result = []
    owners: dict[int, list[Item]] = {}
    for item in session.scalars(select(Item).where(Item.meeting_id == meeting_id).order_by(Item.id)):
        owners.setdefault(item.owner_id, []).append(item)
    for owner_id, owned in owners.items():
        token = tokens.make(settings.signing_keys[0],
                            tokens.ConfirmationToken(meeting_id, owner_id, tuple(i.id for i in owned)), now=now)
        result.append(f"  {owned[0].owner.name}: {BASE_URL}/c/{token}")
    return result
