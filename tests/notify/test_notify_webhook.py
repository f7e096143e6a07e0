"""The generic webhook kind against a receiver that verifies the Standard Webhooks signature."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from luodi.notify.base import Mention, Message, TransportError
from luodi.notify.webhook import Webhook, WebhookConfig
from support.fakebots import WebhookReceiver

NOW = 1_790_000_100.0
SECRET = "whsec-0123456789"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5) as client:
        yield client


def make_message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "message_id": "<outbox-11@luodi>",
        "subject": "【行动项】Q4服务活动方案跟进",
        "text": "细化活动方案：请于 10月20日 前确认",
        "markdown": "**细化活动方案**",
        "mentions": (Mention("小王", email="xiaowang@example.com", mobile="13800000003"),),
    }
    fields.update(overrides)
    return Message(**fields)


def webhook(http: httpx.Client, url: str, secret: str | None = SECRET, clock: Any = lambda: NOW) -> Webhook:
    return Webhook(WebhookConfig.model_validate({"url": url, "secret": secret}), http=http, clock=clock)


def test_signed_json_body_is_accepted_and_carries_every_field(http: httpx.Client) -> None:
    with WebhookReceiver(secret=SECRET, clock=lambda: NOW) as receiver:
        webhook(http, receiver.url).send(make_message())

    [delivered] = receiver.accepted
    signed = StandardWebhook(SECRET.encode()).sign("<outbox-11@luodi>", datetime.fromtimestamp(NOW, UTC),
                                                   delivered.body.decode())
    assert delivered.headers["webhook-signature"] == signed
    assert delivered.headers["webhook-id"] == "<outbox-11@luodi>"
    assert delivered.headers["webhook-timestamp"] == str(int(NOW))
    assert delivered.headers["content-type"].startswith("application/json")
    assert json.loads(delivered.body) == {
        "id": "<outbox-11@luodi>",
        "subject": "【行动项】Q4服务活动方案跟进",
        "text": "细化活动方案：请于 10月20日 前确认",
        "markdown": "**细化活动方案**",
        "mentions": [{"name": "小王", "email": "xiaowang@example.com", "mobile": "13800000003",
                      "feishu_open_id": None, "dingtalk_user_id": None, "wecom_user_id": None,
                      "slack_user_id": None}],
        "language": "zh",
    }
    assert "小王".encode() in delivered.body  # UTF-8, not \\u escapes


def test_without_a_secret_there_is_no_signature_header(http: httpx.Client) -> None:
    with WebhookReceiver(clock=lambda: NOW) as receiver:
        webhook(http, receiver.url, secret=None).send(make_message())
    assert "webhook-signature" not in receiver.accepted[0].headers
    assert receiver.accepted[0].headers["webhook-id"] == "<outbox-11@luodi>"


def _verify(secret: str | bytes, body: bytes, headers: dict[str, str]) -> Any:
    return StandardWebhook(secret).verify(body, {k.lower(): v for k, v in headers.items()})


def test_standardwebhooks_verify_accepts_a_send_signed_at_the_real_time(http: httpx.Client) -> None:
    with WebhookReceiver(secret=SECRET) as receiver:   # the real clock: Webhook.verify inside
        webhook(http, receiver.url, clock=time.time).send(make_message())
    [delivered] = receiver.accepted
    assert _verify(SECRET.encode(), delivered.body, delivered.headers)["id"] == "<outbox-11@luodi>"


def test_a_whsec_secret_is_used_as_standard_webhooks_defines(http: httpx.Client) -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    with WebhookReceiver(secret=secret) as receiver:
        webhook(http, receiver.url, secret=secret, clock=time.time).send(make_message())
    [delivered] = receiver.accepted
    assert _verify(secret, delivered.body, delivered.headers)["subject"] == "【行动项】Q4服务活动方案跟进"


def test_a_captured_request_cannot_be_replayed_with_a_fresh_timestamp(http: httpx.Client) -> None:
    """The timestamp is signed: an old capture is too old, and a fresh header breaks the signature."""
    sent_at = time.time() - 3600   # captured an hour ago
    with WebhookReceiver(secret=SECRET, clock=lambda: sent_at) as receiver:
        webhook(http, receiver.url, clock=lambda: sent_at).send(make_message())
    [captured] = receiver.accepted
    headers = dict(captured.headers)
    with pytest.raises(WebhookVerificationError, match="too old"):
        _verify(SECRET.encode(), captured.body, headers)
    headers["webhook-timestamp"] = str(int(time.time()))
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        _verify(SECRET.encode(), captured.body, headers)
    with WebhookReceiver(secret=SECRET) as replayed_to:   # and the receiver refuses the replay
        answer = http.post(replayed_to.url, content=captured.body, headers=headers)
    assert answer.status_code == 401 and replayed_to.accepted == []


def test_wrong_secret_is_refused_with_401_and_permanent(http: httpx.Client) -> None:
    receiver = WebhookReceiver(secret=SECRET, clock=lambda: NOW)
    with receiver, pytest.raises(TransportError) as caught:
        webhook(http, receiver.url, secret="other").send(make_message())
    assert caught.value.permanent and "HTTP 401" in caught.value.message


def test_429_is_temporary_with_retry_after(http: httpx.Client) -> None:
    with WebhookReceiver(clock=lambda: NOW, retry_after=7) as receiver:
        receiver.fail_next(1, "rate_limit")
        with pytest.raises(TransportError) as caught:
            webhook(http, receiver.url).send(make_message())
    assert not caught.value.permanent and caught.value.retry_after == 7.0


def test_503_is_temporary(http: httpx.Client) -> None:
    with WebhookReceiver(clock=lambda: NOW) as receiver:
        receiver.fail_next(1, "server_error")
        with pytest.raises(TransportError) as caught:
            webhook(http, receiver.url).send(make_message())
    assert not caught.value.permanent and "HTTP 503" in caught.value.message


def test_unknown_path_is_404_and_permanent(http: httpx.Client) -> None:
    with WebhookReceiver() as receiver, pytest.raises(TransportError) as caught:
        webhook(http, receiver.base_url + "/elsewhere").send(make_message())
    assert caught.value.permanent
