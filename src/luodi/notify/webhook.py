"""Generic webhook: a JSON POST any system can receive, signed when the channel has a secret.

Body: ``{"id", "subject", "text", "markdown", "mentions", "language"}`` (UTF-8, compact JSON).
Headers: ``X-Luodi-Timestamp: <unix seconds>`` and, with a secret,
``X-Luodi-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>``. Any 2xx is success. See
docs/channels.md for a receiver's verification snippet.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, SecretStr

from luodi.notify.base import Message, Transport, post, raise_for_status

SIGNATURE_HEADER = "X-Luodi-Signature"
TIMESTAMP_HEADER = "X-Luodi-Timestamp"


class WebhookConfig(BaseModel):
    """Any HTTP endpoint that accepts a JSON POST."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl = Field(description="The receiver's URL")
    secret: SecretStr | None = Field(None, description="Shared secret for X-Luodi-Signature; empty for none")


def body(message: Message) -> bytes:
    document: dict[str, Any] = {
        "id": message.message_id,
        "subject": message.subject,
        "text": message.text,
        "markdown": message.markdown,
        "mentions": [dataclasses.asdict(m) for m in message.mentions],
        "language": message.language,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, raw: bytes) -> str:
    """The X-Luodi-Signature value for ``raw`` (what a receiver recomputes and compares)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()


class Webhook(Transport[WebhookConfig]):
    kind: ClassVar[str] = "webhook"
    config_type: ClassVar[type[BaseModel]] = WebhookConfig

    def send(self, message: Message) -> None:
        raw = body(message)
        headers = {"Content-Type": "application/json; charset=utf-8"}
        headers[TIMESTAMP_HEADER] = str(int(self.clock()))
        if self.config.secret is not None:
            headers[SIGNATURE_HEADER] = signature(self.config.secret.get_secret_value(), raw)
        response = post(self.http, str(self.config.url), kind=self.kind, content=raw, headers=headers)
        raise_for_status(response, kind=self.kind, now=self.clock())
