"""Access tokens of the IM app bots (Feishu tenant_access_token, DingTalk and WeCom access_token).

Each vendor hands out a token valid for about two hours (``expire`` / ``expires_in`` seconds)
and asks callers to cache it rather than fetch one per message. :class:`TokenCache` keeps one
token per app, fetched on first use and again shortly before it expires; when the vendor says a
token is invalid or expired anyway (another process reset the secret, the clock drifted), the
transport calls :meth:`TokenCache.invalidate` and retries the send once with a fresh token —
never more than once, so a bad secret cannot loop.

Secrets never leave this module in a message: errors name the vendor and its code only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from luodi.notify.base import Clock

# Fetch a new token when less than this many seconds of the old one's life are left.
REFRESH_MARGIN = 300.0


@dataclass
class _Entry:
    token: str
    expires_at: float


Fetch = Callable[[], tuple[str, float]]  # () -> (token, lifetime in seconds); raises TransportError


class TokenCache:
    """Tokens by app key, shared by every transport of one worker process (thread-safe)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, ...], _Entry] = {}
        self._lock = threading.Lock()
        self.fetches = 0  # how many tokens were fetched (the worker's health page, tests)

    def get(self, key: tuple[str, ...], fetch: Fetch, *, now: Clock) -> str:
        """The cached token for ``key`` or a freshly fetched one."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.expires_at - REFRESH_MARGIN > now():
                return entry.token
            token, lifetime = fetch()
            self.fetches += 1
            self._entries[key] = _Entry(token, now() + max(lifetime, 0.0))
            return token

    def invalidate(self, key: tuple[str, ...], token: str) -> None:
        """Forget ``token`` (the vendor refused it); a newer one fetched meanwhile is kept."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.token == token:
                del self._entries[key]
