"""The article's Q4 case in a fresh database, through the real services."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from luodi.db import make_engine, make_sessionmaker
from luodi.services.accounts import people
from luodi.services.capture import meetings

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATA = Path(__file__).parents[1] / "data"
PEOPLE = """name,email,phone,supervisor,language
张经理,zhang@example.com,13800000001,,zh
小林,xiaolin@example.com,13800000002,张经理,zh
小王,xiaowang@example.com,13800000003,张经理,zh
小李,xiaoli@example.com,13800000004,张经理,zh
小陈,xiaochen@example.com,13800000005,张经理,zh
"""


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A Shanghai wall-clock moment as aware UTC."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI).astimezone(UTC)


def load_q4(url: str, *, now: datetime | None = None) -> int:
    """People + the Q4 list (meeting 2026-09-26 14:00–15:30). Returns the meeting id."""
    now = now or local(2026, 9, 26, 15, 35)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        people.import_csv(session, PEOPLE, now=now)
        report = meetings.import_action_list(session, (DATA / "q4_zh.md").read_bytes(), project="Q4", now=now,
                                             tz=SHANGHAI)
        assert report.meeting_id is not None, report.errors
        session.commit()
    engine.dispose()
    return report.meeting_id


def open_session(url: str) -> Session:
    return make_sessionmaker(make_engine(url))()
