"""Issue 12 part 6: owner, due date, status and priority changed in place from the item page and
from the table, each form carrying the item's version. A stale form (someone else changed the item
meanwhile) changes nothing and shows both values; every change is in the item's history; the API's
PATCH goes through the same use case, so an ETag taken before an inline edit is refused. Both backends."""

from __future__ import annotations

import re

from sqlalchemy import select

from luodi.domain.enums import ItemStatus, Priority
from luodi.models import AuditEntry
from web.conftest import BOTH_BACKENDS, World, snapshot

pytestmark = BOTH_BACKENDS


def _form(html: str, item_id: int) -> dict[str, str]:
    """The inline form of one item on a page: its hidden fields and the values it shows."""
    form = html.split(f'action="/items/{item_id}/fields"', 1)[1].split("</form>", 1)[0]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    hidden["owner"] = re.search(r'<option value="(\d+)" selected', form).group(1)  # type: ignore[union-attr]
    hidden["due"] = re.search(r'name="due" type="date" required value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    priority = form.split('name="priority"', 1)[1]
    hidden["priority"] = re.search(r'<option value="(\w+)" selected', priority).group(1)  # type: ignore[union-attr]
    return hidden


def _changes(world: World, item_id: int) -> list[tuple[str, str | None, str | None]]:
    with world.session() as session:
        return [tuple(row) for row in session.execute(  # type: ignore[misc]
            select(AuditEntry.field, AuditEntry.before, AuditEntry.after)
            .where(AuditEntry.item_id == item_id, AuditEntry.action.in_(["changed", "status"]))
            .order_by(AuditEntry.id))]


def test_owner_due_and_priority_change_from_the_item_page_and_land_in_the_history(world: World) -> None:
    client, item_id = world.client("coordinator"), world.ids["T001"]
    page = client.get(f"/items/{item_id}").text
    form = _form(page, item_id)
    assert form["version"] == "1" and form["next"] == f"/items/{item_id}"
    with world.session() as session:
        from luodi.models import Person
        xiaoli = session.scalar(select(Person.id).where(Person.name == "小李"))
    response = client.post(f"/items/{item_id}/fields", data={
        **form, "owner": str(xiaoli), "due": "2026-10-09", "priority": "low", "csrf": world.csrf["coordinator"]})
    assert response.status_code == 303 and response.headers["location"] == f"/items/{item_id}"
    item = world.item("T001")
    assert (item.owner.name, item.due.isoformat(), item.priority, item.version) == ("小李", "2026-10-09",
                                                                                    Priority.LOW, 2)
    assert _changes(world, item_id) == [("owner", "小王", "小李"), ("due", "2026-09-30", "2026-10-09"),
                                        ("priority", "high", "low")]
    history = client.get(f"/items/{item_id}").text.split('id="history"')[1]
    assert "小王" in history and "小李" in history and "10月9日" in history
    owner = world.client("owner").post(f"/items/{world.ids['T002']}/fields", data={
        "version": "1", "due": "2026-10-20", "csrf": world.csrf["owner"]})
    assert owner.status_code == 403 and world.item("T002").due.isoformat() == "2026-10-05"


def test_the_table_edits_a_row_in_place_and_a_stale_row_shows_both_values(world: World) -> None:
    """Two coordinators' sessions on the same table: the second one's form is stale."""
    item_id, here = world.ids["T002"], "/items?sort=code"
    mine, theirs = world.client("coordinator"), world.client("admin")
    stale = _form(mine.get(here).text, item_id)                       # drawn at version 1
    fresh = _form(theirs.get(here).text, item_id)
    assert stale["version"] == fresh["version"] == "1" and stale["next"] == here
    saved = theirs.post(f"/items/{item_id}/fields", data={**fresh, "priority": "high", "csrf": world.csrf["admin"]})
    assert saved.status_code == 303 and saved.headers["location"] == here
    assert (world.item("T002").priority, world.item("T002").version) == (Priority.HIGH, 2)

    before = snapshot(world.url)
    conflict = mine.post(f"/items/{item_id}/fields", data={**stale, "due": "2026-10-12",
                                                          "csrf": world.csrf["coordinator"]})
    assert conflict.status_code == 409
    assert snapshot(world.url) == before                             # nothing saved
    rows = {field: (yours, current) for field, yours, current in re.findall(
        r'<th scope="row">([^<]+)</th><td>([^<]*)</td><td>([^<]*)</td>', conflict.text)}
    assert rows["截止日期" if "截止日期" in rows else "Due"] == ("2026-10-12", "2026-10-05")   # yours, current
    assert rows["优先级" if "优先级" in rows else "Priority"] == ("中", "高")
    assert 'class="differs"' in conflict.text
    assert f'<a class="button primary" href="{here}">' in conflict.text, conflict.text.split('class="actions"')[1]

    apply = conflict.text.split('action="/items/', 1)[1].split("</form>")[0]
    resend = dict(re.findall(r'name="(\w+)" value="([^"]*)"', apply))
    assert resend["version"] == "2" and resend["due"] == "2026-10-12" and resend["priority"] == "medium"
    resend["csrf"] = world.csrf["coordinator"]
    applied = mine.post(f"/items/{item_id}/fields", data=resend)      # 「apply mine anyway」, deliberately
    assert applied.status_code == 303
    item = world.item("T002")
    assert (item.due.isoformat(), item.priority, item.version) == ("2026-10-12", Priority.MEDIUM, 3)
    assert _changes(world, item_id) == [("priority", "medium", "high"), ("due", "2026-10-05", "2026-10-12"),
                                        ("priority", "high", "medium")]


def test_an_inline_edit_and_the_api_patch_share_the_version(world: World) -> None:
    item_id = world.ids["T003"]
    api = world.api("coordinator")
    etag = api.get(f"/api/v1/items/{item_id}").headers["ETag"]
    page = world.client("coordinator")
    form = _form(page.get("/items").text, item_id)
    assert page.post(f"/items/{item_id}/status", data={"status": "in_progress", "version": form["version"],
                                                       "csrf": world.csrf["coordinator"]}).status_code == 303
    refused = api.patch(f"/api/v1/items/{item_id}", json={"due": "2026-10-15"}, headers={"If-Match": etag})
    assert refused.status_code == 412 and world.item("T003").due.isoformat() == "2026-10-10"
    stale = page.post(f"/items/{item_id}/fields", data={**form, "due": "2026-10-15",
                                                        "csrf": world.csrf["coordinator"]})
    assert stale.status_code == 409 and world.item("T003").status is ItemStatus.IN_PROGRESS
    fresh = api.get(f"/api/v1/items/{item_id}").headers["ETag"]
    assert api.patch(f"/api/v1/items/{item_id}", json={"due": "2026-10-15"},
                     headers={"If-Match": fresh}).status_code == 200
    assert _changes(world, item_id)[-1] == ("due", "2026-10-10", "2026-10-15")
