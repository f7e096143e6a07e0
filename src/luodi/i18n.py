"""Translations: every user-facing string goes through here (Babel catalogs in ``luodi/locale``).

Source strings (msgids) are English; ``zh_CN`` is the first catalog and the default language.
The language is a context variable, so one process can render a Chinese email and an English
one side by side: ``with use_language("en"): ...``.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
_LOCALES = {"zh": "zh_CN", "en": "en"}

_current: ContextVar[str] = ContextVar("luodi_language", default=DEFAULT_LANGUAGE)


def normalize(lang: str | None) -> str:
    """Map 'zh-CN', 'zh_CN', 'en-US', None … onto a supported language code."""
    if not lang:
        return DEFAULT_LANGUAGE
    code = lang.replace("-", "_").split("_")[0].lower()
    return code if code in SUPPORTED else DEFAULT_LANGUAGE


@lru_cache(maxsize=8)
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog for ``lang`` (falls back to the English source strings)."""
    return _gettext.translation(
        "messages", localedir=LOCALE_DIR, languages=[_LOCALES[normalize(lang)]], fallback=True
    )


def current_language() -> str:
    return _current.get()


@contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    token = _current.set(normalize(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Mark a string for the catalogs without translating it now (translated where it is shown)."""
    return message


def set_language(lang: str | None) -> None:
    """Set the language for the rest of this context (the CLI, once its settings are read)."""
    _current.set(normalize(lang))
