"""What /api/openapi.json promises a client, beside the routes that keep it.

- Security: every /api/v1 router depends on :data:`BEARER`, so each operation says
  ``security: [{"bearer": []}]`` and the document has the ``bearer`` scheme (Swagger's Authorize
  button and generated clients send ``Authorization: Bearer …``). :data:`BEARER_OR_LINK` marks the
  one operation that also takes the confirmation link's token instead.
- Errors: :func:`errors` declares only the codes an operation can answer, each with the JSON error
  body (``ErrorBody``) and an example; ``If-Match`` (:data:`IF_MATCH`) is declared required where a
  missing one gets 428, and :data:`ETAG` on the responses that set the header.
- Operation ids are the route functions' names (``list_items``), so generated clients read well.
- Examples: :func:`openapi` copies each body's example and each error status's example from
  ``web/api/examples.py`` into the request and response media types.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer

from luodi.web.api.examples import ERROR_EXAMPLES, EXAMPLES
from luodi.web.errors import ErrorBody

BEARER = HTTPBearer(
    scheme_name="bearer", bearerFormat="ld_…", auto_error=False,
    description="A personal API token: `luodi token create --user NAME [--read-only]`, or 管理 → API 令牌 "
                "on the web. A read-only token may only read.")
# The confirmation link's token in the body is the other way in: anonymous requests are allowed too.
BEARER_OR_LINK: dict[str, Any] = {"security": [{}]}

WHY: dict[int, str] = {
    400: "Bad input: the field and the reason",
    401: "No bearer token, or a revoked or unknown one",
    403: "The token's user (or a read-only token) may not do this",
    404: "Not found, or not readable with this token",
    409: "The current state forbids the change",
    410: "The confirmation link expired or no longer applies",
    412: "If-Match names an old version: reload the item and try again",
    428: "If-Match is missing: send the item's ETag",
    422: "The request does not match the schema (the field and the reason)",
}
ETAG: dict[str, Any] = {"ETag": {
    "description": 'The item\'s version, e.g. "3": send it back in If-Match to change the item',
    "schema": {"type": "string"}}}
IF_MATCH: dict[str, Any] = {"parameters": [{
    "name": "If-Match", "in": "header", "required": True,
    "description": 'The ETag of the version you change, e.g. "3" (from GET /api/v1/items/{item_id}). '
                   "Missing: 428; an old version: 412, and nothing is changed.",
    "schema": {"type": "string", "maxLength": 100}, "example": '"1"'}]}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error responses of one operation (every one has 401: a bearer token is required)."""
    return {code: {"model": ErrorBody, "description": WHY[code]} for code in sorted({401, *codes})}


def with_etag(code: int = 200) -> dict[int | str, dict[str, Any]]:
    return {code: {"headers": ETAG}}


def operation_id(route: APIRoute) -> str:
    return route.name


def openapi(app: FastAPI) -> dict[str, Any]:
    """The document, built once per app: FastAPI's, with the examples of every body."""
    if app.openapi_schema is None:
        document = get_openapi(title=app.title, version=app.version, description=app.description,
                               routes=app.routes)
        for methods in document.get("paths", {}).values():
            for operation in methods.values():
                _add_examples(operation)
        app.openapi_schema = document
    return app.openapi_schema


def _add_examples(operation: dict[str, Any]) -> None:
    """Added to the finished document: FastAPI drops the nulls of examples passed to the routes."""
    for code, response in operation.get("responses", {}).items():
        if code.isdigit() and int(code) in ERROR_EXAMPLES and not code.startswith("2"):
            response["content"]["application/json"]["example"] = ERROR_EXAMPLES[int(code)]
    bodies = [operation.get("requestBody", {})]
    bodies += [r for code, r in operation.get("responses", {}).items() if code.startswith("2")]
    for body in bodies:
        media = body.get("content", {}).get("application/json")
        if media is None or "example" in media:
            continue
        example = _example(media.get("schema", {}))
        if example is not None:
            media["example"] = example


def _example(schema: dict[str, Any]) -> Any:
    if "$ref" in schema:
        return EXAMPLES.get(str(schema["$ref"]).rsplit("/", 1)[-1])
    if schema.get("type") == "array":
        item = _example(schema.get("items", {}))
        return None if item is None else [item]
    return None
