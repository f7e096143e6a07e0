"""Row locks name the table they lock: PostgreSQL refuses FOR UPDATE on the nullable side of an outer
join, and an eager-loaded relationship adds one behind the query's back (issue 17)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "luodi"


def test_every_with_for_update_says_which_table_it_locks() -> None:
    bare = []
    for path in SRC.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for call in re.findall(r"with_for_update\(([^)]*)\)", line):
                # skip_locked on a query that selects one column only (the outbox claim) joins nothing
                if "of=" not in call and "skip_locked" not in call:
                    bare.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not bare, "lock only the row you mean: with_for_update(of=Model)\n" + "\n".join(bare)
