"""Process logging (``LUODI_LOG_FORMAT``): ``text`` lines for people, or one JSON object a line for
log collectors. Every record carries the id of the web request it was written in (``request_id``,
set by web/middleware.py from ``X-Request-ID`` or generated), so one request's lines can be found
together; outside a request it is ``-`` in text and absent in JSON."""

from __future__ import annotations

import json
import logging
import re
import secrets
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

REQUEST_ID: ContextVar[str | None] = ContextVar("luodi_request_id", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
# A client's X-Request-ID is kept when it is a plain token (no spaces or control characters), else replaced.
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")


def request_id_from(header: str | None) -> str:
    """The client's id when it is usable, else a new random one."""
    if header and _CLIENT_ID.fullmatch(header):
        return header
    return secrets.token_hex(16)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id"?, "exception"?}`` — plus any ``extra=`` fields."""

    _STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "-")
        if request_id != "-":
            line["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in self._STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(log_format: str, level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """The root logger writes to ``stream`` (stderr) in ``log_format``; uvicorn's loggers go through it too."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
