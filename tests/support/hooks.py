"""A local receiver of luodi's outgoing webhooks that verifies each request with the
``standardwebhooks`` package (``Webhook.verify``: signature over id.timestamp.body, and a
timestamp within 5 minutes of the real clock) and records what it got."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: Any          # the parsed body when Webhook.verify accepted it, else None
    error: str | None      # why verify refused it


class HookReceiver:
    def __init__(self) -> None:
        self.secret: str | None = None
        self.received: list[Received] = []
        self.answers: list[tuple[int, dict[str, str]]] = []   # scripted, then 200
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/luodi"

    def answer_next(self, status: int, **headers: str) -> None:
        self.answers.append((status, headers))

    def _handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        verified, error = None, None
        try:
            verified = Webhook(self.secret or "whsec_").verify(body, headers) if self.secret else None
        except WebhookVerificationError as exc:
            error = str(exc)
        with self._lock:
            self.received.append(Received(path, headers, body, verified, error))
            if self.answers:
                return self.answers.pop(0)
        return (200, {}) if verified is not None else (401, {})

    def __enter__(self) -> Self:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                status, extra = receiver._handle(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(status)
                for key, value in extra.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:   # a redirect's target: must never be reached
                receiver.received.append(Received(self.path, {}, b"", None, "GET"))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
