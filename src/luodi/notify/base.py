"""What every channel kind shares: the message, the error, the transport base and HTTP helpers.

Called only by the worker's deliver step (CONVENTIONS 1, 5). A transport either delivers or
raises :class:`TransportError`; it never returns an error value and never logs secrets: webhook
URLs carry tokens, so no error message here ever includes a URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Generic, TypeVar

import httpx
from pydantic import BaseModel

from luodi.render.cards import Button

Clock = Callable[[], float]
PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 410})


@dataclass(frozen=True)
class Mention:
    """A person to @-mention in a group bot; each vendor uses the identifier it understands."""

    name: str
    email: str | None = None
    mobile: str | None = None
    feishu_open_id: str | None = None
    dingtalk_user_id: str | None = None
    wecom_user_id: str | None = None
    slack_user_id: str | None = None


@dataclass(frozen=True)
class Message:
    """One rendered message, as the outbox row holds it."""

    message_id: str  # stable per outbox row; email's Message-ID, webhook's "id"
    subject: str
    text: str  # plain text: the email text part, the IM fallback
    html: str | None = None  # email HTML part
    markdown: str | None = None  # IM bots
    to: tuple[str, ...] = ()  # email addresses (email channel only)
    mentions: tuple[Mention, ...] = ()  # @-mentions in group bots
    language: str = "zh"
    recipient: str | None = None  # the person's id in the vendor's directory (app bots only)
    buttons: tuple[Button, ...] = ()
    # Not a new message but an update of a sent card (WeCom: response_code, replace_name).
    card_update: Mapping[str, str] | None = None
    reply_to: str | None = None  # email: where a reply goes (the replies mailbox, plus-tagged per recipient)

    @property
    def im_body(self) -> str:
        """The markdown if rendered, else the plain text."""
        return self.markdown if self.markdown is not None else self.text


class TransportError(Exception):
    """A failed delivery. ``permanent`` means retrying cannot help (bad secret, URL, address).

    ``retry_after`` is the vendor's own hint in seconds (Retry-After, a documented ban window),
    for the worker to use instead of its exponential backoff when it is longer.
    """

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message, self.permanent, self.retry_after = message, permanent, retry_after

    def __repr__(self) -> str:
        return f"TransportError({self.message!r}, permanent={self.permanent}, retry_after={self.retry_after})"


C = TypeVar("C", bound=BaseModel)


class Transport(ABC, Generic[C]):
    """One channel kind. Subclasses set ``kind`` and ``config_type`` and implement ``send``."""

    kind: ClassVar[str]
    config_type: ClassVar[type[BaseModel]]

    def __init__(self, config: C, *, http: httpx.Client, clock: Clock = time.time) -> None:
        self.config, self.http, self.clock = config, http, clock

    @abstractmethod
    def send(self, message: Message) -> None:
        """Deliver or raise TransportError; never return an error value."""


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError):
        return None


def json_bytes(document: Any) -> bytes:
    """The JSON body luodi sends: UTF-8, ``ensure_ascii=False``, compact.

    Serialised here rather than by httpx so a body's size does not depend on the httpx version
    (httpx 0.27 escapes every Chinese character as ``\\uXXXX``, tripling a card past Feishu's 20 KB).
    """
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def raise_for_status(response: httpx.Response, *, kind: str, now: float | None = None) -> None:
    """2xx passes; 400/401/403/404/410 are permanent; 429, 5xx and the rest are temporary.

    The message names the status and the start of the body (vendors put their error code
    there, e.g. Slack's ``invalid_token``), never the URL.
    """
    if response.is_success:
        return
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("Retry-After"), time.time() if now is None else now)
    snippet = " ".join(response.text[:200].split())
    raise TransportError(
        f"{kind}: HTTP {status}" + (f" {snippet}" if snippet else ""),
        permanent=status in PERMANENT_STATUSES,
        retry_after=retry_after,
    )


def post(http: httpx.Client, url: str | httpx.URL, *, kind: str, **kwargs: Any) -> httpx.Response:
    """POST, turning network failures into temporary TransportErrors (without the URL)."""
    try:
        return http.post(url, **kwargs)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise TransportError(f"{kind}: invalid URL ({type(exc).__name__})", permanent=True) from exc
    except httpx.HTTPError as exc:
        raise TransportError(f"{kind}: {type(exc).__name__}: {exc}") from exc


def json_body(response: httpx.Response, *, kind: str) -> Mapping[str, Any]:
    """The vendor's JSON answer; a 2xx that is not a JSON object is a temporary error."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TransportError(f"{kind}: unexpected answer {response.text[:100]!r}") from exc
    if not isinstance(data, dict):
        raise TransportError(f"{kind}: unexpected answer {response.text[:100]!r}")
    return data


def raise_for_code(
    kind: str, code: object, text: object, *,
    permanent: Mapping[int, str], rate_limited: int, retry_after: float,
) -> None:
    """The Chinese vendors answer HTTP 200 with a numeric code: 0 is delivered, the rest is an error.

    ``permanent`` maps configuration-error codes to an explanation; ``rate_limited`` is the
    vendor's rate-limit code (temporary, with ``retry_after``); any other code is temporary.
    """
    if code == 0:
        return
    detail = f"(code {code}) {text or ''}".rstrip()
    if code == rate_limited:
        raise TransportError(f"{kind}: rate limited {detail}", retry_after=retry_after)
    if isinstance(code, int) and code in permanent:
        raise TransportError(f"{kind}: {permanent[code]} {detail}", permanent=True)
    raise TransportError(f"{kind}: {detail}")


def hmac_sha256_b64(key: str, message: str) -> str:
    """base64(HMAC-SHA256(key, message)), the signature shape Feishu and DingTalk use."""
    digest = hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def truncate_utf8(text: str, limit: int, marker: str = "…") -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes (vendors count bytes), ending in ``marker``."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    room = limit - len(marker.encode("utf-8"))
    return raw[: max(room, 0)].decode("utf-8", errors="ignore") + marker


def mention_text(mention: Mention, ident: str | None) -> str:
    """``@ident`` when the vendor has an id for the person, else a readable ``@name``."""
    return f"@{ident}" if ident else f"@{mention.name}"


def with_keyword(message: Message, keyword: str | None) -> Message:
    """The message with a group robot's 自定义关键词 in its subject and body when it lacks it.

    A robot with keyword security refuses every message that does not contain one of its
    keywords (Feishu 19024, DingTalk 310000); luodi puts the channel's keyword in front.
    """
    if not keyword:
        return message
    tag = f"【{keyword}】"

    def ensure(text: str | None) -> str | None:
        return text if text is None or keyword in text else f"{tag}{text}"

    return replace(message, subject=ensure(message.subject) or "", text=ensure(message.text) or "",
                   markdown=ensure(message.markdown))
