"""Rule messages (FU-1, RULE-1, RULE-3, SEND-2, CONF-1) in the article's tone, zh and en.

Scenario: 小王's 细化活动方案 is due Friday 2026-10-09; "now" moves through that week.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest

from luodi.domain.enums import ItemStatus
from luodi.render.messages import render_message
from luodi.render.views import ItemView, MeetingRefView, MessageKind, MessageView, RenderedMessage, ThreatView

FRIDAY = date(2026, 10, 9)
URL = "https://luodi.example.com/items/T001"
EVIL = "<script>alert(1)</script>"


def render(kind: MessageKind, lang: str = "zh", **fields: Any) -> RenderedMessage:
    fields.setdefault("url", URL)
    return render_message(MessageView(kind=kind, **fields), lang=lang)


def lines_of(message: RenderedMessage) -> list[str]:
    return message.text.splitlines()


@pytest.fixture
def wang_item(make_item: Callable[..., ItemView]) -> ItemView:
    return make_item(1, due=FRIDAY)


@pytest.fixture
def li_item(make_item: Callable[..., ItemView], people: Any) -> ItemView:
    return make_item(2, title="技术评估", owner=people.li, due=FRIDAY, deliverable="技术方案",
                     status=ItemStatus.NOT_STARTED, depends_on=(1,))


@pytest.fixture
def chen_item(make_item: Callable[..., ItemView], people: Any) -> ItemView:
    return make_item(3, title="培训材料准备", owner=people.chen, due=date(2026, 10, 12),
                     deliverable="培训PPT", status=ItemStatus.NOT_STARTED, depends_on=(1,))


# --- the article's three pre-deadline messages (策略1:节点前跟进) --------------------------------


def test_three_days_before_asks_how_it_is_going(wang_item: ItemView, people: Any) -> None:
    message = render(MessageKind.REMIND_BEFORE_3D, recipient=people.wang, sender=people.lin,
                     now=datetime(2026, 10, 6, 9, 0), items=(wang_item,))
    assert message.subject == "【提醒】「细化活动方案」周五截止"
    assert lines_of(message)[0] == "小王，你的「细化活动方案」周五要交，现在进展如何？需要什么支持吗？"
    # The article's sentence, NFKC-normalised, with its 方案 named.
    article = "小王,你的「细化活动方案」周五要交,现在进展如何?需要什么支持吗?"
    assert article in unicodedata.normalize("NFKC", message.text)
    assert "- T001 细化活动方案 · 截止 10月9日（周五） · 交付物 详细执行方案 · 🔵 进行中" in message.text
    assert lines_of(message)[-4:] == ["更新进展：", URL, "", "小林"]
    english = render(MessageKind.REMIND_BEFORE_3D, "en", recipient=people.wang, sender=people.lin,
                     now=datetime(2026, 10, 6, 9, 0), items=(wang_item,))
    assert english.subject == "[Reminder] “细化活动方案” is due on Friday"
    assert english.text.startswith(
        "小王, your “细化活动方案” is due on Friday. How is it going? Do you need any support?"
    )


def test_one_day_before_asks_whether_it_will_be_on_time(wang_item: ItemView, people: Any) -> None:
    message = render(MessageKind.REMIND_BEFORE_1D, recipient=people.wang, sender=people.lin,
                     now=datetime(2026, 10, 8, 9, 0), items=(wang_item,))
    assert message.subject == "【提醒】「细化活动方案」明天截止"
    assert lines_of(message)[0] == "小王，明天就要交「细化活动方案」了，能按时完成吗？有什么需要协调的？"
    english = render(MessageKind.REMIND_BEFORE_1D, "en", recipient=people.wang,
                     now=datetime(2026, 10, 8, 9, 0), items=(wang_item,))
    assert english.text.startswith(
        "小王, “细化活动方案” is due tomorrow. Can you finish it on time? Is there anything I should help coordinate?"
    )


def test_due_morning_names_the_hour(wang_item: ItemView, people: Any) -> None:
    item = ItemView(**{**wang_item.__dict__, "due_time": time(15, 0)})
    message = render(MessageKind.REMIND_DUE_MORNING, recipient=people.wang, sender=people.lin,
                     now=datetime(2026, 10, 9, 9, 0), items=(item,))
    assert message.subject == "【今天截止】「细化活动方案」"
    assert lines_of(message)[0] == "小王，今天下午3点前记得交「细化活动方案」哦，我等你。"
    assert "截止 10月9日（周五）15:00" in message.text
    without_time = render(MessageKind.REMIND_DUE_MORNING, recipient=people.wang,
                          now=datetime(2026, 10, 9, 9, 0), items=(wang_item,))
    assert lines_of(without_time)[0] == "小王，今天下班前记得交「细化活动方案」哦，我等你。"
    english = render(MessageKind.REMIND_DUE_MORNING, "en", recipient=people.wang,
                     now=datetime(2026, 10, 9, 9, 0), items=(item,))
    assert english.subject == "[Due today] “细化活动方案”"
    assert english.text.startswith("小王, remember to hand in “细化活动方案” today by 3 PM. I'm counting on you!")


def test_one_message_lists_every_item_due_for_the_person(
    wang_item: ItemView, make_item: Callable[..., ItemView], people: Any
) -> None:
    budget = make_item(4, title="预算表", due=FRIDAY, deliverable=None)
    for lang, subject, opening in (
        ("zh", "【提醒】2项任务周五截止", "小王，你有2项任务周五要交，现在进展如何？需要什么支持吗？"),
        ("en", "[Reminder] 2 items are due on Friday", "小王, you have 2 items due on Friday. How are they going?"),
    ):
        message = render(MessageKind.REMIND_BEFORE_3D, lang, recipient=people.wang,
                         now=datetime(2026, 10, 6, 9, 0), items=(budget, wang_item))
        assert message.subject == subject
        assert message.text.startswith(opening)
        assert message.text.index("T001") < message.text.index("T004")
        for body in (message.text, message.html, message.markdown):
            assert "T001" in body and "T004" in body
    mixed = render(MessageKind.REMIND_BEFORE_1D, recipient=people.wang, now=datetime(2026, 10, 8, 9, 0),
                   items=(wang_item, make_item(5, title="周报", due=date(2026, 10, 10))))
    assert mixed.subject == "【提醒】2项任务即将截止"
    assert lines_of(mixed)[0] == "小王，你有2项任务马上就要交了，能按时完成吗？有什么需要协调的？"


# --- the coordinator's and the supervisor's messages ------------------------------------------------


def test_at_risk_tells_the_coordinator_what_to_say(li_item: ItemView, chen_item: ItemView, people: Any) -> None:
    message = render(MessageKind.AT_RISK_BEFORE_1D, recipient=people.lin, now=datetime(2026, 10, 8, 9, 0),
                     items=(li_item, chen_item))
    assert message.subject == "【有风险】2项任务即将截止，还没开始"
    text = message.text
    assert text.startswith("小林，以下任务即将截止，但还没开始，已标记为「有风险」：")
    assert "- T002 技术评估 · @小李 · 截止 10月9日（周五） · 交付物 技术方案 · ⚪ 未开始 · 依赖任务1" in text
    assert "「小李，你的任务还没开始，是遇到什么困难了吗？我能帮你什么？」" in text
    assert "「小陈，你的任务还没开始，是遇到什么困难了吗？我能帮你什么？」" in text
    assert "立即约个15分钟澄清需求" in text and "立即升级给上级决策" in text
    single = render(MessageKind.AT_RISK_BEFORE_1D, "en", recipient=people.lin,
                    now=datetime(2026, 10, 8, 9, 0), items=(li_item,))
    assert single.subject == "[At risk] 小李's “技术评估” is due tomorrow and has not started"


def test_escalation_is_neutral_and_names_the_owner(li_item: ItemView, people: Any) -> None:
    message = render(MessageKind.ESCALATE_DUE_END, recipient=people.boss, sender=people.lin,
                     now=datetime(2026, 10, 9, 17, 0), items=(li_item,))
    assert message.subject == "【升级】小李的「技术评估」今天到期，尚未完成"
    assert lines_of(message)[0] == "王经理，您好！截至今天下午5:00，以下到期任务仍未完成："
    assert "@小李" in message.text
    assert "这个任务很重要，我们一起想办法尽快完成。" in message.text
    english = render(MessageKind.ESCALATE_DUE_END, "en", recipient=people.boss,
                     now=datetime(2026, 10, 9, 17, 0), items=(li_item,))
    assert english.text.startswith("Hello 王经理, as of 5:00 PM today the following items are due and still not done:")


def test_mark_delayed_offers_help_to_the_owner_and_facts_to_the_coordinator(
    li_item: ItemView, people: Any
) -> None:
    delayed = ItemView(**{**li_item.__dict__, "status": ItemStatus.DELAYED})
    owner = render(MessageKind.MARK_DELAYED, recipient=people.li, sender=people.lin,
                   now=datetime(2026, 10, 12, 9, 0), items=(delayed,))
    assert owner.subject == "【已延期】「技术评估」已超过截止日期"
    assert lines_of(owner)[0] == "小李，「技术评估」原定10月9日截止，目前还没有完成，已标记为「已延期」。"
    assert "先交一个简版" in owner.text and "⚫ 已延期" in owner.text
    coordinator = render(MessageKind.MARK_DELAYED, recipient=people.lin, now=datetime(2026, 10, 12, 9, 0),
                         items=(delayed,))
    assert lines_of(coordinator)[0] == "小林，以下任务已超过截止日期，已标记为「已延期」："
    assert "@小李" in coordinator.text and "打开看板：" in coordinator.text
    assert "简版" not in coordinator.text


def test_overdue_reminders_count_the_days(li_item: ItemView, people: Any) -> None:
    two_days = render(MessageKind.REMIND_OVERDUE, recipient=people.li, now=datetime(2026, 10, 11, 9, 0),
                      items=(li_item,))
    assert two_days.subject == "【逾期】「技术评估」已逾期2天"
    assert lines_of(two_days)[0] == "小李，「技术评估」原定10月9日截止，已经逾期2天了。现在进展如何？卡在哪里？"
    assert "逾期2天" in lines_of(two_days)[2]
    assert "我知道你很忙，有什么我能帮你的吗？" in two_days.text
    one_day = render(MessageKind.REMIND_OVERDUE, "en", recipient=people.li, now=datetime(2026, 10, 10, 9, 0),
                     items=(li_item,))
    assert one_day.subject == "[Overdue] “技术评估” is 1 day overdue"
    assert "1 day overdue" in one_day.text


def test_dependency_threat_says_which_items_and_by_how_much(
    wang_item: ItemView, li_item: ItemView, chen_item: ItemView, people: Any
) -> None:
    late = ItemView(**{**wang_item.__dict__, "status": ItemStatus.DELAYED})
    threats = (ThreatView(li_item, late, slip_days=2, new_due=date(2026, 10, 13)), ThreatView(chen_item, late))
    message = render(MessageKind.DEPENDENCY_THREAT, recipient=people.lin, now=datetime(2026, 10, 10, 9, 0),
                     items=(late,), threats=threats)
    assert message.subject == "【依赖风险】「细化活动方案」延误，影响2项后续任务"
    lines = lines_of(message)
    assert (
        "- T001 细化活动方案 · @小王 · 截止 10月9日（周五） · 交付物 详细执行方案 · ⚫ 已延期 · 影响2项后续任务"
        in lines
    )
    assert any(line.startswith("  - T002 技术评估") and line.endswith("可能推迟2天，至10月13日") for line in lines)
    assert any(line.startswith("  - T003 培训材料准备") and line.endswith("· 可能推迟") for line in lines)
    assert "建议：协调小王先给出「细化活动方案」的部分内容（如框架或初稿），让依赖它的任务先开始。" in message.text
    english = render(MessageKind.DEPENDENCY_THREAT, "en", recipient=people.lin, now=datetime(2026, 10, 10, 9, 0),
                     items=(late,), threats=threats)
    assert english.subject == "[Dependency risk] “细化活动方案” is late; 2 items depend on it"
    assert "may slip 2 days, to Oct 13" in english.text


def test_list_unsent_reminds_the_coordinator_within_the_hour(q4_items: tuple[ItemView, ...], people: Any) -> None:
    send_url = "https://luodi.example.com/meetings/1/send"
    meeting = MeetingRefView("Q4服务活动方案评审会", datetime(2026, 9, 26, 15, 30), q4_items, send_url)
    message = render(MessageKind.LIST_UNSENT, recipient=people.lin, now=datetime(2026, 9, 26, 16, 30),
                     meetings=(meeting,), url=None)
    assert message.subject == "【待发送】「Q4服务活动方案评审会」的行动项清单还没发出"
    assert "- 「Q4服务活动方案评审会」 · 9月26日 下午3:30结束 · 3项行动项" in message.text
    assert "会后1小时内发出，趁热打铁，大家记忆还清晰。" in message.text
    assert send_url in [line.strip() for line in lines_of(message)]
    assert f'href="{send_url}"' in message.html
    two = render(MessageKind.LIST_UNSENT, "en", recipient=people.lin, now=datetime(2026, 9, 26, 16, 30),
                 meetings=(meeting, MeetingRefView("周会")), url=None)
    assert two.subject == "[Not sent] 2 action item lists have not been sent"
    assert "“周会”" in two.text


def test_the_call_list_groups_unconfirmed_items_by_owner(
    li_item: ItemView, chen_item: ItemView, make_item: Callable[..., ItemView], people: Any
) -> None:
    extra = make_item(4, title="接口清单", owner=people.li, due=date(2026, 10, 7), status=ItemStatus.NOT_STARTED)
    message = render(MessageKind.CONFIRM_DEADLINE, recipient=people.lin, now=datetime(2026, 9, 26, 18, 0),
                     items=(li_item, chen_item, extra), confirm_by=datetime(2026, 9, 26, 18, 0))
    assert message.subject == "【电话确认】2位责任人还没确认任务"
    lines = lines_of(message)
    assert lines[0] == "小林，以下责任人在下午6:00前还没有确认任务，请逐个电话确认："
    first, second = lines.index("1. 小李 · 电话 13800000003"), lines.index("2. 小陈 · 未登记电话")
    owned_by_li = [line.split(" · ")[0].strip() for line in lines[first + 1 : second]]
    assert owned_by_li == ["- T004 接口清单", "- T002 技术评估"]
    assert "「有什么不清楚的吗？需要什么支持？」" in message.text
    assert 'href="tel:13800000003"' in message.html
    english = render(MessageKind.CONFIRM_DEADLINE, "en", recipient=people.lin, now=datetime(2026, 9, 26, 18, 0),
                     items=(li_item,))
    assert english.subject == "[Call list] 1 owner has not confirmed yet"
    assert "1. 小李 · phone 13800000003" in english.text


# --- every kind, every language, every format -------------------------------------------------


def standard_view(kind: MessageKind, items: tuple[ItemView, ...], people: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"recipient": people.lin, "now": datetime(2026, 10, 8, 9, 0), "items": items,
                              "sender": people.lin}
    if kind is MessageKind.DEPENDENCY_THREAT:
        fields["threats"] = tuple(ThreatView(item, items[0], slip_days=1) for item in items[1:])
    if kind is MessageKind.LIST_UNSENT:
        fields["meetings"] = (MeetingRefView(EVIL, datetime(2026, 10, 8, 8, 0), items, URL),)
    return fields


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_kind_renders_every_format_safely(
    kind: MessageKind, lang: str, make_item: Callable[..., ItemView], people: Any
) -> None:
    items = (
        make_item(1, title=f"方案{EVIL}", due=FRIDAY, owner=people.wang),
        make_item(2, title="技术评估", due=FRIDAY, owner=people.li, status=ItemStatus.NOT_STARTED, depends_on=(1,)),
    )
    message = render(kind, lang, **standard_view(kind, items, people))
    assert message.subject and "\n" not in message.subject
    assert message.text.endswith("\n") and "\n\n\n" not in message.text
    assert "T002" in message.text and "T002" in message.markdown and "T002" in message.html
    assert message.html.startswith("<!DOCTYPE html>") and message.html.rstrip().endswith("</html>")
    assert "<script>" not in message.html and "&lt;script&gt;" in message.html
    assert "<script>" not in message.markdown
    assert message.html.count(f'href="{URL}"') >= 1
    if lang == "zh":
        assert not any(word in message.text for word in ("Due ", "Deliverable ", "Not started")), message.text
    else:
        assert not any(word in message.text for word in ("截止", "交付物", "未开始")), message.text


def test_messages_refuse_what_they_cannot_say(people: Any, wang_item: ItemView) -> None:
    now = datetime(2026, 10, 8, 9, 0)
    with pytest.raises(ValueError, match="at least one item"):
        render(MessageKind.REMIND_BEFORE_3D, recipient=people.wang, now=now)
    with pytest.raises(ValueError, match="threatened"):
        render(MessageKind.DEPENDENCY_THREAT, recipient=people.lin, now=now, items=(wang_item,))
    with pytest.raises(ValueError, match="meeting"):
        render(MessageKind.LIST_UNSENT, recipient=people.lin, now=now)
    with pytest.raises(ValueError, match="http"):
        render(MessageKind.REMIND_BEFORE_3D, recipient=people.wang, now=now, items=(wang_item,),
               url="javascript:alert(1)")
