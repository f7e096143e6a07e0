"""The email kind: SMTP, text + HTML, UTF-8 (not ``email.py``: it would shadow the stdlib package
when this folder is on sys.path). ``with transport:`` keeps one connection for many messages; a
pooled connection the server dropped is reopened once (the stable Message-ID exposes a duplicate).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from contextlib import suppress
from datetime import UTC, datetime
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from typing import ClassVar, Literal, Self, cast

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from luodi.notify.base import Message, Transport, TransportError

WIRE = compat32.clone(linesep="\r\n")
DROPPED = (smtplib.SMTPServerDisconnected, ConnectionResetError, BrokenPipeError)


class EmailConfig(BaseModel):
    """How to reach the SMTP server (built from the LUODI_SMTP_* settings)."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field("127.0.0.1", description="SMTP server host")
    port: int = Field(25, description="SMTP server port (587 for STARTTLS, 465 for SSL)")
    user: str | None = Field(None, description="User name for AUTH; no AUTH when empty")
    password: SecretStr | None = Field(None, description="Password for AUTH")
    tls: Literal["none", "starttls", "ssl"] = Field("none", description="Transport security")
    from_address: str = Field("luodi <luodi@localhost>", description="From header and envelope sender")
    timeout: float = Field(10.0, description="Seconds for connecting and for each SMTP reply")
    ca_file: str | None = Field(None, description="PEM CA bundle to trust instead of the system's")


def build(message: Message, *, sender: str, now: float) -> bytes:
    """The bytes sent (compat32, not EmailMessage: three times as fast, and throughput matters)."""
    bodies = ((message.text, "plain"), (message.html, "html"))
    parts = [MIMEText(body, subtype, "utf-8") for body, subtype in bodies if body is not None]
    mail: MIMEBase = parts[0]
    if len(parts) > 1:
        for part in parts:
            del part["MIME-Version"]  # the top level carries it
        mail = MIMEMultipart("alternative", _subparts=parts)
    subject = " ".join(message.subject.splitlines())  # a title with a newline must not add headers
    if not subject.isascii():  # compat32 folds a Header into RFC 2047 words; typeshed says str
        subject = cast(str, Header(subject, "utf-8", header_name="Subject"))
    mail["Subject"], mail["From"] = subject, encode_address(sender)
    mail["To"] = ", ".join(encode_address(address) for address in message.to)
    if message.reply_to:
        mail["Reply-To"] = encode_address(message.reply_to)
    mail["Date"], mail["Message-ID"] = format_datetime(datetime.fromtimestamp(now, UTC)), message.message_id
    mail["Content-Language"] = "zh-CN" if message.language == "zh" else message.language
    mail["Auto-Submitted"], mail["X-Auto-Response-Suppress"] = "auto-generated", "All"  # no auto-replies
    return mail.as_bytes(policy=WIRE)


def encode_address(address: str) -> str:
    """``名字 <a@b>`` → ``=?utf-8?b?…?= <a@b>``; non-ASCII addresses need SMTPUTF8: refused."""
    name, addr = parseaddr(address)
    if "@" not in addr or not addr.isascii():
        raise TransportError(f"email: unsupported address {address!r}", permanent=True)
    return formataddr((name, addr), charset="utf-8")


def classify(exc: BaseException) -> TransportError:
    """SMTP 5xx and configuration faults are permanent; 4xx and network faults temporary."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(f"{to}: {code} {text!r}" for to, (code, text) in exc.recipients.items())
        permanent = min(code for code, _ in exc.recipients.values()) >= 500
        return TransportError(f"email: recipients refused: {detail}", permanent=permanent)
    if isinstance(exc, smtplib.SMTPResponseException):
        code, raw = exc.smtp_code, exc.smtp_error
        text = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
        return TransportError(f"email: {type(exc).__name__} {code} {text}", permanent=code >= 500)
    permanent = isinstance(exc, smtplib.SMTPNotSupportedError | ssl.SSLCertVerificationError)
    return TransportError(f"email: {type(exc).__name__}: {exc}", permanent=permanent)


class EmailTransport(Transport[EmailConfig]):
    kind: ClassVar[str] = "email"
    config_type: ClassVar[type[BaseModel]] = EmailConfig
    _connection: smtplib.SMTP | None = None
    _pooled = False

    def __enter__(self) -> Self:
        self._pooled = True  # until __exit__, send() keeps its connection open
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pooled = False
        self.close()

    def close(self) -> None:
        """Quit the pooled connection, if any; never raises."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(smtplib.SMTPException, OSError):
                connection.quit()
            connection.close()

    def send(self, message: Message) -> None:
        if not message.to:
            raise TransportError("email: message has no recipient", permanent=True)
        raw = build(message, sender=self.config.from_address, now=self.clock())
        envelope = (parseaddr(self.config.from_address)[1], [parseaddr(a)[1] for a in message.to])
        try:
            refused = self._deliver(raw, *envelope)
        finally:
            if not self._pooled:
                self.close()
        if refused:  # some recipients took it, others did not
            raise classify(smtplib.SMTPRecipientsRefused(refused))

    def _deliver(self, raw: bytes, sender: str, to: list[str]) -> dict[str, tuple[int, bytes]]:
        for attempt in (1, 2):  # the second only when a pooled connection turned out dead
            reused = self._connection is not None
            try:
                if self._connection is None:
                    self._connection = self._open()
                return self._connection.sendmail(sender, to, raw)
            except (smtplib.SMTPException, OSError) as exc:
                connection, self._connection = self._connection, None
                if connection is not None:
                    connection.close()
                if not (reused and attempt == 1 and isinstance(exc, DROPPED)):
                    raise classify(exc) from exc
        raise AssertionError("unreachable")

    def _open(self) -> smtplib.SMTP:
        cfg, name = self.config, socket.gethostname()  # getfqdn() can stall on DNS in intranets
        context = ssl.create_default_context(cafile=cfg.ca_file) if cfg.tls != "none" else None
        connection = (smtplib.SMTP_SSL(cfg.host, cfg.port, name, timeout=cfg.timeout, context=context)
                      if cfg.tls == "ssl" else smtplib.SMTP(cfg.host, cfg.port, name, timeout=cfg.timeout))
        try:
            if cfg.tls == "starttls":
                connection.starttls(context=context)
            if cfg.user:
                connection.login(cfg.user, cfg.password.get_secret_value() if cfg.password else "")
        except BaseException:
            connection.close()
            raise
        return connection
