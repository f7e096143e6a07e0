"""NF-4's role table, as the project's users rely on it: everyone in a project reads; the
coordinator, the owner and the supervisor comment; the coordinator updates any item and the owner
only their own; only the coordinator edits. Roles add up (an owner who is also a viewer is still an
owner), and no role at all allows nothing."""

from __future__ import annotations

import pytest

from luodi.domain.roles import Permission, Role, allows

TABLE = {  # the docstring's table, row by row: the roles that hold each permission
    Permission.READ: {Role.COORDINATOR, Role.OWNER, Role.SUPERVISOR, Role.VIEWER},
    Permission.COMMENT: {Role.COORDINATOR, Role.OWNER, Role.SUPERVISOR},
    Permission.UPDATE: {Role.COORDINATOR, Role.OWNER},
    Permission.EDIT: {Role.COORDINATOR},
}


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize("role", list(Role))
def test_each_role_holds_exactly_its_row_of_the_table(role: Role, permission: Permission) -> None:
    assert allows([role], permission, owns_item=True) is (role in TABLE[permission])


def test_an_owner_updates_only_their_own_items_a_coordinator_any() -> None:
    assert allows([Role.OWNER], Permission.UPDATE, owns_item=True)
    assert not allows([Role.OWNER], Permission.UPDATE, owns_item=False)
    assert not allows([Role.OWNER], Permission.UPDATE)  # by default the item is someone else's
    assert allows([Role.COORDINATOR], Permission.UPDATE, owns_item=False)
    assert allows([Role.OWNER], Permission.COMMENT, owns_item=False)  # comment on anyone's item


def test_roles_add_up_the_strongest_one_decides() -> None:
    assert allows([Role.VIEWER, Role.OWNER], Permission.UPDATE, owns_item=True)
    assert allows([Role.OWNER, Role.COORDINATOR], Permission.UPDATE, owns_item=False)
    assert allows([Role.VIEWER, Role.SUPERVISOR], Permission.COMMENT)
    assert not allows([Role.VIEWER, Role.SUPERVISOR, Role.OWNER], Permission.EDIT, owns_item=True)


def test_no_role_allows_nothing() -> None:
    for permission in Permission:
        assert not allows([], permission, owns_item=True)


def test_the_stored_names_of_roles_and_permissions() -> None:
    assert [r.value for r in Role] == ["coordinator", "owner", "supervisor", "viewer"]
    assert [p.value for p in Permission] == ["read", "comment", "update", "edit"]
