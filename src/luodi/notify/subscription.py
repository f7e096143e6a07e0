"""Outgoing webhooks (INT-4): POST one event to a subscriber, signed per Standard Webhooks.

Not a channel kind: the subscription row (url, secret) comes from ``webhook_subscription``, the
body was fixed when the event was queued (so every retry sends the same bytes and ``webhook-id``).
The target is resolved again at each send and refused if it now points to a loopback or private
address (unless an admin allowed that); redirects are never followed (a 3xx is a permanent
failure: the subscription's URL is wrong); 10 s timeout.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from luodi.domain.addresses import is_private
from luodi.notify.base import JSON_HEADERS, TransportError, post, raise_for_status
from luodi.notify.webhook import signed_headers

KIND = "webhook"
TIMEOUT = 10.0


def _refuse_private(url: str) -> None:
    parts = urlsplit(url)
    try:
        found = {info[4][0] for info in socket.getaddrinfo(parts.hostname or "", parts.port or 443,
                                                             type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError) as exc:
        raise TransportError(f"{KIND}: cannot resolve the host ({type(exc).__name__})") from exc
    if any(is_private(str(address)) for address in found):
        raise TransportError(f"{KIND}: the host resolves to a loopback or private address", permanent=True)


def send_event(http: httpx.Client, *, url: str, secret: str, event_id: str, body: bytes, allow_private: bool,
               clock: Callable[[], float] = time.time) -> None:
    """Deliver or raise TransportError. ``clock`` gives webhook-timestamp: the real time by default,
    since receivers check it against theirs (Standard Webhooks' libraries: 5 minutes)."""
    if not allow_private:
        _refuse_private(url)
    now = clock()
    headers = {**JSON_HEADERS, **signed_headers(secret, message_id=event_id, timestamp=now, raw=body)}
    response = post(http, url, kind=KIND, content=body, headers=headers, follow_redirects=False, timeout=TIMEOUT)
    if response.is_redirect or 300 <= response.status_code < 400:
        raise TransportError(f"{KIND}: HTTP {response.status_code} (redirects are not followed)", permanent=True)
    raise_for_status(response, kind=KIND, now=now)
