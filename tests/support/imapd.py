"""A real IMAP server for tests: Debian's dovecot, started with a generated config on a free
loopback port (plaintext login with a passwd-file user, mail in a temporary maildir).

    with Dovecot(user="luodi", password="mailpass") as imap:
        imap.port, imap.append(raw_bytes)

Without /usr/sbin/dovecot a test skips with a printed reason, except in CI (LUODI_CI=1, set by
.ci/run, which installs dovecot-imapd), where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Self

import pytest
from imapclient import IMAPClient

from support.smtpd import free_port

DOVECOT = Path("/usr/sbin/dovecot")
CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = luodi-test-{port}
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
mail_uid = dovecot
mail_gid = dovecot
default_internal_user = dovecot
default_login_user = dovenull
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
"""


def require_dovecot() -> None:
    if DOVECOT.exists():
        return
    reason = f"{DOVECOT} is missing: apt-get install -y dovecot-imapd (CI does it: .ci/run)"
    if os.environ.get("LUODI_CI") or os.environ.get("CI"):
        pytest.fail(reason)
    print(reason)
    pytest.skip(reason)


class Dovecot:
    def __init__(self, *, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.port = free_port()
        # Not pytest's tmp_path: its parents are 0700 and dovecot's mail processes run as "dovecot".
        self.root = Path(tempfile.mkdtemp(prefix="luodi-dovecot-"))
        self.root.chmod(0o755)

    def start(self) -> Self:
        require_dovecot()
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir()
        (self.root / "mail").chmod(0o777)
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        config = self.root / "dovecot.conf"
        config.write_text(CONFIG.format(root=self.root, port=self.port))
        # The master daemonises: no pipes to it, or run() would wait for the daemon's end.
        subprocess.run([str(DOVECOT), "-c", str(config)], check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)
        deadline = time.monotonic() + 15
        while True:
            try:
                with self.client():
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"dovecot did not start: {self.log()}") from None
                time.sleep(0.05)
        return self

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        with self.client() as client:
            client.append(folder, raw)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        pid_file = self.root / "run" / "master.pid"
        if pid_file.exists():
            subprocess.run([str(DOVECOT), "-c", str(self.root / "dovecot.conf"), "stop"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)
            deadline = time.monotonic() + 10
            while pid_file.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
