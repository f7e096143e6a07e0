"""Prometheus metrics at /internal/metrics and JSON logs with a request id (issue 14, part 4).
The scrape is parsed with prometheus-client's own parser after real requests and real deliveries
(aiosmtpd down, then up); the logs are the JSON lines logs.configure writes."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from luodi import logs
from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.db import make_engine, make_sessionmaker
from luodi.services.send import lists
from luodi.web.app import create_app
from luodi.worker.loop import Worker
from luodi.worker.metrics import REGISTRY as WORKER_REGISTRY
from support.q4 import SHANGHAI, load_q4, local, open_session
from support.smtpd import SMTPSink

SEND_AT = local(2026, 9, 26, 16, 10)
TOKEN = "metrics-token-0123456789abcdef"


def _settings(url: str, **extra: object) -> Settings:
    return Settings(database_url=url, secret_key="k" * 32, smtp_timeout=2, **extra)  # type: ignore[arg-type]


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _scrape(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/internal/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return _samples(response.text)


def test_requests_outbox_and_deliveries_are_counted(db_url: str) -> None:
    load_q4(db_url)
    sink = SMTPSink()   # the port is reserved, nothing listens yet: the first attempts fail
    settings = _settings(db_url, metrics_token=TOKEN, smtp_port=sink.port)
    clock = FrozenClock(SEND_AT)
    client = TestClient(create_app(settings, clock=clock, migrate=False))

    assert client.get("/internal/metrics").status_code == 403                 # no token
    assert client.get("/internal/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    for _ in range(2):
        assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/items/1").status_code == 401
    assert client.get("/api/v1/items/2").status_code == 401

    with open_session(db_url) as session:
        options = lists.SendOptions(tz=SHANGHAI, secret="k" * 32, base_url="http://luodi.test")
        queued = lists.send(session, 1, resend=False, now=SEND_AT, options=options).outbox_ids
        session.commit()
    assert queued
    clock.advance(seconds=90)
    before = _scrape(client)
    assert _value(before, "luodi_http_requests_total", method="GET", route="/healthz", status="200") == 2
    # The route template, not one label per id.
    assert _value(before, "luodi_http_requests_total", method="GET", route="/api/v1/items/{item_id}",
                  status="401") == 2
    assert _value(before, "luodi_http_request_duration_seconds_count", method="GET", route="/healthz") == 2
    assert _value(before, "luodi_http_request_duration_seconds_bucket", method="GET", route="/healthz",
                  le="+Inf") == 2
    assert _value(before, "luodi_outbox_messages", status="pending", channel="email") == len(queued)
    assert _value(before, "luodi_outbox_oldest_pending_age_seconds") >= 90
    assert _value(before, "luodi_deliveries_total", channel="email") == 0

    plan_runs = _samples_of_worker("luodi_plan_step_duration_seconds_count", outcome="ok")
    engine = make_engine(db_url)
    worker = Worker(settings, make_sessionmaker(engine), clock, interval=1)
    worker.run_once()                       # SMTP down: every message is retried later
    failed = _scrape(client)
    assert _value(failed, "luodi_delivery_failures_total", channel="email") == len(queued)
    assert _value(failed, "luodi_outbox_messages", status="pending", channel="email") == len(queued)
    assert _value(failed, "luodi_outbox_oldest_pending_age_seconds") == 0   # none is due again yet

    clock.advance(seconds=3600)
    with sink:
        worker.run_once()
        sink.wait_for(len(queued))
    engine.dispose()
    after = _scrape(client)
    assert _value(after, "luodi_deliveries_total", channel="email") == len(queued)
    assert _value(after, "luodi_delivery_failures_total", channel="email") == len(queued)
    assert _value(after, "luodi_outbox_messages", status="pending", channel="email") == 0
    assert _samples_of_worker("luodi_plan_step_duration_seconds_count", outcome="ok") == plan_runs + 2


def _samples_of_worker(name: str, **labels: str) -> float:
    from prometheus_client import generate_latest

    return _value(_samples(generate_latest(WORKER_REGISTRY).decode()), name, **labels)


def test_without_a_token_only_internal_addresses_may_scrape(db_url: str) -> None:
    app = create_app(_settings(db_url), migrate=False)
    assert TestClient(app).get("/internal/metrics").status_code == 403          # client "testclient"
    inside = TestClient(app, client=("10.1.2.3", 5000)).get("/internal/metrics")
    assert inside.status_code == 200 and "luodi_outbox_oldest_pending_age_seconds" in inside.text
    assert TestClient(app, client=("127.0.0.1", 5000)).get("/internal/metrics").status_code == 200
    assert TestClient(app, client=("93.184.215.14", 5000)).get("/internal/metrics").status_code == 403


class Lines(io.StringIO):
    def take(self) -> list[str]:
        """The lines written since the last take (the test client's own httpx lines left out)."""
        lines = [line for line in self.getvalue().splitlines() if '"logger": "httpx"' not in line]
        self.seek(0)
        self.truncate()
        return lines


@contextmanager
def _logging_to(log_format: str) -> Iterator[Lines]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = Lines()
    logs.configure(log_format, stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


def test_json_logs_carry_the_request_id_on_every_line(db_url: str) -> None:
    with _logging_to("json") as stream:
        _json_logs(db_url, stream)


def _json_logs(db_url: str, stream: Lines) -> None:
    app = create_app(_settings(db_url, log_format="json"), migrate=False)
    worker_log = logging.getLogger("luodi.test")

    @app.get("/test-logs")
    def _logs() -> dict[str, str]:   # a sync endpoint: it runs in a worker thread
        worker_log.warning("inside the request")
        return {"ok": "yes"}

    client = TestClient(app)
    stream.take()
    echoed = client.get("/test-logs", headers={"X-Request-ID": "req-42.abc"})
    assert echoed.headers["x-request-id"] == "req-42.abc"
    lines = [json.loads(line) for line in stream.take()]
    assert {line["message"] for line in lines} >= {"inside the request"}
    assert len(lines) == 2 and all(line["request_id"] == "req-42.abc" for line in lines), lines
    access = next(line for line in lines if line["logger"] == "luodi.web.request")
    assert access["route"] == "/test-logs" and access["status"] == 200 and access["method"] == "GET"

    generated = client.get("/healthz", headers={"X-Request-ID": "no spaces allowed"}).headers["x-request-id"]
    assert len(generated) == 32 and int(generated, 16) >= 0
    line = json.loads(stream.take()[-1])
    assert line["request_id"] == generated and line["level"] == "INFO"
    logging.getLogger("luodi.test").info("between requests")
    assert "request_id" not in json.loads(stream.take()[-1])


def test_text_logs_name_the_request_id(db_url: str) -> None:
    with _logging_to("text") as stream:
        client = TestClient(create_app(_settings(db_url), migrate=False))
        stream.take()
        client.get("/healthz", headers={"X-Request-ID": "abc"})
        assert any("[abc]: testclient GET /healthz 200" in line for line in stream.take())
