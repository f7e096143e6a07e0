"""Resolve a merge or rebase conflict in the translation catalogs without losing a translation.

    python scripts/po_resolve.py        # during a conflicted merge/rebase, from the repository root

For each language's messages.po it unions the translations of both sides (stages 2 and 3 of the
index; a non-empty msgstr wins over an empty one), writes the result, re-extracts the sources,
updates and compiles the catalogs (scripts/i18n.sh), and stages messages.pot, .po and .mo.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE = Path("src/luodi/locale")


def _stage(path: Path, stage: int) -> bytes | None:
    done = subprocess.run(["git", "show", f":{stage}:{path.as_posix()}"], capture_output=True)
    return done.stdout if done.returncode == 0 else None


def _merge(path: Path) -> None:
    sides = [s for s in (_stage(path, 2), _stage(path, 3)) if s is not None]
    if not sides:
        return
    base = read_po(io.BytesIO(sides[0]))
    for other in sides[1:]:
        for message in read_po(io.BytesIO(other)):
            if not message.id:
                continue
            mine = base.get(message.id, message.context)
            if mine is None:
                base[message.id] = message
            elif message.string and not (mine.string if isinstance(mine.string, str) else all(mine.string)):
                mine.string = message.string
    with path.open("wb") as handle:
        write_po(handle, base, width=0)


def main() -> int:
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/messages.po")):
        _merge(po)
    python = sys.executable
    for step in ("extract", "update", "compile"):
        subprocess.run(["bash", "scripts/i18n.sh", step], check=True, env={"PYTHON": python, "PATH": "/usr/bin:/bin"})
    subprocess.run(["git", "add", str(LOCALE)], check=True)
    subprocess.run(["bash", "scripts/i18n.sh", "missing"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
