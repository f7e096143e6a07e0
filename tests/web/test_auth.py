"""NF-4: login, revocable sessions, per-account rate limit in the database, cookies, CSRF, language.

Sessions (issue 17): Secure cookies behind an https proxy, idle and absolute lifetimes moved by
the clock, a new session id at every login, logout ends the row and clears the cookie alike.
"""

from __future__ import annotations

from datetime import timedelta
from http.cookies import Morsel, SimpleCookie
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from luodi.config import Settings
from luodi.models import User, WebSession
from luodi.services.accounts import logins
from luodi.services.accounts import users as accounts
from luodi.web.auth import CSRF_COOKIE, SESSION_COOKIE
from support.server import running_server
from web.conftest import BOTH_BACKENDS, PASSWORD, SECRET, World, csrf_of

pytestmark = BOTH_BACKENDS

LIFETIMES = ("session_idle_hours", "session_max_days")


@pytest.fixture(autouse=True)
def _default_lifetimes(world: World) -> None:
    """The documented defaults (12 h idle, 7 days), not the world's long ones."""
    world.configure(**{name: Settings.model_fields[name].default for name in LIFETIMES})


def set_cookies(response: httpx.Response) -> dict[str, Morsel[str]]:
    """The cookies a response sets, with their flags, as the browser reads them."""
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        jar.load(header)
    return dict(jar)


def stored(world: World, token: str) -> WebSession:
    with world.session() as session:
        row = session.get(WebSession, logins.digest(token))
        assert row is not None, "no session row for this cookie"
        return row


def is_login_page(response: httpx.Response) -> bool:
    return response.status_code == 200 and 'name="password"' in response.text and 'action="/login"' in response.text


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
    cookie = set_cookies(response)[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "lax" and not cookie["secure"] and cookie["path"] == "/"
    assert cookie["max-age"] == str(7 * 86400)   # the browser forgets it when the server would refuse it
    token = client.cookies[SESSION_COOKIE]
    row = stored(world, token)
    now = world.clock.now()
    assert row.revoked_at is None and row.created_at == row.seen_at == now
    assert row.expires_at == now + timedelta(hours=12)
    with world.session() as session:
        assert session.scalar(select(WebSession).where(WebSession.id == token)) is None  # only the digest is kept
    assert client.get("/board").status_code == 200


def test_behind_an_https_proxy_every_cookie_is_secure_and_logout_clears_it_alike(world: World) -> None:
    """luodi behind a TLS-terminating proxy: plain http to uvicorn, X-Forwarded-Proto: https."""
    settings = Settings(database_url=world.url, secret_key=SECRET, base_url="https://luodi.example")
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    with running_server(settings, clock=world.clock) as url, \
            httpx.Client(base_url=url, headers=proxy, follow_redirects=False) as client:
        form = client.get("/login")
        assert form.headers["strict-transport-security"] == "max-age=31536000"
        pre = set_cookies(form)[CSRF_COOKIE]
        assert pre["secure"] and pre["httponly"]
        response = client.post("/login", data={"csrf": csrf_of(form.text), "name": "小林", "password": PASSWORD},
                               headers={"Cookie": f"{CSRF_COOKIE}={pre.value}"})
        assert response.status_code == 303, response.text
        cookies = set_cookies(response)
        assert set(cookies) == {SESSION_COOKIE, "lang"}
        assert all(c["secure"] and c["httponly"] and c["samesite"] == "lax" for c in cookies.values())
        token = cookies[SESSION_COOKIE].value
        assert stored(world, token).revoked_at is None
        # A client keeps a Secure cookie for https: on a plain-http address it sends nothing.
        assert client.get("/board").status_code == 303
        mine = {"Cookie": f"{SESSION_COOKIE}={token}"}
        board = client.get("/board", headers=mine)
        assert board.status_code == 200
        logout = client.post("/logout", data={"csrf": csrf_of(board.text)}, headers=mine)
        assert logout.status_code == 303 and logout.headers["location"] == "/login"
        cleared = set_cookies(logout)[SESSION_COOKIE]
        assert cleared.value == "" and cleared["max-age"] == "0"
        assert cleared["secure"] and cleared["httponly"] and cleared["samesite"] == "lax" and cleared["path"] == "/"
        assert stored(world, token).revoked_at == world.clock.now()
        replay = client.get("/board", headers=mine)
        assert replay.status_code == 303 and replay.headers["location"].startswith("/login")


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
    assert response.status_code == 303 and response.headers["location"] == "/login"
    cleared = set_cookies(response)[SESSION_COOKIE]
    assert cleared.value == "" and cleared["max-age"] == "0" and cleared["httponly"] and cleared["path"] == "/"
    assert cleared["samesite"] == "lax" and not cleared["secure"]   # http://testserver
    assert stored(world, world.cookies["coordinator"]).revoked_at == world.clock.now()
    replay = world.client("coordinator")  # the stolen cookie, replayed
    page = replay.get("/board", follow_redirects=True)
    assert is_login_page(page) and page.url.path == "/login"


def test_deactivating_a_user_ends_sessions_and_tokens(world: World) -> None:
    assert world.client("owner").get("/board").status_code == 200
    with world.session() as session:
        ended = accounts.deactivate(session, accounts.get_by_name(session, "小王"), now=world.clock.now())
        session.commit()
    assert ended == 1
    assert world.client("owner").get("/board").status_code == 303
    assert world.api("owner").get("/api/v1/me").status_code == 401
    assert _login(world, "小王", PASSWORD)[1].status_code == 401


def test_a_session_ends_after_12_hours_without_a_request(world: World) -> None:
    client, _response = _login(world, "小林", PASSWORD)
    token = client.cookies[SESSION_COOKIE]
    world.clock.advance(hours=11, minutes=59)
    assert client.get("/board").status_code == 200
    assert stored(world, token).expires_at == world.clock.now() + timedelta(hours=12)   # pushed back
    world.clock.advance(hours=11, minutes=59)    # 23:58 after the login, but busy: still in
    assert client.get("/board").status_code == 200
    world.clock.advance(hours=12)
    response = client.get("/board")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Fboard"
    row = stored(world, token)
    assert row.expires_at == row.seen_at + timedelta(hours=12) == world.clock.now()   # 12 h to the second


def test_a_busy_session_ends_7_days_after_the_login(world: World) -> None:
    client, _response = _login(world, "小林", PASSWORD)
    token, login_at = client.cookies[SESSION_COOKIE], world.clock.now()
    for _ in range(15):                          # a request every 11 hours: never idle
        world.clock.advance(hours=11)
        assert client.get("/board").status_code == 200
    world.clock.advance(hours=2, minutes=59)     # 6 days 23:59
    assert client.get("/board").status_code == 200
    assert stored(world, token).expires_at == login_at + timedelta(days=7)
    world.clock.advance(minutes=1)
    assert client.get("/board").status_code == 303


def test_configured_lifetimes_bound_new_and_open_sessions(world: World) -> None:
    world.configure(session_idle_hours=1.0, session_max_days=2.0)
    client, response = _login(world, "小林", PASSWORD)
    assert set_cookies(response)[SESSION_COOKIE]["max-age"] == str(2 * 86400)
    assert stored(world, client.cookies[SESSION_COOKIE]).expires_at == world.clock.now() + timedelta(hours=1)
    viewer = world.client("viewer")              # opened before, under longer lifetimes
    assert viewer.get("/board").status_code == 200
    world.clock.advance(minutes=61)
    assert client.get("/board").status_code == 303
    assert viewer.get("/board").status_code == 303   # a shorter setting applies at once


def test_the_session_id_changes_at_login(world: World) -> None:
    planted = "planted-by-someone-else-0123456789abcdef"
    client = world.client()
    client.cookies.set(SESSION_COOKIE, planted)
    form = client.get("/login")
    assert form.status_code == 200
    response = client.post("/login", data={"csrf": csrf_of(form.text), "name": "小林", "password": PASSWORD})
    token = set_cookies(response)[SESSION_COOKIE].value
    assert response.status_code == 303 and token != planted and stored(world, token).revoked_at is None
    with world.session() as session:
        assert session.get(WebSession, logins.digest(planted)) is None
    # A browser still logged in as someone else (a shared computer): that session ends at the login.
    shared = world.client("viewer")
    switched = shared.post("/login", data={"csrf": world.csrf["viewer"], "name": "小林", "password": PASSWORD})
    new = set_cookies(switched)[SESSION_COOKIE].value
    assert switched.status_code == 303 and new not in (token, world.cookies["viewer"])
    assert stored(world, world.cookies["viewer"]).revoked_at == world.clock.now()
    assert world.client("viewer").get("/board").status_code == 303
    fresh: Any = world.client()
    fresh.cookies.set(SESSION_COOKIE, new)
    assert fresh.get("/board").status_code == 200


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
    assert response.headers["location"] == "/today"   # not followed: the coordinator's landing page instead


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
        assert row.expires_at == world.clock.now() + timedelta(hours=12)
