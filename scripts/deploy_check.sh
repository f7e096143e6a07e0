#!/usr/bin/env bash
# make deploy-check: the install kit of docs/deploy.md, for real.
#
# With a Docker daemon: build the image (Dockerfile) and run its entrypoint once (`luodi db upgrade`
# on a scratch SQLite file, then the version check of the web process's command).
# Without one: build the wheel, install it with the postgres extra into a fresh virtualenv, as the
# Dockerfile does, and run tests/deploy with that virtualenv's luodi — deploy/compose.yaml's web and
# worker services started through deploy/entrypoint.sh as plain processes against the local PostgreSQL
# (LUODI_TEST_PG_URL), driven through one case.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    docker build -t luodi:check .
    docker run --rm -e LUODI_DATABASE_URL=sqlite:////tmp/check.db luodi:check luodi db upgrade
    docker run --rm -e LUODI_DATABASE_URL=sqlite:////tmp/check.db luodi:check luodi serve --help >/dev/null
    echo "deploy-check: image luodi:check built; its entrypoint migrated a database"
    exit 0
fi

echo "deploy-check: no Docker daemon; running the container entrypoint locally as plain processes"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$work/wheels" .
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$(ls "$work"/wheels/luodi-*.whl)[postgres]"
LUODI_DEPLOY_BIN="$work/venv/bin" LUODI_DEPLOY_WHEEL="$(ls "$work"/wheels/luodi-*.whl)" "$PYTHON" -m pytest -q -p no:cacheprovider tests/deploy
