"""Render fixtures: the article's Q4 case as view models.

Meeting 2026-09-26 14:00 in 3楼会议室; items 1 细化活动方案 (小王, 9月30日, 进行中), 2 技术评估 (小李,
10月5日) and 3 培训材料准备 (小陈, 10月10日); 2 and 3 depend on 1; next follow-up 10月15日 10:00.
Tests reach everything through fixtures (no imports from this file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest

from luodi.domain.enums import ItemStatus, Priority
from luodi.render.views import (
    ActionListView,
    DependencyView,
    ItemView,
    NextMeetingView,
    PersonView,
)


@dataclass(frozen=True)
class People:
    lin: PersonView  # the coordinator, 小林
    wang: PersonView
    li: PersonView
    chen: PersonView
    boss: PersonView  # a supervisor


PEOPLE = People(
    lin=PersonView("小林", email="lin@example.com", phone="13800000001"),
    wang=PersonView("小王", email="wang@example.com", phone="138 0000 0002"),
    li=PersonView("小李", email="li@example.com", phone="13800000003"),
    chen=PersonView("小陈", email="chen@example.com"),
    boss=PersonView("王经理", email="boss@example.com"),
)


def _item(number: int = 1, **overrides: Any) -> ItemView:
    fields: dict[str, Any] = {
        "code": f"T{number:03d}",
        "number": number,
        "title": "细化活动方案",
        "owner": PEOPLE.wang,
        "start": date(2026, 9, 26),
        "due": date(2026, 9, 30),
        "due_time": None,
        "deliverable": "详细执行方案",
        "status": ItemStatus.IN_PROGRESS,
        "priority": Priority.HIGH,
        "acceptance": None,
        "depends_on": (),
    }
    fields.update(overrides)
    return ItemView(**fields)


def _q4_items() -> tuple[ItemView, ...]:
    return (
        _item(1),
        _item(
            2, title="技术评估", owner=PEOPLE.li, start=date(2026, 10, 1), due=date(2026, 10, 5),
            deliverable="技术方案", status=ItemStatus.NOT_STARTED, priority=Priority.MEDIUM, depends_on=(1,),
        ),
        _item(
            3, title="培训材料准备", owner=PEOPLE.chen, start=date(2026, 10, 1), due=date(2026, 10, 10),
            deliverable="培训PPT", status=ItemStatus.NOT_STARTED, priority=Priority.LOW, depends_on=(1,),
        ),
    )


def _q4(**overrides: Any) -> ActionListView:
    fields: dict[str, Any] = {
        "meeting_id": 1,
        "title": "Q4服务活动方案跟进",
        "meeting_name": "Q4服务活动方案评审会",
        "starts_at": datetime(2026, 9, 26, 14, 0),
        "place": "3楼会议室",
        "organizer": PEOPLE.lin,
        "attendees": (PEOPLE.lin, PEOPLE.wang, PEOPLE.li, PEOPLE.chen),
        "decisions": ("选择方案B作为Q4活动方案", "活动时间10月15-31日", "预算控制在50万以内"),
        "items": _q4_items(),
        "dependencies": (
            DependencyView(2, 1, "小李需要先看到小王的方案才能做技术评估"),
            DependencyView(3, 1, "小陈需要根据小王的方案准备培训"),
        ),
        "next_meeting": NextMeetingView(
            at=datetime(2026, 10, 15, 10, 0), place="3楼会议室", goal="检查所有任务完成情况，启动执行"
        ),
        "attachments": (("会议录音", "https://files.example.com/q4/recording.m4a"),),
        "confirm_by": datetime(2026, 9, 26, 18, 0),
    }
    fields.update(overrides)
    return ActionListView(**fields)


@pytest.fixture
def people() -> People:
    return PEOPLE


@pytest.fixture
def make_item() -> Callable[..., ItemView]:
    """make_item(number, **fields): an item with the Q4 item 1's values by default."""
    return _item


@pytest.fixture
def q4_items() -> tuple[ItemView, ...]:
    return _q4_items()


@pytest.fixture
def make_q4() -> Callable[..., ActionListView]:
    """make_q4(**fields): the Q4 list with some fields replaced."""
    return _q4


@pytest.fixture
def q4() -> ActionListView:
    return _q4()


@pytest.fixture
def confirm_url() -> str:
    return "https://luodi.example.com/confirm/eyJpdGVtIjoxfQ.sig"
