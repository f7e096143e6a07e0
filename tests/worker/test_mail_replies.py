"""Replies to the email (issue 10, part 4): the owner answers the real list email that a real SMTP
server received; the reply lands in a real IMAP mailbox (dovecot, started by the test); the
worker's mailbox step reads it. 「收到」 confirms, a question goes to the coordinator's 今日跟进
with the quoted part stripped, an out-of-office reply and a stranger change nothing, and two
workers reading the same mailbox handle each message once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import parseaddr

from sqlalchemy import select

from luodi.clock import FrozenClock
from luodi.db import make_engine, make_sessionmaker
from luodi.domain.enums import ResponseKind
from luodi.domain.workdays import Calendar
from luodi.models import Item, ItemResponse, MailReceipt, Person
from luodi.services.followup import followups
from luodi.services.send import replies
from luodi.worker.mailbox import MailboxReader
from support.directs import mail_the_list, replies_settings
from support.imapd import Dovecot
from support.q4 import SHANGHAI, load_q4, local, open_session
from support.smtpd import SMTPSink, text_part

SEND_AT = local(2026, 9, 28, 10, 0)  # a Monday


def _reply(original: EmailMessage, *, sender: str, body: str, subject: str | None = None,
           headers: dict[str, str] | None = None) -> bytes:
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = str(original["Reply-To"] or original["From"])
    reply["Subject"] = subject or f"Re: {original['Subject']}"
    reply["Message-ID"] = f"<reply-{abs(hash(body))}@mail.example.com>"
    reply["In-Reply-To"] = str(original["Message-ID"])
    reply["References"] = str(original["Message-ID"])
    for name, value in (headers or {}).items():
        reply[name] = value
    quoted = "\n".join(f"> {line}" for line in text_part(original).splitlines()[:5])
    reply.set_content(f"{body}\n\n在 2026年9月28日 10:00，luodi <luodi@example.com> 写道：\n{quoted}\n")
    return reply.as_bytes()


def _owned(session, name: str) -> list[Item]:  # type: ignore[no-untyped-def]
    person = session.scalar(select(Person).where(Person.name == name))
    return list(session.scalars(select(Item).where(Item.owner_id == person.id)))


def test_reply_confirms_question_reaches_followups_auto_replies_and_strangers_ignored(db_url: str) -> None:
    load_q4(db_url)
    clock = FrozenClock(SEND_AT)
    with SMTPSink() as sink, Dovecot(user="luodi", password="mailpass") as imap, open_session(db_url) as session:
        settings = replies_settings(db_url, sink, imap, smtp_from="luodi <luodi@example.com>",
                                    base_url="http://luodi.test")
        received = mail_the_list(session, settings, clock, sink)
        wang, li = received["xiaowang@example.com"], received["xiaoli@example.com"]
        # Each recipient's copy carries their own signed Reply-To plus-tag.
        tags = {parseaddr(str(m["Reply-To"]))[1] for m in received.values()}
        assert len(tags) == len(received) and all(t.startswith("luodi+r") and t.endswith("@example.com")
                                                   for t in tags)

        clock.advance(minutes=20)
        imap.append(_reply(wang, sender="小王 <xiaowang@example.com>", body="收到！"))
        imap.append(_reply(li, sender="小李 <xiaoli@example.com>", body="我 10 月 1 日前在休假，回来后处理。",
                           subject="自动回复: " + str(li["Subject"]), headers={"Auto-Submitted": "auto-replied"}))
        imap.append(_reply(li, sender="小李 <xiaoli@example.com>", body="我在休假", headers={"X-Autoreply": "yes"}))
        imap.append(_reply(li, sender="Mallory <mallory@evil.example>", body="收到"))  # not 小李's address
        imap.append(_reply(li, sender="小李 <xiaoli@example.com>", body="技术评估要覆盖移动端吗？\n预算上限是多少？"))

        # Two workers read the same mailbox at the same time: each message is handled once.
        engine = make_engine(db_url)
        readers = [MailboxReader(settings, make_sessionmaker(engine), clock) for _ in range(2)]
        results: list[dict[str, int]] = []

        def read(reader: MailboxReader) -> None:
            with reader.connect() as client:
                results.append(reader.step(client))

        threads = [threading.Thread(target=read, args=(r,)) for r in readers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        merged: dict[str, int] = {}
        for result in results:
            for outcome, count in result.items():
                merged[outcome] = merged.get(outcome, 0) + count
        handled = {k: v for k, v in merged.items() if k != "duplicate"}
        assert handled == {"confirmed": 1, "auto_reply": 2, "unknown_sender": 1, "question": 1}, merged

        session.expire_all()
        assert all(i.confirmed_at == clock.now() for i in _owned(session, "小王"))
        assert all(i.confirmed_at is None for i in _owned(session, "小李"))  # neither the OOO nor Mallory
        responses = session.scalars(select(ItemResponse).order_by(ItemResponse.id)).all()
        assert [(r.kind, r.via) for r in responses] == [(ResponseKind.CONFIRM, "email"),
                                                        (ResponseKind.QUESTION, "email")]
        assert responses[1].text == "技术评估要覆盖移动端吗？\n预算上限是多少？"  # the quoted list is gone
        assert session.query(MailReceipt).count() == 5

        # The question is on the coordinator's 今日跟进 (小林 coordinates Q4).
        coordinator = session.scalar(select(Person).where(Person.name == "小林"))
        agenda = followups.build(session, now=clock.now() + timedelta(hours=1), tz=SHANGHAI,
                                 calendar=Calendar("china"), coordinator=coordinator)
        session.commit()
        entry = next(row for row in agenda.rows if row.person.name == "小李")
        assert entry.reason == "question" and "预算上限是多少" in entry.message

        # A later pass finds nothing new: nothing is handled twice.
        with readers[0].connect() as client:
            assert readers[0].step(client) == {}
        engine.dispose()


def test_the_worker_thread_waits_with_idle_and_confirms_when_the_reply_arrives(db_url: str) -> None:
    load_q4(db_url)
    clock = FrozenClock(SEND_AT)
    with SMTPSink() as sink, Dovecot(user="luodi", password="mailpass") as imap, open_session(db_url) as session:
        settings = replies_settings(db_url, sink, imap, imap_poll_seconds=120)
        wang = mail_the_list(session, settings, clock, sink)["xiaowang@example.com"]
        engine = make_engine(db_url)
        reader = MailboxReader(settings, make_sessionmaker(engine), clock)
        stopping = threading.Event()
        thread = threading.Thread(target=reader.run, args=(stopping,), daemon=True)
        thread.start()
        try:
            time.sleep(1.0)  # the first pass is done and the reader waits in IDLE (a poll would take 120 s)
            # Only the Reply-To plus-tag names the copy: no In-Reply-To, no References.
            reply = EmailMessage()
            reply["From"], reply["To"] = "xiaowang@example.com", str(wang["Reply-To"])
            reply["Subject"] = "回复：" + str(wang["Subject"])
            reply.set_content("OK\n\n-----Original Message-----\nFrom: luodi\n> 【行动项】\n")
            imap.append(reply.as_bytes())
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                session.expire_all()
                confirmed = [i.confirmed_at for i in _owned(session, "小王")]
                session.rollback()
                if all(confirmed):
                    break
                time.sleep(0.2)
            assert all(confirmed), "IDLE did not wake the reader"
        finally:
            stopping.set()
            thread.join(5)
            engine.dispose()


def test_a_reply_to_a_list_sent_before_a_key_rotation_still_verifies(db_url: str) -> None:
    """The list went out signed with the old key; the key is rotated (LUODI_SECRET_KEYS="new,old")
    before the owner answers. The reply names its copy only by the old key's Reply-To tag (no
    In-Reply-To, no References): every key of the list verifies, newest first, as links do. A tag
    signed with a key that was never in the list still matches nothing."""
    load_q4(db_url)
    clock = FrozenClock(SEND_AT)
    old, new = "o" * 24, "n" * 24
    with SMTPSink() as sink, Dovecot(user="luodi", password="mailpass") as imap, open_session(db_url) as session:
        before = replies_settings(db_url, sink, imap, secret_key="", secret_keys=old)
        received = mail_the_list(session, before, clock, sink)
        wang, li = received["xiaowang@example.com"], received["xiaoli@example.com"]
        for original, sender, address in (
                (wang, "xiaowang@example.com", str(wang["Reply-To"])),
                # 小李's own copy, its tag re-signed with a key luodi never had.
                (li, "xiaoli@example.com", replies.reply_address("luodi@example.com", "x" * 24,
                                                                 int(str(li["Message-ID"]).split("-")[1].split(".")[0])))):
            reply = EmailMessage()
            reply["From"], reply["To"] = sender, address
            reply["Subject"] = "回复：" + str(original["Subject"])
            reply.set_content("收到")
            imap.append(reply.as_bytes())

        rotated = replies_settings(db_url, sink, imap, secret_key="", secret_keys=f"{new},{old}")
        assert rotated.signing_keys[0] == new
        engine = make_engine(db_url)
        reader = MailboxReader(rotated, make_sessionmaker(engine), clock)
        with reader.connect() as client:
            outcomes = reader.step(client)
        engine.dispose()
        assert outcomes == {"confirmed": 1, "unmatched": 1}, outcomes
        session.expire_all()
        assert all(i.confirmed_at == clock.now() for i in _owned(session, "小王"))
        assert all(i.confirmed_at is None for i in _owned(session, "小李"))
