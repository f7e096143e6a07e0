"""Issue 12 part 2, the channels page: an admin adds a project's DingTalk robot with a signing
secret and sends it a test message through the real notify code, to a local stand-in that checks
the signature as DingTalk does; a wrong secret is a failure the page shows and the channel is
flagged; the outbox's failed messages are listed per channel; secrets are never shown back.
On SQLite and PostgreSQL; who may post is in tests/web/test_authz_matrix.py."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from luodi.domain.enums import OutboxStatus
from luodi.models import AuditEntry, Channel, OutboxMessage
from luodi.services.accounts import people
from support.fakebots import DingTalkBot
from web.conftest import BOTH_BACKENDS, NOW, World

pytestmark = BOTH_BACKENDS
SECRET = "SECdeadbeefcafe0123456789"


def _form(world: World, **values: object) -> dict[str, object]:
    return {"csrf": world.csrf["admin"], **values}


def _channel(world: World, name: str) -> Channel:
    with world.session() as session:
        return session.scalars(select(Channel).where(Channel.name == name)).one()


def _audit(world: World, channel_id: int) -> list[tuple[str, str | None, int | None]]:
    with world.session() as session:
        return [(a, b, c) for a, b, c in session.execute(
            select(AuditEntry.action, AuditEntry.after, AuditEntry.actor_id)
            .where(AuditEntry.entity == "channel", AuditEntry.entity_id == channel_id).order_by(AuditEntry.id))]


def test_an_admin_adds_a_robot_and_its_test_message_passes_the_vendors_signature_check(world: World) -> None:
    admin = world.client("admin")
    with world.session() as session:
        root = people.get_by_name(session, "root").id
    with DingTalkBot(secret=SECRET, token="tok-0123456789abcdef") as bot:
        added = admin.post("/admin/channels", data=_form(
            world, name="Q4群", kind="dingtalk", url=bot.url, secret=SECRET, project="Q4", keyword=""))
        assert added.status_code == 303
        row = _channel(world, "Q4群")
        assert (row.kind, row.project_id, row.config) == ("dingtalk", world.ids["project"],
                                                          {"url": bot.url, "secret": SECRET})
        assert added.headers["location"] == f"/admin/channels#channel-{row.id}"
        listing = admin.get("/admin/channels").text
        section = listing[listing.index('data-channels="Q4"'):]
        assert f'id="channel-{row.id}"' in section[:section.index("</section>")]
        assert SECRET not in listing and "tok-0123456789abcdef" not in listing and bot.url not in listing

        tested = admin.post(f"/admin/channels/{row.id}/test", data=_form(world))
        assert tested.status_code == 200 and 'data-outcome="delivered"' in tested.text
        assert len(bot.accepted) == 1                       # the fake verified the 加签 signature
        assert "落地测试消息" in bot.accepted[0].body.decode("utf-8")   # in the admin's language
        assert {"timestamp", "sign"} <= set(bot.accepted[0].query)
    assert _audit(world, row.id) == [("created", "dingtalk@Q4", root), ("tested", "delivered", root)]


def test_a_wrong_secret_fails_the_test_flags_the_channel_and_is_shown(world: World) -> None:
    admin = world.client("admin")
    with DingTalkBot(secret=SECRET) as bot:
        assert admin.post("/admin/channels", data=_form(
            world, name="ops", kind="dingtalk", url=bot.url, secret="SECwrong")).status_code == 303
        row = _channel(world, "ops")
        tested = admin.post(f"/admin/channels/{row.id}/test", data=_form(world))
        assert bot.accepted == [] and len(bot.requests) == 1
    assert 'data-outcome="failed"' in tested.text and "310000" in tested.text
    flagged = _channel(world, "ops")
    assert flagged.needs_attention and flagged.last_error and "310000" in flagged.last_error
    assert _audit(world, row.id)[-1][0:1] == ("tested",) and "failed" in (_audit(world, row.id)[-1][1] or "")
    assert "SECwrong" not in tested.text


def test_the_outboxs_failures_are_listed_per_channel(world: World) -> None:
    admin = world.client("admin")
    assert admin.post("/admin/channels", data=_form(
        world, name="ops", kind="webhook", url="https://93.184.215.14/h/0123456789abcdefghijklmnop")).status_code == 303
    with world.session() as session:
        for n, (channel, status) in enumerate((("ops", OutboxStatus.DEAD), ("email", OutboxStatus.PENDING),
                                               ("ops", OutboxStatus.SENT))):
            session.add(OutboxMessage(key=f"k{n}", kind="remind_before_3d", channel=channel, subject=f"subject {n}",
                                      body_text="…", status=status, attempts=3, last_error=f"HTTP 500 number {n}",
                                      next_attempt_at=NOW + timedelta(minutes=5), created_at=NOW))
        session.commit()
    page = admin.get("/admin/channels").text
    ops = page[page.index('data-failures="ops"'):]
    ops = ops[:ops.index("</details>")]
    assert "HTTP 500 number 0" in ops and "number 2" not in ops    # sent rows are no failures
    email = page[page.index('data-failures="email"'):]
    assert "HTTP 500 number 1" in email[:email.index("</details>")]
    assert "https://93.184.215.14/h/012345678…" in page and "abcdefghijklmnop" not in page


def test_a_refused_channel_is_shown_next_to_its_field_without_its_secrets(world: World) -> None:
    admin = world.client("admin")
    bad = admin.post("/admin/channels", data=_form(world, name="ops", kind="dingtalk", url="ftp://x/secret-path",
                                                    secret="SECsecret"))
    assert bad.status_code == 400
    assert re.search(r'id="c-url"[^>]*aria-invalid="true"[^>]*>\s*<p class="field-error" id="add-channel-url-error"',
                     bad.text)
    assert 'value="ops"' in bad.text and "secret-path" not in bad.text and "SECsecret" not in bad.text
    kind = admin.post("/admin/channels", data=_form(world, name="ops", kind="telegram", url="https://x.example"))
    assert kind.status_code == 400 and 'id="add-channel-kind-error"' in kind.text
    nowhere = admin.post("/admin/channels", data=_form(world, name="ops", kind="slack", url="https://x.example",
                                                        project="Q9"))
    assert nowhere.status_code == 400 and 'id="add-channel-project-error"' in nowhere.text
    with world.session() as session:
        assert session.scalars(select(Channel)).all() == []
