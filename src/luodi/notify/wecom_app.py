"""WeCom (企业微信) self-built app (自建应用): a template card to one person.

Token: ``GET /cgi-bin/gettoken?corpid=…&corpsecret=…`` answers ``access_token`` and
``expires_in`` (7200 s). Send: ``POST /cgi-bin/message/send?access_token=…`` with ``{"touser",
"msgtype": "template_card", "agentid", "template_card"}``. With a callback URL configured
(LUODI_WECOM_TOKEN and LUODI_WECOM_ENCODING_AES_KEY) the card is ``button_interaction`` and
确认收到 acts in place; without one WeCom refuses callback cards, so it is a ``text_notice``
with links. A person WeCom does not know comes back in ``invaliduser`` (or as 81013).
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from luodi.notify.appbase import AppTransport, TokenRefused, answer_code
from luodi.notify.base import (
    JSON_HEADERS,
    Message,
    TransportError,
    json_body,
    json_bytes,
    post,
    raise_for_status,
    truncate_utf8,
)
from luodi.render.cards import wecom_template_card

TOKEN_CODES = frozenset({40014, 42001})  # invalid / expired access_token
RATE_LIMITED = frozenset({-1, 45009, 45033})  # busy, API frequency, concurrent calls
PERMANENT = {
    40001: "invalid corpsecret",
    40013: "invalid corpid",
    40056: "invalid agentid",
    60020: "this server's IP is not among the app's trusted IPs",
    81013: "the person is unknown to WeCom or outside the app's visible range",
    301002: "the app may not send to this person",
}
DESCRIPTION_LIMIT = 1024  # bytes; the card shows a summary and links to the rest


class WeComAppConfig(BaseModel):
    """A WeCom self-built app (LUODI_WECOM_*)."""

    model_config = ConfigDict(extra="forbid")

    corp_id: str = Field(description="The company's CorpID")
    corp_secret: SecretStr = Field(description="The app's Secret")
    agent_id: int = Field(description="The app's AgentId")
    base_url: str = Field("https://qyapi.weixin.qq.com", description="WeCom's server API address")
    interactive: bool = Field(False, description="The app has a callback URL: cards with callback buttons")


def check(kind: str, response: httpx.Response, now: float) -> dict[str, Any]:
    raise_for_status(response, kind=kind, now=now)
    data = dict(json_body(response, kind=kind))
    code = answer_code(data, "errcode")
    if code == 0:
        return data
    text = str(data.get("errmsg") or "").split(", hint:")[0]
    if code in TOKEN_CODES:
        raise TokenRefused(f"code {code}")
    if code in RATE_LIMITED:
        raise TransportError(f"{kind}: rate limited (code {code}) {text}".rstrip(), retry_after=60.0)
    if isinstance(code, int) and code in PERMANENT:
        raise TransportError(f"{kind}: {PERMANENT[code]} (code {code})", permanent=True)
    raise TransportError(f"{kind}: (code {code}) {text}".rstrip())


def task_id(message_id: str) -> str:
    """WeCom's task_id: unique per app, [A-Za-z0-9_-@], at most 128 bytes."""
    return "luodi-" + hashlib.sha1(message_id.encode()).hexdigest()


class WeComApp(AppTransport[WeComAppConfig]):
    kind: ClassVar[str] = "wecom_app"
    vendor: ClassVar[str] = "WeCom"
    config_type: ClassVar[type[BaseModel]] = WeComAppConfig

    def token_key(self) -> tuple[str, ...]:
        return ("wecom", self.config.base_url, self.config.corp_id, str(self.config.agent_id))

    def fetch_token(self) -> tuple[str, float]:
        url = f"{self.config.base_url.rstrip('/')}/cgi-bin/gettoken"
        params = {"corpid": self.config.corp_id, "corpsecret": self.config.corp_secret.get_secret_value()}
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
        if message.card_update:
            self.update_card(token, message)
            return
        url = f"{self.config.base_url.rstrip('/')}/cgi-bin/message/send"
        card = wecom_template_card(message.subject, truncate_utf8(message.text, DESCRIPTION_LIMIT),
                                   list(message.buttons), task_id=task_id(message.message_id),
                                   interactive=self.config.interactive)
        body = {"touser": message.recipient, "msgtype": "template_card", "agentid": self.config.agent_id,
                "template_card": card, "enable_duplicate_check": 1, "duplicate_check_interval": 1800}
        response = post(self.http, url, kind=self.kind, params={"access_token": token}, content=json_bytes(body),
                        headers=JSON_HEADERS)
        data = check(self.kind, response, self.clock())
        invalid = {u.casefold() for u in str(data.get("invaliduser") or "").split("|") if u}
        if message.recipient and message.recipient.casefold() in invalid:
            raise TransportError(f"{self.kind}: {PERMANENT[81013]} (invaliduser)", permanent=True)

    def update_card(self, token: str, message: Message) -> None:
        """``POST /cgi-bin/message/update_template_card``: the pressed card's button greys out and
        reads ``replace_name`` (who confirmed). The ``response_code`` of the click is good once."""
        assert message.card_update is not None
        url = f"{self.config.base_url.rstrip('/')}/cgi-bin/message/update_template_card"
        body = {"userids": [message.recipient], "agentid": self.config.agent_id,
                "response_code": message.card_update.get("response_code"),
                "button": {"replace_name": message.card_update.get("replace_name", "")[:20]}}
        response = post(self.http, url, kind=self.kind, params={"access_token": token}, content=json_bytes(body),
                        headers=JSON_HEADERS)
        check(self.kind, response, self.clock())
