#!/usr/bin/env bash
# The lowest versions luodi says it supports, tested: every runtime dependency of pyproject.toml
# (and the postgres extra) installed at exactly its lower bound (`>=X` → `==X`) in a throwaway venv,
# then the test suite. The dev tools (pytest, ruff, schemathesis …) install at their newest.
#
#   bash scripts/lowest_deps.sh            # the whole suite (`make lowest-deps`)
#   bash scripts/lowest_deps.sh tests/web  # only these tests (arguments go to pytest)
#
# A failure here means a lower bound in pyproject.toml is a lie: raise it to the version the code
# really needs. The venv is made under $TMPDIR and removed at the end (LOWEST_KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=$(mktemp -d "${TMPDIR:-/tmp}/luodi-lowest.XXXXXX")
[ "${LOWEST_KEEP:-}" = 1 ] || trap 'rm -rf "$VENV"' EXIT

"$PYTHON" -m venv "$VENV"
"$PYTHON" - > "$VENV/lowest.txt" <<'PY'
import re
import tomllib

project = tomllib.load(open("pyproject.toml", "rb"))["project"]
requirements = project["dependencies"] + project["optional-dependencies"]["postgres"]
for requirement in requirements:
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?>=([^,;\s]+)", requirement.strip())
    if match is None:
        raise SystemExit(f"no lower bound to pin in {requirement!r}: write it as name>=version")
    print(f"{match[1]}=={match[3]}")
PY
echo "lowest allowed versions:" $(cat "$VENV/lowest.txt")
# pip's resolver backtracks for many minutes when a lower bound clashes with a dev tool; uv (only in
# this throwaway venv) resolves in a second and names the clash.
"$VENV/bin/python" -m pip install --quiet --upgrade pip uv
"$VENV/bin/uv" pip compile --quiet --python "$VENV/bin/python" pyproject.toml --extra dev \
    -c "$VENV/lowest.txt" -o "$VENV/resolved.txt"
"$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" -r "$VENV/resolved.txt" -e .
grep -iE "^($(sed 's/==.*//' "$VENV/lowest.txt" | paste -sd'|'))==" "$VENV/resolved.txt" | paste -sd' ' | sed 's/^/installed: /'
export LUODI_TEST_PG_URL="${LUODI_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}"
"$VENV/bin/python" -m pytest -n 2 -q -p no:cacheprovider "$@"
