"""RULE-4 / NF-2: two worker processes on one database deliver each message exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from luodi.domain.enums import OutboxStatus
from luodi.models import DeliveryAttempt, OutboxMessage, Person
from support.q4 import load_q4, local, open_session
from support.smtpd import SMTPSink

SECONDS = float(os.environ.get("LUODI_TEST_RACE_SECONDS", "120"))   # at most; they stop once all is sent
EXTRA = 300


def _queue(url: str) -> None:
    """300 messages due now, besides what the workers' own plan steps will queue."""
    now = local(2026, 10, 8, 17, 30)
    with open_session(url) as session:
        wang = session.scalars(select(Person).where(Person.name == "小王")).one()
        for n in range(EXTRA):
            session.add(OutboxMessage(
                key=f"race|{n}", kind="test", recipient_id=wang.id, channel="email", address=wang.email,
                subject=f"消息 {n}", body_text=f"第 {n} 条", next_attempt_at=now - timedelta(seconds=n),
                created_at=now, payload={},
            ))
        session.commit()


def _undelivered(url: str) -> int:
    with open_session(url) as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.status != OutboxStatus.SENT)) or 0


@pytest.mark.slow
def test_two_workers_deliver_each_message_exactly_once(any_db_url: str, tmp_path: Path) -> None:
    load_q4(any_db_url)
    _queue(any_db_url)
    with SMTPSink() as sink:
        env = os.environ | {
            "LUODI_DATABASE_URL": any_db_url, "LUODI_SECRET_KEY": "k" * 24,
            "LUODI_CLOCK": "2026-10-08T17:30+08:00",   # both plan the same instant, over and over
            "LUODI_SMTP_HOST": "127.0.0.1", "LUODI_SMTP_PORT": str(sink.port),
            "LUODI_CONFIG": str(tmp_path / "none.toml"),
        }
        workers = [subprocess.Popen([sys.executable, "-m", "luodi", "worker", "--interval", "0.2"], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                   for _ in range(2)]
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline and _undelivered(any_db_url):
            time.sleep(0.2)
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        logs = [worker.communicate(timeout=60)[0] for worker in workers]
        assert all(worker.returncode == 0 for worker in workers), logs
        with open_session(any_db_url) as session:
            rows = session.scalars(select(OutboxMessage)).all()
            assert len(rows) > EXTRA   # the plan steps queued the rule messages of 10-08 too
            assert Counter(r.status for r in rows) == {OutboxStatus.SENT: len(rows)}, logs
            received = Counter(m.parsed()["Message-ID"] for m in sink.wait_for(len(rows), timeout=10))
            assert received == Counter(r.message_id for r in rows)   # each once, none missing
            workers_used = dict(Counter(r.claimed_by for r in rows))
            attempts = session.scalar(select(func.count()).select_from(DeliveryAttempt))
            assert attempts == len(rows), workers_used
            print(f"{len(rows)} messages, delivered by {workers_used}")
