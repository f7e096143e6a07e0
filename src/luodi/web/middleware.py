"""A plain ASGI middleware (no BaseHTTPMiddleware task hop): the request's language for messages
raised deep in services, and the security headers on every response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

from luodi import i18n

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


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
    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
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

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in self.headers if h[0] not in present)]
            await send(message)

        with i18n.use_language(_language(scope.get("headers", []))):
            await self.app(scope, receive, send_with_headers)
