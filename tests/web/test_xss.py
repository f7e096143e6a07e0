"""NF-4: hostile text in every field a person types renders inert on every page (HTML and SVG)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from luodi.models import Comment, Item, Meeting, Milestone, Person, Project
from web.conftest import World

PAYLOADS = ('<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "</textarea><svg onload=alert(2)>",
            "'><a href=javascript:alert(3)>x</a>")
RAW = ("<script>alert", "<img src=x", "<svg onload", "<a href=javascript")


def _poison(world: World, payload: str) -> None:
    """Write the payload straight into the rows (as if an old version had let it through)."""
    with world.session() as session:
        session.execute(update(Item).where(Item.id == world.ids["T001"]).values(
            title=f"T1 {payload}", deliverable=f"D {payload}", acceptance=f"A {payload}"))
        session.execute(update(Person).where(Person.id == world.ids["xiaowang"]).values(name=f"王 {payload}"))
        session.execute(update(Meeting).where(Meeting.id == world.ids["meeting"]).values(title=f"M {payload}"))
        session.execute(update(Project).where(Project.id == world.ids["project"]).values(name=f"P {payload}"))
        session.execute(update(Milestone).values(title=f"MS {payload}"))
        session.add(Comment(item_id=world.ids["T001"], author_id=world.ids["xiaowang"], body=f"C {payload}",
                            created_at=world.clock.now()))
        session.commit()


PAGES = ("/board", "/items", "/items?sort=title", "/me", "/meetings", "/meetings/{meeting}", "/items/{T001}",
         "/items/{T001}/edit", "/graph?meeting={meeting}&slip=T001&days=2", "/timeline?project={project}",
         "/escalations", "/meetings/{meeting}/edit")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_text_field_render_inert(world: World, payload: str) -> None:
    _poison(world, payload)
    world.clock.advance(days=10)   # T001 is late: the escalation page lists it too
    for role in ("coordinator", "supervisor"):
        client = world.client(role)
        for template in PAGES:
            response = client.get(template.format(**{k: str(v) for k, v in world.ids.items()}))
            if response.status_code == 403:
                continue
            assert response.status_code == 200, (template, response.status_code)
            for raw in RAW:
                assert raw not in response.text, (role, template, raw)
    item = world.client("coordinator").get(f"/items/{world.ids['T001']}").text
    assert "&lt;" in item and "T1 " in item and "C " in item and "D " in item


def test_payloads_typed_into_forms_are_stored_as_text_and_shown_escaped(world: World) -> None:
    client = world.client("coordinator")
    payload = PAYLOADS[0]
    client.post(f"/items/{world.ids['T001']}/comments", data={"body": payload, "csrf": world.csrf["coordinator"]})
    client.post(f"/meetings/{world.ids['meeting']}/items", data={
        "title": payload, "owner": str(world.ids["xiaowang"]), "due": "2026-10-01", "deliverable": payload,
        "csrf": world.csrf["coordinator"]})
    for path in (f"/items/{world.ids['T001']}", "/board", "/items", f"/meetings/{world.ids['meeting']}"):
        text = client.get(path).text
        assert "<script>alert" not in text and "&lt;script&gt;alert" in text, path
