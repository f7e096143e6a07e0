"""Benchmark data: people, projects, meetings, items and dependencies at any scale, fast.

Library (other benchmarks import it; it depends only on ``luodi`` and SQLAlchemy)::

    from generate import generate, temporary_database, write_action_lists   # bench/ on sys.path
    # or, from the repository root:  from bench.generate import generate, ...

    with temporary_database("sqlite") as url:           # or "postgres"; dropped afterwards
        stats = generate(url, items=100_000, today=date(2026, 6, 15), seed=1)
        print(stats.items, stats.open_items, stats.by_status)

    write_action_lists(Path("/tmp/lists"), 1000, today=date(2026, 6, 15))   # Markdown files

``generate`` migrates the database (``luodi.migrate.upgrade_to_head``) and bulk-inserts with
SQLAlchemy Core ``insert()`` and executemany in batches, giving explicit primary keys (so
dependency edges need no RETURNING) and resetting PostgreSQL's sequences afterwards.

The data are shaped like a real organisation's: meetings on working days over ``history_days``
before ``today``, ~6 items each, owners in teams of eight under a manager; due dates 1–45 days
after the meeting (mostly 3–21), so items due per day is about ``items / history_days`` and
some fall after ``today``; statuses follow the due date (long past: almost all done, a few
delayed; around today: a mix; future: mostly not started / in progress); ~10% of items depend
on an earlier item of the same meeting or project (always acyclic); 85–97% confirmed.

CLI::

    .venv/bin/python bench/generate.py --db sqlite --items 100000 [--path x.db] [--keep] [--json out.json]
    .venv/bin/python bench/generate.py --markdown /tmp/lists --count 1000
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import os
import random
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, create_engine, func, insert, select, text

from luodi.db import make_engine
from luodi.migrate import upgrade_to_head
from luodi.models import Decision, Dependency, Item, Meeting, MeetingAttendee, Person, Project

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_TODAY = date(2026, 6, 15)  # a Monday; the Dragon Boat holiday (Fri 19 June) is in the window
PG_ADMIN_URL = os.environ.get("LUODI_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SCRATCH = Path(os.environ.get("LUODI_BENCH_DIR", "/tmp/luodi-bench"))

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玲红文辉建国鹏飞宇晨浩然欣怡子涵雨轩思远嘉琪梓萱"
_VERBS = ["细化", "评估", "准备", "整理", "确认", "联系", "更新", "测试", "上线", "复盘", "起草", "审核", "汇总",
          "跟进"]
_NOUNS = ["活动方案", "技术方案", "培训材料", "预算表", "供应商报价", "用户调研", "上线计划", "接口文档", "合同条款",
          "数据报表", "宣传物料", "验收标准", "风险清单", "会议纪要"]
_DELIVERABLES = ["详细执行方案", "技术方案", "培训PPT", "Excel表", "评审记录", "报告", "清单", "文档链接"]


# -- databases -------------------------------------------------------------------------------
def create_database(kind: str, name: str | None = None) -> str:
    """A new, empty database; its URL. ``kind``: ``sqlite`` (a file under $LUODI_BENCH_DIR,
    default /tmp/luodi-bench) or ``postgres`` (on $LUODI_BENCH_PG_URL's server)."""
    name = name or f"luodi_bench_{uuid.uuid4().hex[:10]}"
    if kind == "sqlite":
        SCRATCH.mkdir(parents=True, exist_ok=True)
        path = SCRATCH / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    if kind in ("postgres", "postgresql"):
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    raise ValueError(f"unknown database kind {kind!r} (sqlite or postgres)")


def drop_database(url: str) -> None:
    """Remove a database made by :func:`create_database` (the SQLite file, or DROP DATABASE)."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                         {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


@contextlib.contextmanager
def temporary_database(kind: str, *, keep: bool = False) -> Iterator[str]:
    """``with temporary_database("sqlite") as url:`` — an empty database, dropped on exit."""
    url = create_database(kind)
    try:
        yield url
    finally:
        if keep:
            print(f"kept database: {url}", file=sys.stderr)
        else:
            drop_database(url)


def postgres_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


# -- names -----------------------------------------------------------------------------------
def person_name(index: int) -> str:
    """The generated person number ``index`` (0-based): a Chinese name, unique by its suffix."""
    surname = _SURNAMES[index % len(_SURNAMES)]
    given = _GIVEN[(index // len(_SURNAMES)) % len(_GIVEN)]
    return f"{surname}{given}{index:04d}"


def project_name(index: int) -> str:
    return f"项目{index:03d}"


# -- the data --------------------------------------------------------------------------------
@dataclass
class Stats:
    """What :func:`generate` wrote, and how long it took."""

    url: str
    today: date
    seed: int
    people: int = 0
    projects: int = 0
    meetings: int = 0
    items: int = 0
    dependencies: int = 0
    open_items: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    rows_per_second: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["today"] = self.today.isoformat()
        data["url"] = self.url.rsplit("/", 1)[-1] if not self.url.startswith("sqlite") else self.url
        return data


def _utc(day: date, at: dtime, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _open_status(rng: random.Random, rel: int) -> str:
    """Profile "open": every item open; past due mostly already marked delayed."""
    r = rng.random()
    if rel < -1:
        return "delayed" if r < 0.80 else ("in_progress" if r < 0.95 else "at_risk")
    if rel <= 3:
        return "in_progress" if r < 0.55 else ("not_started" if r < 0.85 else "at_risk")
    return "not_started" if r < 0.50 else ("in_progress" if r < 0.98 else "at_risk")


def _status(rng: random.Random, rel: int) -> str:
    """Profile "history": a status for an item due ``rel`` days from today (negative: past)."""
    r = rng.random()
    if rel < -60:
        return "done" if r < 0.99 else "delayed"
    if rel < -7:
        return "done" if r < 0.90 else ("delayed" if r < 0.98 else "in_progress")
    if rel < 0:
        for status, edge in (("done", 0.70), ("delayed", 0.80), ("in_progress", 0.92), ("at_risk", 0.97)):
            if r < edge:
                return status
        return "not_started"
    if rel <= 3:
        for status, edge in (("done", 0.25), ("in_progress", 0.70), ("at_risk", 0.80)):
            if r < edge:
                return status
        return "not_started"
    for status, edge in (("done", 0.10), ("in_progress", 0.50), ("at_risk", 0.52)):
        if r < edge:
            return status
    return "not_started"


def _workdays_back(today: date, history_days: int) -> list[date]:
    days = [today - timedelta(days=n) for n in range(1, history_days + 1)]
    return [d for d in days if d.weekday() < 5]


def _max_id(conn: Any, table: Table) -> int:
    return int(conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)


def _insert(conn: Any, table: Table, rows: Sequence[dict[str, Any]], batch: int) -> None:
    for start in range(0, len(rows), batch):
        conn.execute(insert(table), list(rows[start:start + batch]))


def generate(
    url: str,
    *,
    items: int = 10_000,
    people: int | None = None,
    projects: int | None = None,
    meetings: int | None = None,
    today: date = DEFAULT_TODAY,
    seed: int = 1,
    dependency_ratio: float = 0.10,
    history_days: int = 730,
    profile: str = "history",
    tz: ZoneInfo = SHANGHAI,
    migrate: bool = True,
    batch_size: int = 10_000,
) -> Stats:
    """Fill the database at ``url`` (migrated here unless ``migrate=False``) and return what it wrote.

    ``profile``: ``"history"`` (default) — meetings over ``history_days``, due 1–45 days after
    the meeting, statuses by due date, so most past items are done (~3% open overall);
    ``"open"`` — a backlog where every item is open: meetings in the last 60 days, due dates
    spread evenly over [today − 14, today + 351] (so ~3% fall in the plan step's window), past
    due ones mostly marked delayed.

    Defaults scale with ``items``: ``people`` = items/250 (20…5000), ``projects`` = items/5000
    (5…200), ``meetings`` = items/6. Same ``seed``, same data. Rows are added to whatever the
    database holds (ids continue after the largest), but names are only unique per database:
    generate once per database.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    people = people or min(5000, max(20, items // 250))
    projects = projects or min(200, max(5, items // 5000))
    meetings = meetings or max(1, math.ceil(items / 6))
    if profile not in ("history", "open"):
        raise ValueError(f"profile: history or open, not {profile!r}")
    is_open = profile == "open"
    meeting_days = 60 if is_open else history_days
    if migrate:
        upgrade_to_head(url)
    stats = Stats(url=url, today=today, seed=seed)
    created = _utc(today - timedelta(days=history_days + 1), dtime(9), tz)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            person_t, project_t = Person.__table__, Project.__table__
            meeting_t, item_t = Meeting.__table__, Item.__table__
            base_person, base_project = _max_id(conn, person_t), _max_id(conn, project_t)  # type: ignore[arg-type]
            base_meeting, base_item = _max_id(conn, meeting_t), _max_id(conn, item_t)  # type: ignore[arg-type]

            # people: teams of 8 under a manager; managers report to one of a few directors
            person_rows = []
            managers = [base_person + 1 + i for i in range(0, people, 8)]
            directors = managers[: max(1, len(managers) // 8)]
            for i in range(people):
                pid = base_person + 1 + i
                boss = managers[i // 8] if pid not in managers else (
                    directors[(i // 64) % len(directors)] if pid not in directors else None)
                person_rows.append({
                    "id": pid, "name": person_name(base_person + i),
                    "email": f"p{base_person + i}@example.com" if rng.random() < 0.95 else None,
                    "phone": f"138{base_person + i:08d}" if rng.random() < 0.9 else None,
                    "supervisor_id": boss, "language": "en" if rng.random() < 0.1 else "zh",
                    "profile": None, "created_at": created,
                })
            # a person's supervisor must exist before them (FK): directors, then managers, then the rest
            rank = {pid: 0 if pid in directors else 1 for pid in managers}
            person_rows.sort(key=lambda r: (rank.get(r["id"], 2), r["id"]))
            _insert(conn, person_t, person_rows, batch_size)  # type: ignore[arg-type]
            stats.people = people
            person_ids = [r["id"] for r in person_rows]
            # some people carry much more than others
            cum_weights = list(itertools.accumulate(rng.paretovariate(2.0) for _ in person_ids))

            project_rows = [{
                "id": base_project + 1 + i, "name": project_name(base_project + i), "code_prefix": "T",
                "last_item_number": 0, "coordinator_id": managers[i % len(managers)], "settings": {},
                "created_at": created,
            } for i in range(projects)]
            _insert(conn, project_t, project_rows, batch_size)  # type: ignore[arg-type]
            stats.projects = projects
            project_ids = [r["id"] for r in project_rows]

            # meetings, oldest first, on working days; items of each meeting right after it
            workdays = _workdays_back(today, meeting_days)
            days = sorted(rng.choice(workdays) for _ in range(meetings))
            per_meeting = [0] * meetings
            for n in range(items):
                per_meeting[n % meetings if n < meetings else rng.randrange(meetings)] += 1
            next_code = dict.fromkeys(project_ids, 0)
            recent: dict[int, list[int]] = {p: [] for p in project_ids}
            meeting_rows: list[dict[str, Any]] = []
            attendee_rows: list[dict[str, Any]] = []
            decision_rows: list[dict[str, Any]] = []
            item_rows: list[dict[str, Any]] = []
            dep_rows: list[dict[str, Any]] = []
            item_id = base_item
            for m in range(meetings):
                mid, day = base_meeting + 1 + m, days[m]
                project = project_ids[rng.randrange(projects)]
                start_at = _utc(day, dtime(rng.choice([9, 10, 14, 15, 16]), rng.choice([0, 30])), tz)
                sent = start_at + timedelta(minutes=40) if (today - day).days > 1 or rng.random() < 0.7 else None
                deadline = _utc(day, dtime(18), tz) if sent else None
                organizer = managers[rng.randrange(len(managers))]
                meeting_rows.append({
                    "id": mid, "project_id": project, "title": f"{project_name(project - 1)}第{m + 1}次跟进会",
                    "name": "周例会", "starts_at": start_at, "ends_at": start_at + timedelta(minutes=90),
                    "place": "3楼会议室", "organizer_id": organizer, "language": "zh",
                    "list_sent_at": sent, "confirm_deadline": deadline, "created_at": start_at,
                })
                decision_rows += [{"meeting_id": mid, "number": k + 1, "text": f"决策{k + 1}:按方案推进"}
                                  for k in range(rng.randint(1, 3))]
                owners: list[int] = []
                first_in_meeting = item_id + 1
                confirm_rate = 0.97 if (today - day).days > 14 else 0.85
                for number in range(1, per_meeting[m] + 1):
                    item_id += 1
                    owner = rng.choices(person_ids, cum_weights=cum_weights)[0]
                    owners.append(owner)
                    if is_open:
                        due = max(day + timedelta(days=1), today + timedelta(days=rng.randint(-14, 351)))
                        lag = (due - day).days
                    else:
                        lag = min(45, max(1, int(rng.lognormvariate(2.3, 0.6))))
                        due = day + timedelta(days=lag)
                    rel = (due - today).days
                    status = _open_status(rng, rel) if is_open else _status(rng, rel)
                    next_code[project] += 1
                    done_at = delayed_at = None
                    if status == "done":
                        done_at = start_at + timedelta(days=rng.uniform(0.5, max(1.0, lag)))
                    if status == "delayed":
                        delayed_at = _utc(due + timedelta(days=1 if due.weekday() < 4 else 7 - due.weekday()),
                                          dtime(9), tz)
                    item_rows.append({
                        "id": item_id, "project_id": project, "meeting_id": mid,
                        "code": f"T{next_code[project]:03d}", "number": number,
                        "title": f"{rng.choice(_VERBS)}{rng.choice(_NOUNS)}",
                        "owner_id": owner, "start": day if rng.random() < 0.3 else None, "due": due,
                        "due_time": None, "deliverable": rng.choice(_DELIVERABLES) if rng.random() < 0.9 else None,
                        "status": status, "priority": rng.choices(["high", "medium", "low"], [2, 5, 3])[0],
                        "parent_id": None, "acceptance": None,
                        "confirmed_at": sent + timedelta(hours=1) if sent and rng.random() < confirm_rate else None,
                        "reschedule_count": 0, "delayed_at": delayed_at, "done_at": done_at, "version": 1,
                        "created_at": start_at, "updated_at": done_at or delayed_at or start_at,
                    })
                    if rng.random() < dependency_ratio:
                        if number > 1 and rng.random() < 0.7:
                            prerequisite = rng.randrange(first_in_meeting, item_id)
                        elif recent[project]:
                            prerequisite = rng.choice(recent[project])
                        else:
                            prerequisite = 0
                        if prerequisite:
                            dep_rows.append({"item_id": item_id, "depends_on_id": prerequisite,
                                             "reason": "需要先完成前置任务"})
                    recent[project].append(item_id)
                    if len(recent[project]) > 200:
                        del recent[project][:100]
                attendee_rows += [{"meeting_id": mid, "person_id": p, "position": k}
                                  for k, p in enumerate(dict.fromkeys([organizer, *owners]))]
            for table, rows in ((meeting_t, meeting_rows), (Decision.__table__, decision_rows),
                                (MeetingAttendee.__table__, attendee_rows), (item_t, item_rows),
                                (Dependency.__table__, dep_rows)):
                _insert(conn, table, rows, batch_size)  # type: ignore[arg-type]
            for project, last in next_code.items():
                conn.execute(project_t.update().where(project_t.c.id == project).values(last_item_number=last))
            if conn.dialect.name == "postgresql":
                for table in ("person", "project", "meeting", "decision", "item"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT coalesce(max(id), 1) FROM {table}))"))
            stats.meetings, stats.items, stats.dependencies = meetings, len(item_rows), len(dep_rows)
            for row in item_rows:
                stats.by_status[row["status"]] = stats.by_status.get(row["status"], 0) + 1
            stats.open_items = stats.items - stats.by_status.get("done", 0)
            rows = people + projects + len(meeting_rows) + len(decision_rows) + len(attendee_rows) + \
                len(item_rows) + len(dep_rows)
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("ANALYZE"))
            else:
                conn.exec_driver_sql("ANALYZE")
            conn.commit()
    finally:
        engine.dispose()
    stats.seconds = time.perf_counter() - started
    stats.rows_per_second = rows / stats.seconds if stats.seconds else 0.0
    return stats


# -- Markdown action lists -------------------------------------------------------------------
def action_list_markdown(index: int, *, today: date, rng: random.Random, people: int = 200,
                         items: tuple[int, int] = (3, 8)) -> str:
    """One valid action list (docs/action-list.md), meeting on a working day in the 4 weeks
    before ``today``; owners are :func:`person_name` 0…people-1 (as :func:`generate` makes them)."""
    day = today - timedelta(days=rng.randint(0, 27))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    hour = rng.choice([9, 10, 14, 15])
    count = rng.randint(*items)
    owners = [person_name(rng.randrange(people)) for _ in range(count)]
    organizer = person_name(rng.randrange(people))
    attendees = list(dict.fromkeys([organizer, *owners]))
    statuses, priorities = ["未开始", "未开始", "进行中"], ["高", "中", "中", "低"]
    lines = [
        f"# 【行动项】第{index + 1}次项目跟进",
        "- 会议: 项目周例会",
        f"- 时间: {day.isoformat()} {hour:02d}:00-{hour + 1:02d}:30",
        "- 地点: 3楼会议室",
        f"- 组织者: {organizer}",
        f"- 参会: {', '.join(attendees)}",
        "",
        "## 决策",
        "1. 按方案B推进",
        "2. 本周内完成评审",
        "",
        "## 行动项",
        "| 序号 | 行动项 | 责任人 | 截止日期 | 交付物 | 状态 | 优先级 |",
        "|---|---|---|---|---|---|---|",
    ]
    for number, owner in enumerate(owners, start=1):
        due = day + timedelta(days=rng.randint(2, 30))
        due_text = due.isoformat() if rng.random() < 0.5 else f"{due.month}月{due.day}日"
        lines.append(f"| {number} | {rng.choice(_VERBS)}{rng.choice(_NOUNS)} | {owner} | {due_text} | "
                     f"{rng.choice(_DELIVERABLES)} | {rng.choice(statuses)} | {rng.choice(priorities)} |")
    lines += ["", "## 依赖关系"]
    for number in range(2, count + 1):
        if rng.random() < 0.2:
            lines.append(f"- 任务{number}依赖任务{rng.randrange(1, number)}(需要先看到前置任务的结果)")
    next_day = day + timedelta(days=14)
    lines += ["", "## 下次跟进会议", f"- 时间: {next_day.isoformat()} 10:00", "- 地点: 3楼会议室",
              "- 目标: 检查所有任务完成情况", ""]
    return "\n".join(lines)


def write_action_lists(folder: Path, count: int, *, today: date = DEFAULT_TODAY, seed: int = 1,
                       people: int = 200, items: tuple[int, int] = (3, 8)) -> list[Path]:
    """Write ``count`` action-list Markdown files into ``folder``; return their paths (in order)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        path = folder / f"list_{index:05d}.md"
        path.write_text(action_list_markdown(index, today=today, rng=rng, people=people, items=items),
                        encoding="utf-8")
        paths.append(path)
    return paths


# -- CLI -------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--people", type=int)
    parser.add_argument("--meetings", type=int)
    parser.add_argument("--profile", choices=["history", "open"], default="history")
    parser.add_argument("--today", type=date.fromisoformat, default=DEFAULT_TODAY)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="an existing database URL to fill (instead of a new one)")
    parser.add_argument("--keep", action="store_true", help="keep the new database (its URL is printed)")
    parser.add_argument("--json", type=Path, help="write the stats here")
    parser.add_argument("--markdown", type=Path, help="write action-list Markdown files into this folder instead")
    parser.add_argument("--count", type=int, default=100, help="how many Markdown files")
    args = parser.parse_args(argv)
    if args.markdown:
        paths = write_action_lists(args.markdown, args.count, today=args.today, seed=args.seed)
        print(f"wrote {len(paths)} action lists to {args.markdown}")
        return 0
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(temporary_database(args.db, keep=args.keep))
        stats = generate(url, items=args.items, people=args.people, meetings=args.meetings, today=args.today,
                         seed=args.seed, profile=args.profile)
    print(f"{'db':<10} {'items':>9} {'open':>8} {'deps':>8} {'meetings':>9} {'people':>7} {'seconds':>8} {'rows/s':>8}")
    print(f"{args.db:<10} {stats.items:>9} {stats.open_items:>8} {stats.dependencies:>8} {stats.meetings:>9} "
          f"{stats.people:>7} {stats.seconds:>8.1f} {stats.rows_per_second:>8.0f}")
    print("statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.by_status.items())))
    if args.json:
        args.json.write_text(json.dumps(stats.to_json(), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
