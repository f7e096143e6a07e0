"""``luodi user …`` and ``luodi token …``: passwords and tokens are shown once, stored hashed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from luodi.db import make_engine, make_sessionmaker
from luodi.models import ApiToken, Person, User, UserRole, WebSession
from luodi.services.accounts import logins, passwords
from luodi.services.accounts import users as accounts


def _session(cli: Any):  # type: ignore[no-untyped-def]
    return make_sessionmaker(make_engine(cli.env["LUODI_DATABASE_URL"]))()


def test_user_add_prints_a_generated_password_and_stores_its_hash(cli: Any) -> None:
    result = cli("user", "add", "小林", "--role", "coordinator")
    assert result.exit_code == 0, result.stderr
    password = result.stdout.strip().splitlines()[-1].split(": ", 1)[1]
    assert len(password) >= 16
    with _session(cli) as session:
        user = accounts.get_by_name(session, "小林")
        assert user.password_hash.startswith("$argon2id$") and password not in user.password_hash
        assert passwords.verify_password(user.password_hash, password)
        assert user.person.name == "小林"   # created in the directory when unknown
        roles = session.scalars(select(UserRole).where(UserRole.user_id == user.id)).all()
        assert [(r.role.value, r.project_id) for r in roles] == [("coordinator", None)]


def test_user_add_reads_the_password_from_stdin_and_links_a_project(cli: Any, people_csv: Any) -> None:
    cli("people", "import", str(people_csv))
    cli("meeting", "import", "tests/data/q4_zh.md", "--project", "Q4")
    done = subprocess.run([sys.executable, "-m", "luodi", "user", "add", "wang", "--person", "小王", "--role",
                           "owner", "--project", "Q4", "--password-stdin"], input="a long secret 123\n",
                          text=True, capture_output=True, env={**os.environ, **cli.env}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "a long secret 123" not in done.stdout
    with _session(cli) as session:
        user = accounts.get_by_name(session, "wang")
        assert user.person.name == "小王" and passwords.verify_password(user.password_hash, "a long secret 123")
    short = cli("user", "add", "x", "--role", "nobody")
    assert short.exit_code == 2 and "role" in short.stderr
    unknown = cli("user", "add", "y", "--role", "owner", "--project", "Nope")
    assert unknown.exit_code == 2
    with _session(cli) as session:
        assert session.scalar(select(User).where(User.name.in_(["x", "y"]))) is None
        assert session.scalar(select(Person).where(Person.name == "y")) is None   # nothing half-written


def test_token_create_prints_the_token_once_and_stores_its_digest(cli: Any) -> None:
    cli("user", "add", "root", "--role", "admin")
    result = cli("token", "create", "--user", "root", "--read-only")
    assert result.exit_code == 0, result.stderr
    secret = result.stdout.strip()
    assert secret.startswith("ld_")
    with _session(cli) as session:
        row = session.scalars(select(ApiToken)).one()
        assert row.token_hash == logins.digest(secret) and row.read_only and secret not in row.prefix + "…x"
    listed = cli("token", "list", "--json")
    assert secret not in listed.stdout and listed.json()[0]["read_only"] is True
    assert cli("token", "revoke", str(row.id)).exit_code == 0
    with _session(cli) as session:
        assert session.scalars(select(ApiToken)).one().revoked_at is not None


def test_deactivate_ends_the_users_sessions(cli: Any) -> None:
    cli("user", "add", "小李", "--role", "viewer")
    with _session(cli) as session:
        user = accounts.get_by_name(session, "小李")
        logins.start_session(session, user, now=datetime.now(UTC))
        session.commit()
    result = cli("user", "deactivate", "小李")
    assert result.exit_code == 0 and "1" in result.stdout
    with _session(cli) as session:
        assert session.scalars(select(WebSession)).one().revoked_at is not None
        assert accounts.get_by_name(session, "小李").active is False
    listed = cli("user", "list", "--json").json()
    assert listed[0]["active"] is False and listed[0]["roles"] == ["viewer@*"]
