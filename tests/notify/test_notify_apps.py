"""The IM app bots (direct messages) against local platforms that behave as the vendors document:
token endpoint with lifetimes, send endpoint checking token, shape and recipient, rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from luodi.i18n import use_language
from luodi.notify.apptoken import TokenCache
from luodi.notify.base import Message, TransportError
from luodi.notify.registry import build_transport
from luodi.render.cards import confirmation_buttons
from support.fakeapps import DingTalkPlatform, FeishuPlatform, WeComPlatform

LINK = "http://luodi.test/c/TOKEN123"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5) as client:
        yield client


def message(recipient: str | None, **overrides: Any) -> Message:
    with use_language("zh"):  # the services build the buttons in the recipient's language
        buttons = tuple(confirmation_buttons(LINK, "TOKEN123"))
    fields: dict[str, Any] = {
        "message_id": "<outbox-7.abc@luodi>", "subject": "【行动项】Q4服务活动方案跟进",
        "text": "细化活动方案：请于 10月20日 前确认",
        "markdown": "**细化活动方案**\n截止：10月20日" + "，请确认" * 2000,
        "recipient": recipient, "buttons": buttons,
    }
    fields.update(overrides)
    return Message(**fields)


def feishu_transport(platform: FeishuPlatform, http: httpx.Client, tokens: TokenCache, secret: str = "s3cret"
                     ) -> Any:
    config = {"app_id": "cli_1", "app_secret": secret, "base_url": platform.base_url}
    return build_transport("feishu_app", config, http=http, tokens=tokens)


def test_feishu_direct_card_with_buttons_token_cached_and_refreshed_once(http: httpx.Client) -> None:
    with FeishuPlatform(app_id="cli_1", app_secret="s3cret", users={"ou_wang"}) as feishu:
        tokens = TokenCache()
        transport = feishu_transport(feishu, http, tokens)
        transport.send(message("ou_wang"))
        transport.send(message("ou_wang"))
        assert feishu.token_fetches == 1  # cached, not fetched per message
        feishu.expire_tokens()
        transport.send(message("ou_wang"))
        assert feishu.token_fetches == 2  # refused as expired: fetched once more, then delivered
        assert len(feishu.sent) == 3
        card = feishu.sent[0]["card"]
        actions = next(e for e in card["elements"] if e["tag"] == "action")["actions"]
        assert [a["text"]["content"] for a in actions] == ["确认收到", "有问题", "申请改期", "查看"]
        assert actions[0]["value"] == {"luodi": "confirm", "t": "TOKEN123"}  # acts in place
        assert actions[1]["url"].startswith(LINK) and actions[3]["url"] == LINK
        assert feishu.sent[0]["uuid"]  # Feishu drops a duplicate send of the same message
        # The body is UTF-8 JSON, not \\u-escaped: a long Chinese card stays within Feishu's limit.
        assert "确认" in feishu.requests[-1].body.decode("utf-8")
        assert feishu.sent[0]["raw_size"] < 20 * 1024


def test_feishu_bad_secret_is_permanent_and_never_echoed(http: httpx.Client) -> None:
    with FeishuPlatform(app_id="cli_1", app_secret="s3cret", users={"ou_wang"}) as feishu:
        with pytest.raises(TransportError) as caught:
            feishu_transport(feishu, http, TokenCache(), secret="wrong-secret").send(message("ou_wang"))
        assert caught.value.permanent and "wrong-secret" not in caught.value.message
        assert "10014" in caught.value.message


def test_feishu_unknown_person_permanent_and_rate_limit_temporary(http: httpx.Client) -> None:
    with FeishuPlatform(app_id="cli_1", app_secret="s3cret", users={"ou_wang"}) as feishu:
        transport = feishu_transport(feishu, http, TokenCache())
        with pytest.raises(TransportError) as unknown:
            transport.send(message("ou_stranger"))
        assert unknown.value.permanent and "230013" in unknown.value.message
        feishu.limit = (1, 60.0)
        transport.send(message("ou_wang"))
        with pytest.raises(TransportError) as limited:
            transport.send(message("ou_wang"))
        assert not limited.value.permanent and limited.value.retry_after


def test_no_recipient_id_is_permanent(http: httpx.Client) -> None:
    with FeishuPlatform(app_id="cli_1", app_secret="s3cret", users={"ou_wang"}) as feishu:
        with pytest.raises(TransportError) as caught:
            feishu_transport(feishu, http, TokenCache()).send(message(None))
        assert caught.value.permanent and feishu.requests == []


def test_dingtalk_work_notice_action_card_with_link_buttons(http: httpx.Client) -> None:
    with DingTalkPlatform(app_key="dingkey", app_secret="dsecret", agent_id=42, users={"wang01"}) as ding:
        tokens = TokenCache()
        config = {"app_key": "dingkey", "app_secret": "dsecret", "agent_id": 42, "base_url": ding.base_url}
        transport = build_transport("dingtalk_app", config, http=http, tokens=tokens)
        transport.send(message("wang01"))
        ding.expire_tokens()
        transport.send(message("wang01"))
        assert ding.token_fetches == 2 and len(ding.sent) == 2
        card = ding.sent[0]["msg"]["action_card"]
        assert [b["title"] for b in card["btn_json_list"]] == ["确认收到", "有问题", "申请改期", "查看"]
        assert all(b["action_url"].startswith(LINK) for b in card["btn_json_list"])
        assert len(card["markdown"]) <= 5000
        with pytest.raises(TransportError) as unknown:
            transport.send(message("nobody"))
        assert unknown.value.permanent and "33012" in unknown.value.message


def test_dingtalk_interactive_card_through_the_card_api_token_refreshed_once_errors_mapped(
        http: httpx.Client) -> None:
    """With a card template (the card callback set up) an owner's copy is an interactive card:
    createAndDeliver with the new API's token, refreshed once when refused; an unknown person is
    permanent; a card_update message updates the delivered card; a wrong secret is permanent and
    never echoed."""
    with DingTalkPlatform(app_key="dingkey", app_secret="dsecret", agent_id=42, card_template_id="tpl.schema",
                          users={"wang01"}) as ding:
        config = {"app_key": "dingkey", "app_secret": "dsecret", "agent_id": 42, "base_url": ding.base_url,
                  "api_base_url": ding.base_url, "card_template_id": "tpl.schema"}
        transport = build_transport("dingtalk_app", config, http=http, tokens=TokenCache())
        transport.send(message("wang01"))
        card = ding.cards["luodi-outbox-7-abc"]  # the outTrackId names the outbox row
        params = card["cardData"]["cardParamMap"]
        assert card["openSpaceId"] == "dtv1.card//IM_ROBOT.wang01" and card["callbackType"] == "HTTP"
        assert params["confirm_label"] == "确认收到" and params["view_url"] == LINK and len(params["markdown"]) <= 1000
        assert not any(e.get("userid_list") for e in ding.sent)  # no 工作通知 besides
        fetches = ding.token_fetches
        ding.expire_tokens()
        transport.send(message("wang01", message_id="<outbox-8.def@luodi>"))
        assert ding.token_fetches == fetches + 1 and set(ding.cards) == {"luodi-outbox-7-abc", "luodi-outbox-8-def"}
        with pytest.raises(TransportError) as unknown:
            transport.send(message("nobody", message_id="<outbox-9.fed@luodi>"))
        assert unknown.value.permanent and "param.userIdNotExist" in unknown.value.message
        transport.send(Message(message_id="<outbox-10.aaa@luodi>", subject="已确认", text="", recipient="wang01",
                               card_update={"out_track_id": "luodi-outbox-7-abc", "status": "confirmed",
                                            "confirmed_text": "小王 已于 09-26 16:12 确认收到"}))
        assert ding.cards["luodi-outbox-7-abc"]["cardData"]["cardParamMap"]["status"] == "confirmed"
        assert ding.card_updates[0]["cardUpdateOptions"] == {"updateCardDataByKey": True}
        wrong = build_transport("dingtalk_app", config | {"app_secret": "not-it"}, http=http, tokens=TokenCache())
        with pytest.raises(TransportError) as refused:
            wrong.send(message("wang01", message_id="<outbox-11.bbb@luodi>"))
        assert refused.value.permanent and "not-it" not in refused.value.message


def test_wecom_template_card_interactive_and_invalid_user(http: httpx.Client) -> None:
    with WeComPlatform(corp_id="ww1", corp_secret="wsecret", agent_id=1000002, users={"WangXiao"}) as wecom:
        config = {"corp_id": "ww1", "corp_secret": "wsecret", "agent_id": 1000002, "base_url": wecom.base_url,
                  "interactive": True}
        transport = build_transport("wecom_app", config, http=http, tokens=TokenCache())
        transport.send(message("WangXiao"))
        card = wecom.sent[0]["template_card"]
        assert card["card_type"] == "button_interaction"
        assert card["button_list"][0] == {"text": "确认收到", "style": 1, "key": "confirm:TOKEN123"}
        assert card["task_id"].startswith("luodi-")
        wecom.expire_tokens()
        transport.send(message("WangXiao"))
        assert wecom.token_fetches == 2
        with pytest.raises(TransportError) as unknown:
            transport.send(message("Stranger"))
        assert unknown.value.permanent
        plain = build_transport("wecom_app", config | {"interactive": False}, http=http, tokens=TokenCache())
        plain.send(message("WangXiao"))
        assert wecom.sent[-1]["template_card"]["card_type"] == "text_notice"  # no callback URL: links only


def test_dingtalk_and_wecom_apps_rate_limit_codes_are_temporary(http: httpx.Client) -> None:
    """Over the app's send limit each platform answers its own code (DingTalk 143103, the per-app
    QPM; WeCom 45009, API frequency): temporary with a wait, never permanent, nothing dropped."""
    with DingTalkPlatform(app_key="dingkey", app_secret="dsecret", agent_id=42, users={"wang01"}) as ding, \
            WeComPlatform(corp_id="ww1", corp_secret="wsecret", agent_id=1000002, users={"WangXiao"}) as wecom:
        apps = [(build_transport("dingtalk_app", {"app_key": "dingkey", "app_secret": "dsecret", "agent_id": 42,
                                                  "base_url": ding.base_url}, http=http, tokens=TokenCache()),
                 ding, "wang01", "143103"),
                (build_transport("wecom_app", {"corp_id": "ww1", "corp_secret": "wsecret", "agent_id": 1000002,
                                               "base_url": wecom.base_url}, http=http, tokens=TokenCache()),
                 wecom, "WangXiao", "45009")]
        for transport, platform, person, code in apps:
            platform.limit = (1, 60.0)
            transport.send(message(person))
            with pytest.raises(TransportError) as limited:
                transport.send(message(person))
            assert not limited.value.permanent and limited.value.retry_after and code in limited.value.message
            assert len(platform.sent) == 1
