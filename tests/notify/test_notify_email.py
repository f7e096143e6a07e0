"""The email kind against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from luodi.notify.base import Message, TransportError
from luodi.notify.smtp import EmailConfig, EmailTransport
from support.smtpd import SMTPSink, free_port, openssl_available, text_part

SUBJECT = "【行动项】Q4服务活动方案跟进"
NOW = 1_790_000_000.0  # 2026-09-21T21:33:20Z


@pytest.fixture
def sink() -> Iterator[SMTPSink]:
    with SMTPSink() as server:
        yield server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False) as client:
        yield client


def make_message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "message_id": "<outbox-42.1a2b3c4d5e6f@luodi>",
        "subject": SUBJECT,
        "text": "小王，你好：\n请在 10月20日 前确认「细化活动方案」。\nhttp://testserver/c/abc",
        "html": "<p>小王，你好：</p><p>请在 <b>10月20日</b> 前确认「细化活动方案」。</p>",
        "to": ("小王 <xiaowang@example.com>",),
    }
    fields.update(overrides)
    return Message(**fields)


def transport(http: httpx.Client, port: int, **config: Any) -> EmailTransport:
    values: dict[str, Any] = {"port": port, "from_address": "小林 <xiaolin@example.com>", "timeout": 5.0}
    return EmailTransport(EmailConfig.model_validate(values | config), http=http, clock=lambda: NOW)


def test_message_arrives_with_chinese_subject_both_parts_and_stable_message_id(
    sink: SMTPSink, http: httpx.Client
) -> None:
    transport(http, sink.port).send(make_message())

    [got] = sink.wait_for(1)
    assert got.envelope_from == "xiaolin@example.com"
    assert got.envelope_to == ("xiaowang@example.com",)
    parsed = got.parsed()
    assert parsed["Subject"] == SUBJECT
    assert parsed["Message-ID"] == "<outbox-42.1a2b3c4d5e6f@luodi>"
    assert parsed["To"].addresses[0].display_name == "小王"
    assert parsed["From"].addresses[0].display_name == "小林"
    assert parsedate_to_datetime(parsed["Date"]).timestamp() == NOW
    assert parsed.get_content_type() == "multipart/alternative"
    assert "「细化活动方案」" in text_part(parsed)
    assert "<b>10月20日</b>" in text_part(parsed, "html")
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert b"\r\n" in got.data and max(len(line) for line in got.data.split(b"\r\n")) <= 78


def test_long_mixed_subject_decodes_back_exactly(sink: SMTPSink, http: httpx.Client) -> None:
    subject = SUBJECT + "——请各位负责人在周五前确认排期 (owner: Xiao Wang) 与资源需求" * 3
    transport(http, sink.port).send(make_message(subject=subject, html=None))

    parsed = sink.wait_for(1)[0].parsed()
    assert parsed["Subject"] == subject
    assert parsed.get_content_type() == "text/plain"


@pytest.mark.parametrize("subject", ["Q4 plan\r\nBcc: someone@evil.example", "Q4 方案\nBcc: someone@evil.example"])
def test_a_newline_in_the_subject_cannot_add_a_header(sink: SMTPSink, http: httpx.Client, subject: str) -> None:
    transport(http, sink.port).send(make_message(subject=subject))
    got = sink.wait_for(1)[0]
    assert got.parsed()["Bcc"] is None and got.envelope_to == ("xiaowang@example.com",)
    assert got.parsed()["Subject"] == subject.replace("\r\n", " ").replace("\n", " ")


def test_connection_refused_is_temporary(http: httpx.Client) -> None:
    with pytest.raises(TransportError) as caught:
        transport(http, free_port()).send(make_message())
    assert not caught.value.permanent
    assert "ConnectionRefused" in caught.value.message


def test_session_reuses_one_connection_for_many_messages(sink: SMTPSink, http: httpx.Client) -> None:
    with transport(http, sink.port) as session:
        for number in range(5):
            session.send(make_message(message_id=f"<outbox-{number}@luodi>"))

    received = sink.wait_for(5)
    assert len({got.peer for got in received}) == 1
    assert [got.parsed()["Message-ID"] for got in received] == [f"<outbox-{n}@luodi>" for n in range(5)]


def test_without_a_session_each_send_uses_its_own_connection(sink: SMTPSink, http: httpx.Client) -> None:
    mailer = transport(http, sink.port)
    mailer.send(make_message())
    mailer.send(make_message())
    assert len({got.peer for got in sink.wait_for(2)}) == 2


def test_session_survives_the_server_going_down_and_up_on_the_same_port(
    sink: SMTPSink, http: httpx.Client
) -> None:
    with transport(http, sink.port) as session:
        session.send(make_message(message_id="<before@luodi>"))
        sink.stop()
        with pytest.raises(TransportError) as caught:
            session.send(make_message(message_id="<while-down@luodi>"))
        assert not caught.value.permanent
        sink.start()
        session.send(make_message(message_id="<after@luodi>"))

    ids = [got.parsed()["Message-ID"] for got in sink.wait_for(2)]
    assert ids == ["<before@luodi>", "<after@luodi>"]


def test_pooled_connection_dropped_by_a_restart_is_reopened_transparently(
    sink: SMTPSink, http: httpx.Client
) -> None:
    with transport(http, sink.port) as session:
        session.send(make_message(message_id="<one@luodi>"))
        sink.stop()
        sink.start()  # the pooled connection is now dead; the next send must not fail
        session.send(make_message(message_id="<two@luodi>"))

    received = sink.wait_for(2)
    assert [got.parsed()["Message-ID"] for got in received] == ["<one@luodi>", "<two@luodi>"]
    assert received[0].peer != received[1].peer


@pytest.mark.parametrize(
    ("reply", "permanent"), [("550 5.1.1 No such user", True), ("450 4.2.1 Mailbox busy", False)]
)
def test_refused_recipient(http: httpx.Client, reply: str, permanent: bool) -> None:
    with SMTPSink(refuse={"gone@example.com": reply}) as sink, pytest.raises(TransportError) as caught:
        transport(http, sink.port).send(make_message(to=("gone@example.com",)))
    assert caught.value.permanent is permanent
    assert reply.split()[0] in caught.value.message
    assert sink.messages == []


def test_partly_refused_recipients_still_deliver_to_the_others(http: httpx.Client) -> None:
    with SMTPSink(refuse={"gone@example.com": "550 5.1.1 No such user"}) as sink:
        with pytest.raises(TransportError) as caught:
            transport(http, sink.port).send(make_message(to=("ok@example.com", "gone@example.com")))
        assert caught.value.permanent and "gone@example.com" in caught.value.message
        assert sink.wait_for(1)[0].envelope_to == ("ok@example.com",)


def test_login_with_the_right_password_delivers(http: httpx.Client) -> None:
    with SMTPSink(auth={"luodi": "s3cret"}) as sink:
        transport(http, sink.port, user="luodi", password="s3cret").send(make_message())
        assert len(sink.wait_for(1)) == 1


def test_wrong_password_is_permanent_and_not_echoed(http: httpx.Client) -> None:
    with SMTPSink(auth={"luodi": "s3cret"}) as sink, pytest.raises(TransportError) as caught:
        transport(http, sink.port, user="luodi", password="wrong-pass").send(make_message())
    assert caught.value.permanent
    assert "535" in caught.value.message and "wrong-pass" not in caught.value.message


def test_server_that_requires_auth_refuses_anonymous_mail_permanently(http: httpx.Client) -> None:
    with SMTPSink(auth={"luodi": "s3cret"}) as sink, pytest.raises(TransportError) as caught:
        transport(http, sink.port).send(make_message())
    assert caught.value.permanent and "530" in caught.value.message


@pytest.mark.skipif(not openssl_available(), reason="needs the openssl command to make a certificate")
def test_starttls_with_a_trusted_private_ca(http: httpx.Client) -> None:
    with SMTPSink(starttls=True, auth={"luodi": "s3cret"}) as sink:
        mailer = transport(http, sink.port, tls="starttls", ca_file=str(sink.ca_file),
                           user="luodi", password="s3cret", host="localhost")
        mailer.send(make_message())
        assert sink.wait_for(1)[0].parsed()["Subject"] == SUBJECT


@pytest.mark.skipif(not openssl_available(), reason="needs the openssl command to make a certificate")
def test_starttls_with_an_untrusted_certificate_is_permanent(http: httpx.Client) -> None:
    with SMTPSink(starttls=True) as sink, pytest.raises(TransportError) as caught:
        transport(http, sink.port, tls="starttls", host="localhost").send(make_message())
    assert caught.value.permanent and "CERTIFICATE_VERIFY_FAILED" in caught.value.message


def test_starttls_against_a_server_without_it_is_permanent(sink: SMTPSink, http: httpx.Client) -> None:
    with pytest.raises(TransportError) as caught:
        transport(http, sink.port, tls="starttls").send(make_message())
    assert caught.value.permanent and "STARTTLS" in caught.value.message
    assert sink.messages == []


@pytest.mark.parametrize("to", [(), ("not an address",), ("张三@例子.中国",)])
def test_missing_or_unsupported_address_is_permanent(
    sink: SMTPSink, http: httpx.Client, to: tuple[str, ...]
) -> None:
    with pytest.raises(TransportError) as caught:
        transport(http, sink.port).send(make_message(to=to))
    assert caught.value.permanent


def test_one_session_carries_many_messages_over_one_connection(sink: SMTPSink, http: httpx.Client) -> None:
    """The worker keeps one SMTP connection for a batch (throughput is measured in bench/delivery.py,
    not here: timed tests fail on busy machines and prove little)."""
    count = 200
    with transport(http, sink.port) as session:
        for n in range(count):
            session.send(make_message(message_id=f"<bulk-{n}@luodi>", to=(f"p{n}@example.com",)))
    received = sink.wait_for(count, timeout=30)
    assert sorted(m.parsed()["Message-ID"] for m in received) == sorted(f"<bulk-{n}@luodi>" for n in range(count))
    assert len({m.peer[1] for m in received}) == 1   # one client port: one connection
