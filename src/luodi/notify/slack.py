"""Slack incoming webhook: ``{"text": fallback, "blocks": [section(mrkdwn)]}`` with ``<@U…>`` mentions.

No signing: the webhook URL is the credential. Slack answers ``ok`` (HTTP 200) or a short error
string with a meaningful status (400 invalid_payload, 403 invalid_token/action_prohibited,
404 no_service/channel_not_found, 410 channel_is_archived, 429 + Retry-After, 500 rollup_error),
so the shared status mapping is exactly right here. See docs/channels.md.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from luodi.notify.base import JSON_HEADERS, Message, Transport, json_bytes, post, raise_for_status

SECTION_LIMIT = 3000  # characters in one section block's text
TEXT_LIMIT = 4000  # characters in the top-level fallback text

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)


class SlackConfig(BaseModel):
    """A Slack incoming webhook."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl = Field(description="https://hooks.slack.com/services/T…/B…/…")


def escape(text: str) -> str:
    """Slack's three control characters; everything else is literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(markdown: str) -> str:
    """CommonMark-ish → Slack mrkdwn: **bold** → *bold*, [t](u) → <u|t>, # heading → *heading*."""
    text = escape(markdown)
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    text = _BOLD.sub(r"*\1*", text)
    return _HEADING.sub(r"*\1*", text)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def payload(message: Message) -> dict[str, Any]:
    tags = " ".join(f"<@{m.slack_user_id}>" if m.slack_user_id else f"@{escape(m.name)}"
                    for m in message.mentions)
    body = to_mrkdwn(message.markdown) if message.markdown is not None else escape(message.text)
    suffix = "\n" + tags if tags else ""
    section = clip(f"*{escape(message.subject)}*\n{body}", SECTION_LIMIT - len(suffix)) + suffix
    fallback = clip(f"{escape(message.subject)}\n{escape(message.text)}", TEXT_LIMIT - len(suffix)) + suffix
    return {"text": fallback, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": section}}]}


class Slack(Transport[SlackConfig]):
    kind: ClassVar[str] = "slack"
    config_type: ClassVar[type[BaseModel]] = SlackConfig

    def send(self, message: Message) -> None:
        body = json_bytes(payload(message))
        response = post(self.http, str(self.config.url), kind=self.kind, content=body, headers=JSON_HEADERS)
        raise_for_status(response, kind=self.kind, now=self.clock())
