"""Who is asking, and what they may see and do (NF-4).

A :class:`Viewer` is built once per request from a web session or an API token. Services that
list things take it and show only the projects the viewer holds a role in; services that change
things call :meth:`Viewer.require`. Reading a project one has no role in looks like "not found"
(its existence is not revealed); lacking a permission in a readable project is "forbidden".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from luodi.domain.roles import Permission, Role, allows
from luodi.i18n import gettext as _
from luodi.models import Item, User
from luodi.services.accounts import users as accounts
from luodi.services.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Viewer:
    """The logged-in user of one request (or the user of an API token)."""

    user_id: int
    name: str                                   # login name
    person_id: int                              # the person in the directory ("my" items)
    person_name: str
    is_admin: bool
    language: str                               # zh | en: the pages' language
    roles: Mapping[int | None, frozenset[Role]] = field(default_factory=dict)   # None: every project
    read_only: bool = False                     # a read-only API token
    csrf: str = ""                              # the web session's CSRF token ("" for API tokens)

    def roles_in(self, project_id: int | None) -> frozenset[Role]:
        return self.roles.get(None, frozenset()) | (self.roles.get(project_id, frozenset())
                                                    if project_id is not None else frozenset())

    def has_role(self, role: Role) -> bool:
        return self.is_admin or any(role in held for held in self.roles.values())

    def can(self, permission: Permission, project_id: int | None, *, owns_item: bool = False) -> bool:
        if self.read_only and permission is not Permission.READ:
            return False
        if self.is_admin:
            return True
        return allows(self.roles_in(project_id), permission, owns_item=owns_item)

    def can_item(self, permission: Permission, item: Item) -> bool:
        return self.can(permission, item.project_id, owns_item=item.owner_id == self.person_id)

    def visible_projects(self) -> list[int] | None:
        """Project ids this viewer may read; None means every project."""
        if self.is_admin or self.roles.get(None):
            return None
        return sorted(pid for pid, held in self.roles.items() if pid is not None and held)

    def require(self, permission: Permission, project_id: int | None, *, owns_item: bool = False,
                what: str = "project", key: object = None) -> None:
        """Raise NotFound when the project is not readable, Forbidden when the permission is missing."""
        if not self.can(Permission.READ, project_id):
            raise NotFound(what, key if key is not None else project_id)
        if not self.can(permission, project_id, owns_item=owns_item):
            raise Forbidden(_("Your role does not allow this."), field="role")

    def require_item(self, permission: Permission, item: Item) -> None:
        self.require(permission, item.project_id, owns_item=item.owner_id == self.person_id, what="item",
                     key=item.id)

    def require_admin(self) -> None:
        """Raise Forbidden unless an admin is asking (people, users, tokens: the admin pages)."""
        if not self.is_admin or self.read_only:
            raise Forbidden(_("Only an admin may do this."), field="role")

    @property
    def can_edit_somewhere(self) -> bool:
        """Shows the coordinator's links (new meeting, import) in the header."""
        return not self.read_only and (self.is_admin or any(Role.COORDINATOR in held for held in self.roles.values()))

    @property
    def watches_outbox(self) -> bool:
        """May see the outbox (every recipient's address and every delivery error): an admin or a
        coordinator of every project."""
        return self.is_admin or Role.COORDINATOR in self.roles.get(None, frozenset())


def viewer_for(session: Session, user: User, *, read_only: bool = False, csrf: str = "") -> Viewer:
    """The request's viewer for ``user`` (one query for the roles)."""
    return Viewer(
        user_id=user.id, name=user.name, person_id=user.person_id, person_name=user.person.name,
        is_admin=user.is_admin, language=user.language or user.person.language or "zh",
        roles=accounts.roles_of(session, user.id), read_only=read_only, csrf=csrf,
    )


def editable_projects(viewer: Viewer, projects: Mapping[int, str]) -> dict[int, str]:
    """The projects (id → name) in which the viewer may edit: the choices of a "new …" form."""
    return {pid: name for pid, name in projects.items() if viewer.can(Permission.EDIT, pid)}
