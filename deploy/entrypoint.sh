#!/bin/sh
# luodi's container entrypoint (the Dockerfile's ENTRYPOINT; tests/deploy runs it as a plain process).
#
#   entrypoint.sh web       wait for the database, `luodi db upgrade`, then the web app (no worker thread)
#   entrypoint.sh worker    wait for the database, `luodi db upgrade`, then the worker
#   entrypoint.sh luodi …   wait for the database, then any luodi command (backup, user add …)
#   entrypoint.sh CMD …     run CMD as it is (a shell, for instance)
#
# Settings come from the environment (docs/configuration.md). Several web and worker processes may
# start together: `luodi db upgrade` takes a lock on PostgreSQL, so one migrates and the others wait.
set -eu

: "${LUODI_DATABASE_URL:?set LUODI_DATABASE_URL}"

wait_for_database() {
    "${LUODI_PYTHON:-python3}" - <<'PY'
import os
import sys
import time

from sqlalchemy import create_engine, text

url = os.environ["LUODI_DATABASE_URL"]
seconds = float(os.environ.get("LUODI_DB_WAIT_SECONDS", "60"))
deadline = time.monotonic() + seconds
engine = create_engine(url)
while True:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        break
    except Exception as exc:  # any failure to connect: the database is not up yet
        if time.monotonic() > deadline:
            print(f"luodi: the database did not answer in {seconds:g} s: {exc}", file=sys.stderr)
            sys.exit(1)
        time.sleep(1)
engine.dispose()
PY
}

role="${1:-web}"
case "$role" in
    web)
        wait_for_database
        luodi db upgrade
        # uvicorn trusts X-Forwarded-For/-Proto from the addresses in FORWARDED_ALLOW_IPS (docs/deploy.md).
        exec luodi serve --host "${LUODI_WEB_HOST:-0.0.0.0}" --port "${LUODI_WEB_PORT:-8000}" --no-worker
        ;;
    worker)
        wait_for_database
        luodi db upgrade
        exec luodi worker --interval "${LUODI_WORKER_INTERVAL:-30}"
        ;;
    luodi)
        shift
        wait_for_database
        exec luodi "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
