"""How a reply to the list's email is read (issue 10, part 4): what confirms, what is quoted,
what is an auto-reply, and the signed Reply-To tag."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from luodi.services.send.replies import is_auto_reply, is_confirmation, new_text, reply_address, reply_tag


def _mail(body: str, *, subtype: str = "plain", **headers: str) -> EmailMessage:
    mail = EmailMessage()
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body, subtype=subtype)
    parsed = message_from_bytes(mail.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_the_four_words_confirm_alone_and_anything_more_is_a_question() -> None:
    for text in ("收到", "收到！", " 确认。", "好的~", "OK", "ok.", "Ok!"):
        assert is_confirmation(text), text
    for text in ("收到，但是预算不够", "不确认", "OK?? 截止日期能延后吗", "", "好"):
        assert not is_confirmation(text), text


def test_the_quoted_part_and_the_signature_are_cut() -> None:
    quoted = "预算上限是多少？\n\n在 2026年9月28日 10:00，luodi 写道：\n> 【行动项】"
    assert new_text(_mail(quoted)) == "预算上限是多少？"
    assert new_text(_mail("OK\n-----Original Message-----\nFrom: luodi")) == "OK"
    assert new_text(_mail("收到\n------------------ 原始邮件 ------------------\n发件人: luodi")) == "收到"
    assert new_text(_mail("On Mon, Sep 28, 2026 luodi wrote:\n> x", )) == ""
    assert new_text(_mail("好的\n-- \n小王 · 市场部")) == "好的"
    assert new_text(_mail("<div>收到</div><blockquote>【行动项】 T001</blockquote>", subtype="html")) == "收到"


def test_auto_replies_are_recognised() -> None:
    assert is_auto_reply(_mail("x", Auto_Submitted="auto-replied"))
    assert is_auto_reply(_mail("x", X_Autoreply="yes"))
    assert is_auto_reply(_mail("x", Subject="自动回复: 【行动项】Q4"))
    assert is_auto_reply(_mail("x", Subject="Automatic reply: Q4"))
    assert is_auto_reply(_mail("x", Subject="Out of Office: Q4"))
    assert is_auto_reply(_mail("x", Precedence="auto_reply"))
    assert not is_auto_reply(_mail("x", Subject="Re: 【行动项】Q4", Auto_Submitted="no"))


def test_the_reply_tag_is_signed_per_copy() -> None:
    assert reply_tag("k", 12) != reply_tag("k", 13) != reply_tag("other", 13)
    assert reply_address("luodi <luodi@example.com>", "k", 12) == f"luodi <luodi+{reply_tag('k', 12)}@example.com>"
