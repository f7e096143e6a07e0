"""An escalation to a supervisor never reaches a group endpoint (issue 10, part 2), with every
channel configured at once: the three app bots (Feishu, DingTalk, WeCom, each a local server that
checks its token as the vendor does), a group robot of each kind on the project, and email. Each
fake server's log is read: the groups got the list as sent and nothing of the due-day pass; the
escalation about 小王's T001 reached 张经理 (his supervisor) and 小林 (the coordinator) on each app
and by email, and nobody else."""

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
from support.fakeapps import DingTalkPlatform, FeishuPlatform, WeComPlatform
from support.fakebots import DingTalkBot, FeishuBot, WeComBot
from support.q4 import SHANGHAI, load_q4, local, open_session
from support.smtpd import SMTPSink

SEND_AT = local(2026, 9, 26, 16, 10)
ESCALATION = local(2026, 9, 30, 17, 5)
NAMES = {"小王": "wang", "张经理": "zhang", "小林": "lin", "小李": "li", "小陈": "chen"}


def test_escalation_reaches_the_supervisor_and_coordinator_on_every_app_and_no_group(db_url: str) -> None:
    load_q4(db_url)
    clock = FrozenClock(SEND_AT)
    now = lambda: clock.now().timestamp()  # noqa: E731
    with FeishuPlatform(app_id="cli_q4", app_secret="fs-secret", users={f"ou_{n}" for n in NAMES.values()}) \
            as feishu, \
            DingTalkPlatform(app_key="ding_q4", app_secret="dt-secret", agent_id=7,
                             users={f"dt_{n}" for n in NAMES.values()}) as dingtalk, \
            WeComPlatform(corp_id="ww_q4", corp_secret="wc-secret", agent_id=1000002,
                          users={f"wc_{n}" for n in NAMES.values()}) as wecom, \
            FeishuBot(clock=now) as feishu_group, DingTalkBot(clock=now) as dingtalk_group, \
            WeComBot(clock=now) as wecom_group, SMTPSink() as sink, open_session(db_url) as session:
        settings = app_settings(db_url, sink=sink, feishu=feishu, dingtalk=dingtalk, wecom=wecom)
        assert set(settings.direct_apps) == {"feishu_app", "dingtalk_app", "wecom_app"}
        for field, prefix in (("feishu_open_id", "ou"), ("dingtalk_user_id", "dt"), ("wecom_user_id", "wc")):
            set_im_ids(session, field, {name: f"{prefix}_{short}" for name, short in NAMES.items()})
        add_group_robots(session, "Q4", {"q4-feishu": ("feishu", feishu_group),
                                         "q4-dingtalk": ("dingtalk", dingtalk_group),
                                         "q4-wecom": ("wecom", wecom_group)}, now=SEND_AT)
        session.commit()
        lists.send(session, 1, resend=False, now=SEND_AT, options=lists.SendOptions.from_settings(settings))
        session.commit()
        senders = Senders(settings, clock=clock)
        drain(session, senders, clock)
        groups = {"feishu": feishu_group, "dingtalk": dingtalk_group, "wecom": wecom_group}
        # The list as sent reached each group once (the route's default for the list).
        assert {kind: len(bot.accepted) for kind, bot in groups.items()} == {"feishu": 1, "dingtalk": 1, "wecom": 1}
        before = {kind: len(bot.requests) for kind, bot in groups.items()}
        sent_before = {"feishu": len(feishu.sent), "dingtalk": len(dingtalk.sent), "wecom": len(wecom.sent)}
        mail_before = len(sink.messages)

        clock.current = ESCALATION
        result = plan(session, now=ESCALATION, ctx=RuleContext(tz=SHANGHAI, calendar=Calendar("china"),
                                                                 apps=settings.direct_apps))
        session.commit()
        assert any(f.rule_id == "escalate_due_end" for f in result.firings)
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind.like("escalate_due_end%"))).all()
        assert {r.channel for r in rows} == {"email", "feishu_app", "dingtalk_app", "wecom_app"}
        drain(session, senders, clock)
        senders.close()

        # Not one request of the due-day pass reached any group endpoint.
        assert {kind: len(bot.requests) for kind, bot in groups.items()} == before
        # The escalation rows: 张经理 and 小林 on each app and by email, all delivered.
        assert {(r.channel, r.address) for r in rows} == {
            ("feishu_app", "ou_zhang"), ("feishu_app", "ou_lin"), ("dingtalk_app", "dt_zhang"),
            ("dingtalk_app", "dt_lin"), ("wecom_app", "wc_zhang"), ("wecom_app", "wc_lin"),
            ("email", "zhang@example.com"), ("email", "xiaolin@example.com")}
        assert {r.status for r in rows} == {"sent"}
        assert {session.get_one(Person, r.recipient_id).name for r in rows} == {"张经理", "小林"}
        # And each app server received them: T001 went to both of them (and to 小王, his own reminder).
        received = {
            "feishu": {s["receive_id"] for s in feishu.sent[sent_before["feishu"]:] if "T001" in str(s["card"])},
            "dingtalk": {s["userid_list"] for s in dingtalk.sent[sent_before["dingtalk"]:]
                         if "T001" in str(s["msg"])},
            "wecom": {s["touser"] for s in wecom.sent[sent_before["wecom"]:] if "T001" in str(s["template_card"])},
        }
        assert received == {"feishu": {"ou_zhang", "ou_lin", "ou_wang"}, "dingtalk": {"dt_zhang", "dt_lin", "dt_wang"},
                            "wecom": {"wc_zhang", "wc_lin", "wc_wang"}}
        mailed = {m.envelope_to[0] for m in sink.messages[mail_before:]}
        assert {"zhang@example.com", "xiaolin@example.com"} <= mailed
