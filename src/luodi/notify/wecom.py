"""WeCom (企业微信) group robot (群机器人). No signing: the ``key`` in the URL is the credential.

Mentions: ``mentioned_list``/``mentioned_mobile_list`` exist only on ``text`` messages; a
``markdown`` message can @ a member only with ``<@userid>`` inside its content. So: when every
mentioned person has a WeCom userid (or nobody is mentioned) we send markdown with ``<@userid>``;
when someone is known only by mobile we send ``text`` with ``mentioned_mobile_list``, because a
mention that does not notify is worse than plainer formatting. See docs/channels.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from luodi.notify.base import (
    JSON_HEADERS,
    Message,
    Transport,
    json_body,
    json_bytes,
    post,
    raise_for_code,
    raise_for_status,
    truncate_utf8,
    with_keyword,
)

PERMANENT_CODES = {
    93000: "invalid webhook URL (key)",
    40008: "invalid message type",
    40058: "invalid request parameter",
    44004: "empty content",
}
RATE_LIMITED = 45009  # "api freq out of limit": more than 20 messages a minute
RATE_LIMIT_RETRY_AFTER = 60.0
MARKDOWN_LIMIT = 4096  # bytes, UTF-8
TEXT_LIMIT = 2048  # bytes, UTF-8


class WeComConfig(BaseModel):
    """A WeCom group robot: its webhook URL, key included."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl = Field(description="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…")
    keyword: str | None = Field(None, description="The robot's 自定义关键词 (keyword security); put into every message")


def payload(message: Message) -> dict[str, Any]:
    """Markdown with ``<@userid>`` when that reaches everyone mentioned, else text with lists."""
    people = message.mentions
    if all(m.wecom_user_id for m in people):
        tags = " ".join(f"<@{m.wecom_user_id}>" for m in people)
        suffix = "\n" + tags if tags else ""
        room = MARKDOWN_LIMIT - len(suffix.encode("utf-8"))
        return {"msgtype": "markdown", "markdown": {"content": truncate_utf8(message.im_body, room) + suffix}}
    content: dict[str, Any] = {"content": truncate_utf8(f"{message.subject}\n{message.text}", TEXT_LIMIT)}
    user_ids = [m.wecom_user_id for m in people if m.wecom_user_id]
    mobiles = [m.mobile for m in people if m.mobile and not m.wecom_user_id]
    if user_ids:
        content["mentioned_list"] = user_ids
    if mobiles:
        content["mentioned_mobile_list"] = mobiles
    return {"msgtype": "text", "text": content}


class WeCom(Transport[WeComConfig]):
    kind: ClassVar[str] = "wecom"
    config_type: ClassVar[type[BaseModel]] = WeComConfig

    def send(self, message: Message) -> None:
        message = with_keyword(message, self.config.keyword)
        body = json_bytes(payload(message))
        response = post(self.http, str(self.config.url), kind=self.kind, content=body, headers=JSON_HEADERS)
        raise_for_status(response, kind=self.kind, now=self.clock())
        check_answer(json_body(response, kind=self.kind))


def check_answer(answer: Mapping[str, Any]) -> None:
    text = str(answer.get("errmsg") or "").split(", hint:")[0]  # drop the hint and our IP
    raise_for_code(
        "wecom", answer.get("errcode"), text,
        permanent=PERMANENT_CODES, rate_limited=RATE_LIMITED, retry_after=RATE_LIMIT_RETRY_AFTER,
    )
