"""NF-4: login, revocable sessions, per-account rate limit in the database, cookies, CSRF, language."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from luodi.models import User, WebSession
from luodi.services.accounts import logins
from luodi.services.accounts import users as accounts
from luodi.web.auth import SESSION_COOKIE
from web.conftest import PASSWORD, World, csrf_of


def _login(world: World, name: str, password: str, *, client=None):  # type: ignore[no-untyped-def]
    client = client or world.client()
    form = client.get("/login")
    return client, client.post("/login", data={"csrf": csrf_of(form.text), "name": name, "password": password,
                                               "next": "/items"})


def test_pages_ask_anonymous_visitors_to_log_in(world: World) -> None:
    response = world.client().get("/board?status=done")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fboard%3Fstatus%3Ddone"
    assert world.client().get("/api/v1/items").status_code == 401


def test_login_starts_a_server_side_session_with_safe_cookie_flags(world: World) -> None:
    client, response = _login(world, "小林", PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/items"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    token = client.cookies[SESSION_COOKIE]
    with world.session() as session:
        row = session.get(WebSession, logins.digest(token))
        assert row is not None and row.revoked_at is None
        assert session.scalar(select(WebSession).where(WebSession.id == token)) is None  # only the digest is kept
    assert client.get("/board").status_code == 200


def test_cookies_are_secure_behind_https(world: World) -> None:
    world.app.state.settings = world.app.state.settings.model_copy(update={"base_url": "https://luodi.example"})
    _client, response = _login(world, "小林", PASSWORD)
    assert all("Secure" in c for c in response.headers.get_list("set-cookie"))


def test_a_wrong_password_is_refused_and_counted(world: World) -> None:
    _client, response = _login(world, "小林", "wrong password!")
    assert response.status_code == 401 and SESSION_COOKIE not in response.headers.get("set-cookie", "")
    with world.session() as session:
        assert accounts.get_by_name(session, "小林").failed_logins == 1
    unknown = _login(world, "nobody", "whatever123")[1]
    assert unknown.status_code == 401 and unknown.text.count("Wrong name or password") == \
        response.text.count("Wrong name or password")


def test_five_failures_lock_the_account_even_for_another_process(world: World) -> None:
    for _ in range(logins.MAX_FAILURES):
        assert _login(world, "小王", "not the password")[1].status_code == 401
    # Another process = another app on the same database: the lock is in the row, not in memory.
    from luodi.web.app import create_app

    other = create_app(world.app.state.settings, clock=world.clock, migrate=False)
    from fastapi.testclient import TestClient

    client = TestClient(other, follow_redirects=False)
    locked = _login(world, "小王", PASSWORD, client=client)[1]
    assert locked.status_code == 429
    with world.session() as session:
        user = accounts.get_by_name(session, "小王")
        assert user.locked_until == world.clock.now() + logins.LOCK
    world.clock.advance(minutes=16)
    assert _login(world, "小王", PASSWORD, client=client)[1].status_code == 303
    with world.session() as session:
        assert accounts.get_by_name(session, "小王").failed_logins == 0


def test_logout_ends_the_session_at_once(world: World) -> None:
    client = world.client("coordinator")
    response = client.post("/logout", data={"csrf": world.csrf["coordinator"]})
    assert response.status_code == 303
    with world.session() as session:
        row = session.get(WebSession, logins.digest(world.cookies["coordinator"]))
        assert row is not None and row.revoked_at == world.clock.now()
    replay = world.client("coordinator")  # the stolen cookie, replayed
    assert replay.get("/board").status_code == 303


def test_deactivating_a_user_ends_sessions_and_tokens(world: World) -> None:
    assert world.client("owner").get("/board").status_code == 200
    with world.session() as session:
        ended = accounts.deactivate(session, accounts.get_by_name(session, "小王"), now=world.clock.now())
        session.commit()
    assert ended == 1
    assert world.client("owner").get("/board").status_code == 303
    assert world.api("owner").get("/api/v1/me").status_code == 401
    assert _login(world, "小王", PASSWORD)[1].status_code == 401


def test_sessions_expire_when_idle(world: World) -> None:
    world.clock.advance(days=15)
    assert world.client("viewer").get("/board").status_code == 303


def test_forms_without_the_csrf_token_are_refused(world: World) -> None:
    client = world.client("coordinator")
    with world.session() as session:
        before = session.scalar(select(User.language).where(User.name == "小林"))
    for data in ({}, {"csrf": "forged"}, {"csrf": world.csrf["owner"]}):   # another session's token too
        response = client.post("/language", data={**data, "lang": "en"})
        assert response.status_code == 403
    with world.session() as session:
        assert session.scalar(select(User.language).where(User.name == "小林")) == before
    anonymous = world.client()
    assert anonymous.post("/login", data={"name": "小林", "password": PASSWORD}).status_code == 403


def test_the_language_is_stored_on_the_user(world: World) -> None:
    client = world.client("coordinator")
    assert "看板" in client.get("/board").text
    response = client.post("/language", data={"csrf": world.csrf["coordinator"], "lang": "en", "next": "/board"})
    assert response.status_code == 303 and response.headers["location"] == "/board"
    with world.session() as session:
        assert accounts.get_by_name(session, "小林").language == "en"
    fresh = world.client("coordinator")  # another browser of the same user
    page = fresh.get("/board")
    assert 'lang="en"' in page.text and "Board" in page.text


def test_only_local_next_urls_are_followed(world: World) -> None:
    client = world.client()
    form = client.get("/login")
    response = client.post("/login", data={"csrf": csrf_of(form.text), "name": "小林", "password": PASSWORD,
                                           "next": "//evil.example/x"})
    assert response.headers["location"] == "/board"


def test_security_headers_and_csp_without_inline_script(world: World) -> None:
    page = world.client("viewer").get("/board")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
    assert "<script>" not in page.text and " on" + "click=" not in page.text


def test_a_session_is_touched_at_most_every_few_minutes(world: World) -> None:
    client = world.client("viewer")
    client.get("/board")
    world.clock.advance(minutes=6)
    client.get("/board")
    with world.session() as session:
        row = session.get(WebSession, logins.digest(world.cookies["viewer"]))
        assert row is not None and row.seen_at == world.clock.now()
        assert row.expires_at == world.clock.now() + timedelta(days=14)
