"""``luodi user add|list|grant|passwd|deactivate`` and ``luodi token create|list|revoke``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from luodi.cli.context import fail, now, print_json, service_errors, session_scope
from luodi.i18n import gettext as _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
token_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
ROLE_HELP = "coordinator|owner|supervisor|viewer|admin"


def _stdin_password() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        fail(_("--password-stdin: no password on standard input"))
    return line


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Login name; also the person's name unless --person")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    project: Annotated[str | None, typer.Option(help="Project the role holds in (default: every project)")] = None,
    person: Annotated[str | None, typer.Option(help="The person in the directory (default: NAME)")] = None,
    language: Annotated[str | None, typer.Option(help="zh|en (default: the person's)")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin")] = False,
) -> None:
    """Create a user linked to a person; prints the generated password once (or reads one from stdin)."""
    from luodi.services.accounts import users as accounts

    password = _stdin_password() if password_stdin else None
    with session_scope() as session, service_errors():
        created = accounts.create_user(session, name, role=role, project=project, password=password, person=person,
                                       language=language, now=now())
        session.commit()
    where = project or _("every project")
    typer.echo(_("user {name} created: {role} in {where}").format(name=created.user.name, role=role, where=where))
    if not password_stdin:
        typer.echo(_("password: {password}").format(password=created.password))


@app.command("grant")
def grant(
    name: str,
    role: Annotated[str, typer.Option(help="coordinator|owner|supervisor|viewer")],
    project: Annotated[str | None, typer.Option(help="Project (default: every project)")] = None,
) -> None:
    """Give a user another role (in one project or in every project)."""
    from luodi.domain.roles import Role
    from luodi.services.accounts import users as accounts

    try:
        wanted = Role(role)
    except ValueError:
        fail(_("--role: expected one of {choices}, got {value!r}").format(
            choices=", ".join(r.value for r in Role), value=role))
    with session_scope() as session, service_errors():
        accounts.grant(session, accounts.get_by_name(session, name), wanted, project=project, now=now())
        session.commit()
    typer.echo(_("{name}: {role} in {where}").format(name=name, role=role, where=project or _("every project")))


@app.command("passwd")
def passwd(
    name: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin")] = False,
) -> None:
    """Set a new password (generated unless --password-stdin); ends the user's sessions."""
    from luodi.services.accounts import users as accounts

    password = _stdin_password() if password_stdin else accounts.generate_password()
    with session_scope() as session, service_errors():
        accounts.set_password(session, accounts.get_by_name(session, name), password, now=now())
        session.commit()
    typer.echo(_("password of {name} changed; their sessions have ended").format(name=name))
    if not password_stdin:
        typer.echo(_("password: {password}").format(password=password))


@app.command("deactivate")
def deactivate(name: str) -> None:
    """Stop a user: no more logins or tokens; their sessions end at once."""
    from luodi.services.accounts import users as accounts

    with session_scope() as session, service_errors():
        ended = accounts.deactivate(session, accounts.get_by_name(session, name), now=now())
        session.commit()
    typer.echo(_("{name} deactivated; {n} session(s) ended").format(name=name, n=ended))


@app.command("list")
def list_(json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """List users with their roles."""
    from luodi.services.accounts import users as accounts

    with session_scope() as session:
        rows = accounts.list_users(session)
    if json:
        print_json(rows)
        return
    for row in rows:
        state = "" if row["active"] else "  " + _("(deactivated)")
        roles = ", ".join(row["roles"])  # type: ignore[arg-type]
        typer.echo(_("{name}  person={person}  roles={roles}  lang={language}").format(
            name=row["name"], person=row["person"], roles=roles, language=row["language"]) + state)


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option("--user", help="The user the token acts as")],
    read_only: Annotated[bool, typer.Option("--read-only", help="Only GET requests")] = False,
    name: Annotated[str, typer.Option(help="A label for the token")] = "cli",
) -> None:
    """Create a personal API token; prints it once (only its hash is stored)."""
    from luodi.services.accounts import api_tokens
    from luodi.services.accounts import users as accounts

    with session_scope() as session, service_errors():
        created = api_tokens.create(session, accounts.get_by_name(session, user), name=name, read_only=read_only,
                                    now=now())
        session.commit()
    kind = _("read-only token") if read_only else _("token")
    typer.echo(_("{kind} {id} for {user}; it is shown only once:").format(kind=kind, id=created.token.id, user=user),
               err=True)
    typer.echo(created.secret)


@token_app.command("list")
def token_list(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """List API tokens (never their values)."""
    from luodi.services.accounts import api_tokens
    from luodi.services.accounts import users as accounts

    with session_scope() as session, service_errors():
        rows = api_tokens.list_tokens(session, user=accounts.get_by_name(session, user) if user else None)
    if json:
        print_json(rows)
        return
    for row in rows:
        read_only = "  " + _("read-only") if row["read_only"] else ""
        typer.echo(f"{row['id']}  {row['user']}  {row['prefix']}  {row['name']}{read_only}  "
                   f"{_('revoked') if row['state'] == 'revoked' else _('active')}")


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="The token's id (luodi token list)")]) -> None:
    """Revoke an API token at once."""
    from luodi.services.accounts import api_tokens

    with session_scope() as session, service_errors():
        api_tokens.revoke(session, token_id, now=now())
        session.commit()
    typer.echo(_("token {id} revoked").format(id=token_id))
