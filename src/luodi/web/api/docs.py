"""/api/docs: the API reference as a plain page drawn from the OpenAPI document.

FastAPI's Swagger UI loads its script from a CDN and runs inline script; luodi runs on intranets
without internet and under a CSP without inline script, so the reference is server-rendered.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from luodi.web.pages.board_contexts import ApiDocsPage
from luodi.web.templating import render

router = APIRouter(include_in_schema=False)


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            found.append({
                "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": operation.get("parameters", []), "body": _ref(body),
                "responses": {code: _ref(r.get("content", {}).get("application/json", {}).get("schema"))
                              or r.get("description", "") for code, r in operation.get("responses", {}).items()},
            })
    return found


def _ref(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list[{_ref(schema.get('items'))}]"
    return str(schema.get("type", ""))


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    document = request.app.openapi()
    page = ApiDocsPage(operations=_operations(document), schemas=document.get("components", {}).get("schemas", {}))
    return render(request, "api_docs.html", page=page, description=document.get("info", {}).get("description", ""))
