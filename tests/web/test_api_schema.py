"""Schemathesis against /api/openapi.json, with an admin's token: generated requests (valid and
invalid) never get a 5xx, and every response matches its declared status, content type and schema.
Bounded: a few examples per operation."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from web.conftest import World

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import (  # noqa: E402 - after the importorskip
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _describing_app() -> Any:
    """An app only to read the OpenAPI document from (it never touches its database)."""
    from luodi.config import Settings
    from luodi.web.app import create_app

    settings = Settings(database_url="sqlite://", secret_key="schema-only-0123456789")
    return create_app(settings, migrate=False)


schema = schemathesis.openapi.from_asgi("/api/openapi.json", _describing_app())


@schema.parametrize()  # type: ignore[untyped-decorator]  # schemathesis' decorator is not typed
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_api_keeps_its_contract(case: Any, world: World) -> None:
    """The generated request goes to the test world's app, with the admin's token."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    kwargs["headers"] = {**(kwargs.get("headers") or {}), "Authorization": f"Bearer {world.tokens['admin']}"}
    response = world.client().request(**kwargs)
    case.validate_response(response, checks=CHECKS)
