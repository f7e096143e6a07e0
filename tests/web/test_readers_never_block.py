"""Issue 16, part 3: readers never block writers. With a writer holding SQLite's write lock, every
GET that only reads — pages, API, the board's live refresh — answers at once (it reads on the
read-only engine, whose transactions begin DEFERRED), instead of queueing behind the writer."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from web.conftest import World
from web.test_authz_matrix import MATRIX, _send

HOLD = 2.0      # seconds the writer holds the lock (released earlier once the GET is back)
PROMPT = 1.0    # a GET that waited for the lock would take HOLD; one that did not, a few ms
# /healthz and /readyz are health probes that check the database themselves (and /readyz answers
# 503 while no worker's heartbeat is fresh, as in this test). /today computes the day's follow-ups
# on read (issue 12 part 3): it is a reader like any other.
NOT_READERS = {"/healthz", "/readyz"}


@contextmanager
def write_lock(world: World) -> Iterator[None]:
    """Another process's writer: BEGIN IMMEDIATE on the same file, held until the block ends
    (at most HOLD seconds, so a GET that does wait fails by its time rather than hanging)."""
    writer = sqlite3.connect(world.url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE person SET name = name WHERE id = (SELECT min(id) FROM person)")
    timer = threading.Timer(HOLD, writer.rollback)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if writer.in_transaction:
            writer.rollback()
        writer.close()


@contextmanager
def main_engine_statements(world: World) -> Iterator[list[str]]:
    """The statements run on the main (writing) engine meanwhile."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]).split()[0])

    event.listen(world.app.state.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(world.app.state.engine, "before_cursor_execute", record)


def test_every_get_answers_promptly_while_a_writer_holds_the_lock(world: World) -> None:
    world.app.state.sse_lifetime = 0.05
    slow: dict[str, float] = {}
    on_main: dict[str, list[str]] = {}
    gets = sorted((path, case) for (method, path), case in MATRIX.items()
                  if method == "GET" and path not in NOT_READERS)
    for path, case in gets:
        if case.setup is not None:
            case.setup(world)
        _send(world, "GET", case, "admin")   # first-call costs (templates, the OpenAPI document) aside
        with main_engine_statements(world) as seen, write_lock(world):
            started = time.monotonic()
            response = _send(world, "GET", case, "admin")
            elapsed = time.monotonic() - started
        assert response.status_code < 500, (path, response.status_code, response.text[:300])
        if elapsed > PROMPT:
            slow[path] = round(elapsed, 2)
        if seen:
            on_main[path] = seen
    assert len(gets) > 40
    assert slow == {}, f"these GETs waited for the writer: {slow}"
    assert on_main == {}, f"these GETs used the main engine: {on_main}"


def test_the_live_refresh_polls_the_change_counter_on_the_read_engine_and_holds_no_transaction(
        world: World) -> None:
    """The SSE stream: its first event arrives while a writer holds the lock, each poll is one
    max(audit.id), and between polls no connection of either engine is checked out."""
    from luodi.web.pages import board

    world.app.state.sse_lifetime = 1.0
    polls: list[str] = []

    def record(*args: Any) -> None:
        polls.append(str(args[2]))

    read_engine = world.app.state.read_engine
    event.listen(read_engine, "before_cursor_execute", record)
    before, board.SSE_POLL_SECONDS = board.SSE_POLL_SECONDS, 0.2
    try:
        with main_engine_statements(world) as on_main, write_lock(world):
            started = time.monotonic()
            with world.client("admin").stream("GET", "/events") as response:
                lines = response.iter_lines()
                first = next(lines)
                waited = time.monotonic() - started
                checked_out = [read_engine.pool.checkedout(), world.app.state.engine.pool.checkedout()]
                body = first + "\n" + "\n".join(lines)
    finally:
        board.SSE_POLL_SECONDS = before
        event.remove(read_engine, "before_cursor_execute", record)
    assert first.startswith("retry:") or "hello" in body
    assert waited < PROMPT, waited
    assert checked_out == [0, 0]                  # between polls: no session, no transaction
    counter = [sql for sql in polls if "FROM audit" in sql]
    assert len(counter) >= 3 and all("max(audit.id)" in sql for sql in counter), polls   # hello + polls
    assert on_main == []
