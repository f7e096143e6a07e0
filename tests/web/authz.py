"""The authorization matrix's vocabulary: roles, the expected-status helpers, one Case per route.

tests/web/test_authz_matrix.py holds the board's routes; tests/web/followup_matrix.py the
follow-up routes (issue 5). A route of the app that no entry names fails the matrix test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from luodi.services.send import tokens
from web.conftest import Q4, World

PAGE_ROLES = ("anon", "viewer", "owner", "peer", "supervisor", "coordinator", "admin", "outsider")
API_ROLES = (*PAGE_ROLES, "readonly")
Data = Callable[[World], dict[str, Any]]


def expect(default: int, anon: int, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(API_ROLES, default)
    table["anon"] = anon
    table.update(overrides)
    return table


def editors_only(ok: int, *, outsider: int = 404, anon: int = 303, readonly: int = 403) -> dict[str, int]:
    """Coordinators and admins may; other readers are forbidden; the outsider cannot see it."""
    return expect(403, anon, coordinator=ok, admin=ok, outsider=outsider, readonly=readonly)


def readers(ok: int = 200, *, anon: int = 303, outsider: int = 404) -> dict[str, int]:
    return expect(ok, anon, outsider=outsider)


def version(world: World, key: str = "T001") -> str:
    return str(world.item(key).version)


def link_token(world: World) -> str:
    return tokens.make("test-secret-key-0123456789",
                       tokens.ConfirmationToken(world.ids["meeting"], world.ids["xiaowang"], (world.ids["T001"],)),
                       now=world.clock.now())


def markdown() -> str:
    return Q4.read_text(encoding="utf-8")


@dataclass
class Case:
    url: str                                     # {T001}, {meeting} … are replaced by world.ids
    expected: dict[str, int]
    form: Data | None = None                     # page routes: form fields (CSRF is added)
    json: Data | None = None                     # API routes: the JSON body
    headers: Data = field(default=lambda world: {})
    setup: Callable[[World], None] | None = None  # rows the route needs (ids go into world.ids)
