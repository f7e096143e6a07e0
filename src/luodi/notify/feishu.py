"""Feishu / Lark custom bot (自定义机器人): an interactive card with a lark_md body.

Signing (when the bot's "签名校验" is on): key = ``f"{timestamp}\\n{secret}"``, HMAC-SHA256 over an
empty message, base64; ``timestamp`` (seconds, within one hour of Feishu's clock) and ``sign``
go in the JSON body. Answers are HTTP 200 with ``code`` (0 = delivered). See docs/channels.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, SecretStr

from luodi.notify.base import (
    JSON_HEADERS,
    Message,
    Transport,
    hmac_sha256_b64,
    json_body,
    json_bytes,
    post,
    raise_for_code,
    raise_for_status,
    truncate_utf8,
    with_keyword,
)

# Configuration problems: retrying cannot help, the channel needs a person.
PERMANENT_CODES = {
    9499: "bad request",
    19001: "invalid webhook token",
    19021: "signature mismatch or timestamp skew (check the secret and the server clock)",
    19022: "IP not allowed",
    19024: "keyword not found (the bot's keyword security setting)",
}
RATE_LIMITED = 11232  # 100/min, 5/s per bot; also returned under load at :00 and :30
RATE_LIMIT_RETRY_AFTER = 30.0  # Feishu gives no hint; half a minute moves off the busy mark
MARKDOWN_BUDGET = 16 * 1024  # Feishu refuses bodies over 20 KB; room for the card frame and escaping


class FeishuConfig(BaseModel):
    """A Feishu or Lark custom bot: its webhook URL and, if signing is on, its secret."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl = Field(description="https://open.feishu.cn/open-apis/bot/v2/hook/… (or open.larksuite.com)")
    secret: SecretStr | None = Field(None, description="The bot's 签名校验 secret; empty when signing is off")
    keyword: str | None = Field(None, description="The robot's 自定义关键词 (keyword security); put into every message")


def sign(timestamp: int, secret: str) -> str:
    """Feishu's signature: HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message."""
    return hmac_sha256_b64(f"{timestamp}\n{secret}", "")


def card_markdown(message: Message) -> str:
    """The body with mentions: ``<at id=open_id></at>``, else ``<at email=…></at>``, else @name."""
    tags = []
    for person in message.mentions:
        if person.feishu_open_id:
            tags.append(f"<at id={person.feishu_open_id}></at>")
        elif person.email:
            tags.append(f"<at email={person.email}></at>")
        else:
            tags.append(f"@{person.name}")
    body = truncate_utf8(message.im_body, MARKDOWN_BUDGET)
    return body + ("\n" + " ".join(tags) if tags else "")


def card_payload(message: Message) -> dict[str, Any]:
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": message.subject}, "template": "blue"},
            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": card_markdown(message)}}],
        },
    }


class Feishu(Transport[FeishuConfig]):
    kind: ClassVar[str] = "feishu"
    config_type: ClassVar[type[BaseModel]] = FeishuConfig

    def send(self, message: Message) -> None:
        message = with_keyword(message, self.config.keyword)
        payload = card_payload(message)
        if self.config.secret is not None:
            timestamp, secret = int(self.clock()), self.config.secret.get_secret_value()
            payload.update(timestamp=str(timestamp), sign=sign(timestamp, secret))
        body = json_bytes(payload)
        response = post(self.http, str(self.config.url), kind=self.kind, content=body, headers=JSON_HEADERS)
        raise_for_status(response, kind=self.kind, now=self.clock())
        check_answer(json_body(response, kind=self.kind))


def check_answer(answer: Mapping[str, Any]) -> None:
    """Raise for a non-zero ``code`` (the legacy v1 answer says ``StatusCode``)."""
    code = answer.get("code", answer.get("StatusCode"))
    text = answer.get("msg") or answer.get("StatusMessage")
    raise_for_code(
        "feishu", code, text,
        permanent=PERMANENT_CODES, rate_limited=RATE_LIMITED, retry_after=RATE_LIMIT_RETRY_AFTER,
    )
