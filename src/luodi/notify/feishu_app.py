"""Feishu / Lark custom app (企业自建应用) bot: a direct interactive card to one person.

Token: ``POST /open-apis/auth/v3/tenant_access_token/internal`` with ``app_id``/``app_secret``
answers ``tenant_access_token`` and ``expire`` (seconds, at most two hours). Send:
``POST /open-apis/im/v1/messages?receive_id_type=open_id`` (or ``user_id``/``email``) with
``Authorization: Bearer <token>`` and ``{"receive_id", "msg_type": "interactive", "content":
"<card JSON as a string>", "uuid"}`` — ``uuid`` makes Feishu drop a duplicate of the same
message within an hour, so a resend after a crash is not shown twice. Permissions:
``im:message:send_as_bot`` (see docs/channels.md).
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from luodi.notify.appbase import AppTransport, TokenRefused, answer_code
from luodi.notify.base import (
    JSON_HEADERS,
    Message,
    TransportError,
    json_bytes,
    parse_retry_after,
    post,
    raise_for_status,
    truncate_utf8,
)
from luodi.render.cards import dumps, feishu_card

TOKEN_CODES = frozenset({99991661, 99991663, 99991665, 99991677})  # missing / invalid / expired token
RATE_LIMITED = frozenset({99991400, 11232})
PERMANENT = {
    10003: "invalid app_id or parameters",
    10014: "invalid app_secret",
    99991672: "the app lacks the permission im:message:send_as_bot",
    230001: "invalid receive_id (the person's Feishu id)",
    230006: "the app's bot ability is not enabled",
    230013: "the person is outside the app's availability range",
}
MARKDOWN_BUDGET = 16 * 1024


class FeishuAppConfig(BaseModel):
    """A Feishu or Lark custom app (LUODI_FEISHU_APP_*)."""

    model_config = ConfigDict(extra="forbid")

    app_id: str = Field(description="The app's App ID (cli_…)")
    app_secret: SecretStr = Field(description="The app's App Secret")
    base_url: str = Field("https://open.feishu.cn", description="https://open.larksuite.com for Lark")
    receive_id_type: Literal["open_id", "user_id", "email"] = Field(
        "open_id", description="What the people directory's Feishu id is")


def card_for(message: Message) -> dict[str, Any]:
    return feishu_card(message.subject, truncate_utf8(message.im_body, MARKDOWN_BUDGET), list(message.buttons))


def check(kind: str, response: Any, data: Any, now: float) -> None:
    """Raise for a Feishu error answer (HTTP status and ``code`` together)."""
    code = answer_code(data, "code")
    if code == 0:
        return
    text = data.get("msg", "") if isinstance(data, dict) else ""
    if code in TOKEN_CODES:
        raise TokenRefused(f"code {code}")
    if code in RATE_LIMITED or response.status_code == 429:
        reset = parse_retry_after(response.headers.get("x-ogw-ratelimit-reset"), now)
        raise TransportError(f"{kind}: rate limited (code {code})", retry_after=reset or 30.0)
    if isinstance(code, int) and code in PERMANENT:
        raise TransportError(f"{kind}: {PERMANENT[code]} (code {code}) {text}".rstrip(), permanent=True)
    if code is None:
        raise_for_status(response, kind=kind, now=now)
    raise TransportError(f"{kind}: (code {code}) {text}".rstrip(), permanent=response.status_code in (400, 403))


class FeishuApp(AppTransport[FeishuAppConfig]):
    kind: ClassVar[str] = "feishu_app"
    vendor: ClassVar[str] = "Feishu"
    config_type: ClassVar[type[BaseModel]] = FeishuAppConfig

    def token_key(self) -> tuple[str, ...]:
        return ("feishu", self.config.base_url, self.config.app_id)

    def fetch_token(self) -> tuple[str, float]:
        url = f"{self.config.base_url.rstrip('/')}/open-apis/auth/v3/tenant_access_token/internal"
        body = {"app_id": self.config.app_id, "app_secret": self.config.app_secret.get_secret_value()}
        response = post(self.http, url, kind=self.kind, content=json_bytes(body), headers=JSON_HEADERS)
        data = _json(response)
        try:
            check(self.kind, response, data, self.clock())
        except TokenRefused as exc:  # a token error while fetching one is a credentials problem
            raise TransportError(f"{self.kind}: credentials refused ({exc})", permanent=True) from exc
        token = data.get("tenant_access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise TransportError(f"{self.kind}: no tenant_access_token in the answer")
        return token, float(data.get("expire") or 7200)

    def deliver(self, token: str, message: Message) -> None:
        url = f"{self.config.base_url.rstrip('/')}/open-apis/im/v1/messages"
        body = {"receive_id": message.recipient, "msg_type": "interactive", "content": dumps(card_for(message)),
                "uuid": hashlib.sha1(message.message_id.encode()).hexdigest()[:40]}
        headers = JSON_HEADERS | {"Authorization": f"Bearer {token}"}
        response = post(self.http, url, kind=self.kind, params={"receive_id_type": self.config.receive_id_type},
                        content=json_bytes(body), headers=headers)
        check(self.kind, response, _json(response), self.clock())


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
