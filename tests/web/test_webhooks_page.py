"""INT-4 on the web: coordinators add their project's webhooks, admins any (and allow private targets)."""

from __future__ import annotations

from sqlalchemy import select

from luodi.models import AuditEntry, WebhookSubscription
from web.conftest import World


def _form(world: World, role: str, **values: object) -> dict[str, object]:
    return {"csrf": world.csrf[role], **values}


def test_a_coordinator_adds_a_webhook_for_their_project_and_sees_its_secret(world: World) -> None:
    client = world.client("coordinator")
    answer = client.post("/webhooks", data=_form(world, "coordinator", url="https://93.184.215.14/hooks",
                                                 project=str(world.ids["project"]),
                                                 events=["item.status_changed", "item.confirmed"]))
    assert answer.status_code == 303
    with world.session() as session:
        row = session.scalars(select(WebhookSubscription)).one()
        assert (row.url, row.events, row.project_id, row.allow_private) == (
            "https://93.184.215.14/hooks", ["item.status_changed", "item.confirmed"], world.ids["project"], False)
        assert row.secret.startswith("whsec_")
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "webhook")).all() == ["created"]
    page = client.get("/webhooks").text
    assert f'data-webhook="{row.id}"' in page and row.secret in page
    assert 'name="allow_private"' not in page            # only admins may allow a private address
    assert client.post(f"/webhooks/{row.id}/remove", data=_form(world, "coordinator")).status_code == 303
    with world.session() as session:
        assert session.scalars(select(WebhookSubscription)).all() == []


def test_a_private_target_is_refused_on_the_form_unless_an_admin_allows_it(world: World) -> None:
    coordinator = world.client("coordinator", headers={"Accept-Language": "en"})
    refused = coordinator.post("/webhooks", data=_form(world, "coordinator", url="http://127.0.0.1:9/x",
                                                       project=str(world.ids["project"]), events=["item.created"]))
    assert refused.status_code == 400 and "--allow-private" in refused.text
    assert coordinator.post("/webhooks", data=_form(world, "coordinator", url="http://127.0.0.1:9/x",
                                                    project=str(world.ids["project"]), events=["item.created"],
                                                    allow_private="1")).status_code == 403
    admin = world.client("admin")
    assert admin.post("/webhooks", data=_form(world, "admin", url="http://127.0.0.1:9/x", project="",
                                              events=["item.created"], allow_private="1")).status_code == 303
    with world.session() as session:
        [row] = session.scalars(select(WebhookSubscription)).all()
    assert row.allow_private and row.project_id is None


def test_owners_may_not_see_the_webhooks(world: World) -> None:
    assert world.client("owner").get("/webhooks").status_code == 403
