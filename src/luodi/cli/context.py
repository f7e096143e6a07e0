"""What every command needs, built on first use: settings, the database, the clock.

Heavy modules (SQLAlchemy, the models) are imported inside functions so ``luodi --help``
never pays for them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from luodi.i18n import gettext as _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from luodi.config import Settings


@lru_cache
def settings() -> Settings:
    from pydantic import ValidationError

    from luodi.cli.reasons import reason
    from luodi.config import Settings
    from luodi.i18n import set_language

    try:
        loaded = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        if not first["loc"]:   # a check across settings names its variables in the message
            fail(_("settings: {reason}").format(reason=reason(first)))
        fail(_("setting {name}: {reason}").format(name=f"LUODI_{str(first['loc'][0]).upper()}",
                                                 reason=reason(first)))
    set_language(loaded.language)
    return loaded


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session on a migrated database. The command commits; anything else rolls back."""
    from luodi.db import make_engine, make_sessionmaker
    from luodi.migrate import ensure_current

    url = settings().database_url
    engine = make_engine(url)
    ensure_current(engine, url)
    try:
        with make_sessionmaker(engine)() as session:
            yield session
    finally:
        engine.dispose()


def now() -> datetime:
    """The moment of this command, from the one clock (LUODI_CLOCK freezes it)."""
    return settings().make_clock().now()


def parse_at(value: str | None) -> datetime:
    """``--at`` in local time (or with an offset) → aware UTC; None → now."""
    if value is None:
        return now()
    from datetime import UTC

    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        fail(_("--at: expected YYYY-MM-DD[THH:MM], got {value!r}").format(value=value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=settings().tz)
    return parsed.astimezone(UTC)


def file_error(file: object, exc: Exception) -> str:
    """Why ``file`` could not be read, in the user's language (not the OS's English strerror)."""
    if isinstance(exc, FileNotFoundError):
        return _("{file}: no such file").format(file=file)
    if isinstance(exc, IsADirectoryError):
        return _("{file}: is a folder, not a file").format(file=file)
    if isinstance(exc, PermissionError):
        return _("{file}: permission denied").format(file=file)
    if isinstance(exc, UnicodeDecodeError):
        return _("{file}: not UTF-8 text").format(file=file)
    return _("{file}: cannot be read ({error})").format(file=file, error=getattr(exc, "strerror", None) or exc)


def fail(message: str, code: int = 2) -> NoReturn:
    """Usage or input error: one line on stderr, exit 2 (or ``code``)."""
    typer.echo(f"luodi: {message}", err=True)
    raise typer.Exit(code)


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")


@contextmanager
def service_errors() -> Iterator[None]:
    """Map service errors onto exit code 2 with a one-line reason."""
    from luodi.services.errors import ServiceError

    try:
        yield
    except ServiceError as exc:
        fail(exc.message)
