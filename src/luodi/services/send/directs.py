"""Where one person is reached privately: email and the IM app bots (their *direct* channels).

The rules' messages (services.rules.compose) and the 【行动项】 list (services.send.lists) both
ask here, so a person's choice (``person.notify``) means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from luodi.domain.routing import APP_ID_FIELDS
from luodi.models import Person


def wants(person: Person) -> set[str]:
    """The person's choice of direct channels: ``email`` and/or ``im`` (the IM app bot).

    ``person.notify`` None: both; ``bot`` is the older name of ``im``; ``none``: nothing.
    """
    if not person.notify:
        return {"email", "im"}
    chosen = {part.strip() for part in person.notify.split(",")}
    return {"im" if part == "bot" else part for part in chosen} - {"none"}


def direct_channels(person: Person, *, apps: Sequence[str], email_on: bool = True) -> list[str]:
    """A person's own channels: email (with an address) and each app bot that knows them."""
    chosen = wants(person)
    result = ["email"] if person.email and email_on and "email" in chosen else []
    if "im" in chosen:
        result += [app for app in apps if getattr(person, APP_ID_FIELDS[app], None)]
    return result


def direct_address(person: Person, channel: str) -> str | None:
    """Where a direct message to ``person`` on ``channel`` goes: the email address or the app id."""
    if channel == "email":
        return person.email
    return getattr(person, APP_ID_FIELDS[channel], None) if channel in APP_ID_FIELDS else None
