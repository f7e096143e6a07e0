"""The DingTalk kind against a local custom-robot stand-in that verifies 加签 signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from luodi.notify.base import Mention, Message, TransportError
from luodi.notify.dingtalk import DingTalk, DingTalkConfig
from support.fakebots import DingTalkBot

NOW = 1_790_000_100.25
SECRET = "SEC0d5f8b7e4c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819abcd"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5) as client:
        yield client


def make_message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "message_id": "<outbox-8@luodi>",
        "subject": "【提醒】细化活动方案 明天到期",
        "text": "细化活动方案 明天到期",
        "markdown": "### 细化活动方案\n- 截止：10月20日\n- 负责人：小王",
        "mentions": (Mention("小王", mobile="13800000003"),),
    }
    fields.update(overrides)
    return Message(**fields)


def dingtalk(http: httpx.Client, url: str, secret: str | None = SECRET, clock: float = NOW) -> DingTalk:
    config = DingTalkConfig.model_validate({"url": url, "secret": secret})
    return DingTalk(config, http=http, clock=lambda: clock)


def test_signed_markdown_with_mobile_mention_is_accepted(http: httpx.Client) -> None:
    with DingTalkBot(secret=SECRET, clock=lambda: NOW) as bot:
        dingtalk(http, bot.url).send(make_message())

    [delivered] = bot.accepted
    assert delivered.query["access_token"] == bot.token
    timestamp = delivered.query["timestamp"]
    assert timestamp == str(int(NOW * 1000))
    # The documented recipe, computed here once more: base64(HmacSHA256(secret, "ts\nsecret")), URL-encoded.
    digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    assert parse_qs(delivered.raw_query)["sign"] == [base64.b64encode(digest).decode()]
    raw_sign = delivered.raw_query.split("sign=")[1].split("&")[0]
    assert "+" not in raw_sign and "/" not in raw_sign and "=" not in raw_sign  # percent-encoded
    body = delivered.json
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "【提醒】细化活动方案 明天到期"
    assert body["markdown"]["text"].startswith("### 细化活动方案\n- 截止：10月20日\n- 负责人：小王")
    assert body["markdown"]["text"].endswith("@13800000003")  # DingTalk needs the @mobile in the text too
    assert body["at"] == {"atMobiles": ["13800000003"], "atUserIds": [], "isAtAll": False}


def test_mention_by_user_id_when_no_mobile_is_known(http: httpx.Client) -> None:
    people = (Mention("小李", dingtalk_user_id="manager4082"), Mention("小陈"))
    with DingTalkBot(secret=SECRET, clock=lambda: NOW) as bot:
        dingtalk(http, bot.url).send(make_message(mentions=people))
    body = bot.accepted[0].json
    assert body["at"]["atUserIds"] == ["manager4082"] and body["at"]["atMobiles"] == []
    assert "@manager4082" in body["markdown"]["text"] and "@小陈" in body["markdown"]["text"]


def test_unsigned_robot_keeps_only_the_access_token(http: httpx.Client) -> None:
    with DingTalkBot() as bot:
        dingtalk(http, bot.url, secret=None).send(make_message())
    assert set(bot.accepted[0].query) == {"access_token"}


def test_wrong_secret_is_sign_not_match_and_permanent(http: httpx.Client) -> None:
    with DingTalkBot(secret=SECRET, clock=lambda: NOW) as bot, pytest.raises(TransportError) as caught:
        dingtalk(http, bot.url, secret="SECwrong").send(make_message())
    assert caught.value.permanent
    assert "310000" in caught.value.message and "sign not match" in caught.value.message
    assert bot.accepted == []


def test_timestamp_more_than_an_hour_off_is_invalid_and_permanent(http: httpx.Client) -> None:
    with DingTalkBot(secret=SECRET, clock=lambda: NOW) as bot, pytest.raises(TransportError) as caught:
        dingtalk(http, bot.url, clock=NOW + 3700).send(make_message())
    assert caught.value.permanent and "invalid timestamp" in caught.value.message


def test_unknown_access_token_is_permanent(http: httpx.Client) -> None:
    with DingTalkBot(token="good") as bot, pytest.raises(TransportError) as caught:
        dingtalk(http, bot.url.replace("good", "bad"), secret=None).send(make_message())
    assert caught.value.permanent and "300001" in caught.value.message


def test_send_too_fast_is_temporary_with_dingtalks_ten_minute_ban(http: httpx.Client) -> None:
    with DingTalkBot(secret=SECRET, clock=lambda: NOW) as bot:
        bot.fail_next(1, "rate_limit")
        with pytest.raises(TransportError) as caught:
            dingtalk(http, bot.url).send(make_message())
    assert not caught.value.permanent and "130101" in caught.value.message
    assert caught.value.retry_after == 600.0


def test_twenty_first_message_in_a_minute_is_refused_then_the_robot_stays_banned(http: httpx.Client) -> None:
    clock = [NOW]
    with DingTalkBot(clock=lambda: clock[0]) as bot:
        robot = DingTalk(DingTalkConfig.model_validate({"url": bot.url}), http=http, clock=lambda: clock[0])
        for _ in range(20):
            robot.send(make_message())
            clock[0] += 1
        with pytest.raises(TransportError):
            robot.send(make_message())
        clock[0] += 120  # the minute has passed, but the ban lasts ten
        with pytest.raises(TransportError):
            robot.send(make_message())
    assert len(bot.accepted) == 20


def test_server_error_is_temporary(http: httpx.Client) -> None:
    with DingTalkBot() as bot:
        bot.fail_next(1, "server_error")
        with pytest.raises(TransportError) as caught:
            dingtalk(http, bot.url, secret=None).send(make_message())
    assert not caught.value.permanent
