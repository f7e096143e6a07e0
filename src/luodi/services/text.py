"""Checking free text from forms and the API before it is stored (NF-3).

Control characters (NUL breaks PostgreSQL), lone surrogates (cannot be encoded as UTF-8) and
over-long values are refused with the field's name, rather than failing in the database.
"""

from __future__ import annotations

import re

from luodi.i18n import gettext as _
from luodi.services.errors import InvalidInput

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(value: str | None, *, field: str, max_length: int, multiline: bool = False) -> str:
    """``value`` trimmed (single-line: inner whitespace collapsed); raises InvalidInput when empty or bad."""
    text = optional_text(value, field=field, max_length=max_length, multiline=multiline)
    if text is None:
        raise InvalidInput(_("{field} must not be empty").format(field=field), field=field)
    return text


def optional_text(value: str | None, *, field: str, max_length: int, multiline: bool = False) -> str | None:
    """Like :func:`clean_text`, but an empty value gives None."""
    if value is None:
        return None
    if _FORBIDDEN.search(value):
        raise InvalidInput(_("{field} contains control characters").format(field=field), field=field)
    text = value.strip() if multiline else " ".join(value.split())
    if len(text) > max_length:
        raise InvalidInput(_("{field} is too long ({n} characters at most)").format(field=field, n=max_length),
                           field=field)
    return text or None
