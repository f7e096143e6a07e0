"""The WeCom kind against a local group-robot stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from luodi.notify.base import Mention, Message, TransportError
from luodi.notify.wecom import WeCom, WeComConfig
from support.fakebots import WeComBot


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5) as client:
        yield client


def make_message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "message_id": "<outbox-9@luodi>",
        "subject": "【逾期】细化活动方案",
        "text": "细化活动方案 已逾期 1 天",
        "markdown": "**细化活动方案** 已逾期 <font color=\"warning\">1 天</font>",
        "mentions": (Mention("小王", mobile="13800000003", wecom_user_id="XiaoWang"),),
    }
    fields.update(overrides)
    return Message(**fields)


def wecom(http: httpx.Client, url: str) -> WeCom:
    return WeCom(WeComConfig.model_validate({"url": url}), http=http)


def test_markdown_with_userid_mentions_when_everyone_has_a_userid(http: httpx.Client) -> None:
    people = (Mention("小王", wecom_user_id="XiaoWang"),
              Mention("小李", mobile="13800000004", wecom_user_id="XiaoLi"))
    with WeComBot() as bot:
        wecom(http, bot.url).send(make_message(mentions=people))

    body = bot.accepted[0].json
    assert bot.accepted[0].query == {"key": bot.token}
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith("**细化活动方案** 已逾期 <font color=\"warning\">1 天</font>")
    assert content.endswith("<@XiaoWang> <@XiaoLi>")
    assert "mentioned_mobile_list" not in body["markdown"]  # markdown ignores it; never rely on it


def test_text_with_mobile_list_when_someone_is_known_only_by_mobile(http: httpx.Client) -> None:
    people = (Mention("小王", wecom_user_id="XiaoWang"), Mention("小陈", mobile="13800000005"))
    with WeComBot() as bot:
        wecom(http, bot.url).send(make_message(mentions=people))

    body = bot.accepted[0].json
    assert body["msgtype"] == "text"
    assert body["text"]["content"] == "【逾期】细化活动方案\n细化活动方案 已逾期 1 天"
    assert body["text"]["mentioned_list"] == ["XiaoWang"]
    assert body["text"]["mentioned_mobile_list"] == ["13800000005"]


def test_no_mentions_sends_plain_markdown(http: httpx.Client) -> None:
    with WeComBot() as bot:
        wecom(http, bot.url).send(make_message(mentions=()))
    assert bot.accepted[0].json == {"msgtype": "markdown", "markdown": {"content": make_message().markdown}}


def test_long_markdown_is_cut_to_4096_bytes_and_keeps_the_mentions(http: httpx.Client) -> None:
    with WeComBot() as bot:
        wecom(http, bot.url).send(make_message(markdown="逾期事项说明。" * 1000))
    content = bot.accepted[0].json["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096 and content.endswith("<@XiaoWang>")


def test_invalid_key_is_93000_and_permanent_without_echoing_the_hint(http: httpx.Client) -> None:
    with WeComBot(token="right-key") as bot, pytest.raises(TransportError) as caught:
        wecom(http, bot.url.replace("right-key", "wrong-key")).send(make_message())
    assert caught.value.permanent and "93000" in caught.value.message
    assert "invalid webhook url" in caught.value.message and "from ip" not in caught.value.message
    assert "wrong-key" not in caught.value.message


def test_freq_out_of_limit_is_temporary(http: httpx.Client) -> None:
    with WeComBot() as bot:
        bot.fail_next(1, "rate_limit")
        with pytest.raises(TransportError) as caught:
            wecom(http, bot.url).send(make_message())
    assert not caught.value.permanent and "45009" in caught.value.message
    assert caught.value.retry_after == 60.0


def test_empty_content_is_permanent(http: httpx.Client) -> None:
    with WeComBot() as bot, pytest.raises(TransportError) as caught:
        wecom(http, bot.url).send(make_message(markdown="", mentions=()))
    assert caught.value.permanent and "44004" in caught.value.message


def test_twenty_first_message_in_a_minute_is_refused(http: httpx.Client) -> None:
    with WeComBot() as bot:
        for _ in range(20):
            wecom(http, bot.url).send(make_message())
        with pytest.raises(TransportError) as caught:
            wecom(http, bot.url).send(make_message())
    assert "45009" in caught.value.message and len(bot.accepted) == 20
