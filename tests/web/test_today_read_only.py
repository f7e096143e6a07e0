"""Issue 12 part 3 (and issue 16 part 3): 今日跟进 is computed on read. GET /today writes nothing
— every table keeps its row count, no audit entry — yet from the first moment of the day it shows
the call list (unconfirmed owners after the confirmation deadline, with tel: links), blockers,
at-risk, due-soon and cadence follow-ups, and the navigation's badge counts the same open entries
the page shows. Marking one done (a POST) stores it with its outcome. Both backends."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import func, insert, select

from luodi.domain.enums import ItemStatus, Priority
from luodi.models import AuditEntry, Base, Blocker, FollowUp, Item, Meeting, Person
from web.conftest import BOTH_BACKENDS, NOW, World

pytestmark = BOTH_BACKENDS

MONDAY = datetime(2026, 9, 28, 1, 0, tzinfo=UTC)      # 09:00 in Shanghai: the list goes out
TUESDAY = datetime(2026, 9, 29, 1, 0, tzinfo=UTC)     # 09:00 the day after the confirmation deadline
WEDNESDAY = datetime(2026, 9, 30, 1, 0, tzinfo=UTC)


def _snapshot(world: World) -> dict[str, int]:
    """Every table's row count (the audit log included)."""
    with world.session() as session:
        return {table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
                for table in Base.metadata.sorted_tables}


def _sent_monday(world: World, *, confirmed: tuple[str, ...]) -> None:
    """The list went out Monday 09:00, confirmations due 18:00 the same day; ``confirmed`` did."""
    with world.session() as session:
        meeting = session.get_one(Meeting, world.ids["meeting"])
        meeting.list_sent_at, meeting.confirm_deadline = MONDAY, MONDAY.replace(hour=10)
        for code in confirmed:
            session.get_one(Item, world.ids[code]).confirmed_at = MONDAY
        session.commit()


def _badge(html: str) -> int:
    nav = html.split("<nav", 1)[1].split("</nav>", 1)[0]
    found = re.search(r'href="/today"[^>]*>[^<]*<span class="nav-badge"[^>]*><span class="sr-only">\(</span>(\d+)',
                      nav)
    return int(found.group(1)) if found else 0


def _entries(html: str) -> dict[str, str]:
    """The page's entries: slug → the entry's HTML."""
    found = {}
    for part in html.split('<li class="card fu-entry')[1:]:
        key = re.search(r'id="followup-([^"]+)"', part)
        assert key is not None
        found[key.group(1)] = part.split("</ol>")[0]
    return found


def _open(entries: dict[str, str]) -> list[str]:
    return [key for key, entry in entries.items() if 'action="/followups/' in entry]


def test_xiaoli_unconfirmed_after_the_deadline_is_on_the_call_list_and_in_the_badge(world: World) -> None:
    """The issue's bug report: 小李 had not confirmed after the deadline, yet 今日跟进 listed only the
    cadence follow-up with 小王 (and the badge counted nothing until 今日跟进 had been opened)."""
    _sent_monday(world, confirmed=("T001", "T003"))
    world.clock.current = TUESDAY
    before = _snapshot(world)
    client = world.client("coordinator")
    board = client.get("/board").text                  # the badge, before anyone opened 今日跟进
    page = client.get("/today").text
    entries = _entries(page)
    first, *_rest = entries.values()                                   # the call comes first
    assert first.startswith(" r-unconfirmed") and "小李" in first and 'href="tel:13800000004"' in first
    assert any(entry.startswith(" r-cadence") and "小王" in entry for entry in entries.values())
    assert _badge(board) == _badge(page) == len(_open(entries)) == 3
    assert _snapshot(world) == before


def test_a_fresh_day_shows_every_kind_of_follow_up_and_writes_nothing(world: World) -> None:
    _sent_monday(world, confirmed=("T001", "T003"))
    with world.session() as session:
        xiaochen = session.scalar(select(Person.id).where(Person.name == "小陈"))
        session.execute(insert(Item), [{   # started yesterday, due in three days: only 「3天后到期」
            "project_id": world.ids["project"], "code": "X0001", "title": "场地确认", "owner_id": xiaochen,
            "start": date(2026, 9, 29), "due": date(2026, 10, 5), "status": ItemStatus.IN_PROGRESS,
            "priority": Priority.MEDIUM, "version": 1, "reschedule_count": 0, "created_at": NOW, "updated_at": NOW}])
        session.get_one(Item, world.ids["T003"]).status = ItemStatus.AT_RISK
        session.add(Blocker(item_id=world.ids["T001"], person_id=world.ids["xiaowang"], what="市场数据",
                            waiting_on="市场部", source="web", created_at=TUESDAY))
        session.commit()
    world.clock.current = WEDNESDAY
    before = _snapshot(world)
    with world.session() as session:
        audits = session.scalar(select(func.max(AuditEntry.id)))
    client = world.client("coordinator")
    page = client.get("/today")
    assert page.status_code == 200
    entries = _entries(page.text)
    kinds = [entry.split('"', 1)[0].split()[0].removeprefix("r-") for entry in entries.values()]
    assert kinds == ["blocker", "unconfirmed", "at_risk", "due_soon", "cadence"], kinds
    call = next(entry for entry in entries.values() if "r-unconfirmed" in entry)
    assert 'href="tel:13800000004"' in call and "data-copy-button" in call
    assert "市场部" in next(entry for entry in entries.values() if "r-blocker" in entry)
    api = world.api("coordinator").get("/api/v1/today").json()["followups"]
    assert [f["key"] for f in api] == list(entries) and all(f["id"] is None for f in api)
    assert _badge(page.text) == _badge(client.get("/board").text) == len(_open(entries)) == 5
    assert _snapshot(world) == before
    with world.session() as session:
        assert session.scalar(select(func.max(AuditEntry.id))) == audits

    key = next(k for k, entry in entries.items() if "r-due_soon" in entry)
    done = client.post(f"/followups/{key}/done", data={"csrf": world.csrf["coordinator"], "outcome": "已提醒"})
    assert done.status_code == 303
    with world.session() as session:
        stored = session.scalars(select(FollowUp)).one()
        assert (stored.reason, stored.outcome, stored.status.value) == ("due_soon", "已提醒", "done")
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "followup")).one()
        assert (audit.entity_id, audit.after) == (stored.id, "已提醒")
    after = client.get("/today").text
    assert "已提醒" in after and _badge(after) == len(_open(_entries(after))) == 4
