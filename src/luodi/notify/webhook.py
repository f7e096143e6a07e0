"""Generic webhook: a JSON POST any system can receive, signed per Standard Webhooks when the
channel has a secret.

Body: ``{"id", "subject", "text", "markdown", "mentions", "language"}`` (UTF-8, compact JSON).
Headers (https://www.standardwebhooks.com): ``webhook-id`` (the body's ``id``, stable per outbox
row), ``webhook-timestamp`` (unix seconds at the send) and, with a secret, ``webhook-signature:
v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>``. The timestamp is inside the signed
bytes, so a captured request cannot be replayed with a fresh timestamp (receivers refuse one
older than 5 minutes, and remember the ids they have seen). The key is the secret's base64 part
when it is a ``whsec_…`` secret, else the secret's UTF-8 bytes. Any 2xx is success. See
docs/channels.md for a receiver's verification.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, SecretStr
from standardwebhooks import Webhook as StandardWebhook

from luodi.notify.base import Message, Transport, post, raise_for_status

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
SECRET_PREFIX = "whsec_"


class WebhookConfig(BaseModel):
    """Any HTTP endpoint that accepts a JSON POST."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl = Field(description="The receiver's URL")
    secret: SecretStr | None = Field(None, description="Signs webhook-signature (Standard Webhooks); empty for none")


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


def signer(secret: str) -> StandardWebhook:
    """The Standard Webhooks signer of ``secret``: ``whsec_<base64>`` as the spec says, any other
    string as its UTF-8 bytes (what a receiver passes: ``Webhook(secret.encode())``)."""
    return StandardWebhook(secret if secret.startswith(SECRET_PREFIX) else secret.encode("utf-8"))


def signed_headers(secret: str | None, *, message_id: str, timestamp: float, raw: bytes) -> dict[str, str]:
    """``webhook-id``, ``webhook-timestamp`` and (with a secret) ``webhook-signature`` for ``raw``."""
    seconds = int(timestamp)
    headers = {ID_HEADER: message_id, TIMESTAMP_HEADER: str(seconds)}
    if secret:
        headers[SIGNATURE_HEADER] = signer(secret).sign(message_id, datetime.fromtimestamp(seconds, UTC),
                                                        raw.decode("utf-8"))
    return headers


class Webhook(Transport[WebhookConfig]):
    kind: ClassVar[str] = "webhook"
    config_type: ClassVar[type[BaseModel]] = WebhookConfig

    def send(self, message: Message) -> None:
        raw = body(message)
        secret = self.config.secret.get_secret_value() if self.config.secret is not None else None
        headers = {"Content-Type": "application/json; charset=utf-8",
                   **signed_headers(secret, message_id=message.message_id, timestamp=self.clock(), raw=raw)}
        response = post(self.http, str(self.config.url), kind=self.kind, content=raw, headers=headers)
        raise_for_status(response, kind=self.kind, now=self.clock())
