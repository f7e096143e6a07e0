"""Users: create, grant roles per project, change passwords, deactivate (NF-4).

The CLI (``luodi user …``) and the admin's users page (``web/pages/admin_users.py``) call the same
functions; the page passes its actor. Passwords are hashed with argon2 (argon2-cffi's defaults).
Deactivating a user or changing a password ends every session of that user at once
(services.accounts.logins.end_all); hashing is in passwords.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.roles import Role
from luodi.i18n import SUPPORTED
from luodi.i18n import gettext as _
from luodi.models import Project, User, UserRole
from luodi.services.accounts import logins, people
from luodi.services.accounts.passwords import hash_password
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput, NotFound
from luodi.services.text import clean_text

ADMIN = "admin"
ROLE_CHOICES = (*(role.value for role in Role), ADMIN)
MIN_PASSWORD = 10
CLI = Actor.system("cli")   # who changed a user when no actor is given (``luodi user …``)


def generate_password() -> str:
    """16 URL-safe characters (96 bits): printed once by ``luodi user add``."""
    return secrets.token_urlsafe(12)


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(_("The password must have at least {n} characters.").format(n=MIN_PASSWORD),
                           field="password")
    if len(password) > 1000:
        raise InvalidInput(_("The password is too long."), field="password")
    return password


def find(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name.strip()))


def get_by_name(session: Session, name: str) -> User:
    user = find(session, name)
    if user is None:
        raise NotFound("user", name)
    return user


def get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


def role_named(value: str) -> Role:
    """The role called ``value``; InvalidInput naming the field ``role`` otherwise."""
    try:
        return Role(value.strip())
    except ValueError:
        raise InvalidInput(_("role must be one of {choices}").format(choices=", ".join(r.value for r in Role)),
                           field="role") from None


def project_by_name(session: Session, name: str) -> Project:
    project = session.scalar(select(Project).where(Project.name == name.strip()))
    if project is None:
        raise NotFound("project", name)
    return project


@dataclass(frozen=True)
class NewUser:
    user: User
    password: str        # the plain password, to print once (generated or the one given)


def create_user(
    session: Session,
    name: str,
    *,
    role: str,
    project: str | None = None,
    password: str | None = None,
    person: str | None = None,
    language: str | None = None,
    now: datetime,
    actor: Actor | None = None,
) -> NewUser:
    """A user linked to the person ``person`` (default: the person called ``name``, created when unknown).

    Raises InvalidInput for a taken name, a person who already has a user, an unknown role or a
    short password; NotFound for an unknown project.
    """
    name = clean_text(name, field="name", max_length=100)
    if find(session, name) is not None:
        raise InvalidInput(_("A user called {name!r} exists already.").format(name=name), field="name")
    if role not in ROLE_CHOICES:
        raise InvalidInput(_("role must be one of {choices}").format(choices=", ".join(ROLE_CHOICES)),
                           field="role")
    if language is not None and language not in SUPPORTED:
        raise InvalidInput(_("language must be zh or en"), field="language")
    linked = people.ensure(session, person or name, now=now)[0]
    if session.scalar(select(User.id).where(User.person_id == linked.id)) is not None:
        raise InvalidInput(_("{person} has a user already.").format(person=linked.name), field="person")
    plain = _check_password(password) if password is not None else generate_password()
    user = User(name=name, person_id=linked.id, password_hash=hash_password(plain), is_admin=role == ADMIN,
                language=language, active=True, failed_logins=0, created_at=now)
    session.add(user)
    session.flush()
    record(session, actor=actor or CLI, at=now, entity="user", entity_id=user.id, action="created",
           after=role + (f"@{project}" if project else ""))
    if role != ADMIN:
        grant(session, user, Role(role), project=project, now=now, actor=actor)
    return NewUser(user, plain)


def grant(session: Session, user: User, role: Role, *, project: str | None, now: datetime,
          actor: Actor | None = None) -> UserRole:
    """Give ``role`` in ``project`` (None: in every project). Harmless when repeated."""
    project_id = project_by_name(session, project).id if project else None
    existing = session.scalar(select(UserRole).where(
        UserRole.user_id == user.id, UserRole.role == role,
        UserRole.project_id.is_(None) if project_id is None else UserRole.project_id == project_id))
    if existing is not None:
        return existing
    row = UserRole(user_id=user.id, project_id=project_id, role=role)
    session.add(row)
    session.flush()
    record(session, actor=actor or CLI, at=now, entity="user", entity_id=user.id, action="granted",
           field="role", after=f"{role.value}@{project or '*'}")
    return row


def set_password(session: Session, user: User, password: str, *, now: datetime, actor: Actor | None = None) -> None:
    """Change the password and end every session of the user."""
    user.password_hash = hash_password(_check_password(password))
    user.failed_logins, user.failed_since, user.locked_until = 0, None, None
    logins.end_all(session, user.id, now=now)
    record(session, actor=actor or CLI, at=now, entity="user", entity_id=user.id, action="password_changed")


def deactivate(session: Session, user: User, *, now: datetime, actor: Actor | None = None,
               asked_by: int | None = None) -> int:
    """The user can no longer log in or use tokens; their sessions end now. Returns sessions ended.

    ``asked_by`` is the asking user's id (the web): an admin cannot lock themselves out."""
    if asked_by == user.id:
        raise InvalidInput(_("You cannot deactivate yourself."), field="user")
    user.active = False
    user.deactivated_at = now
    ended = logins.end_all(session, user.id, now=now)
    record(session, actor=actor or CLI, at=now, entity="user", entity_id=user.id, action="deactivated")
    return ended


def set_language(session: Session, user_id: int, language: str) -> None:
    if language not in SUPPORTED:
        raise InvalidInput(_("language must be zh or en"), field="language")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    user.language = language


def roles_of(session: Session, user_id: int) -> dict[int | None, frozenset[Role]]:
    """The user's roles by project id (None: every project)."""
    result: dict[int | None, set[Role]] = {}
    for project_id, role in session.execute(
            select(UserRole.project_id, UserRole.role).where(UserRole.user_id == user_id)):
        result.setdefault(project_id, set()).add(role)
    return {key: frozenset(value) for key, value in result.items()}


def list_users(session: Session) -> list[dict[str, object]]:
    users: Sequence[User] = session.scalars(select(User).order_by(User.name)).all()
    projects = dict(session.execute(select(Project.id, Project.name)).all())
    rows = []
    for user in users:
        roles = [f"{role.value}@{projects.get(pid, '*') if pid else '*'}"
                 for pid, held in roles_of(session, user.id).items() for role in sorted(held)]
        rows.append({"name": user.name, "person": user.person.name, "admin": user.is_admin,
                     "roles": ([ADMIN] if user.is_admin else []) + roles, "active": user.active,
                     "language": user.language or user.person.language})
    return rows


def directory(session: Session) -> list[dict[str, object]]:
    """The users page's rows: ``list_users``'s, with the id and the roles as (role, project or None)."""
    users: Sequence[User] = session.scalars(select(User).order_by(User.name)).all()
    projects = dict(session.execute(select(Project.id, Project.name)).all())
    rows = []
    for user in users:
        held = sorted((role.value, projects.get(pid) if pid else None)
                      for pid, roles in roles_of(session, user.id).items() for role in roles)
        rows.append({"id": user.id, "name": user.name, "person": user.person.name, "admin": user.is_admin,
                     "roles": held, "active": user.active, "language": user.language or user.person.language})
    return rows


def by_project(rows: list[dict[str, object]]) -> dict[str | None, dict[str, list[str]]]:
    """Who holds which role where: project name (None: every project) → role → active user names."""
    table: dict[str | None, dict[str, list[str]]] = {}
    for row in rows:
        if not row["active"]:
            continue
        for role, project in row["roles"]:  # type: ignore[attr-defined]
            table.setdefault(project, {}).setdefault(role, []).append(str(row["name"]))
    return dict(sorted(table.items(), key=lambda pair: (pair[0] is not None, pair[0] or "")))


def project_names(session: Session) -> list[str]:
    """Every project's name, sorted (the choices of the role forms)."""
    return list(session.scalars(select(Project.name).order_by(Project.name)))
