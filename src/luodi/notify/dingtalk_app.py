"""DingTalk enterprise internal app (企业内部应用): a 工作通知 ActionCard to one person.

Token: ``GET /gettoken?appkey=…&appsecret=…`` answers ``access_token`` and ``expires_in``
(7200 s; the same token while it is valid). Send: ``POST
/topapi/message/corpconversation/asyncsend_v2?access_token=…`` with ``{"agent_id",
"userid_list", "msg": {"msgtype": "action_card", …}}``. ActionCard buttons are links, so every
button opens the owner's signed link (确认收到 opens it with the confirmation chosen). Answers are
HTTP 200 with ``errcode`` (0 = accepted). With the card callback set up (a card template and its
apiSecret), an owner's copy is an interactive card instead (``dingtalk_card.py``), whose 确认收到
acts in place. See docs/channels.md for the console steps.
"""

from __future__ import annotations

from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from luodi.notify import dingtalk_card
from luodi.notify.appbase import AppTransport, TokenRefused, answer_code
from luodi.notify.base import (
    JSON_HEADERS,
    Message,
    TransportError,
    json_body,
    json_bytes,
    post,
    raise_for_status,
)
from luodi.render.cards import dingtalk_action_card

TOKEN_CODES = frozenset({40014, 42001})  # invalid / expired access_token
RATE_LIMITED = frozenset({-1, 143103, 143104, 90018})  # busy, per-app and per-company QPM limits
PERMANENT = {
    40001: "invalid AppSecret",
    40089: "invalid AppKey",
    33012: "invalid userid (the person's DingTalk id)",
    40035: "invalid parameter",
    60011: "the app lacks the permission to send 工作通知",
    60020: "this server's IP is not in the app's whitelist",
}
MARKDOWN_LIMIT = 5000  # characters, DingTalk's ActionCard markdown limit


class DingTalkAppConfig(BaseModel):
    """A DingTalk internal app (LUODI_DINGTALK_APP_*)."""

    model_config = ConfigDict(extra="forbid")

    app_key: str = Field(description="The app's AppKey (Client ID)")
    app_secret: SecretStr = Field(description="The app's AppSecret (Client Secret)")
    agent_id: int = Field(description="The app's AgentId")
    base_url: str = Field("https://oapi.dingtalk.com", description="DingTalk's server API address")
    api_base_url: str = Field("https://api.dingtalk.com", description="DingTalk's new server API (cards)")
    card_template_id: str | None = Field(
        None, description="A published card template: owners' cards call back (the card callback is set up)")
    route_key: str = Field("luodi", description="The callbackRouteKey registered for luodi's card callback")


def check(kind: str, response: httpx.Response, now: float) -> dict[str, Any]:
    raise_for_status(response, kind=kind, now=now)
    data = dict(json_body(response, kind=kind))
    code = answer_code(data, "errcode")
    if code == 0:
        return data
    text = str(data.get("errmsg") or "")
    if code in TOKEN_CODES:
        raise TokenRefused(f"code {code}")
    if code in RATE_LIMITED:
        raise TransportError(f"{kind}: rate limited (code {code}) {text}".rstrip(), retry_after=60.0)
    if isinstance(code, int) and code in PERMANENT:
        raise TransportError(f"{kind}: {PERMANENT[code]} (code {code})", permanent=True)
    raise TransportError(f"{kind}: (code {code}) {text}".rstrip())


class DingTalkApp(AppTransport[DingTalkAppConfig]):
    kind: ClassVar[str] = "dingtalk_app"
    vendor: ClassVar[str] = "DingTalk"
    config_type: ClassVar[type[BaseModel]] = DingTalkAppConfig

    def token_key(self) -> tuple[str, ...]:
        return ("dingtalk", self.config.base_url, self.config.app_key)

    def send(self, message: Message) -> None:
        """A callback card (an owner's copy with the card callback set up) or the update of one
        goes through the card API; everything else is a 工作通知."""
        template = self.config.card_template_id
        if not (message.card_update or (template and dingtalk_card.interactive(message))):
            super().send(message)
            return
        if not message.recipient:
            raise TransportError(f"{self.kind}: the person has no {self.vendor} id", permanent=True)
        cards = dingtalk_card.CardApi(self.http, base_url=self.config.api_base_url, app_key=self.config.app_key,
                                      app_secret=self.config.app_secret, template_id=template or "",
                                      route_key=self.config.route_key, clock=self.clock)
        call = cards.update if message.card_update else cards.deliver
        self.with_token(cards.token_key(), cards.fetch_token, lambda token: call(token, message))

    def fetch_token(self) -> tuple[str, float]:
        url = f"{self.config.base_url.rstrip('/')}/gettoken"
        params = {"appkey": self.config.app_key, "appsecret": self.config.app_secret.get_secret_value()}
        try:
            response = self.http.get(url, params=params)
        except httpx.HTTPError as exc:
            raise TransportError(f"{self.kind}: {type(exc).__name__} fetching a token") from exc
        try:
            data = check(self.kind, response, self.clock())
        except TokenRefused as exc:
            raise TransportError(f"{self.kind}: credentials refused ({exc})", permanent=True) from exc
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise TransportError(f"{self.kind}: no access_token in the answer")
        return token, float(data.get("expires_in") or 7200)

    def deliver(self, token: str, message: Message) -> None:
        url = f"{self.config.base_url.rstrip('/')}/topapi/message/corpconversation/asyncsend_v2"
        markdown = message.im_body[:MARKDOWN_LIMIT]
        body = {"agent_id": self.config.agent_id, "userid_list": message.recipient,
                "msg": dingtalk_action_card(message.subject[:64], markdown, list(message.buttons))}
        response = post(self.http, url, kind=self.kind, params={"access_token": token}, content=json_bytes(body),
                        headers=JSON_HEADERS)
        check(self.kind, response, self.clock())
