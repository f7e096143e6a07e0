"""The worker's own Prometheus metrics: the plan step's duration (a histogram, by outcome).

A worker process serves them itself at ``LUODI_WORKER_METRICS_ADDRESS`` (HOST:PORT, prometheus-client's
own HTTP server, path ``/metrics``); ``luodi serve`` with its embedded worker adds them to the web
app's ``/internal/metrics``. Not multiprocess mode: each worker process is scraped on its own address
(docs/deploy.md), the outbox's state comes from the database (web/metrics.py).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Histogram, start_http_server

REGISTRY = CollectorRegistry()
PLAN_STEP_SECONDS = Histogram("luodi_plan_step_duration_seconds", "Time one plan step took, by outcome (ok, failed)",
                              ["outcome"], registry=REGISTRY,
                              buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))


def serve(address: str) -> None:
    """Serve REGISTRY at http://HOST:PORT/metrics in a daemon thread."""
    host, _, port = address.rpartition(":")
    start_http_server(int(port), addr=host.strip("[]") or "127.0.0.1", registry=REGISTRY)
