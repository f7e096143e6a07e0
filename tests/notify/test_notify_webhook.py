"""The generic webhook kind against a receiver that verifies X-Luodi-Signature."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

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


def webhook(http: httpx.Client, url: str, secret: str | None = SECRET) -> Webhook:
    return Webhook(WebhookConfig.model_validate({"url": url, "secret": secret}), http=http, clock=lambda: NOW)


def test_signed_json_body_is_accepted_and_carries_every_field(http: httpx.Client) -> None:
    with WebhookReceiver(secret=SECRET, clock=lambda: NOW) as receiver:
        webhook(http, receiver.url).send(make_message())

    [delivered] = receiver.accepted
    expected = hmac.new(SECRET.encode(), delivered.body, hashlib.sha256).hexdigest()
    assert delivered.headers["x-luodi-signature"] == f"sha256={expected}"
    assert delivered.headers["x-luodi-timestamp"] == str(int(NOW))
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
    assert "x-luodi-signature" not in receiver.accepted[0].headers


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
