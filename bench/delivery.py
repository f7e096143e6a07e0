"""Delivery throughput: drain queued outbox rows to a local SMTP server with the worker's steps.

Per database: generate a small organisation (bench/generate.py), queue ``--scale`` outbox rows
(email, due now, a reminder-sized Chinese text + HTML body, ``payload.items`` pointing at one
open item so the relevance re-check runs its query, as for rule messages), then drain them with
``luodi.worker.deliver.claim_many`` (batches of 20) + ``deliver`` and ``luodi.worker.senders.Senders`` — exactly the
worker's ``deliver_step`` — from one worker. The SMTP server is tests/support/smtpd.py's
``SMTPSink`` (aiosmtpd), by default in a separate process so it does not share this process's
GIL (``--sink thread`` runs it in-process). Afterwards every row must be ``sent`` and the
server must have received each message exactly once (asserted; exit 1 if not).

Target (PERFORMANCE.md): ≥ 500 msg/s from one worker; 10k queued drained in ≤ 20 s.

    .venv/bin/python bench/delivery.py [--db sqlite|postgres|both] [--scale 10000] [--sink process|thread]
"""

from __future__ import annotations

import multiprocessing
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import benchlib
from generate import generate, temporary_database
from sqlalchemy import func, insert, select

from luodi.clock import SystemClock
from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.domain.enums import ItemStatus, OutboxStatus
from luodi.models import Item, OutboxMessage, Person
from luodi.services.rules.outbox import still_relevant
from luodi.worker.deliver import DeliveryPolicy, claim_many, deliver
from luodi.worker.senders import Senders

TESTS = benchlib.ROOT / "tests"
TARGET_RATE, TARGET_10K_S = 500.0, 20.0
BODY_TEXT = ("{name}，你好：\n\n以下行动项三天后到期，请确认进展：\n\n"
             + "".join(f"- T{n:03d} 细化活动方案 · 截止 6月18日（周四） · 交付物 详细执行方案 · 🔵 进行中\n"
                       for n in range(1, 4))
             + "\n更新进展：http://127.0.0.1:8000/meetings/1\n\n项目协调人\n")
BODY_HTML = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>提醒</title></head><body>"
             + "<div style=\"font-family:sans-serif;max-width:640px\">" + "<p>以下行动项三天后到期，请确认进展：</p>"
             + "".join(f"<p style=\"margin:4px 0\"><b>T{n:03d} 细化活动方案</b> · 截止 6月18日 · 🔵 进行中</p>"
                       for n in range(1, 12))
             + "<p><a href=\"http://127.0.0.1:8000/meetings/1\">更新进展</a></p></div></body></html>")


# -- the SMTP server in its own process ------------------------------------------------------
def _sink_process(conn: Any, tests: str) -> None:
    sys.path.insert(0, tests)
    from support.smtpd import SMTPSink

    with SMTPSink() as sink:
        conn.send(sink.port)
        while True:
            command = conn.recv()
            if command == "count":
                conn.send(len(sink.handler.messages))
            elif command == "ids":
                conn.send([m.data.split(b"Message-ID: ", 1)[1].split(b"\r\n", 1)[0].decode()
                           for m in sink.messages])
            elif command == "clear":
                sink.clear()
                conn.send(True)
            else:
                conn.send(True)
                return


class Sink:
    """SMTPSink in a child process (``process``) or in a thread of this one (``thread``)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        if mode == "thread":
            sys.path.insert(0, str(TESTS))
            from support.smtpd import SMTPSink

            self._sink = SMTPSink().start()
            self.port = self._sink.port
        else:
            context = multiprocessing.get_context("spawn")
            self._conn, child = context.Pipe()
            self._process = context.Process(target=_sink_process, args=(child, str(TESTS)), daemon=True)
            self._process.start()
            self.port = self._conn.recv()

    def _ask(self, command: str) -> Any:
        self._conn.send(command)
        return self._conn.recv()

    def count(self) -> int:
        return len(self._sink.messages) if self.mode == "thread" else int(self._ask("count"))

    def message_ids(self) -> list[str]:
        if self.mode == "thread":
            return [m.data.split(b"Message-ID: ", 1)[1].split(b"\r\n", 1)[0].decode() for m in self._sink.messages]
        return list(self._ask("ids"))

    def clear(self) -> None:
        if self.mode == "thread":
            self._sink.clear()
        else:
            self._ask("clear")

    def close(self) -> None:
        if self.mode == "thread":
            self._sink.close()
        else:
            self._ask("stop")
            self._process.join(timeout=10)


# -- the queue -------------------------------------------------------------------------------
def queue(url: str, count: int, *, now: datetime) -> None:
    engine = make_engine(url)
    rng = random.Random(7)
    try:
        with engine.begin() as conn:
            people = conn.execute(select(Person.id, Person.name, Person.email, Person.language)
                                  .where(Person.email.is_not(None))).all()
            items = conn.scalars(select(Item.id).where(Item.status != ItemStatus.DONE).limit(5000)).all()
            rows = []
            for n in range(count):
                person = people[n % len(people)]
                rows.append({
                    "key": f"bench|{n}", "kind": "remind_before_3d", "meeting_id": None, "recipient_id": person.id,
                    "channel": "email", "address": person.email, "language": person.language,
                    "subject": f"【提醒】3项行动项三天后到期（{n}）", "body_text": BODY_TEXT.format(name=person.name),
                    "body_html": BODY_HTML, "body_markdown": None,
                    "payload": {"items": [rng.choice(items)], "cancel_when": ["done"], "mentions": []},
                    "status": "pending", "attempts": 0, "next_attempt_at": now - timedelta(minutes=1),
                    "created_at": now - timedelta(minutes=1),
                })
            for start in range(0, len(rows), 5000):
                conn.execute(insert(OutboxMessage.__table__), rows[start:start + 5000])  # type: ignore[arg-type]
    finally:
        engine.dispose()


BATCH = 20  # as luodi.worker.loop.deliver_step


def drain(url: str, port: int) -> dict[str, Any]:
    settings = Settings(database_url=url, smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none",
                        secret_key="bench-secret-key-0123456789", smtp_from="luodi <luodi@localhost>")
    engine = make_engine(url)
    counter = benchlib.StatementCounter().install(engine)
    sessions = make_sessionmaker(engine)
    clock, policy, rng = SystemClock(), DeliveryPolicy(), random.Random()
    senders = Senders(settings)
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    worker_id = "bench-worker"
    try:
        with sessions() as session, counter.counting():
            started = time.perf_counter()
            while True:   # the worker's deliver_step: claim a batch in one transaction, then send each
                t0 = time.perf_counter()
                claimed = claim_many(session, worker_id=worker_id, now=clock.now(), policy=policy,
                                     limit=BATCH, relevant=still_relevant)
                if not claimed:
                    break
                claim_ms = (time.perf_counter() - t0) * 1000 / len(claimed)
                for row, attempt in claimed:
                    t1 = time.perf_counter()
                    status = deliver(session, row, worker_id=worker_id, send=senders, relevant=None,
                                     clock=clock.now, policy=policy, rng=rng, pace=senders.pace, attempt=attempt)
                    latencies.append((time.perf_counter() - t1) * 1000 + claim_ms)
                    outcomes[status.value] = outcomes.get(status.value, 0) + 1
            elapsed = time.perf_counter() - started
        statements = counter.statements
        with sessions() as session:
            by_status = dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                                             ).all())
    finally:
        senders.close()
        engine.dispose()
    delivered = len(latencies)
    return {
        "delivered": delivered, "seconds": round(elapsed, 2), "msg_per_s": round(delivered / elapsed, 1),
        "p50_ms": round(benchlib.median(latencies), 2), "p95_ms": round(benchlib.percentile(latencies, 95), 2),
        "p99_ms": round(benchlib.percentile(latencies, 99), 2),
        "statements_per_msg": round(statements / max(1, delivered), 1),
        "outcomes": outcomes, "rows_by_status": {str(k.value if hasattr(k, "value") else k): v
                                                 for k, v in by_status.items()},
    }


def run_one(kind: str, count: int, sink: Sink, *, keep: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"db": kind, "queued": count}
    with temporary_database(kind, keep=keep) as url:
        generate(url, items=2000, people=200)
        queue(url, count, now=datetime.now(UTC))
        sink.clear()
        print(f"  {kind}: draining {count} messages …", file=sys.stderr)
        result.update(drain(url, sink.port))
        deadline = time.monotonic() + 10
        while sink.count() < count and time.monotonic() < deadline:
            time.sleep(0.05)
        ids = sink.message_ids()
        result["received"] = len(ids)
        result["duplicates"] = len(ids) - len(set(ids))
    sent = result["rows_by_status"].get(OutboxStatus.SENT.value, 0)
    result["ok"] = sent == count and result["received"] == count and not result["duplicates"]
    return result


def main() -> int:
    p = benchlib.parser(__doc__.split("\n\n")[0], scale=10_000)
    p.add_argument("--sink", choices=["process", "thread"], default="process",
                   help="run the SMTP server in a child process (default) or in a thread of this one")
    args = p.parse_args()
    sink = Sink(args.sink)
    try:
        runs = [run_one(kind, args.scale, sink, keep=args.keep) for kind in benchlib.kinds(args.db)]
    finally:
        sink.close()
    target_s = TARGET_10K_S * args.scale / 10_000
    benchlib.print_table(f"deliver {args.scale} queued emails, one worker, SMTP server in a {args.sink}", [
        "db", "sent", "received", "seconds", "target s", "", "msg/s", "target", "", "p50 ms", "p95 ms", "p99 ms",
        "stmts/msg"], [
        [r["db"], r["rows_by_status"].get("sent", 0), r["received"], r["seconds"], target_s,
         benchlib.verdict(r["seconds"], target_s), r["msg_per_s"], TARGET_RATE,
         benchlib.verdict(r["msg_per_s"], TARGET_RATE, higher_is_better=True), r["p50_ms"], r["p95_ms"], r["p99_ms"],
         r["statements_per_msg"]] for r in runs])
    benchlib.write_results("delivery", args, {"sink": args.sink, "runs": runs, "target_msg_per_s": TARGET_RATE})
    for r in runs:
        if not r["ok"]:
            print(f"\nASSERTION FAILED: {r['db']}: rows {r['rows_by_status']}, received {r['received']}, "
                  f"duplicates {r['duplicates']} (expected {args.scale} sent, received once each)", file=sys.stderr)
    return 0 if all(r["ok"] for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
