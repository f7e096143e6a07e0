"""``luodi db …``, ``luodi config show``, ``luodi serve`` and ``luodi demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from luodi.cli.context import print_json, settings
from luodi.i18n import gettext as _

db_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
config_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    from luodi.migrate import upgrade_to_head

    revision = upgrade_to_head(settings().database_url)
    typer.echo(_("database at revision {revision}").format(revision=revision))


@db_app.command("current")
def db_current() -> None:
    """Show the database's schema revision and the newest one."""
    from luodi.migrate import current_revision, head_revision

    typer.echo(_("current: {current}  head: {head}").format(current=current_revision(settings().database_url),
                                                             head=head_revision()))


@config_app.command("show")
def config_show(json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """Show the effective settings (secrets masked)."""
    values = settings().public()
    if json:
        print_json(values)
        return
    for name, value in values.items():
        typer.echo(f"LUODI_{name.upper()} = {value}")


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    no_worker: Annotated[bool, typer.Option("--no-worker", help="Do not run the embedded worker thread")] = False,
) -> None:
    """Run the web app, with an embedded worker thread unless --no-worker."""
    _serve(host, port, worker=not no_worker)


def _serve(host: str, port: int, *, worker: bool = True) -> None:
    import threading

    import uvicorn

    from luodi import logs
    from luodi.db import make_engine, make_sessionmaker
    from luodi.web.app import create_app
    from luodi.worker.loop import Worker

    logs.configure(settings().log_format)
    app = create_app(settings())
    runner = None
    if worker:
        from luodi.worker.metrics import PLAN_STEP_SECONDS

        app.state.metrics.registry.register(PLAN_STEP_SECONDS)   # the embedded worker's, on /internal/metrics
        runner = Worker(settings(), make_sessionmaker(make_engine(settings().database_url)),
                        settings().make_clock(), interval=30.0)
        threading.Thread(target=runner.run, name="luodi-worker", daemon=True).start()
    suffix = _(" (with a worker)") if worker else ""
    typer.echo(_("luodi is serving at {url}").format(url=f"http://{host}:{port}") + suffix)
    try:
        # logs.configure's handler writes uvicorn's lines too; the middleware logs each request.
        uvicorn.run(app, host=host, port=port, log_level="info", log_config=None, access_log=False)
    finally:
        if runner is not None:
            runner.stopping.set()


def demo(
    database: Annotated[Path | None, typer.Option(help="Demo database file (default: data dir/demo.db)")] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Create the database and stop")] = False,
    worker: Annotated[bool, typer.Option("--worker", help="Also run the worker (needs LUODI_SMTP_* to email)")
                      ] = False,
    reset: Annotated[bool, typer.Option("--reset", help="Build the demo database afresh (new passwords)")] = False,
) -> None:
    """Serve the article's case B (dates around today); an existing demo database is kept."""
    import os

    from luodi.config import default_data_dir
    from luodi.demo import create_demo

    path = (database or default_data_dir() / "demo.db").expanduser().resolve()
    url = f"sqlite:///{path}"
    os.environ["LUODI_DATABASE_URL"] = url
    os.environ.setdefault("LUODI_BASE_URL", f"http://{host}:{port}")
    settings.cache_clear()
    summary = create_demo(settings(), path, reset=reset)
    typer.echo(summary)
    if not no_serve:
        _serve(host, port, worker=worker)
