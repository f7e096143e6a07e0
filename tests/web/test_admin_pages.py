"""Issue 12, the admin pages: people (add, edit, import) and API tokens (created shown once,
revoked), on SQLite and PostgreSQL; who may open them is in tests/web/test_authz_matrix.py."""

from __future__ import annotations

from sqlalchemy import select

from luodi.models import ApiToken, AuditEntry, Person
from luodi.services.accounts import api_tokens
from web.conftest import BOTH_BACKENDS, NOW, World

pytestmark = BOTH_BACKENDS


def _form(world: World, **values: object) -> dict[str, object]:
    return {"csrf": world.csrf["admin"], **values}


def _person(world: World, name: str) -> Person:
    with world.session() as session:
        person = session.scalars(select(Person).where(Person.name == name)).one()
        person.supervisor  # noqa: B018 - load before the session closes
        return person


def test_an_admin_adds_a_person_with_every_field_and_edits_them(world: World) -> None:
    admin = world.client("admin")
    boss = _person(world, "张经理")
    answer = admin.post("/admin/people", data=_form(
        world, name="小赵", email="zhao@example.com", phone="13800000009", supervisor=str(boss.id), language="en",
        feishu_open_id="ou_zhao", slack_user_id="U9", notify="email,im", profile="first_time",
        aliases="赵小明、Zhao"))
    assert answer.status_code == 303
    zhao = _person(world, "小赵")
    assert (zhao.email, zhao.phone, zhao.supervisor_id, zhao.language, zhao.feishu_open_id, zhao.slack_user_id,
            zhao.notify, zhao.profile, zhao.aliases) == (
        "zhao@example.com", "13800000009", boss.id, "en", "ou_zhao", "U9", "email,im", "first_time", "赵小明|Zhao")
    assert answer.headers["location"] == f"/admin/people#person-{zhao.id}"
    page = admin.get("/admin/people").text
    assert 'data-person="小赵"' in page and "赵小明、Zhao" in page

    edited = admin.post(f"/admin/people/{zhao.id}", data=_form(
        world, name="小赵", email="", phone="13800000010", supervisor="", language="zh", notify="none",
        aliases="阿赵"))
    assert edited.status_code == 303
    zhao = _person(world, "小赵")
    assert (zhao.email, zhao.phone, zhao.supervisor_id, zhao.language, zhao.notify, zhao.feishu_open_id,
            zhao.aliases) == (None, "13800000010", None, "zh", "none", None, "阿赵")
    with world.session() as session:
        fields = set(session.scalars(select(AuditEntry.field).where(
            AuditEntry.entity == "person", AuditEntry.entity_id == zhao.id, AuditEntry.action == "updated")))
    assert {"email", "phone", "supervisor", "language", "notify", "aliases"} <= fields
    assert "13800000010" in admin.get(f"/admin/people/{zhao.id}?saved=1").text


def test_a_refused_person_keeps_the_form_and_stores_nothing(world: World) -> None:
    admin = world.client("admin", headers={"Accept-Language": "en"})
    bad = admin.post("/admin/people", data=_form(world, name="小赵", email="not-an-address", phone="139"))
    assert bad.status_code == 400 and "is not an address" in bad.text and 'value="139"' in bad.text
    taken = admin.post("/admin/people", data=_form(world, name="小王"))
    assert taken.status_code == 400 and "exists already" in taken.text
    wang = _person(world, "小王")
    itself = admin.post(f"/admin/people/{wang.id}", data=_form(world, name="小王", supervisor=str(wang.id)))
    assert itself.status_code == 400 and "cannot supervise themselves" in itself.text
    with world.session() as session:
        assert session.scalar(select(Person.id).where(Person.name == "小赵")) is None
    assert _person(world, "小王").supervisor_id == wang.supervisor_id


def test_an_admin_imports_the_people_csv_uploaded_or_pasted(world: World) -> None:
    admin = world.client("admin", headers={"Accept-Language": "en"})
    csv_text = "name,email,phone,supervisor,aliases\n小赵,zhao@example.com,139,张经理,阿赵\n小王,wang2@example.com,,,\n"
    answer = admin.post("/admin/people/import", data=_form(world),
                        files={"file": ("people.csv", csv_text.encode("utf-8"), "text/csv")})
    assert answer.status_code == 200 and 'id="import-result"' in answer.text
    assert "1 new, 1 updated" in answer.text or "新增 1 人，更新 1 人" in answer.text
    zhao = _person(world, "小赵")
    assert (zhao.email, zhao.aliases, zhao.supervisor.name if zhao.supervisor else None) == (
        "zhao@example.com", "阿赵", "张经理")
    assert _person(world, "小王").email == "wang2@example.com"
    refused = admin.post("/admin/people/import", data=_form(world, text="name,email,phone,supervisor\n,,,\n"))
    assert refused.status_code == 400
    assert "line 2: name is empty" in refused.text or "第 2 行：姓名为空" in refused.text


def test_a_token_is_shown_once_listed_by_its_prefix_and_revoked(world: World) -> None:
    admin = world.client("admin")
    answer = admin.post("/admin/tokens", data=_form(world, user="小王", name="ci", read_only="1"))
    assert answer.status_code == 200
    with world.session() as session:
        row = session.scalars(select(ApiToken).where(ApiToken.name == "ci")).one()
    secret = answer.text.split('id="token-secret">', 1)[1].split("<", 1)[0]
    assert secret.startswith("ld_") and secret[:10] == row.prefix and row.read_only
    with world.session() as session:
        assert api_tokens.resolve(session, secret, now=NOW) is not None
    listing = admin.get("/admin/tokens").text
    assert f'data-token="{row.id}" data-state="active"' in listing and secret not in listing
    assert world.client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert admin.post(f"/admin/tokens/{row.id}/revoke", data=_form(world)).status_code == 303
    with world.session() as session:
        assert session.get(ApiToken, row.id).revoked_at is not None  # type: ignore[union-attr]
        assert session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "api_token", AuditEntry.entity_id == row.id)).all() == ["created", "revoked"]
    assert f'data-token="{row.id}" data-state="revoked"' in admin.get("/admin/tokens").text
    assert world.client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_coordinator_may_not_create_a_token(world: World) -> None:
    client = world.client("coordinator")
    assert client.post("/admin/tokens", data={"csrf": world.csrf["coordinator"], "user": "小林"}).status_code == 403
