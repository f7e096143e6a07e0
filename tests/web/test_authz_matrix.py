"""Every route × every role (plus anonymous and a coordinator of another project) gives the
expected status, and a denied request changes nothing in the database. A route without an entry
here (or in tests/web/followup_matrix.py, issue 5's routes) fails ``test_every_route_is_in_the_matrix``."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from starlette.routing import Route

from luodi.web.auth import SESSION_COOKIE
from web.authz import API_ROLES, PAGE_ROLES, Case, editors_only, expect, link_token, markdown, readers, version
from web.conftest import NOW, PASSWORD, World, snapshot
from web.followup_matrix import followup_cases

FEED_TOKEN = "matrix-feed-token-0123456789abcd"


def _feed(world: World) -> None:
    from luodi.models import FeedToken

    with world.session() as session:
        session.add(FeedToken(kind="person", subject_id=world.ids["xiaowang"], token=FEED_TOKEN, created_at=NOW))
        session.commit()


def _webhook(world: World) -> None:
    from luodi.models import WebhookSubscription

    with world.session() as session:
        row = WebhookSubscription(url="https://93.184.215.14/h", events=["item.created"],
                                  project_id=world.ids["project"], secret="whsec_AAAA", created_at=NOW)
        session.add(row)
        session.commit()
        world.ids["webhook"] = row.id


def _token(world: World) -> None:
    from luodi.services.accounts import api_tokens
    from luodi.services.accounts import users as accounts

    with world.session() as session:
        world.ids["token"] = api_tokens.create(session, accounts.get_by_name(session, "小王"), name="matrix",
                                               now=NOW).token.id
        session.commit()


def _channel(world: World) -> None:
    from luodi.services.send import channels

    with world.session() as session:   # nothing listens on port 9: the test message fails at once
        world.ids["channel"] = channels.add(session, name="matrix", kind="webhook", url="http://127.0.0.1:9/h",
                                            secret=None, project=None, now=NOW).id
        session.commit()


ADMINS_ONLY = expect(403, 303, admin=200)
MATRIX: dict[tuple[str, str], Case] = {
    # The admin pages (issue 12): admins only, whatever their other roles.
    ("GET", "/admin/people"): Case("/admin/people", ADMINS_ONLY),
    ("GET", "/admin/people/{person_id}"): Case("/admin/people/{xiaowang}", ADMINS_ONLY),
    ("POST", "/admin/people"): Case("/admin/people", expect(403, 303, admin=303),
                                    form=lambda w: {"name": "新同事", "email": "new@example.com"}),
    ("POST", "/admin/people/{person_id}"): Case(
        "/admin/people/{xiaowang}", expect(403, 303, admin=303),
        form=lambda w: {"name": "小王", "email": "wang@example.com", "aliases": "王小二"}),
    ("POST", "/admin/people/import"): Case(
        "/admin/people/import", ADMINS_ONLY, form=lambda w: {"text": "name,email,phone,supervisor\n新同事,,,\n"}),
    ("GET", "/admin/tokens"): Case("/admin/tokens", ADMINS_ONLY),
    ("POST", "/admin/tokens"): Case("/admin/tokens", ADMINS_ONLY, form=lambda w: {"user": "小王", "name": "ci"}),
    ("POST", "/admin/tokens/{token_id}/revoke"): Case("/admin/tokens/{token}/revoke", expect(403, 303, admin=303),
                                                      form=lambda w: {}, setup=_token),
    # Issue 12 part 2: users and roles (admins only); {xiaowang_user} is 小王's user.
    ("GET", "/admin/users"): Case("/admin/users", ADMINS_ONLY),
    ("POST", "/admin/users"): Case("/admin/users", ADMINS_ONLY,
                                   form=lambda w: {"name": "新用户", "role": "viewer", "project": "Q4"}),
    ("POST", "/admin/users/{user_id}/grant"): Case("/admin/users/{xiaowang_user}/grant", expect(403, 303, admin=303),
                                                   form=lambda w: {"role": "viewer", "project": "Other"}),
    ("POST", "/admin/users/{user_id}/password"): Case("/admin/users/{xiaowang_user}/password", ADMINS_ONLY,
                                                      form=lambda w: {}),
    ("POST", "/admin/users/{user_id}/deactivate"): Case("/admin/users/{xiaowang_user}/deactivate",
                                                        expect(403, 303, admin=303), form=lambda w: {}),
    # Issue 12 part 2: channels (admins only); the test message is sent through the real notify code.
    ("GET", "/admin/channels"): Case("/admin/channels", ADMINS_ONLY),
    ("POST", "/admin/channels"): Case("/admin/channels", expect(403, 303, admin=303), form=lambda w: {
        "name": "ops", "kind": "webhook", "url": "https://93.184.215.14/hooks"}),
    ("POST", "/admin/channels/{channel_id}/test"): Case("/admin/channels/{channel}/test", ADMINS_ONLY,
                                                        form=lambda w: {}, setup=_channel),
    ("GET", "/"): Case("/", expect(303, 303)),
    ("GET", "/board"): Case("/board", readers(outsider=200)),
    ("GET", "/items"): Case("/items?sort=owner", readers(outsider=200)),
    ("GET", "/me"): Case("/me", readers(outsider=200)),
    ("GET", "/escalations"): Case("/escalations", readers(outsider=200)),
    ("GET", "/calendar"): Case("/calendar", readers(outsider=200)),
    ("GET", "/acceptance"): Case("/acceptance", readers(outsider=200)),   # issue 12: the acceptance overview
    ("GET", "/webhooks"): Case("/webhooks", editors_only(200, outsider=200)),
    ("POST", "/webhooks"): Case("/webhooks", editors_only(303), form=lambda w: {
        "url": "https://93.184.215.14/hooks", "project": str(w.ids["project"]), "events": "item.created"}),
    ("POST", "/webhooks/{webhook_id}/remove"): Case("/webhooks/{webhook}/remove", editors_only(303),
                                                    form=lambda w: {}, setup=_webhook),
    ("GET", "/events"): Case("/events", readers(outsider=200)),
    ("GET", "/outbox"): Case("/outbox", expect(403, 303, admin=200)),   # issue 16: admins, global coordinators
    ("GET", "/meetings"): Case("/meetings", readers(outsider=200)),
    ("GET", "/meetings/{meeting_id}"): Case("/meetings/{meeting}", readers()),
    ("GET", "/graph"): Case("/graph?meeting={meeting}&slip=T001&days=3", readers()),
    ("GET", "/timeline"): Case("/timeline?project={project}", readers()),
    ("GET", "/items/{item_id}"): Case("/items/{T001}", readers()),
    ("GET", "/items/{item_id}/edit"): Case("/items/{T001}/edit", editors_only(200)),
    ("GET", "/meetings/new"): Case("/meetings/new", editors_only(200, outsider=200)),
    ("GET", "/meetings/{meeting_id}/edit"): Case("/meetings/{meeting}/edit", editors_only(200)),
    ("GET", "/import"): Case("/import", editors_only(200, outsider=200)),
    ("GET", "/import/extract"): Case("/import/extract", editors_only(200, outsider=200)),
    ("POST", "/import/extract"): Case(
        "/import/extract", editors_only(200, outsider=200), form=lambda w: {"text": "小王负责在9月30日前提交方案"}),
    ("POST", "/import/extract/draft"): Case(
        "/import/extract/draft", editors_only(200, outsider=200),
        form=lambda w: {"items": "1", "item-0-keep": "1", "item-0-title": "方案", "item-0-owner": "小王",
                        "item-0-due": "2026-09-30"}),
    ("GET", "/meetings/{meeting_id}/export.{fmt}"): Case("/meetings/{meeting}/export.csv", readers()),
    ("POST", "/items/{item_id}/status"): Case(
        "/items/{T001}/status", editors_only(303) | {"owner": 303}, form=lambda w: {"status": "done"}),
    ("POST", "/items/{item_id}/edit"): Case(
        "/items/{T001}/edit", editors_only(303),
        form=lambda w: {"version": version(w), "title": "新标题", "owner": str(w.ids["xiaowang"]), "start": "",
                        "due": "2026-10-01", "deliverable": "x", "priority": "high", "acceptance": "",
                        "status": "in_progress"}),
    ("POST", "/items/{item_id}/fields"): Case(
        "/items/{T001}/fields", editors_only(303),
        form=lambda w: {"version": version(w), "owner": str(w.ids["xiaowang"]), "due": "2026-10-01",
                        "priority": "low"}),
    ("POST", "/items/{item_id}/comments"): Case(
        "/items/{T001}/comments", expect(303, 303, viewer=403, outsider=404), form=lambda w: {"body": "好的"}),
    ("POST", "/items/{item_id}/subtasks"): Case(
        "/items/{T001}/subtasks", editors_only(303) | {"owner": 303},
        form=lambda w: {"title": "子任务", "owner": str(w.ids["xiaowang"]), "due": "2026-09-29"}),
    ("POST", "/items/{item_id}/dependencies"): Case(
        "/items/{T002}/dependencies", editors_only(303), form=lambda w: {"code": "T003", "reason": "r"}),
    ("POST", "/items/{item_id}/dependencies/{prerequisite_id}/delete"): Case(
        "/items/{T002}/dependencies/{T001}/delete", editors_only(303), form=lambda w: {}),
    ("POST", "/items/{item_id}/confirm"): Case(
        "/items/{T001}/confirm", expect(403, 303, owner=303, outsider=404), form=lambda w: {}),
    ("POST", "/meetings/new"): Case(
        "/meetings/new", editors_only(303),
        form=lambda w: {"project": str(w.ids["project"]), "title": "周会", "starts_at": "2026-09-28T10:00"}),
    ("POST", "/meetings/{meeting_id}/edit"): Case(
        "/meetings/{meeting}/edit", editors_only(303),
        form=lambda w: {"title": "新会议标题", "starts_at": "2026-09-26T14:00"}),
    ("POST", "/meetings/{meeting_id}/items"): Case(
        "/meetings/{meeting}/items", editors_only(303),
        form=lambda w: {"title": "新行动项", "owner": str(w.ids["xiaowang"]), "due": "2026-10-09"}),
    ("POST", "/meetings/{meeting_id}/send"): Case("/meetings/{meeting}/send", editors_only(303), form=lambda w: {}),
    ("POST", "/import/preview"): Case(
        "/import/preview", editors_only(200), form=lambda w: {"project": str(w.ids["project"]), "source": markdown()}),
    ("POST", "/import"): Case(
        "/import", editors_only(303), form=lambda w: {"project": str(w.ids["project"]), "source": markdown()}),
    ("POST", "/milestones"): Case(
        "/milestones", editors_only(303),
        form=lambda w: {"project": str(w.ids["project"]), "title": "启动", "due": "2026-10-15", "items": "T002"}),
    ("POST", "/milestones/link"): Case(
        "/milestones/link", editors_only(303), form=lambda w: {"milestone": str(w.ids["milestone"]), "items": "T002"}),
    ("GET", "/login"): Case("/login", expect(303, 200)),
    ("POST", "/login"): Case("/login", expect(303, 303), form=lambda w: {"name": "小林", "password": PASSWORD}),
    ("POST", "/logout"): Case("/logout", expect(303, 303), form=lambda w: {}),
    ("POST", "/language"): Case("/language", expect(303, 303), form=lambda w: {"lang": "en"}),
    ("GET", "/c/{token}"): Case("/c/{link}", expect(200, 200)),
    # The feed's secret token is the key: the same answer with or without a login.
    ("GET", "/feeds/{token}.ics"): Case(f"/feeds/{FEED_TOKEN}.ics", expect(200, 200), setup=lambda w: _feed(w)),
    ("POST", "/c/{token}"): Case("/c/{link}", expect(303, 303), form=lambda w: {"answer": "confirm"}),
    ("GET", "/healthz"): Case("/healthz", expect(200, 200)),
    # No worker beats in this world: not ready, with or without a login (tests/web/test_health.py).
    ("GET", "/readyz"): Case("/readyz", expect(503, 503)),
    # Prometheus: a token or an internal address; the test client is neither (tests/web/test_metrics.py).
    ("GET", "/internal/metrics"): Case("/internal/metrics", expect(403, 403)),
    # The IM apps' card callbacks: vendor-signed, no login; 404 while not set up (this world has no
    # app credentials). Signed, forged and replayed callbacks: tests/worker/test_card_callbacks.py.
    ("POST", "/callbacks/feishu"): Case("/callbacks/feishu", expect(404, 404), form=lambda w: {}),
    ("POST", "/callbacks/dingtalk"): Case("/callbacks/dingtalk", expect(404, 404), form=lambda w: {}),
    ("GET", "/callbacks/wecom"): Case("/callbacks/wecom", expect(404, 404)),
    ("POST", "/callbacks/wecom"): Case("/callbacks/wecom", expect(404, 404), form=lambda w: {}),
    ("GET", "/api/openapi.json"): Case("/api/openapi.json", expect(200, 200)),
    ("GET", "/api/docs"): Case("/api/docs", expect(200, 200)),
    # The API: bearer tokens; "readonly" is an admin's read-only token.
    ("GET", "/api/v1/me"): Case("/api/v1/me", expect(200, 401)),
    ("GET", "/api/v1/meetings"): Case("/api/v1/meetings", expect(200, 401)),
    ("POST", "/api/v1/meetings"): Case(
        "/api/v1/meetings", editors_only(200, anon=401), json=lambda w: {"markdown": markdown(), "project": "Q4"}),
    ("GET", "/api/v1/meetings/{meeting_id}"): Case("/api/v1/meetings/{meeting}", readers(anon=401)),
    ("GET", "/api/v1/meetings/{meeting_id}/confirmations"): Case(
        "/api/v1/meetings/{meeting}/confirmations", readers(anon=401)),
    ("GET", "/api/v1/people"): Case("/api/v1/people", expect(200, 401)),
    ("GET", "/api/v1/people/{person_id}"): Case("/api/v1/people/{xiaowang}", expect(200, 401)),
    ("GET", "/api/v1/items"): Case("/api/v1/items?status=not_started", expect(200, 401)),
    ("POST", "/api/v1/items"): Case(
        "/api/v1/items", editors_only(201, anon=401),
        json=lambda w: {"project_id": w.ids["project"], "title": "新", "owner": "小王", "due": "2026-10-01"}),
    ("GET", "/api/v1/items/{item_id}"): Case("/api/v1/items/{T001}", readers(anon=401)),
    ("PATCH", "/api/v1/items/{item_id}"): Case(
        "/api/v1/items/{T001}", editors_only(200, anon=401), json=lambda w: {"title": "改"},
        headers=lambda w: {"If-Match": f'"{version(w)}"'}),
    ("POST", "/api/v1/items/{item_id}/status"): Case(
        "/api/v1/items/{T001}/status", editors_only(200, anon=401) | {"owner": 200},
        json=lambda w: {"status": "done"}, headers=lambda w: {"If-Match": f'"{version(w)}"'}),
    ("POST", "/api/v1/items/{item_id}/confirm"): Case(
        "/api/v1/items/{T001}/confirm", expect(403, 401, owner=200, outsider=404), json=lambda w: {}),
    ("GET", "/api/v1/items/{item_id}/history"): Case("/api/v1/items/{T001}/history", readers(anon=401)),
    ("GET", "/api/v1/items/{item_id}/comments"): Case("/api/v1/items/{T001}/comments", readers(anon=401)),
    ("POST", "/api/v1/items/{item_id}/comments"): Case(
        "/api/v1/items/{T001}/comments", expect(201, 401, viewer=403, readonly=403, outsider=404),
        json=lambda w: {"body": "收到"}),
}
MATRIX.update(followup_cases(Case, expect, editors_only, readers))  # issue 5: tests/web/followup_matrix.py


def routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves, included routers unrolled (static files aside)."""
    found: set[tuple[str, str]] = set()
    stack = list(app.routes)
    while stack:
        route = stack.pop()
        included = getattr(route, "original_router", None)
        if included is not None:
            stack.extend(included.routes)
        elif isinstance(route, Route):
            found.update((method, route.path) for method in getattr(route, "methods", ()) if method != "HEAD")
    return found


def test_every_route_is_in_the_matrix(world: World) -> None:
    served = routes(world.app)
    assert served - set(MATRIX) == set(), "add these routes to MATRIX with the expected status per role"
    assert set(MATRIX) - served == set(), "MATRIX names routes the app no longer serves"


def _url(world: World, template: str) -> str:
    values = {**{key: str(value) for key, value in world.ids.items()}, "link": link_token(world)}
    return template.format(**values)


def _send(world: World, method: str, case: Case, role: str) -> Any:
    url = _url(world, case.url)
    if url.startswith("/api/v1/"):
        client = world.api(role) if role != "anon" else world.client()
        return client.request(method, url, json=case.json(world) if case.json else None,
                              headers=case.headers(world), follow_redirects=False)
    client = world.client(None if role == "anon" else role)
    if method == "GET":
        return client.get(url)
    csrf = world.csrf.get(role, "pre-login-token-0123456789")
    if role == "anon":
        client.cookies.set("luodi_csrf", csrf)
    return client.post(url, data={**(case.form(world) if case.form else {}), "csrf": csrf})


def _denied(role: str, response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return role == "anon" and response.headers.get("location", "").startswith("/login")


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_by_role(world: World, route: tuple[str, str]) -> None:
    world.app.state.sse_lifetime = 0.05
    method, _path = route
    case = MATRIX[route]
    if case.setup is not None:
        case.setup(world)
    roles = API_ROLES if case.url.startswith("/api/v1/") else PAGE_ROLES
    # Denied requests first, against one snapshot: each must leave the database as it was.
    order = sorted(roles, key=lambda role: case.expected[role] not in (401, 403, 404) and role != "anon")
    before = snapshot(world.url)
    for role in order:
        response = _send(world, method, case, role)
        assert response.status_code == case.expected[role], (role, response.status_code, response.text[:300])
        if _denied(role, response):
            assert snapshot(world.url) == before, f"{role}: a denied {method} {case.url} changed the database"
        else:
            before = snapshot(world.url)


def test_the_session_cookie_is_not_a_bearer_token(world: World) -> None:
    client = world.client()
    client.cookies.set(SESSION_COOKIE, world.cookies["admin"])
    assert client.get("/api/v1/me").status_code == 401


# /c/ is authorised by its signed token, /callbacks/ by the vendor's signature (no session, no cookie).
UNSAFE_PAGES = sorted(route for route in MATRIX
                      if route[0] != "GET" and not route[1].startswith(("/api/", "/c/", "/callbacks/")))


@pytest.mark.parametrize("route", UNSAFE_PAGES, ids=lambda r: f"{r[0]} {r[1]}")
def test_every_unsafe_page_route_needs_the_csrf_token(world: World, route: tuple[str, str]) -> None:
    case = MATRIX[route]
    if case.setup is not None:
        case.setup(world)
    before = snapshot(world.url)
    client = world.client("admin")
    form = case.form(world) if case.form else {}
    for csrf in (None, "forged-token", world.csrf["viewer"]):
        data = form if csrf is None else {**form, "csrf": csrf}
        assert client.post(_url(world, case.url), data=data).status_code == 403
    assert snapshot(world.url) == before


def test_the_confirmation_link_needs_no_csrf_token(world: World) -> None:
    """POST /c/{token} is authorised by its own signed token (mail clients post without cookies)."""
    response = world.client().post(f"/c/{link_token(world)}", data={"answer": "confirm"})
    assert response.status_code == 303
    assert world.item("T001").confirmed_at == world.clock.now()
