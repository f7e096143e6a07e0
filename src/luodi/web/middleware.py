"""A plain ASGI middleware (no BaseHTTPMiddleware task hop): the request's language for messages
raised deep in services, the security headers on every response, the request id (``X-Request-ID``:
the client's, else a new one; echoed on the response and in every log line of the request, logs.py),
one log line per request, and the request metrics (web/metrics.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any, Protocol

from luodi import i18n
from luodi.logs import REQUEST_ID, request_id_from

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


log = logging.getLogger("luodi.web.request")


class Observer(Protocol):
    def observe(self, method: str, route: str, status: int, seconds: float) -> None: ...


def _header(headers: list[tuple[bytes, bytes]], wanted: bytes) -> str | None:
    for name, value in headers:
        if name == wanted:
            return value.decode("latin-1")
    return None


def _route(scope: Scope) -> str:
    """The route's template (``/items/{item_id}``), so metrics do not grow a label per id."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    return "/static" if str(scope.get("path", "")).startswith("/static/") else "unmatched"


def _language(headers: list[tuple[bytes, bytes]]) -> str:
    """The ``lang`` cookie (set at login and by the header switch), else Accept-Language."""
    cookie, accept = "", ""
    for name, value in headers:
        if name == b"cookie":
            cookie = value.decode("latin-1")
        elif name == b"accept-language":
            accept = value.decode("latin-1")
    if cookie:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(cookie)
        except Exception:  # a malformed cookie header: ignore it, like the browser would
            jar = SimpleCookie()
        if "lang" in jar:
            return i18n.normalize(jar["lang"].value)
    return "en" if accept.lower().startswith("en") else i18n.DEFAULT_LANGUAGE


class WebMiddleware:
    def __init__(self, app: ASGIApp, *, https: bool, metrics: Observer | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self.headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),  # confirmation tokens live in URLs
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if https:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        headers = scope.get("headers", [])
        request_id = request_id_from(_header(headers, b"x-request-id"))
        status = 500   # unless a response starts
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in self.headers if h[0] not in present),
                                      (b"x-request-id", request_id.encode())]
            await send(message)

        token = REQUEST_ID.set(request_id)
        try:
            with i18n.use_language(_language(headers)):
                await self.app(scope, receive, send_with_headers)
        finally:
            seconds = time.perf_counter() - started
            route = _route(scope)
            if self.metrics is not None:
                self.metrics.observe(scope["method"], route, status, seconds)
            client = (scope.get("client") or ("-",))[0]
            log.info("%s %s %s %s %.1f ms", client, scope["method"], scope.get("path", ""), status, seconds * 1000,
                     extra={"client": client, "method": scope["method"], "route": route, "status": status,
                            "duration_ms": round(seconds * 1000, 1)})
            REQUEST_ID.reset(token)
