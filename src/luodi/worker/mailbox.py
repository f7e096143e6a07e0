"""The mailbox step: read replies to luodi's email over IMAP (LUODI_IMAP_*), handle each once.

``MailboxReader.step`` is one pass any test can call: select the folder (read-only: flags are
the people's, the database is luodi's record), take the messages whose UID is above the highest
one handled under the folder's UIDVALIDITY, and hand each to ``services/send/replies.handle``
in its own transaction. Two workers may read the same mailbox: the unique (mailbox,
UIDVALIDITY, UID) row makes one of them handle a message and the other skip it. A new
UIDVALIDITY (the folder was recreated) starts over, and the receipts keep what was handled.

``MailboxReader.run`` loops in a thread of the worker: it waits with IDLE when the server
offers it (woken as soon as a reply arrives), else polls every LUODI_IMAP_POLL_SECONDS; a lost
connection is logged and reopened after a pause.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from imapclient import IMAPClient
from sqlalchemy.orm import Session, sessionmaker

from luodi.clock import Clock
from luodi.config import Settings
from luodi.services.send import replies

log = logging.getLogger(__name__)
BATCH = 50


class MailboxReader:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session], clock: Clock) -> None:
        assert settings.imap_host, "LUODI_IMAP_HOST is not set"
        self.settings, self.sessions, self.clock = settings, sessions, clock
        self.mailbox = f"{settings.imap_user or ''}@{settings.imap_host}:{settings.imap_port}/{settings.imap_folder}"

    @contextmanager
    def connect(self) -> Iterator[IMAPClient]:
        cfg = self.settings
        context = ssl.create_default_context() if cfg.imap_tls != "none" else None
        client = IMAPClient(cfg.imap_host, port=cfg.imap_port, ssl=cfg.imap_tls == "ssl", ssl_context=context,
                            timeout=30)
        try:
            if cfg.imap_tls == "starttls":
                client.starttls(context)
            client.login(cfg.imap_user or "", cfg.imap_password.get_secret_value() if cfg.imap_password else "")
            yield client
        finally:
            try:
                client.logout()
            except Exception:  # the connection is gone already
                client.shutdown()

    def step(self, client: IMAPClient) -> dict[str, int]:
        """One pass over the folder; returns how many messages ended in each outcome."""
        info = client.select_folder(self.settings.imap_folder, readonly=True)
        uidvalidity = int(info[b"UIDVALIDITY"])
        with self.sessions() as session:
            last = replies.last_uid(session, mailbox=self.mailbox, uidvalidity=uidvalidity)
        # "n:*" always answers the last message, even when its UID is below n.
        uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)
        outcomes: dict[str, int] = {}
        for start in range(0, len(uids), BATCH):
            fetched = client.fetch(uids[start:start + BATCH], ["BODY.PEEK[]"])
            for uid in uids[start:start + BATCH]:
                raw = fetched.get(uid, {}).get(b"BODY[]")
                if not isinstance(raw, bytes):
                    continue
                outcome = self._handle(uidvalidity, uid, raw)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        return outcomes

    def _handle(self, uidvalidity: int, uid: int, raw: bytes) -> str:
        with self.sessions() as session:
            try:
                outcome = replies.handle(session, mailbox=self.mailbox, uidvalidity=uidvalidity, uid=uid, raw=raw,
                                         keys=self.settings.signing_keys, now=self.clock.now())
                session.commit()
            except Exception:
                session.rollback()
                log.exception("mailbox %s: message UID %s could not be handled; it is tried again", self.mailbox, uid)
                return "error"
        log.info("mailbox %s: UID %s %s", self.mailbox, uid, outcome)
        return outcome

    def run(self, stopping: threading.Event) -> None:
        """Until ``stopping``: a pass, then IDLE (or a poll interval), again; reconnect on errors."""
        wait = self.settings.imap_poll_seconds
        while not stopping.is_set():
            try:
                with self.connect() as client:
                    idle = b"IDLE" in client.capabilities()
                    while not stopping.is_set():
                        self.step(client)
                        if idle:
                            self._idle(client, stopping, min(wait, 300.0))
                        else:
                            stopping.wait(wait)
            except Exception:
                log.warning("mailbox %s: connection failed; retrying in %.0f s", self.mailbox, wait, exc_info=True)
                stopping.wait(wait)

    @staticmethod
    def _idle(client: IMAPClient, stopping: threading.Event, seconds: float) -> None:
        """IDLE until the server reports a change, ``seconds`` pass (servers drop an IDLE after
        30 minutes; 5 at most here) or the worker stops — checked every second."""
        client.idle()
        try:
            deadline = time.monotonic() + seconds
            while not stopping.is_set() and time.monotonic() < deadline:
                if client.idle_check(timeout=1.0):
                    return
        finally:
            client.idle_done()
