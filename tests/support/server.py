"""A real luodi web server (uvicorn) on 127.0.0.1 in a thread, for tests that need one."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from luodi.clock import Clock
from luodi.config import Settings
from luodi.web.app import create_app
from support.smtpd import free_port


@contextmanager
def running_server(settings: Settings, *, clock: Clock | None = None, port: int | None = None) -> Iterator[str]:
    """Serve ``create_app(settings)``; yield its base URL; stop it afterwards."""
    port = port or free_port()
    app = create_app(settings, clock=clock)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        app.state.engine.dispose()
