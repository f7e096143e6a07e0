"""Buttons that act in place (issue 10, part 3): 确认收到 pressed on the direct card in Feishu,
DingTalk or WeCom reaches luodi's callback URL signed (and encrypted) as the vendor does it, confirms the
owner's items through the same service as the web link, and updates the card to show who
confirmed. A forged, stale or replayed callback, or someone else pressing the owner's card,
changes nothing."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy import func, select

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.models import CallbackReceipt, Item, ItemResponse, OutboxMessage, Person
from luodi.services.send import lists
from luodi.worker.senders import Senders
from support.directs import app_settings, drain, set_im_ids
from support.fakeapps import DingTalkPlatform, FeishuPlatform, WeComPlatform, wecom_encrypt, wecom_signature
from support.q4 import load_q4, local, open_session
from support.server import running_server
from support.smtpd import SMTPSink

SEND_AT = local(2026, 9, 26, 16, 10)
FEISHU = {"小王": "ou_wang", "张经理": "ou_zhang", "小林": "ou_lin", "小李": "ou_li"}
WECOM = {"小王": "WangXiao", "张经理": "ZhangJingli", "小林": "LinXiao", "小李": "LiXiao"}
AES_KEY = base64.b64encode(os.urandom(32)).decode()[:43]


@dataclass(frozen=True)
class Seen:
    id: int
    confirmed_at: datetime | None


def _wang_items(session) -> list[Seen]:  # type: ignore[no-untyped-def]
    session.expire_all()
    wang = session.scalar(select(Person).where(Person.name == "小王"))
    items = [Seen(i.id, i.confirmed_at) for i in session.scalars(select(Item).where(Item.owner_id == wang.id))]
    session.rollback()  # SQLite: end the read, so the server can write
    return items


def _responses(session) -> int:  # type: ignore[no-untyped-def]
    count = session.scalar(select(func.count()).select_from(ItemResponse)) or 0
    session.rollback()
    return count


def test_feishu_confirm_in_place_signed_encrypted_and_replays_refused(db_url: str) -> None:
    load_q4(db_url)
    clock = FrozenClock(SEND_AT)

    def stamp() -> float:
        return clock.now().timestamp()

    with FeishuPlatform(app_id="cli_q4", app_secret="app-secret", users=set(FEISHU.values()), clock=stamp) as feishu, \
            SMTPSink() as sink, open_session(db_url) as session:
        settings = app_settings(db_url, sink=sink, feishu=feishu, feishu_verification_token="vtoken",
                                feishu_encrypt_key="ekey-123")
        set_im_ids(session, "feishu_open_id", FEISHU)
        session.commit()
        lists.send(session, 1, resend=False, now=SEND_AT, options=lists.SendOptions.from_settings(settings))
        session.commit()
        senders = Senders(settings, clock=clock)
        drain(session, senders, clock)
        senders.close()
        session.rollback()
        card = next(s["card"] for s in feishu.sent if s["receive_id"] == "ou_wang")
        confirm = next(e for e in card["elements"] if e["tag"] == "action")["actions"][0]
        assert confirm["text"]["content"] == "确认收到" and "url" not in confirm  # acts in place
        value = confirm["value"]
        assert value["luodi"] == "confirm" and value["t"]

        with running_server(settings, clock=clock) as base, httpx.Client(base_url=base) as web:
            # The console's URL check: the encrypted challenge is answered.
            headers, body = feishu.url_verification(verification_token="vtoken", encrypt_key="ekey-123")
            answer = web.post("/callbacks/feishu", content=body, headers=headers)
            assert answer.status_code == 200 and answer.json()["challenge"].startswith("ch-")

            # Forged: signed with another key; stale: a signature of ten minutes ago; not the owner.
            forged = feishu.card_callback(open_id="ou_wang", value=value, verification_token="vtoken",
                                          encrypt_key="not-the-key")
            stale = feishu.card_callback(open_id="ou_wang", value=value, verification_token="vtoken",
                                         encrypt_key="ekey-123", timestamp=int(stamp()) - 600)
            other = feishu.card_callback(open_id="ou_li", value=value, verification_token="vtoken",
                                         encrypt_key="ekey-123")
            assert web.post("/callbacks/feishu", content=forged[1], headers=forged[0]).status_code == 401
            assert web.post("/callbacks/feishu", content=stale[1], headers=stale[0]).status_code == 401
            assert web.post("/callbacks/feishu", content=other[1], headers=other[0]).status_code == 403
            assert all(i.confirmed_at is None for i in _wang_items(session)) and _responses(session) == 0

            # 小王 presses 确认收到: confirmed, and the card in the answer says so.
            clock.advance(minutes=2)
            headers, body = feishu.card_callback(open_id="ou_wang", value=value, verification_token="vtoken",
                                                 encrypt_key="ekey-123")
            answer = web.post("/callbacks/feishu", content=body, headers=headers)
            assert answer.status_code == 200, answer.text
            new_card = answer.json()["card"]["data"]
            assert new_card["header"]["template"] == "green"
            assert "小王" in new_card["elements"][0]["text"]["content"] and "16:12" in str(new_card)
            items = _wang_items(session)
            assert items and all(i.confirmed_at == clock.now() for i in items)
            vias = set(session.scalars(select(ItemResponse.via)))
            session.rollback()
            assert vias == {"feishu"} and _responses(session) == len(items)

            # The same callback again (a replay): acknowledged, nothing changes.
            clock.advance(seconds=30)
            replay = web.post("/callbacks/feishu", content=body, headers=headers)
            assert replay.status_code == 200 and replay.json() == {}
            assert _responses(session) == len(items)
            assert session.scalar(select(func.count()).select_from(CallbackReceipt)) == 1
            session.rollback()


def test_feishu_without_encrypt_key_checks_the_verification_token(db_url: str) -> None:
    load_q4(db_url)
    clock = FrozenClock(SEND_AT)
    with FeishuPlatform(app_id="cli_q4", app_secret="s", users=set(), clock=lambda: clock.now().timestamp()) as feishu:
        settings = Settings(database_url=db_url, secret_key="k" * 24, feishu_app_id="cli_q4",
                            feishu_app_secret="s", feishu_verification_token="vtoken")
        with running_server(settings, clock=clock) as base, httpx.Client(base_url=base) as web:
            headers, body = feishu.url_verification(verification_token="vtoken")
            assert web.post("/callbacks/feishu", content=body, headers=headers).json()["challenge"]
            headers, body = feishu.url_verification(verification_token="guess")
            assert web.post("/callbacks/feishu", content=body, headers=headers).status_code == 401
            headers, body = feishu.card_callback(open_id="ou_wang", value={"luodi": "confirm", "t": "x"},
                                                 verification_token="guess")
            assert web.post("/callbacks/feishu", content=body, headers=headers).status_code == 401
        unset = Settings(database_url=db_url, secret_key="k" * 24)
        with running_server(unset, clock=clock) as base:
            assert httpx.post(f"{base}/callbacks/feishu", content=b"{}").status_code == 404  # not set up


def test_wecom_confirm_in_place_updates_the_card_and_replays_change_nothing(db_url: str) -> None:
    load_q4(db_url)
    clock = FrozenClock(SEND_AT)

    def stamp() -> float:
        return clock.now().timestamp()

    with WeComPlatform(corp_id="ww_q4", corp_secret="wsecret", agent_id=1000002, users=set(WECOM.values()),
                       clock=stamp) as wecom, SMTPSink() as sink, open_session(db_url) as session:
        settings = app_settings(db_url, sink=sink, wecom=wecom, wecom_token="cbtoken", wecom_encoding_aes_key=AES_KEY)
        set_im_ids(session, "wecom_user_id", WECOM)
        session.commit()
        lists.send(session, 1, resend=False, now=SEND_AT, options=lists.SendOptions.from_settings(settings))
        session.commit()
        senders = Senders(settings, clock=clock)
        drain(session, senders, clock)
        session.rollback()
        sent = next(s for s in wecom.sent if s["touser"] == "WangXiao")
        card = sent["template_card"]
        assert card["card_type"] == "button_interaction"
        key = next(b["key"] for b in card["button_list"] if b["text"] == "确认收到")
        assert key.startswith("confirm:")

        with running_server(settings, clock=clock) as base, httpx.Client(base_url=base) as web:
            # The console's URL check: echostr decrypted and echoed.
            stamp_s, nonce = str(int(stamp())), "n0nce"
            echo = wecom_encrypt("echo-4711", AES_KEY, "ww_q4")
            check = web.get("/callbacks/wecom", params={
                "msg_signature": wecom_signature("cbtoken", stamp_s, nonce, echo), "timestamp": stamp_s,
                "nonce": nonce, "echostr": echo})
            assert check.status_code == 200 and check.text == "echo-4711"

            task = card["task_id"]
            query, body = wecom.card_callback(userid="WangXiao", event_key=key, task_id=task, token="wrong",
                                              encoding_aes_key=AES_KEY)
            assert web.post("/callbacks/wecom", params=query, content=body).status_code == 401  # forged
            query, body = wecom.card_callback(userid="WangXiao", event_key=key, task_id=task, token="cbtoken",
                                              encoding_aes_key=AES_KEY, timestamp=int(stamp()) - 3600)
            assert web.post("/callbacks/wecom", params=query, content=body).status_code == 401  # stale
            assert all(i.confirmed_at is None for i in _wang_items(session))

            query, body = wecom.card_callback(userid="WangXiao", event_key=key, task_id=task, token="cbtoken",
                                              encoding_aes_key=AES_KEY)
            answer = web.post("/callbacks/wecom", params=query, content=body)
            assert answer.status_code == 200 and answer.text == ""
            items = _wang_items(session)
            assert items and all(i.confirmed_at is not None for i in items)
            assert set(session.scalars(select(ItemResponse.via))) == {"wecom"}
            session.rollback()
            responses = _responses(session)

            clock.advance(seconds=20)
            assert web.post("/callbacks/wecom", params=query, content=body).status_code == 200  # replayed
            assert _responses(session) == responses
            updates = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "card_update")).all()
            assert len(updates) == 1 and updates[0].channel == "wecom_app"
            session.rollback()

        # The worker updates the card through WeCom's API: the button now says who confirmed.
        drain(session, senders, clock)
        senders.close()
        assert len(wecom.updates) == 1
        update = wecom.updates[0]
        assert update["userids"] == ["WangXiao"] and update["agentid"] == 1000002
        assert "小王" in update["button"]["replace_name"]


DINGTALK = {"小王": "wangxiao", "张经理": "zhangjl", "小林": "linxiao", "小李": "lixiao"}


def test_dingtalk_card_confirms_in_place_updates_the_card_and_refuses_forged_stale_replayed(db_url: str) -> None:
    """DingTalk: each owner's copy is an interactive card (卡片平台 template, HTTP callback route);
    a click signed as DingTalk signs it (the timestamp only) confirms through the same service and
    the worker updates the card; a forged signature, a stale timestamp, someone else's click and a
    replay of the same callback change nothing."""
    load_q4(db_url)
    clock = FrozenClock(SEND_AT)

    def stamp() -> float:
        return clock.now().timestamp()

    with DingTalkPlatform(app_key="ding_q4", app_secret="dsecret", agent_id=4242, card_template_id="tpl-1.schema",
                          users=set(DINGTALK.values()), clock=stamp) as ding, \
            SMTPSink() as sink, open_session(db_url) as session:
        settings = app_settings(db_url, sink=sink, dingtalk=ding, dingtalk_card_template_id="tpl-1.schema",
                                dingtalk_card_callback_secret="cb-secret")
        set_im_ids(session, "dingtalk_user_id", DINGTALK)
        session.commit()
        owners = {DINGTALK[p.name] for p in session.scalars(select(Person).join(Item, Item.owner_id == Person.id))
                  if p.name in DINGTALK}
        session.rollback()
        lists.send(session, 1, resend=False, now=SEND_AT, options=lists.SendOptions.from_settings(settings))
        session.commit()
        senders = Senders(settings, clock=clock)
        drain(session, senders, clock)
        session.rollback()

        # One direct card per owner, with the buttons; attendees who own nothing get a 工作通知.
        by_user = {c["openSpaceId"].removeprefix("dtv1.card//IM_ROBOT."): c for c in ding.cards.values()}
        assert set(by_user) == owners and "wangxiao" in owners
        notices = {s["userid_list"] for s in ding.sent if "userid_list" in s}
        assert notices == {"linxiao"}  # 小林 attends and owns nothing (张经理 does not attend)
        card = by_user["wangxiao"]
        params = card["cardData"]["cardParamMap"]
        assert card["callbackType"] == "HTTP" and card["callbackRouteKey"] == "luodi"
        assert (params["confirm_label"], params["question_label"], params["reschedule_label"], params["view_label"]) \
            == ("确认收到", "有问题", "申请改期", "查看")
        assert params["status"] == "pending" and params["question_url"].startswith("http://luodi.test/c/")
        assert "【行动项】" in params["title"] and "/c/" not in card["outTrackId"]  # it names the row, not a token
        track = card["outTrackId"]
        confirm = {"luodi": "confirm"}  # the template's 回传请求 parameters

        with running_server(settings, clock=clock) as base, httpx.Client(base_url=base) as web:
            forged = ding.card_callback(user_id="wangxiao", out_track_id=track, params=confirm, api_secret="guess")
            stale = ding.card_callback(user_id="wangxiao", out_track_id=track, params=confirm, api_secret="cb-secret",
                                       timestamp=int(stamp() * 1000) - 10 * 60 * 1000)
            other = ding.card_callback(user_id="lixiao", out_track_id=track, params=confirm, api_secret="cb-secret")
            assert web.post("/callbacks/dingtalk", content=forged[1], headers=forged[0]).status_code == 401
            assert web.post("/callbacks/dingtalk", content=stale[1], headers=stale[0]).status_code == 401
            assert web.post("/callbacks/dingtalk", content=other[1], headers=other[0]).status_code == 403
            assert all(i.confirmed_at is None for i in _wang_items(session)) and _responses(session) == 0

            # 小王 presses 确认收到: confirmed, and the answer carries the card's new data.
            clock.advance(minutes=2)
            headers, body = ding.card_callback(user_id="wangxiao", out_track_id=track, params=confirm,
                                               api_secret="cb-secret")
            answer = web.post("/callbacks/dingtalk", content=body, headers=headers)
            assert answer.status_code == 200, answer.text
            shown = answer.json()["cardData"]["cardParamMap"]
            assert shown["status"] == "confirmed"
            assert "小王" in shown["confirmed_text"] and "16:12" in shown["confirmed_text"]
            items = _wang_items(session)
            assert items and all(i.confirmed_at == clock.now() for i in items)
            vias = set(session.scalars(select(ItemResponse.via)))
            session.rollback()
            assert vias == {"dingtalk"} and _responses(session) == len(items)

            # The same callback again (its signature is still inside the window): nothing changes.
            clock.advance(seconds=30)
            replay = web.post("/callbacks/dingtalk", content=body, headers=headers)
            assert replay.status_code == 200 and replay.json() == {}
            assert _responses(session) == len(items)
            assert session.scalar(select(func.count()).select_from(CallbackReceipt)) == 1
            assert session.scalar(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.kind == "card_update")) == 1
            session.rollback()

        # The worker updates the card through DingTalk's card API: it now says who confirmed.
        drain(session, senders, clock)
        senders.close()
        assert len(ding.card_updates) == 1
        update = ding.card_updates[0]
        assert update["outTrackId"] == track and update["cardUpdateOptions"] == {"updateCardDataByKey": True}
        assert update["cardData"]["cardParamMap"]["status"] == "confirmed"
        assert "小王" in update["cardData"]["cardParamMap"]["confirmed_text"]
        assert ding.cards[track]["cardData"]["cardParamMap"]["status"] == "confirmed"
