"""The demo: the article's Q4 case, placed around today so the board shows a live state.

Built through the same services a user calls: the people CSV import, the Markdown import,
``send`` (the emails are not delivered: the demo has no mail server, so the rows are cancelled
with that reason), and the owners' confirmations.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.demo_board import add_demo_board
from luodi.domain.enums import OutboxStatus
from luodi.migrate import upgrade_to_head
from luodi.models import Item, OutboxMessage
from luodi.services.accounts import people
from luodi.services.capture import meetings
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
- 时间: {meeting:%Y-%m-%d} 14:00-15:30
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
| 1 | 细化活动方案 | 小王 | {meeting:%Y-%m-%d} | {d1:%Y-%m-%d} | 详细执行方案 | 进行中 | 高 |
| 2 | 技术评估 | 小李 | {d1:%Y-%m-%d} | {d2:%Y-%m-%d} | 技术方案 | 未开始 | 中 |
| 3 | 培训材料准备 | 小陈 | {d1:%Y-%m-%d} | {d3:%Y-%m-%d} | 培训PPT | 未开始 | 中 |

## 依赖关系
- 任务2依赖任务1(小李需要先看到小王的方案才能做技术评估)
- 任务3依赖任务1(小陈需要根据小王的方案准备培训)

## 下次跟进会议
- 时间: {launch:%Y-%m-%d} 10:00
- 地点: 3楼会议室
- 目标: 检查所有任务完成情况,启动执行
"""


def demo_markdown(today: datetime) -> str:
    """The Q4 list with the article's spacing of dates (+4, +9, +14, +19 days), meeting 3 days ago."""
    meeting = today.date() - timedelta(days=3)
    return LIST_TEMPLATE.format(
        meeting=meeting, d1=meeting + timedelta(days=4), d2=meeting + timedelta(days=9),
        d3=meeting + timedelta(days=14), launch=meeting + timedelta(days=19),
    )


def create_demo(settings: Settings, path: Path) -> str:
    """Replace ``path`` with a fresh demo database; return a summary to print."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    upgrade_to_head(settings.database_url)
    now = settings.make_clock().now()
    tz = settings.tz
    engine = make_engine(settings.database_url)
    with make_sessionmaker(engine)() as session:
        people.import_csv(session, PEOPLE_CSV, now=now)
        report = meetings.import_action_list(session, demo_markdown(now.astimezone(tz)), project="Q4服务活动",
                                             now=now, tz=tz)
        assert report.meeting_id is not None, report.errors
        meeting = meetings.get(session, report.meeting_id)
        sent_at = datetime.combine(meeting.starts_at.astimezone(tz).date(), time(16, 10), tzinfo=tz)
        options = lists.SendOptions(tz=tz, secret=settings.signing_keys[0],
                                    base_url=settings.base_url, deadline_at=settings.confirm_deadline)
        send = lists.send(session, meeting.id, resend=False, now=sent_at, options=options)
        for row in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(send.outbox_ids))):
            row.status, row.last_error = OutboxStatus.CANCELLED, "demo: no mail server configured"
        items = meetings.items_of(session, meeting)
        for item in items:
            if item.owner.name in ("小王", "小陈"):
                confirmations.confirm(session, item, item.owner, via="link", now=sent_at + timedelta(minutes=20))
        users = add_demo_board(session, meeting, now=now)
        session.commit()
        links = _links(session, meeting.id, settings, now)
    engine.dispose()
    lines = [f"demo database: {path}", f"meeting {report.meeting_id}: Q4服务活动方案跟进 ({len(items)} items)",
             "confirmation links (小李 has not confirmed yet):", *links, *users]
    return "\n".join(lines)


def _links(session: Session, meeting_id: int, settings: Settings, now: datetime) -> list[str]:
    result = []
    owners: dict[int, list[Item]] = {}
    for item in session.scalars(select(Item).where(Item.meeting_id == meeting_id).order_by(Item.id)):
        owners.setdefault(item.owner_id, []).append(item)
    for owner_id, owned in owners.items():
        token = tokens.make(settings.signing_keys[0],
                            tokens.ConfirmationToken(meeting_id, owner_id, tuple(i.id for i in owned)), now=now)
        result.append(f"  {owned[0].owner.name}: {settings.base_url.rstrip('/')}/c/{token}")
    return result
