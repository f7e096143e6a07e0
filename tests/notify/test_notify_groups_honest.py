"""Group robots kept honest: keyword security, a disabled robot or a dissolved group flags the
channel instead of being retried, and bodies are UTF-8 JSON serialised by luodi."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from luodi.notify.base import Message, TransportError
from luodi.notify.dingtalk import DingTalk, DingTalkConfig
from support.fakebots import DingTalkBot

LONG = "细化活动方案，负责人小王，截止10月20日。" * 400


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5) as client:
        yield client


def ding(http: httpx.Client, bot: DingTalkBot, keyword: str | None = None) -> DingTalk:
    return DingTalk(DingTalkConfig.model_validate({"url": bot.url, "keyword": keyword}), http=http)


def test_keyword_is_put_into_every_message(http: httpx.Client) -> None:
    message = Message(message_id="<m1@luodi>", subject="提醒", text="明天到期", markdown="**明天到期**")
    with DingTalkBot(keywords=("落地",)) as bot:
        with pytest.raises(TransportError):  # without the keyword DingTalk refuses (310000) ...
            ding(http, bot).send(message)
        ding(http, bot, keyword="落地").send(message)  # ... with it, the message goes out
        assert len(bot.accepted) == 1 and "【落地】" in bot.accepted[0].json["markdown"]["text"]


@pytest.mark.parametrize(("state", "code"), [("disabled", "400102"), ("dissolved", "400013")])
def test_disabled_robot_or_dissolved_group_is_permanent(http: httpx.Client, state: str, code: str) -> None:
    with DingTalkBot(state=state) as bot, pytest.raises(TransportError) as caught:
        ding(http, bot).send(Message(message_id="<m2@luodi>", subject="s", text="t"))
    assert caught.value.permanent and code in caught.value.message


def test_body_is_utf8_json_not_escaped(http: httpx.Client) -> None:
    with DingTalkBot() as bot:
        ding(http, bot).send(Message(message_id="<m3@luodi>", subject="长消息", text=LONG, markdown=LONG))
        raw = bot.accepted[0].body
    assert b"\\u" not in raw and "细化活动方案".encode() in raw
    assert len(raw) < 20 * 1024  # \\u-escaped, the same card would be three times as long
