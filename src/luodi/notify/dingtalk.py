"""DingTalk custom robot (自定义机器人): a markdown message with ``at.atMobiles``.

Signing (加签): ``sign = urlEncode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")))``
with ``timestamp`` in milliseconds (within one hour of DingTalk's clock), both appended to the
webhook URL as query parameters. DingTalk only notifies a mentioned person when the markdown
text itself contains ``@<mobile>`` (or ``@<userid>``) as well as the ``at`` list. See
docs/channels.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, SecretStr

from luodi.notify.base import (
    JSON_HEADERS,
    Message,
    Transport,
    hmac_sha256_b64,
    json_body,
    json_bytes,
    mention_text,
    post,
    raise_for_code,
    raise_for_status,
    truncate_utf8,
    with_keyword,
)

# The robot or its group is gone or misconfigured: retrying cannot help, the channel is flagged
# for a person (400013/400101/400102/400106 from DingTalk's 自定义机器人 error list).
PERMANENT_CODES = {
    300001: "invalid access_token",
    310000: "security check failed (signature, timestamp, keyword or IP whitelist)",
    400013: "the group has been dissolved",
    400101: "access_token does not exist (the robot was removed)",
    400102: "the robot has been disabled",
    400105: "unsupported message type",
    400106: "the robot does not exist",
}
RATE_LIMITED = 130101  # more than 20 messages in a minute
RATE_LIMITED_CODES = (130101, 410100)  # 410100: "发送速度太快而限流"
RATE_LIMIT_RETRY_AFTER = 600.0  # DingTalk: over 20/min, the robot is throttled for 10 minutes
MARKDOWN_BUDGET = 18 * 1024


class DingTalkConfig(BaseModel):
    """A DingTalk custom robot: its webhook URL (with access_token) and its 加签 secret."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl = Field(description="https://oapi.dingtalk.com/robot/send?access_token=…")
    secret: SecretStr | None = Field(None, description="The robot's 加签 secret (SEC…); empty when off")
    keyword: str | None = Field(None, description="The robot's 自定义关键词 (keyword security); put into every message")


def sign(timestamp_ms: int, secret: str) -> str:
    """DingTalk's signature before URL encoding (the HTTP client percent-encodes the query)."""
    return hmac_sha256_b64(secret, f"{timestamp_ms}\n{secret}")


def payload(message: Message) -> dict[str, Any]:
    mobiles = [m.mobile for m in message.mentions if m.mobile]
    user_ids = [m.dingtalk_user_id for m in message.mentions if m.dingtalk_user_id and not m.mobile]
    tags = [mention_text(m, m.mobile or m.dingtalk_user_id) for m in message.mentions]
    text = truncate_utf8(message.im_body, MARKDOWN_BUDGET)
    if tags:
        text += "\n\n" + " ".join(tags)
    return {
        "msgtype": "markdown",
        "markdown": {"title": message.subject, "text": text},
        "at": {"atMobiles": mobiles, "atUserIds": user_ids, "isAtAll": False},
    }


class DingTalk(Transport[DingTalkConfig]):
    kind: ClassVar[str] = "dingtalk"
    config_type: ClassVar[type[BaseModel]] = DingTalkConfig

    def send(self, message: Message) -> None:
        message = with_keyword(message, self.config.keyword)
        url = httpx.URL(str(self.config.url))
        if self.config.secret is not None:
            timestamp_ms, secret = int(self.clock() * 1000), self.config.secret.get_secret_value()
            # Merged into the URL: httpx's params= would replace the access_token query instead.
            url = url.copy_merge_params({"timestamp": str(timestamp_ms), "sign": sign(timestamp_ms, secret)})
        body = json_bytes(payload(message))
        response = post(self.http, url, kind=self.kind, content=body, headers=JSON_HEADERS)
        raise_for_status(response, kind=self.kind, now=self.clock())
        check_answer(json_body(response, kind=self.kind))


def check_answer(answer: Mapping[str, Any]) -> None:
    code = answer.get("errcode")
    raise_for_code(
        "dingtalk", RATE_LIMITED if code in RATE_LIMITED_CODES else code, answer.get("errmsg"),
        permanent=PERMANENT_CODES, rate_limited=RATE_LIMITED, retry_after=RATE_LIMIT_RETRY_AFTER,
    )
