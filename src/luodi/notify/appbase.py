"""What the three IM app bots share: a cached access token, refreshed once when refused.

An app bot (Feishu custom app, DingTalk internal app, WeCom self-built app) sends a direct
message to one person, named by their id in the vendor's directory (``Message.recipient``).
Its credentials come from the settings (per organisation), never from a channel row.
"""

from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import httpx
from pydantic import BaseModel

from luodi.notify.apptoken import TokenCache
from luodi.notify.base import Clock, Message, Transport, TransportError

C = TypeVar("C", bound=BaseModel)


class TokenRefused(Exception):
    """The vendor refused the access token (invalid or expired): fetch a new one, retry once."""


class AppTransport(Transport[C]):
    """A direct-message transport. Subclasses fetch tokens and deliver with one."""

    vendor: ClassVar[str]

    def __init__(self, config: C, *, http: httpx.Client, clock: Clock = time.time,
                 tokens: TokenCache | None = None) -> None:
        super().__init__(config, http=http, clock=clock)
        self.tokens = tokens if tokens is not None else TokenCache()

    @abstractmethod
    def token_key(self) -> tuple[str, ...]:
        """Which app the token belongs to (vendor, base URL, app id) — never the secret."""

    @abstractmethod
    def fetch_token(self) -> tuple[str, float]:
        """A new token and its lifetime in seconds; raises TransportError."""

    @abstractmethod
    def deliver(self, token: str, message: Message) -> None:
        """Send with ``token``; raise TokenRefused or TransportError."""

    def send(self, message: Message) -> None:
        if not message.recipient:
            raise TransportError(f"{self.kind}: the person has no {self.vendor} id", permanent=True)
        self.with_token(self.token_key(), self.fetch_token, lambda token: self.deliver(token, message))

    def with_token(self, key: tuple[str, ...], fetch: Callable[[], tuple[str, float]],
                   call: Callable[[str], None]) -> None:
        """``call`` with the cached token of ``key``; a refused token is fetched again once."""
        for attempt in (1, 2):
            token = self.tokens.get(key, fetch, now=self.clock)
            try:
                call(token)
                return
            except TokenRefused as exc:
                self.tokens.invalidate(key, token)
                if attempt == 2:  # a fresh token refused too: not a caching problem
                    raise TransportError(f"{self.kind}: access token refused twice ({exc})") from exc
        raise AssertionError("unreachable")


def answer_code(data: Any, *keys: str) -> object:
    """The first of ``keys`` present in a vendor's JSON answer (``code`` / ``errcode``)."""
    if isinstance(data, dict):
        for key in keys:
            if key in data:
                return data[key]
    return None
