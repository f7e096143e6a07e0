"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, collecting what it receives.

    with SMTPSink() as sink:                      # a free port, chosen once
        send_mail(port=sink.port)
        got = sink.wait_for(1)[0]                 # .data: the exact bytes; .envelope_to, .parsed()
        sink.stop(); ...; sink.start()            # down and up again on the SAME port

Options: ``auth={"user": "password"}`` requires AUTH LOGIN/PLAIN (over plain TCP: it is a test
server); ``starttls=True`` offers STARTTLS with a self-signed certificate made by the
``openssl`` command (``sink.ca_file`` is the PEM to trust); ``refuse={"x@y": "550 5.1.1 No such
user"}`` answers RCPT TO for those addresses with the given reply.
"""

from __future__ import annotations

import email.policy
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Received:
    """One accepted message: the envelope and the bytes exactly as they arrived."""

    envelope_from: str
    envelope_to: tuple[str, ...]
    data: bytes
    peer: Any  # (host, port) of the client: equal ports mean one reused connection
    received_at: float

    def parsed(self) -> EmailMessage:
        """The message parsed with the modern policy (headers decoded, get_body() available)."""
        return message_from_bytes(self.data, policy=email.policy.default)


def text_part(message: EmailMessage, subtype: str = "plain") -> str:
    """The text of a message's text/plain (or text/html) part; fails when the message has none."""
    part = message.get_body((subtype,))
    assert part is not None, f"no text/{subtype} part in {message['Subject']!r}"
    return str(part.get_content())


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@dataclass
class _Handler:
    refuse: dict[str, str]
    require_auth: bool = False
    messages: list[Received] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        # Enforced here rather than with aiosmtpd's auth_required, which warns when TLS is off.
        if self.require_auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        item = Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content or b"",
                        session.peer, time.time())
        with self.lock:
            self.messages.append(item)
            self.lock.notify_all()
        return "250 Message accepted for delivery"


def wait_until_bindable(host: str, port: int, timeout: float = 5.0) -> None:
    """Wait for ``port`` to be free (asyncio binds with SO_REUSEADDR, so TIME_WAIT is fine).

    aiosmtpd's Controller only notices a failed bind after its whole ready_timeout, so check
    quickly here first.
    """
    deadline = time.monotonic() + timeout
    while True:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
        time.sleep(0.05)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1/localhost and its key, made by the openssl command."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def openssl_available() -> bool:
    return shutil.which("openssl") is not None


class SMTPSink:
    """An aiosmtpd server in a thread; restartable on the same port; thread-safe inbox."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        auth: dict[str, str] | None = None,
        starttls: bool = False,
        refuse: dict[str, str] | None = None,
    ) -> None:
        self.host, self.port = host, port or free_port(host)
        self.auth = auth
        refusals = {address.lower(): reply for address, reply in (refuse or {}).items()}
        self.handler = _Handler(refusals, require_auth=auth is not None)
        self.ca_file: Path | None = None
        self._tls_context: ssl.SSLContext | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        if starttls:
            self._folder = tempfile.TemporaryDirectory(prefix="luodi-smtp-")
            cert, key = self_signed_certificate(Path(self._folder.name))
            self._tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self._tls_context.load_cert_chain(cert, key)
            self.ca_file = cert
        self._controller: Controller | None = None

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> Self:
        if self._controller is not None:
            return self
        kwargs: dict[str, Any] = {"hostname": self.host, "port": self.port, "ready_timeout": 10.0}
        if self.auth is not None:
            kwargs.update(authenticator=self._authenticate, auth_require_tls=False)
        if self._tls_context is not None:
            kwargs.update(tls_context=self._tls_context, require_starttls=False)
        wait_until_bindable(self.host, self.port)
        controller = Controller(self.handler, **kwargs)
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        """Stop listening and drop every open connection (clients see the server go away)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def close(self) -> None:
        self.stop()
        if self._folder is not None:
            self._folder.cleanup()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- inbox -----------------------------------------------------------------------------
    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.messages)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Block until ``count`` messages have arrived; AssertionError after ``timeout``."""
        with self.handler.lock:
            if not self.handler.lock.wait_for(lambda: len(self.handler.messages) >= count, timeout):
                raise AssertionError(f"expected {count} messages, got {len(self.handler.messages)}")
            return list(self.handler.messages)

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.messages.clear()

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any,
                      ) -> AuthResult:
        if mechanism not in ("LOGIN", "PLAIN") or not isinstance(data, LoginPassword) or self.auth is None:
            return AuthResult(success=False, handled=False)
        user, password = data.login.decode(), data.password.decode()
        return AuthResult(success=self.auth.get(user) == password, handled=False)
