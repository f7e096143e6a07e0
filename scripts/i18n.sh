#!/usr/bin/env bash
# Translation catalogs of luodi: extract → update → compile (Babel).
#
#   scripts/i18n.sh            # = all: extract, update the catalogs, list what is untranslated, compile
#   scripts/i18n.sh extract    # sources → src/luodi/locale/messages.pot (babel.cfg says which files)
#   scripts/i18n.sh update     # messages.pot → zh_CN and en messages.po (new languages are created)
#   scripts/i18n.sh missing    # list the zh_CN entries still to translate (exit 1 if any)
#   scripts/i18n.sh compile    # messages.po → messages.mo (the .mo files are committed: the app reads them)
#   scripts/i18n.sh check      # the catalog tests: tests/test_i18n.py
#
# After `all`, translate what `missing` lists by editing src/luodi/locale/zh_CN/LC_MESSAGES/messages.po
# (msgid is English, write the Chinese in msgstr; the en catalog may stay empty = English source
# strings), then run `scripts/i18n.sh compile` and `scripts/i18n.sh check`.
#
# Updates never guess: no fuzzy matching (a changed msgid comes back untranslated, and the tests
# refuse fuzzy entries), and entries whose msgid left the sources are dropped.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
pybabel() { "$PYTHON" -m babel.messages.frontend -q "$@"; }

LOCALE=src/luodi/locale
POT=$LOCALE/messages.pot
LANGUAGES=(zh_CN en)

extract() {
    pybabel extract -F babel.cfg -o "$POT" \
        --project=luodi --version="$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')" \
        --copyright-holder="luodi contributors" --msgid-bugs-address="" \
        --add-comments=TRANSLATORS: --add-location=file --sort-output --no-wrap \
        --ignore-dirs=".* ._ __pycache__" \
        . >/dev/null
    echo "extracted $(grep -c '^msgid "' "$POT") msgids (incl. the header) into $POT"
}

update() {
    for lang in "${LANGUAGES[@]}"; do
        po=$LOCALE/$lang/LC_MESSAGES/messages.po
        if [ -f "$po" ]; then
            pybabel update -i "$POT" -d "$LOCALE" -D messages -l "$lang" \
                --no-fuzzy-matching --ignore-obsolete --no-wrap >/dev/null
        else
            pybabel init -i "$POT" -d "$LOCALE" -D messages -l "$lang" --no-wrap >/dev/null
            # init marks the new catalog's header fuzzy, which would stop `compile`.
            "$PYTHON" - "$po" <<'PY'
import sys
from babel.messages.pofile import read_po, write_po
path = sys.argv[1]
with open(path, "rb") as handle:
    catalog = read_po(handle)
catalog.fuzzy = False
with open(path, "wb") as handle:
    write_po(handle, catalog, width=0)
PY
        fi
        echo "updated $po"
    done
}

missing() {
    "$PYTHON" - "$LOCALE/zh_CN/LC_MESSAGES/messages.po" <<'PY'
import sys
from babel.messages.pofile import read_po
with open(sys.argv[1], "rb") as handle:
    catalog = read_po(handle)
todo = [m for m in catalog if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))]
for message in todo:
    where = ", ".join(sorted({path for path, _ in message.locations}))
    print(f"{'fuzzy ' if message.fuzzy else ''}{message.id!r}    [{where}]")
print(f"{len(todo)} zh_CN entries to translate", file=sys.stderr)
sys.exit(1 if todo else 0)
PY
}

compile() {
    pybabel compile -d "$LOCALE" -D messages --statistics
}

check() {
    "$PYTHON" -m pytest -q tests/test_i18n.py
}

case "${1:-all}" in
    extract) extract ;;
    update) update ;;
    missing) missing ;;
    compile) compile ;;
    check) check ;;
    all)
        extract
        update
        missing || echo "translate the entries above in $LOCALE/zh_CN/LC_MESSAGES/messages.po, then: $0 compile" >&2
        compile
        ;;
    *) echo "usage: $0 [all|extract|update|missing|compile|check]" >&2; exit 2 ;;
esac
