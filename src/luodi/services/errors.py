"""Errors of the use cases. They carry no HTTP codes: web/ and cli/ map them."""

from __future__ import annotations


class ServiceError(Exception):
    """Base: a use case refused, with a message fit to show the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    def __init__(self, what: str, key: object) -> None:
        from luodi.i18n import gettext as _

        super().__init__(_("No {what} {key!r}").format(what=_(what), key=key), field=what)


class InvalidInput(ServiceError):
    """Bad input: names the field and the reason."""


class Conflict(ServiceError):
    """A stale write (version mismatch) or a state that forbids the change."""


class Gone(ServiceError):
    """The thing was valid once and is no longer (an expired link, a reassigned item)."""


class Unauthenticated(ServiceError):
    """No valid login or API token: the web app asks to log in (401 / a redirect to /login)."""


class Forbidden(ServiceError):
    """Logged in, but the role does not allow this (or a CSRF token is missing)."""


class TooManyAttempts(ServiceError):
    """Login refused for a while after repeated failures (rate limit per account)."""


class PreconditionRequired(ServiceError):
    """A write that must say which version it changes (If-Match) did not."""


class PreconditionFailed(Conflict):
    """A write named a version that is no longer current (If-Match mismatch)."""


class StaleEdit(Conflict):
    """A form was edited from an old version; ``theirs`` holds the current values by field."""

    def __init__(self, message: str, *, theirs: dict[str, str], version: int) -> None:
        super().__init__(message, field="version")
        self.theirs, self.version = theirs, version
