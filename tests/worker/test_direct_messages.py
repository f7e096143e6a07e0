"""Reach each person privately (issue 10): the list and each owner's confirmation request as a
direct Feishu card with buttons, the group robot gets only the list as sent (no one's personal
link), and the due-day escalation reaches the supervisor and the coordinator directly — never
a group endpoint."""

from __future__ import annotations

from sqlalchemy import select

from luodi.clock import FrozenClock
from luodi.domain.workdays import Calendar
from luodi.models import OutboxMessage, Person
from luodi.services.rules.planning import plan
from luodi.services.rules.rule_context import RuleContext
from luodi.services.send import lists
from luodi.worker.senders import Senders
from support.directs import add_group_robots, app_settings, drain, set_im_ids
from support.fakeapps import FeishuPlatform
from support.fakebots import DingTalkBot
from support.q4 import SHANGHAI, load_q4, local, open_session
from support.smtpd import SMTPSink

SEND_AT = local(2026, 9, 26, 16, 10)
ESCALATION = local(2026, 9, 30, 17, 5)
IDS = {"小王": "ou_wang", "张经理": "ou_zhang", "小林": "ou_lin", "小李": "ou_li"}


def test_owner_card_with_buttons_group_gets_list_escalation_stays_private(db_url: str) -> None:
    load_q4(db_url)
    clock = FrozenClock(SEND_AT)
    with FeishuPlatform(app_id="cli_q4", app_secret="app-secret", users=set(IDS.values())) as feishu, \
            DingTalkBot(clock=lambda: clock.now().timestamp()) as group, SMTPSink() as sink, \
            open_session(db_url) as session:
        settings = app_settings(db_url, sink=sink, feishu=feishu)
        set_im_ids(session, "feishu_open_id", IDS)
        session.get_one(Person, 4).notify = "im"  # 小李 chose the app only: no email for him
        add_group_robots(session, "Q4", {"q4-group": ("dingtalk", group)}, now=SEND_AT)
        session.commit()
        report = lists.send(session, 1, resend=False, now=SEND_AT, options=lists.SendOptions.from_settings(settings))
        session.commit()
        senders = Senders(settings, clock=clock)
        drain(session, senders, clock)

        # Each attendee with a Feishu id gets a direct card; an owner's has the four buttons.
        cards = {sent["receive_id"]: sent["card"] for sent in feishu.sent}
        assert set(cards) == {"ou_wang", "ou_lin", "ou_li"}  # the attendees with a Feishu id
        actions = next(e for e in cards["ou_wang"]["elements"] if e["tag"] == "action")["actions"]
        assert [a["text"]["content"] for a in actions] == ["确认收到", "有问题", "申请改期", "查看"]
        assert actions[0]["url"].startswith("http://luodi.test/c/")  # no card callback set up: the link
        assert "http://luodi.test/c/" in actions[3]["url"]
        assert "【行动项】" in cards["ou_wang"]["header"]["title"]["content"]
        assert not any(e["tag"] == "action" for e in cards["ou_lin"]["elements"])  # owns nothing: no buttons
        assert feishu.token_fetches == 1  # one token for the whole batch
        # Email still goes to everyone who wants it; 小李 chose the app only.
        emailed = {m.envelope_to[0] for m in sink.messages}
        assert "xiaowang@example.com" in emailed and "xiaoli@example.com" not in emailed
        # The group robot gets the list as sent, once, without anyone's personal link.
        assert len(group.accepted) == 1
        group_text = group.accepted[0].json["markdown"]["text"]
        assert "细化活动方案" in group_text and "/c/" not in group_text
        assert "小李" in report.recipients and report.unreachable == []

        # Due day 17:00: T001 (小王) is not done → the escalation to 张经理 and 小林, privately.
        group_before, cards_before = len(group.requests), len(feishu.sent)
        clock.current = ESCALATION
        result = plan(session, now=ESCALATION, ctx=RuleContext(tz=SHANGHAI, calendar=Calendar("china"),
                                                                 apps=settings.direct_apps))
        session.commit()
        assert any(f.rule_id == "escalate_due_end" for f in result.firings)
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind.like("escalate_due_end%"))).all()
        assert rows and {r.channel for r in rows} <= {"email", "feishu_app"}  # never a group channel
        drain(session, senders, clock)
        senders.close()
        # Nothing of this pass (reminders, at-risk notices, the escalation) reached the group endpoint.
        assert len(group.requests) == group_before
        assert {session.get_one(Person, r.recipient_id).name for r in rows} == {"张经理", "小林"}
        escalated = {sent["receive_id"] for sent in feishu.sent[cards_before:]
                     if "T001" in str(sent["card"])}
        assert {"ou_zhang", "ou_lin"} <= escalated
