"""Prometheus metrics at ``/internal/metrics`` (``/metrics`` is a user page). docs/deploy.md lists them.

Two kinds, so that several web and worker processes add up:
- **this process's requests**: ``luodi_http_requests_total`` and the latency histogram
  ``luodi_http_request_duration_seconds``, by route template (``/api/v1/items/{item_id}``, never the
  raw path) and status. Each web process counts its own requests: scrape every process.
- **the database's state**, computed at scrape time on the read-only engine, so every process
  answers the same: the outbox depth by status and channel, the age of the oldest due pending
  message, and deliveries and failed attempts by channel (from ``delivery_attempt``).
The worker's plan-step duration is the worker's own (worker/metrics.py): ``luodi worker`` serves it
at ``LUODI_WORKER_METRICS_ADDRESS``, and ``luodi serve`` with its embedded worker adds it here.

Access: with ``LUODI_METRICS_TOKEN`` set, ``Authorization: Bearer <token>`` from anywhere; without
it, only clients at loopback or private addresses (behind a proxy: the forwarded address uvicorn
trusts, docs/deploy.md).
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select

from luodi.clock import Clock
from luodi.domain.enums import OutboxStatus
from luodi.models import DeliveryAttempt, OutboxMessage

router = APIRouter(include_in_schema=False)
QUEUED = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.DEAD)
FAILED_OUTCOMES = ("retry", "dead")


class AppMetrics:
    """One app's registry: its request metrics and the database collector."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("luodi_http_requests", "HTTP requests answered, by route template and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("luodi_http_request_duration_seconds", "Time to answer a request, by route template",
                                 ["method", "route"], registry=self.registry)
        self.registry.register(OutboxCollector(engine, clock))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)


class OutboxCollector(Collector):
    """The outbox, read from the database at every scrape (the same answer from every process)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine, self.clock = engine, clock

    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily("luodi_outbox_messages", "Outbox messages waiting, in flight or dead, "
                                  "by status and channel", labels=["status", "channel"])
        deliveries = CounterMetricFamily("luodi_deliveries", "Messages delivered, by channel", labels=["channel"])
        failures = CounterMetricFamily("luodi_delivery_failures", "Failed delivery attempts (retried or dead), "
                                       "by channel", labels=["channel"])
        now = self.clock.now()
        with self.engine.connect() as connection:
            for status, channel, count in connection.execute(
                    select(OutboxMessage.status, OutboxMessage.channel, func.count())
                    .where(OutboxMessage.status.in_(QUEUED))
                    .group_by(OutboxMessage.status, OutboxMessage.channel)):
                depth.add_metric([str(status), channel], count)
            oldest = connection.scalar(select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now))
            for outcome, channel, count in connection.execute(
                    select(DeliveryAttempt.outcome, OutboxMessage.channel, func.count())
                    .join(OutboxMessage, OutboxMessage.id == DeliveryAttempt.outbox_id)
                    .where(DeliveryAttempt.outcome.in_(("sent", *FAILED_OUTCOMES)))
                    .group_by(DeliveryAttempt.outcome, OutboxMessage.channel)):
                (deliveries if outcome == "sent" else failures).add_metric([channel], count)
        yield depth
        age = 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())
        yield GaugeMetricFamily("luodi_outbox_oldest_pending_age_seconds",
                                "Seconds since the oldest pending message became due (0: none is due)", value=age)
        yield deliveries
        yield failures


def _internal(host: str | None) -> bool:
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def allowed(request: Request) -> bool:
    token = request.app.state.settings.metrics_token
    if token is not None and token.get_secret_value():
        sent = request.headers.get("authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token.get_secret_value()}".encode())
    return _internal(request.client.host if request.client else None)


@router.get("/internal/metrics")
def scrape(request: Request) -> Response:
    if not allowed(request):
        return PlainTextResponse("forbidden: set LUODI_METRICS_TOKEN and send it as a bearer token, "
                                 "or scrape from an internal address\n", status_code=403)
    metrics: Any = request.app.state.metrics
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
