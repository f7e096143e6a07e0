"""Signed, expiring confirmation links (CONF-1).

A token names one meeting, one owner and the items that owner held when the list was sent.
It is signed with itsdangerous under its own salt (so a session cookie can never pass as a
confirmation link, nor the reverse) and expires after ``max_age`` seconds. ``read`` takes the
rotation list (``Settings.signing_keys``, newest first): a link signed with an older key still
verifies until it expires.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from luodi.i18n import gettext as _
from luodi.services.errors import Gone, InvalidInput

SALT = "luodi.confirmation-link.v1"


@dataclass(frozen=True)
class ConfirmationToken:
    meeting_id: int
    person_id: int
    item_ids: tuple[int, ...]


class _ClockSigner(TimestampSigner):
    """A signer whose notion of "now" is the caller's clock, not the wall clock."""

    def __init__(self, *args: Any, now: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        return self._now


def _Signer(secret: str | Sequence[str], now: datetime) -> URLSafeTimedSerializer:
    # itsdangerous wants the newest key LAST (it signs with the last, verifies with all).
    keys = [secret] if isinstance(secret, str) else list(reversed(secret))
    return URLSafeTimedSerializer(
        keys, salt=SALT, signer=_ClockSigner, signer_kwargs={"now": int(now.timestamp())}
    )


def make(secret: str, token: ConfirmationToken, *, now: datetime) -> str:
    payload = {"m": token.meeting_id, "p": token.person_id, "i": list(token.item_ids)}
    return str(_Signer(secret, now).dumps(payload))


def read(secret: str | Sequence[str], value: str, *, now: datetime, max_age_seconds: int) -> ConfirmationToken:
    """Verify and decode with ``secret`` or any of the keys (newest first). Raises InvalidInput for a
    tampered token or an unknown key, Gone for an expired one."""
    signer = _Signer(secret, now)
    try:
        payload = signer.loads(value, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise Gone(_("This confirmation link has expired. Ask the coordinator for a new one."),
                   field="token") from exc
    except BadSignature as exc:
        raise InvalidInput(_("This confirmation link is not valid."), field="token") from exc
    try:
        return ConfirmationToken(int(payload["m"]), int(payload["p"]), tuple(int(i) for i in payload["i"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(_("This confirmation link is not valid."), field="token") from exc
