"""Replies to the list's email (CONF-1, FU-1): 「收到」 confirms, anything else is a question.

The worker's mailbox step (``worker/mailbox.py``) reads the mailbox named by LUODI_IMAP_* and
hands each new message here once. A reply is matched to the owner's copy of the list (one
outbox row) by the signed plus-tag of the Reply-To address luodi put on it
(``luodi+r12.3f9a0c1d2e@example.com``, signed with the newest key; every key of
LUODI_SECRET_KEYS verifies it, so a rotation does not orphan a list already sent) or by
``In-Reply-To`` / ``References`` naming that row's Message-ID — never by the From name — and
its sender must be that owner's address.
「收到」「确认」「好的」「OK」 (alone, punctuation aside) confirm through the same service as the
web link; anything else, with the quoted part stripped, is recorded as the owner's question,
which puts the item on the coordinator's 今日跟进. Auto-replies (Auto-Submitted, X-Autoreply,
自动回复 subjects, bounces) are ignored. Each message is handled once, even with two workers:
its UIDVALIDITY and UID are recorded in ``mail_receipt`` in the same transaction.
"""

from __future__ import annotations

import email
import hashlib
import hmac
import html
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from luodi.models import MailReceipt, OutboxMessage, Person
from luodi.services.errors import Gone, InvalidInput
from luodi.services.send import confirmations
from luodi.services.send.tokens import ConfirmationToken

CONFIRM_WORDS = frozenset({"收到", "确认", "好的", "ok"})
_TAG = re.compile(r"\+r(\d{1,12})\.([0-9a-f]{10})@", re.I)
_MESSAGE_ID = re.compile(r"<outbox-(\d{1,12})\.[0-9a-f]{12}@luodi>")
_AUTO_SUBJECT = re.compile(r"^\s*(自动回复|自動回覆|自动答复|auto(matic)?[ -]?(reply|response)|autoreply|"
                           r"out of (the )?office|不在办公室)", re.I)
_QUOTE_START = re.compile(r"^\s*(on\b.{0,200}\bwrote:?|在.{0,200}写道[:：]?|.{0,200}于.{0,80}写道[:：]?|"
                          r"-{2,}\s*(original message|原始邮件|回复的原邮件)\s*-{2,}|"
                          r"(from|发件人|寄件者)\s*[:：]|_{8,})", re.I)
SALT = b"luodi.reply-tag.v1:"


def reply_tag(secret: str, outbox_id: int) -> str:
    """The signed tag of one outbox row: ``r<id>.<10 hex>``."""
    mac = hmac.new(secret.encode(), SALT + str(outbox_id).encode(), hashlib.sha256).hexdigest()[:10]
    return f"r{outbox_id}.{mac}"


def reply_address(mailbox: str, secret: str, outbox_id: int) -> str:
    """``luodi@example.com`` → ``luodi+r12.3f9a0c1d2e@example.com`` (a display name is kept)."""
    name, address = parseaddr(mailbox)
    local, _, domain = address.partition("@")
    tagged = f"{local}+{reply_tag(secret, outbox_id)}@{domain}"
    return f"{name} <{tagged}>" if name else tagged


def _tagged_row(message: EmailMessage, keys: Sequence[str]) -> int | None:
    """The row named by a plus-tag that one of ``keys`` signed (newest first: a list sent before a
    key rotation still verifies, as links do)."""
    fields = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
    for _name, address in getaddresses([str(v) for f in fields for v in message.get_all(f, [])]):
        found = _TAG.search(address)
        if not found:
            continue
        given = f"r{found.group(1)}.{found.group(2).lower()}"
        if any(hmac.compare_digest(reply_tag(key, int(found.group(1))), given) for key in keys):
            return int(found.group(1))
    return None


def _referenced_rows(message: EmailMessage) -> list[tuple[int, str]]:
    text = " ".join(str(v) for f in ("In-Reply-To", "References") for v in message.get_all(f, []))
    return [(int(m.group(1)), m.group(0)) for m in _MESSAGE_ID.finditer(text)]


def is_auto_reply(message: EmailMessage) -> bool:
    """RFC 3834 Auto-Submitted, the X-Autoreply family, Precedence, a bounce, a 自动回复 subject."""
    auto = str(message.get("Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return True
    if any(message.get(h) for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply")):
        return True
    if str(message.get("Precedence") or "").strip().lower() in {"auto_reply", "bulk", "junk", "list"}:
        return True
    if str(message.get("Return-Path") or "").strip() == "<>":
        return True
    return bool(_AUTO_SUBJECT.match(str(message.get("Subject") or "")))


def new_text(message: EmailMessage) -> str:
    """What the sender wrote: the plain part (or the HTML's text), quoted part and signature cut."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        return ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = re.sub(r"(?is)<blockquote.*?</blockquote>|<(script|style).*?</\1>", " ", content)
        content = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", content)
        content = html.unescape(re.sub(r"<[^>]+>", "", content))
    kept = []
    for line in content.replace("\r\n", "\n").split("\n"):
        if line.strip() in ("--", "-- ") or _QUOTE_START.match(line):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line.rstrip())
    return "\n".join(kept).strip()


def is_confirmation(text: str) -> bool:
    """「收到」「确认」「好的」「OK」 alone, whatever the punctuation, spaces and case."""
    bare = "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch)[0] in "PS"))
    return bare.casefold() in CONFIRM_WORDS


def handle(session: Session, *, mailbox: str, uidvalidity: int, uid: int, raw: bytes, keys: Sequence[str],
           now: datetime) -> str:
    """Handle one message of the mailbox once; returns the outcome recorded (``duplicate`` when
    another worker already did). ``keys``: every key of LUODI_SECRET_KEYS, newest first
    (``Settings.signing_keys``). The caller commits."""
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    receipt = MailReceipt(mailbox=mailbox[:300], uidvalidity=uidvalidity, uid=uid, outcome="handling",
                          message_id=str(message.get("Message-ID") or "")[:300], handled_at=now)
    try:
        with session.begin_nested():
            session.add(receipt)
    except IntegrityError:
        return "duplicate"
    receipt.outcome = _apply(session, message, keys=keys, now=now)
    return receipt.outcome


def last_uid(session: Session, *, mailbox: str, uidvalidity: int) -> int:
    """The highest UID handled in this mailbox under this UIDVALIDITY (0: none)."""
    return session.scalar(select(func.max(MailReceipt.uid)).where(
        MailReceipt.mailbox == mailbox[:300], MailReceipt.uidvalidity == uidvalidity)) or 0


def _row(session: Session, message: EmailMessage, keys: Sequence[str]) -> OutboxMessage | None:
    candidates: list[tuple[int, str | None]] = []
    tagged = _tagged_row(message, keys)
    if tagged is not None:
        candidates.append((tagged, None))
    candidates += _referenced_rows(message)
    for row_id, message_id in candidates:
        row = session.get(OutboxMessage, row_id)
        if row is None or row.channel != "email" or row.kind != "action_list" or row.recipient_id is None:
            continue
        if message_id is None or row.message_id == message_id:
            return row
    return None


def _apply(session: Session, message: EmailMessage, *, keys: Sequence[str], now: datetime) -> str:
    if is_auto_reply(message):
        return "auto_reply"
    row = _row(session, message, keys)
    if row is None:
        return "unmatched"
    person = session.get(Person, row.recipient_id)
    sender = parseaddr(str(message.get("From") or ""))[1].casefold()
    if person is None or not person.email or person.email.casefold() != sender or row.meeting_id is None:
        return "unknown_sender"
    item_ids = tuple(int(i) for i in row.payload.get("items") or [])
    if not item_ids:
        return "not_an_owner"
    text = new_text(message)
    try:
        context = confirmations.open_link(session, ConfirmationToken(row.meeting_id, person.id, item_ids))
        if is_confirmation(text):
            confirmations.answer(session, context, kind="confirm", via="email", now=now)
            return "confirmed"
        if not text:
            return "empty"
        confirmations.answer(session, context, kind="question", question=text[:5000], via="email", now=now)
        return "question"
    except (Gone, InvalidInput):
        return "gone"
