"""Page contexts of the admin pages (people, API tokens): one documented dataclass per template."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PeoplePage:
    """The people directory with the "add a person" form and the CSV import."""

    people: list[dict[str, Any]]     # services.accounts.people.person_public rows (+ "aliases")
    supervisors: dict[int, str]      # the supervisor choices of the add form, id → name
    values: dict[str, str] = field(default_factory=dict)   # a refused form's values
    error: str | None = None         # the refusal (add or import) to show above the forms
    imported: dict[str, list[str]] | None = None   # after an import: created and updated names


@dataclass(frozen=True)
class PersonPage:
    """One person's edit form (name, addresses, IM ids, supervisor, channels, language, aliases)."""

    person_id: int
    values: dict[str, str]           # the stored values, or the refused form's
    supervisors: dict[int, str]      # the supervisor choices (everyone else), id → name
    error: str | None = None
    saved: bool = False              # the form was just stored


@dataclass(frozen=True)
class TokensPage:
    """Every API token (prefix, user, state) with the create form; a new secret is shown once."""

    tokens: list[dict[str, Any]]     # services.accounts.api_tokens.list_tokens rows
    users: list[str]                 # user names the form may create a token for
    secret: str | None = None        # the token just created: shown in this answer only
    error: str | None = None


@dataclass(frozen=True)
class Refusal:
    """A refused admin form: which form, which field (the message is shown next to it), why."""

    form: str                        # the form's id in the page ("add-user", "grant-3" …)
    field: str | None                # the InvalidInput's field, None: shown above the form
    message: str


@dataclass(frozen=True)
class UsersPage:
    """Users with their roles per project; add a user, grant a role, reset a password, deactivate."""

    users: list[dict[str, Any]]      # services.accounts.users.directory rows
    by_project: dict[str | None, dict[str, list[str]]]   # project (None: every project) → role → names
    projects: list[str]              # project names, for the role forms
    roles: tuple[str, ...]           # the role choices of "add a user" (admin included)
    grantable: tuple[str, ...]       # the roles a grant may give
    values: dict[str, str] = field(default_factory=dict)   # a refused form's values
    refusal: Refusal | None = None
    password: dict[str, str] | None = None   # {"user", "password"}: a new password, shown in this answer only


@dataclass(frozen=True)
class ChannelsPage:
    """The organisation's and each project's channels: group robots and webhooks (masked URL, signed
    or not, state), the IM app bots and email from the settings, each with its recent failures."""

    groups: dict[str | None, list[dict[str, Any]]]   # project (None: every project) → list_public rows
    apps: list[dict[str, Any]]       # {"kind", "configured", "app_id"}: the app id's start only
    email: dict[str, Any]            # {"host", "port", "tls", "sender", "user"}: never the password
    failures: dict[str, list[dict[str, Any]]]   # channel name → services.send.channels.failures rows
    projects: list[str]              # the add form's project choices
    kinds: tuple[str, ...]
    tz: Any                          # the organisation's zone, for the failures' times
    values: dict[str, str] = field(default_factory=dict)   # a refused form's values (never url or secret)
    refusal: Refusal | None = None
    tested: dict[str, str] | None = None   # {"channel", "error"}: the test message's outcome ("" = delivered)
