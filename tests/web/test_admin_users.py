"""Issue 12 part 2, the users page: an admin adds a user (password shown once), grants a role in a
project, resets a password and deactivates a user, through the same services as ``luodi user …``;
every change is audited as the admin; refusals are shown next to their field and store nothing.
On SQLite and PostgreSQL; who may post is in tests/web/test_authz_matrix.py."""

from __future__ import annotations

import re

from sqlalchemy import select

from luodi.domain.roles import Role
from luodi.models import AuditEntry, User, UserRole
from luodi.services.accounts import logins, people
from luodi.services.accounts.passwords import verify_password
from web.conftest import BOTH_BACKENDS, NOW, PASSWORD, World

pytestmark = BOTH_BACKENDS


def _form(world: World, **values: object) -> dict[str, object]:
    return {"csrf": world.csrf["admin"], **values}


def _user(world: World, name: str) -> User:
    with world.session() as session:
        return session.scalars(select(User).where(User.name == name)).one()


def _audit(world: World, user_id: int) -> list[tuple[str, str | None, int | None, str | None]]:
    with world.session() as session:
        return [tuple(row) for row in session.execute(  # type: ignore[misc]
            select(AuditEntry.action, AuditEntry.after, AuditEntry.actor_id, AuditEntry.actor_label)
            .where(AuditEntry.entity == "user", AuditEntry.entity_id == user_id).order_by(AuditEntry.id))]


def _root_person(world: World) -> int:
    with world.session() as session:
        return people.get_by_name(session, "root").id


def test_an_admin_adds_a_coordinator_whose_password_is_shown_once(world: World) -> None:
    admin = world.client("admin")
    answer = admin.post("/admin/users", data=_form(world, name="小赵", role="coordinator", project="Q4", language="en"))
    assert answer.status_code == 200
    shown = re.search(r'id="password-secret">([^<]+)<', answer.text)
    assert shown, answer.text[:500]
    zhao = _user(world, "小赵")
    assert verify_password(zhao.password_hash, shown.group(1)) and zhao.language == "en" and zhao.active
    with world.session() as session:
        held = session.execute(select(UserRole.role, UserRole.project_id).where(UserRole.user_id == zhao.id)).all()
    assert held == [(Role.COORDINATOR, world.ids["project"])]
    root = _root_person(world)
    assert _audit(world, zhao.id) == [("created", "coordinator@Q4", root, "web"),
                                      ("granted", "coordinator@Q4", root, "web")]
    listing = admin.get("/admin/users").text
    assert shown.group(1) not in listing                  # shown once: never again
    row = listing[listing.index('data-project="Q4"'):]
    row = row[:row.index("</tr>")]
    assert re.search(r'data-role="coordinator">[^<]*小赵', row) and re.search(r'data-role="coordinator">[^<]*小林', row)
    assert 'data-role="coordinator@Q4"' in listing[listing.index('data-user="小赵"'):]


def test_an_admin_grants_a_role_resets_a_password_and_deactivates_a_user(world: World) -> None:
    admin = world.client("admin")
    wang = _user(world, "小王")
    granted = admin.post(f"/admin/users/{wang.id}/grant", data=_form(world, role="viewer", project="Other"))
    assert granted.status_code == 303
    with world.session() as session:
        held = set(session.execute(select(UserRole.role, UserRole.project_id).where(UserRole.user_id == wang.id)))
    assert held == {(Role.OWNER, world.ids["project"]), (Role.VIEWER, world.ids["other_project"])}
    assert world.client("owner").get("/me").status_code == 200

    reset = admin.post(f"/admin/users/{wang.id}/password", data=_form(world))
    assert reset.status_code == 200
    new = re.search(r'id="password-secret">([^<]+)<', reset.text)
    assert new and verify_password(_user(world, "小王").password_hash, new.group(1))
    assert not verify_password(_user(world, "小王").password_hash, PASSWORD)
    assert world.client("owner").get("/me").status_code in (303, 401)      # their sessions ended
    typed = admin.post(f"/admin/users/{wang.id}/password", data=_form(world, password="a typed passphrase"))
    assert typed.status_code == 303 and verify_password(_user(world, "小王").password_hash, "a typed passphrase")

    li = _user(world, "小李")
    assert admin.post(f"/admin/users/{li.id}/deactivate", data=_form(world)).status_code == 303
    assert not _user(world, "小李").active
    assert world.client("peer").get("/me").status_code in (303, 401)
    with world.session() as session:
        assert logins.authenticate(session, "小李", PASSWORD, now=NOW) is None
    root = _root_person(world)
    assert [a for a, *_ in _audit(world, wang.id)][-3:] == ["granted", "password_changed", "password_changed"]
    assert _audit(world, wang.id)[-1][2:] == (root, "web")
    assert _audit(world, li.id)[-1] == ("deactivated", None, root, "web")
    assert 'data-user="小李" data-state="deactivated"' in admin.get("/admin/users").text


def test_a_refusal_is_shown_next_to_its_field_and_stores_nothing(world: World) -> None:
    admin = world.client("admin")
    short = admin.post("/admin/users", data=_form(world, name="小赵", role="viewer", password="short"))
    assert short.status_code == 400
    error = re.search(r'<input id="u-password"[^>]*aria-invalid="true"[^>]*>\s*<p class="field-error" '
                      r'id="add-user-password-error" role="alert" data-field="password">([^<]+)</p>', short.text)
    assert error and "10" in error.group(1), short.text[short.text.find("u-password"):][:600]
    assert 'value="小赵"' in short.text                    # the form keeps what was typed
    taken = admin.post("/admin/users", data=_form(world, name="小王", role="viewer"))
    assert taken.status_code == 400 and 'id="add-user-name-error"' in taken.text
    nowhere = admin.post("/admin/users", data=_form(world, name="小赵", role="viewer", project="Q9"))
    assert nowhere.status_code == 400 and 'id="add-user-project-error"' in nowhere.text
    badrole = admin.post("/admin/users", data=_form(world, name="小赵", role="boss"))
    assert badrole.status_code == 400 and 'id="add-user-role-error"' in badrole.text
    with world.session() as session:
        assert session.scalar(select(User.id).where(User.name == "小赵")) is None
        assert session.scalar(select(AuditEntry.id).where(AuditEntry.entity == "user", AuditEntry.at > NOW)) is None
    wang = _user(world, "小王")
    grant = admin.post(f"/admin/users/{wang.id}/grant", data=_form(world, role="viewer", project="Q9"))
    assert grant.status_code == 400 and f'id="grant-{wang.id}-project-error"' in grant.text
    root = _user(world, "root")
    itself = admin.post(f"/admin/users/{root.id}/deactivate", data=_form(world))
    assert itself.status_code == 400 and f'id="deactivate-{root.id}-error"' in itself.text
    assert _user(world, "root").active


def test_the_refusal_speaks_the_admins_language(world: World) -> None:
    admin = world.client("admin")
    zh = admin.post("/admin/users", data=_form(world, name="小王", role="viewer"))
    assert "已存在" in zh.text or "已有" in zh.text, zh.text[zh.text.find("add-user-name-error"):][:200]
    with world.session() as session:
        session.get_one(User, _user(world, "root").id).language = "en"
        session.commit()
    en = admin.post("/admin/users", data=_form(world, name="小王", role="viewer"))
    assert "exists already" in en.text, en.text[en.text.find("add-user-name-error"):][:200]
