"""LUODI_SMTP_CA_FILE: an intranet mail server with a private CA is trusted (issue 16: it could not be set)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from luodi.config import Settings
from luodi.notify.base import Message, TransportError
from luodi.notify.registry import build_transport
from support.smtpd import SMTPSink, openssl_available


@pytest.mark.skipif(not openssl_available(), reason="needs the openssl command for a test certificate")
def test_the_smtp_ca_file_setting_trusts_a_private_ca(tmp_path: Path) -> None:
    message = Message(message_id="<ca-test@luodi>", subject="CA", text="hello", to=("a@example.com",))
    with SMTPSink(starttls=True) as sink, httpx.Client() as http:
        assert sink.ca_file is not None

        def transport(**extra: object):  # type: ignore[no-untyped-def]
            settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", secret_key="k" * 24,
                                smtp_port=sink.port, smtp_tls="starttls", smtp_timeout=5, **extra)  # type: ignore[arg-type]
            return build_transport("email", None, http=http, settings=settings)

        with pytest.raises(TransportError):   # the system's CAs do not know the test certificate
            transport().send(message)
        transport(smtp_ca_file=sink.ca_file).send(message)
        assert [m.parsed()["Message-ID"] for m in sink.wait_for(1)] == ["<ca-test@luodi>"]
