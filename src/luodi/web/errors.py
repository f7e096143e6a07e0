"""Refusals as HTTP: service errors, validation errors and stale writes, as JSON or as a page.

API responses are ``{"detail": [{"field": …, "message": …}]}`` (schema ErrorBody) with the status
of the error's kind; pages show a message page, except "please log in", which redirects.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException

from luodi.i18n import gettext as _
from luodi.i18n import use_language
from luodi.services.errors import (
    Conflict,
    Forbidden,
    Gone,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ServiceError,
    TooManyAttempts,
    Unauthenticated,
)
from luodi.web.templating import render, request_language

# Most specific first: PreconditionFailed and StaleEdit are Conflicts.
STATUS_FOR: list[tuple[type[ServiceError], int]] = [
    (PreconditionFailed, 412), (PreconditionRequired, 428), (Unauthenticated, 401), (Forbidden, 403),
    (NotFound, 404), (Gone, 410), (Conflict, 409), (TooManyAttempts, 429), (InvalidInput, 400),
]


class ErrorDetail(BaseModel):
    field: str | None = Field(description="The field the refusal is about (body.title, item_id, If-Match …)")
    message: str = Field(description="Why, in the request's language")


class ErrorBody(BaseModel):
    detail: list[ErrorDetail]


def status_for(exc: ServiceError) -> int:
    return next((code for kind, code in STATUS_FOR if isinstance(exc, kind)), 400)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def api_error(code: int, details: list[dict[str, Any]], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": details}, status_code=code, headers=headers)


def _message_page(request: Request, code: int, message: str) -> Response:
    return render(request, "message.html", status_code=code, title=str(code), message=message)


async def service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    code = status_for(exc)
    if is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if code == 401 else None
        return api_error(code, [{"field": exc.field, "message": exc.message}], headers)
    if code == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return _message_page(request, code, exc.message)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    with use_language(request_language(request)):
        details = [{"field": ".".join(str(part) for part in error.get("loc", ())), "message": str(error.get("msg"))}
                   for error in exc.errors()]
        if is_api(request):
            return api_error(422, details)
        return _message_page(request, 400, "; ".join(f"{d['field']}: {d['message']}" for d in details))


async def stale_data(request: Request, exc: Exception) -> Response:
    """Two writers raced on one item row (version_id_col): the second one is refused, not merged."""
    with use_language(request_language(request)):
        message = _("Someone else changed this item at the same moment. Reload and try again.")
    if is_api(request):
        return api_error(412, [{"field": "If-Match", "message": message}])
    return _message_page(request, 409, message)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    with use_language(request_language(request)):
        message = _("Page not found.") if exc.status_code == 404 else str(exc.detail)
        if exc.status_code == 400 and is_api(request):   # FastAPI could not decode the body
            message = _("The request body could not be read: send JSON in UTF-8.")
    if is_api(request):
        return api_error(exc.status_code, [{"field": None, "message": message}], dict(exc.headers or {}) or None)
    return _message_page(request, exc.status_code, message)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, service_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StaleDataError, stale_data)
    app.add_exception_handler(HTTPException, http_error)

