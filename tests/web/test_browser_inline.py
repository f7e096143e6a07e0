"""Issue 12 part 6 in a real Chromium: the coordinator changes T002's due date in place from the
table, then edits T003 from a page drawn before someone else changed it: the conflict page shows
both values and nothing is saved until they choose. Uses the browser suite's server and fixtures."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from luodi.domain.enums import Priority
from luodi.models import AuditEntry, Item
from web.conftest import BOTH_BACKENDS
from web.test_browser import Live, chromium, live, login, page, shot  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, BOTH_BACKENDS]


def test_an_inline_edit_from_the_table_and_a_stale_one_from_the_item_page(page: Any, live: Live) -> None:  # noqa: F811
    login(page, live)
    with live.session() as session:
        t002, t003 = (session.scalars(select(Item).where(Item.code == code)).one() for code in ("T002", "T003"))
        ids, due = (t002.id, t003.id), t002.due
    page.goto(f"{live.url}/items?sort=code")
    row = page.locator("tr", has=page.locator(f'a[href="/items/{ids[0]}"]')).first
    row.locator("details.row-edit summary").click()
    row.locator(f"#due-{ids[0]}").fill("2030-01-15")
    row.locator(f"#priority-{ids[0]}").select_option("high")
    shot(page, live, "13-table-inline-edit")
    row.get_by_role("button", name=re.compile("^(保存|Save)$")).click()
    page.wait_for_url(re.compile(r"/items\?sort=code$"))
    with live.session() as session:
        item = session.get_one(Item, ids[0])
        assert (item.due.isoformat(), item.priority, item.version) == ("2030-01-15", Priority.HIGH, 2)
        changed = session.execute(select(AuditEntry.field, AuditEntry.before, AuditEntry.after)
                                  .where(AuditEntry.item_id == ids[0]).order_by(AuditEntry.id)).all()
        assert [tuple(c) for c in changed][-2:] == [("due", due.isoformat(), "2030-01-15"),
                                                    ("priority", "medium", "high")]

    page.goto(f"{live.url}/items/{ids[1]}")
    with live.session() as session:     # someone else, meanwhile
        session.get_one(Item, ids[1]).priority = Priority.LOW
        session.commit()
    page.locator("#change-fields summary").click()
    page.fill(f"#due-{ids[1]}-page", "2030-02-01")
    page.get_by_role("button", name=re.compile("^(保存|Save)$")).click()
    page.locator(".notice-card").wait_for()
    conflict = page.locator(".notice-card table").inner_text()
    assert "2030-02-01" in conflict and re.search("低|Low", conflict) and re.search("中|Medium", conflict)
    shot(page, live, "14-inline-edit-conflict")
    with live.session() as session:
        assert session.get_one(Item, ids[1]).due.isoformat() != "2030-02-01"
    page.get_by_role("link", name=re.compile("保留当前|Keep the current")).click()
    page.wait_for_url(re.compile(rf"/items/{ids[1]}$"))
