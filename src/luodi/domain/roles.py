"""Roles and what they allow (NF-4), as pure rules over plain values.

A user holds roles per project (a role without a project holds in every project); an admin may
do everything. Who may do what:

| permission | coordinator | owner | supervisor | viewer |
|---|---|---|---|---|
| read the project's meetings, items, board | ✓ | ✓ | ✓ | ✓ |
| comment on an item | ✓ | ✓ | ✓ | |
| update an item (status, confirm, subtasks) | ✓ | own items | | |
| edit (meetings, items' fields, import, send, milestones, dependencies) | ✓ | | | |
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    COORDINATOR = "coordinator"
    OWNER = "owner"
    SUPERVISOR = "supervisor"
    VIEWER = "viewer"


class Permission(StrEnum):
    READ = "read"
    COMMENT = "comment"
    UPDATE = "update"     # status, confirmation, subtasks of an item
    EDIT = "edit"         # everything a coordinator does


_ALLOWS: dict[Role, frozenset[Permission]] = {
    Role.COORDINATOR: frozenset(Permission),
    Role.OWNER: frozenset({Permission.READ, Permission.COMMENT, Permission.UPDATE}),
    Role.SUPERVISOR: frozenset({Permission.READ, Permission.COMMENT}),
    Role.VIEWER: frozenset({Permission.READ}),
}


def allows(roles: Iterable[Role], permission: Permission, *, owns_item: bool = False) -> bool:
    """Whether ``roles`` (held in one project) grant ``permission``.

    An owner updates only the items they own (``owns_item``); a coordinator updates any.
    """
    for role in roles:
        if permission not in _ALLOWS[role]:
            continue
        if permission is Permission.UPDATE and role is Role.OWNER and not owns_item:
            continue
        return True
    return False
