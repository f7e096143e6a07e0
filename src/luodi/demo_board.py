"""The demo's story: the article's case B (小林), replayed through the services a user calls, on
dates placed around today, so every page shows a step of the method.

Day 1 is a Monday, chosen so that Day 11 (Thursday) is the latest Thursday before today. Each
event happens at its own time (the history reads in order): Day 1 the list is imported, sent
within the hour and confirmed by every owner; Day 3 小林 breaks the 3 items into the article's 14
subtasks; Day 5 小王's blocker (data from 市场部) is cleared the same day; Day 8 小王 hands in,
two things need fixing, Day 9 the revision scores 78; Day 10 the rules mark 小李's 技术评估 at
risk; Day 11 小李 hands in a 简版 with the full version due in three working days, and 小陈
answers the standup. Subtasks due around today carry the live states: one at risk (due today,
not started), one late (due two working days ago, escalated to 张经理 at 17:00 that day and
marked delayed the next morning). Last, the rules run at the real now, so the outbox holds the
reminders and the escalation, and today's standup has answers.

Passwords are generated and printed once, like ``luodi user add``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus, OutboxStatus
from luodi.domain.rules import DEFAULT_RULES
from luodi.domain.scoring import SubmissionKind
from luodi.domain.workdays import Calendar, Shift
from luodi.i18n import gettext as _
from luodi.models import Item, Meeting, OutboxMessage, Person
from luodi.services.accept import acceptance, submissions
from luodi.services.accounts import people
from luodi.services.accounts import users as accounts
from luodi.services.accounts.access import Viewer, viewer_for
from luodi.services.audit import Actor
from luodi.services.capture import item_edits
from luodi.services.followup import blockers, standups
from luodi.services.rules import planning
from luodi.services.rules.rule_context import RuleContext
from luodi.services.track import comments, items, milestones

USERS = (("小林", "coordinator"), ("小王", "owner"), ("小李", "owner"), ("小陈", "owner"),
         ("张经理", "supervisor"), ("访客", "viewer"))
NO_MAIL = "demo: no mail server configured"
BASE_URL = "{base_url}"   # in the kept summary: the address the demo serves on now (demo.create_demo)


def day_one(today: date) -> date:
    """The Monday whose Day 11 (Thursday) is the latest Thursday strictly before ``today``."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7 if today.weekday() >= 4 else 14)


@dataclass
class Story:
    session: Session
    tz: ZoneInfo
    calendar: Calendar
    first: date               # Day 1
    today: date               # the real today (local)
    now: datetime             # the real now

    def at_risk_due(self) -> date:
        """The due date of the at-risk subtask: the first working day from today whose end-of-day
        escalation has not come yet. Its T−1 has passed, so it is at risk, not escalated, whenever
        the demo is made (run after 17:00 it would otherwise be a second escalation)."""
        escalation = next(rule.at for rule in DEFAULT_RULES if rule.id == "escalate_due_end")
        due = self.calendar.roll(self.today, Shift.LATER)
        if self.now >= datetime.combine(due, escalation, tzinfo=self.tz):
            due = self.calendar.next_workday(due)
        return due

    def at(self, day: int, hour: int, minute: int = 0) -> datetime:
        """Day ``day`` of the story at ``hour:minute`` local time."""
        return datetime.combine(self.first + timedelta(days=day - 1), time(hour, minute), tzinfo=self.tz)

    def person(self, name: str) -> Person:
        return people.get_by_name(self.session, name)

    def workdays_from_today(self, count: int) -> date:
        """The ``count``-th working day after today (before it when negative)."""
        day = self.today
        for _step in range(abs(count)):
            day = self.calendar.next_workday(day) if count > 0 else self.calendar.previous_workday(day)
        return day


# (title, owner, due: a story day number, ("wd", n) working days from today or ("risk", 0) for
# Story.at_risk_due, status, done on day)
SUBTASKS: dict[int, tuple[tuple[str, str, int | tuple[str, int], ItemStatus, int | None], ...]] = {
    1: (("收集市场部数据", "小王", 5, ItemStatus.DONE, 5), ("竞品活动分析", "小王", 4, ItemStatus.DONE, 4),
        ("活动流程设计", "小王", 6, ItemStatus.DONE, 6), ("预算测算", "小王", 7, ItemStatus.DONE, 7),
        ("执行方案撰写", "小王", 8, ItemStatus.DONE, 8)),
    2: (("现有系统接口梳理", "小李", ("wd", -2), ItemStatus.IN_PROGRESS, None),
        ("技术选型对比", "小李", ("wd", 2), ItemStatus.IN_PROGRESS, None),
        ("性能与容量评估", "小李", ("risk", 0), ItemStatus.NOT_STARTED, None),
        ("技术方案文档", "小李", ("wd", 3), ItemStatus.NOT_STARTED, None)),
    3: (("培训大纲", "小陈", 10, ItemStatus.DONE, 10), ("培训PPT制作", "小陈", ("wd", 2), ItemStatus.IN_PROGRESS, None),
        ("讲师安排", "小陈", ("wd", 3), ItemStatus.IN_PROGRESS, None),
        ("培训场地预订", "小陈", 9, ItemStatus.DONE, 9),
        ("培训通知发送", "小陈", ("wd", 4), ItemStatus.NOT_STARTED, None)),
}


def play(session: Session, meeting: Meeting, *, ctx: RuleContext, first: date, now: datetime) -> list[str]:
    """Replay case B from Day 3 on (the list is imported, sent and confirmed on Day 1 by the caller);
    create the users; return the lines to print."""
    story = Story(session, ctx.tz, ctx.calendar, first, now.astimezone(ctx.tz).date(), now)
    tops = {item.number or 0: item for item in session.scalars(select(Item).where(Item.meeting_id == meeting.id))}
    lines = [_("users (log in at {url}; project {project}):").format(url=f"{BASE_URL}/login",
                                                                   project=meeting.project.name)]
    for name, role in USERS:
        created = accounts.create_user(session, name, role=role,
                                       project=None if role == "supervisor" else meeting.project.name,
                                       now=story.at(1, 15, 0))
        lines.append(f"  {name:<4} {role:<11} " + _("password: {password}").format(password=created.password))
    coordinator = viewer_for(session, accounts.get_by_name(session, "小林"))
    _board(story, meeting, tops, coordinator)
    _day5_blocker(story, tops[1])
    _day8_9_accept_78(story, tops[1])
    _tick(session, ctx, story.at(10, 9, 30))                      # 小李's 技术评估: at risk (T−1, not started)
    _day11_partial_and_standup(story, tops[2], tops[3])
    _cancel_unsent(session)                                        # the story's past messages: no mail server
    for name, (yesterday, today_, blocked) in (("小王", ("方案定稿已交", "配合小李的技术评估", "无")),
                                               ("小陈", ("培训PPT完成一半", "继续做培训PPT", "无"))):
        standups.add(session, story.person(name), yesterday=yesterday, today=today_, blockers=blocked,
                     day=story.today, now=now, project=meeting.project.name, source="web")
    _tick(session, ctx, now)                                       # today's reminders and the escalation
    return lines


def _board(story: Story, meeting: Meeting, tops: dict[int, Item], coordinator: Viewer) -> None:
    """Day 3: the tracking board — 14 subtasks, statuses, milestones, a comment."""
    session, created = story.session, story.at(3, 10, 0)
    for number, rows in SUBTASKS.items():
        for title, owner, due, status, done_on in rows:
            if isinstance(due, int):
                due_day = story.first + timedelta(days=due - 1)
            elif due[0] == "risk":
                due_day = story.at_risk_due()
            else:
                due_day = story.calendar.roll(story.today, Shift.LATER) if due[1] == 0 else \
                    story.workdays_from_today(due[1])
            sub = item_edits.create_item(session, coordinator, project_id=meeting.project_id, parent=tops[number],
                                         fields={"title": title, "owner": owner, "due": due_day}, now=created)
            sub.confirmed_at = created
            if status is ItemStatus.IN_PROGRESS:
                items.set_status(session, sub, status, actor=Actor.person(sub.owner_id, "web"), now=story.at(4, 10))
            elif status is ItemStatus.DONE and done_on is not None:
                items.set_status(session, sub, status, actor=Actor.person(sub.owner_id, "web"),
                                 now=story.at(done_on, 16))
    launch = (meeting.next_meeting_at or created).astimezone(story.tz).date()
    for name, on, linked in (("方案定稿", tops[1].due, [tops[1]]), ("技术方案确认", tops[2].due, [tops[2]]),
                               ("培训材料就绪", tops[3].due, [tops[3]]), ("正式启动活动", launch, [tops[2], tops[3]])):
        milestones.create(session, coordinator, project_id=meeting.project_id, title=name, due=on,
                          item_codes=[item.code for item in linked], now=created)
    commenter = viewer_for(session, accounts.get_by_name(session, "小李"))
    comments.add(session, commenter, tops[2], "等小王的方案初稿出来后就开始评估。", now=story.at(3, 11))


def _day5_blocker(story: Story, plan_item: Item) -> None:
    """Day 5 (Friday): 小王 is stuck on data from 市场部; 小林 gets it the same day."""
    found = blockers.add(story.session, item=plan_item, person=story.person("小王"), what="市场数据还没给我",
                         waiting_on="市场部", source="followup", now=story.at(5, 9, 20))
    blockers.clear(story.session, found.id, actor=Actor.person(story.person("小林").id, "web"),
                   now=story.at(5, 15, 0), resolution="拉群协调,市场部当天提供数据")


def _day8_9_accept_78(story: Story, plan_item: Item) -> None:
    """Day 8: 小王 hands in on time, two things to fix; Day 9 the revision scores 78 and passes."""
    session, wang, lin = story.session, story.person("小王"), story.person("小林")
    submissions.submit(session, plan_item, wang, link="https://docs.example.com/plan-v1", kind=SubmissionKind.FINAL,
                       note=None, full_due=None, today=story.at(8, 10).date(), now=story.at(8, 10), via="web")
    acceptance.accept(session, plan_item, acceptance.Verdict(
        scores={"completeness": 4, "accuracy": 4, "executability": 3, "innovation": 3}, passed=False,
        problems=["预算数据需要更新", "执行步骤缺少时间表"], revise_by=story.at(9, 0).date(), revise_at=time(17, 0)),
        reviewer=lin, now=story.at(8, 14), tz=story.tz)
    submissions.submit(session, plan_item, wang, link="https://docs.example.com/plan-v2", kind=SubmissionKind.FINAL,
                       note=None, full_due=None, today=story.at(9, 16).date(), now=story.at(9, 16), via="web")
    acceptance.accept(session, plan_item, acceptance.Verdict(
        scores={"completeness": 4, "accuracy": 5, "executability": 3, "innovation": 3}, passed=True, checks=["1"],
        strengths=["数据分析"], suggestions=["预算部分可以再细化", "市场数据需要更新"]),
        reviewer=lin, now=story.at(9, 17), tz=story.tz)


def _day11_partial_and_standup(story: Story, tech: Item, training: Item) -> None:
    """Day 11: 小李 hands in a 简版 (the full version in three working days); 小陈's standup."""
    session = story.session
    standups.add(session, story.person("小陈"), yesterday="整理培训大纲", today="做培训PPT",
                 blockers="等小王的方案定稿版", waiting_on="小王", item=training, day=story.at(11, 9).date(),
                 now=story.at(11, 9, 10), source="web")
    submissions.submit(session, tech, story.person("小李"), link="https://docs.example.com/tech-lite",
                       kind=SubmissionKind.PARTIAL, note="简版,标注了待深入研究的部分",
                       full_due=story.workdays_from_today(3), today=story.at(11, 11).date(), now=story.at(11, 11),
                       via="web")


def _tick(session: Session, ctx: RuleContext, at: datetime) -> None:
    session.flush()
    planning.plan(session, now=at, ctx=ctx)
    session.flush()


def _cancel_unsent(session: Session) -> None:
    for row in session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)):
        row.status, row.last_error = OutboxStatus.CANCELLED, NO_MAIL
