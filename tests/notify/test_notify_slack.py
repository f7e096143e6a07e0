"""The Slack kind against a local incoming-webhook stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from luodi.notify.base import Mention, Message, TransportError
from luodi.notify.slack import Slack, SlackConfig, to_mrkdwn
from support.fakebots import SlackBot

SUBJECT = "[Reminder] Refine the event plan — due tomorrow"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5) as client:
        yield client


def make_message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "message_id": "<outbox-10@luodi>",
        "subject": SUBJECT,
        "text": "Refine the event plan is due on Oct 20.",
        "markdown": "**Refine the event plan** is due on Oct 20 — [open](http://testserver/i/3?a=1&b=2)",
        "mentions": (Mention("Xiao Li", slack_user_id="U024BE7LH"), Mention("小陈")),
        "language": "en",
    }
    fields.update(overrides)
    return Message(**fields)


def slack(http: httpx.Client, url: str) -> Slack:
    return Slack(SlackConfig.model_validate({"url": url}), http=http)


def test_message_has_fallback_text_a_mrkdwn_section_and_user_mentions(http: httpx.Client) -> None:
    with SlackBot() as bot:
        slack(http, bot.url).send(make_message())

    body = bot.accepted[0].json
    assert body["text"].startswith(f"{SUBJECT}\nRefine the event plan is due")
    [section] = body["blocks"]
    assert section["type"] == "section" and section["text"]["type"] == "mrkdwn"
    text = section["text"]["text"]
    assert text.startswith(f"*{SUBJECT}*\n*Refine the event plan* is due")
    assert "<http://testserver/i/3?a=1&amp;b=2|open>" in text
    assert text.endswith("<@U024BE7LH> @小陈") and body["text"].endswith("<@U024BE7LH> @小陈")


def test_markdown_is_turned_into_slack_mrkdwn() -> None:
    assert to_mrkdwn("# Due today\n**A & B** <x> see [doc](https://d/x)") == (
        "*Due today*\n*A &amp; B* &lt;x&gt; see <https://d/x|doc>"
    )


def test_invalid_token_is_403_and_permanent(http: httpx.Client) -> None:
    with SlackBot(token="good") as bot, pytest.raises(TransportError) as caught:
        slack(http, bot.url.replace("good", "revoked")).send(make_message())
    assert caught.value.permanent and "HTTP 403 invalid_token" in caught.value.message


def test_removed_webhook_is_404_no_service_and_permanent(http: httpx.Client) -> None:
    with SlackBot(disabled=True) as bot, pytest.raises(TransportError) as caught:
        slack(http, bot.url).send(make_message())
    assert caught.value.permanent and "HTTP 404 no_service" in caught.value.message


def test_429_is_temporary_and_carries_retry_after(http: httpx.Client) -> None:
    with SlackBot(retry_after=17) as bot:
        bot.fail_next(1, "rate_limit")
        with pytest.raises(TransportError) as caught:
            slack(http, bot.url).send(make_message())
    assert not caught.value.permanent and caught.value.retry_after == 17.0
    assert "rate_limited" in caught.value.message


def test_500_is_temporary(http: httpx.Client) -> None:
    with SlackBot() as bot:
        bot.fail_next(1, "server_error")
        with pytest.raises(TransportError) as caught:
            slack(http, bot.url).send(make_message())
    assert not caught.value.permanent and "rollup_error" in caught.value.message


def test_long_text_is_cut_to_slacks_section_limit(http: httpx.Client) -> None:
    with SlackBot() as bot:
        slack(http, bot.url).send(make_message(markdown="word " * 2000))
    section = bot.accepted[0].json["blocks"][0]["text"]["text"]
    assert len(section) <= 3000 and section.endswith("<@U024BE7LH> @小陈")
