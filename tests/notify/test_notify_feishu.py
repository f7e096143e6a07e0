"""The Feishu kind against a local Feishu custom-bot stand-in that verifies signatures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from luodi.notify.base import Mention, Message, TransportError
from luodi.notify.feishu import Feishu, FeishuConfig, check_answer
from support.fakebots import FeishuBot
from support.smtpd import free_port

NOW = 1_790_000_100.0  # not near a :00/:30 mark
SECRET = "feishu-secret-123"
OPEN_ID = "ou_7d8a6e6df7621556ce0d21922b676706"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5) as client:
        yield client


def make_message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "message_id": "<outbox-7@luodi>",
        "subject": "【行动项】Q4服务活动方案跟进",
        "text": "细化活动方案：请于 10月20日 前确认",
        "markdown": "**细化活动方案**\n负责人：小王　截止：10月20日",
        "mentions": (Mention("小王", email="xiaowang@example.com", feishu_open_id=OPEN_ID),),
    }
    fields.update(overrides)
    return Message(**fields)


def feishu(http: httpx.Client, url: str, secret: str | None = SECRET, clock: float = NOW) -> Feishu:
    config = FeishuConfig.model_validate({"url": url, "secret": secret})
    return Feishu(config, http=http, clock=lambda: clock)


def test_signed_card_is_accepted_with_markdown_and_open_id_mention(http: httpx.Client) -> None:
    with FeishuBot(secret=SECRET, clock=lambda: NOW) as bot:
        feishu(http, bot.url).send(make_message())

    [delivered] = bot.accepted
    body = delivered.json
    assert body["timestamp"] == str(int(NOW)) and body["sign"]  # verified by the bot
    assert body["msg_type"] == "interactive"
    assert body["card"]["header"]["title"]["content"] == "【行动项】Q4服务活动方案跟进"
    [element] = body["card"]["elements"]
    assert element["tag"] == "div" and element["text"]["tag"] == "lark_md"
    content = element["text"]["content"]
    assert content.startswith("**细化活动方案**\n负责人：小王　截止：10月20日")
    assert f"<at id={OPEN_ID}></at>" in content


def test_mention_falls_back_to_email_then_to_a_plain_name(http: httpx.Client) -> None:
    people = (Mention("小王", email="xiaowang@example.com"), Mention("小李"))
    with FeishuBot(secret=SECRET, clock=lambda: NOW) as bot:
        feishu(http, bot.url).send(make_message(mentions=people))
    content = bot.accepted[0].json["card"]["elements"][0]["text"]["content"]
    assert "<at email=xiaowang@example.com></at>" in content and "@小李" in content


def test_unsigned_bot_gets_no_signature_fields(http: httpx.Client) -> None:
    with FeishuBot() as bot:
        feishu(http, bot.url, secret=None, clock=NOW).send(make_message(markdown=None))
    body = bot.accepted[0].json
    assert "sign" not in body and "timestamp" not in body
    assert body["card"]["elements"][0]["text"]["content"].startswith("细化活动方案：请于 10月20日 前确认")


def test_wrong_secret_is_feishus_sign_error_and_permanent(http: httpx.Client) -> None:
    with FeishuBot(secret=SECRET, clock=lambda: NOW) as bot, pytest.raises(TransportError) as caught:
        feishu(http, bot.url, secret="not-the-secret").send(make_message())
    assert caught.value.permanent and "19021" in caught.value.message
    assert bot.accepted == []


def test_clock_more_than_an_hour_off_is_rejected_like_a_bad_signature(http: httpx.Client) -> None:
    with FeishuBot(secret=SECRET, clock=lambda: NOW) as bot, pytest.raises(TransportError) as caught:
        feishu(http, bot.url, clock=NOW - 3601).send(make_message())
    assert caught.value.permanent and "19021" in caught.value.message


def test_unknown_webhook_token_is_permanent_and_never_shown_in_the_error(http: httpx.Client) -> None:
    with FeishuBot(token="right-token") as bot, pytest.raises(TransportError) as caught:
        feishu(http, bot.url.replace("right-token", "wrong-token-zzz"), secret=None).send(make_message())
    assert caught.value.permanent and "19001" in caught.value.message
    assert "wrong-token-zzz" not in caught.value.message


def test_rate_limit_answer_is_temporary_with_a_retry_hint(http: httpx.Client) -> None:
    with FeishuBot(secret=SECRET, clock=lambda: NOW) as bot:
        bot.fail_next(1, "rate_limit")
        with pytest.raises(TransportError) as caught:
            feishu(http, bot.url).send(make_message())
        feishu(http, bot.url).send(make_message())  # the next one goes through
    assert not caught.value.permanent and "11232" in caught.value.message
    assert caught.value.retry_after == 30.0
    assert len(bot.requests) == 2 and len(bot.accepted) == 1


def test_sixth_message_in_one_second_is_refused_by_the_bot(http: httpx.Client) -> None:
    with FeishuBot(clock=lambda: NOW) as bot:
        for _ in range(5):
            feishu(http, bot.url, secret=None).send(make_message())
        with pytest.raises(TransportError) as caught:
            feishu(http, bot.url, secret=None).send(make_message())
    assert "11232" in caught.value.message and not caught.value.permanent


def test_gateway_error_is_temporary(http: httpx.Client) -> None:
    with FeishuBot() as bot:
        bot.fail_next(1, "server_error")
        with pytest.raises(TransportError) as caught:
            feishu(http, bot.url, secret=None).send(make_message())
    assert not caught.value.permanent and "HTTP 502" in caught.value.message


def test_connection_refused_is_temporary(http: httpx.Client) -> None:
    url = f"http://127.0.0.1:{free_port()}/open-apis/bot/v2/hook/x"
    with pytest.raises(TransportError) as caught:
        feishu(http, url).send(make_message())
    assert not caught.value.permanent and "ConnectError" in caught.value.message


def test_oversized_markdown_is_cut_to_fit_feishus_20_kb_limit(http: httpx.Client) -> None:
    with FeishuBot() as bot:
        feishu(http, bot.url, secret=None).send(make_message(markdown="很长的内容。" * 5000))
    assert len(bot.accepted[0].body) < 20 * 1024


@pytest.mark.parametrize(
    "answer",
    [{"code": 0, "msg": "success", "data": {}}, {"Extra": None, "StatusCode": 0, "StatusMessage": "success"}],
)
def test_current_and_legacy_success_answers_are_success(answer: dict[str, Any]) -> None:
    check_answer(answer)


def test_unknown_error_code_is_temporary() -> None:
    with pytest.raises(TransportError) as caught:
        check_answer({"code": 99999, "msg": "something new"})
    assert not caught.value.permanent and "99999" in caught.value.message
