"""The navigation by the article's steps (issue 12 part 1): every page of the app can be reached by
following links from the header, for some role; a coordinator starts from 今日跟进 with today's
count, an owner lands on 我的行动项. The crawl follows every same-site link of each page it reaches
(GET only), from the header's links, for each role."""

from __future__ import annotations

import re
from collections import deque
from datetime import UTC, datetime
from html.parser import HTMLParser

from fastapi import FastAPI
from starlette.routing import Mount, Route

from web.conftest import PASSWORD, World

MONDAY = datetime(2026, 9, 28, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
ROLES = ("viewer", "owner", "supervisor", "coordinator", "admin")
# GET routes that are not pages one navigates to, or only make sense with an id or a token that a
# link elsewhere (an email, a feed subscription) carries. Each with its reason.
NOT_NAVIGATED = {
    "/c/{token}": "the owner's signed confirmation link, from the email or the IM card",
    "/feeds/{token}.ics": "an iCalendar feed's secret URL, subscribed to from a calendar app",
    "/events": "the board's Server-Sent Events stream (board.js), not a page",
    "/callbacks/wecom": "an IM app's callback URL check, called by the vendor",
    "/healthz": "a health probe", "/readyz": "a health probe",
    "/internal/metrics": "Prometheus's scrape endpoint, for the monitoring, not a page",
    "/api/docs": "the API reference, linked from docs/api.md", "/api/openapi.json": "the API schema",
    "/login": "where a request without a session is sent (the header has 退出 instead)",
    "/": "the brand link: redirects to the role's landing page",
}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.nav: list[str] = []
        self._in_nav = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "nav" and "nav" in (found.get("class") or "").split():
            self._in_nav += 1
        if tag == "a" and found.get("href"):
            self.hrefs.append(found["href"] or "")
            if self._in_nav:
                self.nav.append(found["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._in_nav:
            self._in_nav -= 1


def parse(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def page_routes(app: FastAPI) -> dict[str, re.Pattern[str]]:
    """Every GET route of the app (included routers unrolled), in the order the app tries them, with a
    pattern matching its paths."""
    found: dict[str, re.Pattern[str]] = {}
    stack = list(reversed(app.routes))
    while stack:
        route = stack.pop()
        included = getattr(route, "original_router", None)
        if included is not None:
            stack.extend(reversed(included.routes))
        elif isinstance(route, Route) and not isinstance(route, Mount) and "GET" in (route.methods or ()):
            if route.path.startswith("/api/v1/"):
                continue   # the JSON API: not pages (tests/web/test_api.py)
            found[route.path] = route.path_regex
    return found


def route_of(routes: dict[str, re.Pattern[str]], path: str) -> str | None:
    return next((name for name, pattern in routes.items() if pattern.match(path)), None)


def crawl(world: World, role: str, routes: dict[str, re.Pattern[str]], *, per_route: int = 2) -> set[str]:
    """The routes reached from the header's links of the role's landing page, link by link."""
    client = world.client(role)
    start = client.get("/board")
    assert start.status_code == 200, (role, start.status_code)
    queue = deque(parse(start.text).nav)
    assert queue, f"{role}: no navigation"
    seen: set[str] = set()
    visits: dict[str, int] = {}
    reached: set[str] = set()
    while queue:
        href = queue.popleft().split("#")[0]
        if not href.startswith("/") or href.startswith("//") or href.startswith("/static/") or href in seen:
            continue
        seen.add(href)
        name = route_of(routes, href.split("?")[0])
        if name is None or visits.get(name, 0) >= per_route:
            continue
        visits[name] = visits.get(name, 0) + 1
        response = client.get(href)
        if response.status_code != 200:
            continue
        reached.add(name)
        if "text/html" in response.headers.get("content-type", ""):
            queue.extend(parse(response.text).hrefs)
    return reached


def test_every_page_is_reachable_from_the_navigation(world: World) -> None:
    routes = page_routes(world.app)
    reached: set[str] = set()
    for role in ROLES:
        reached |= crawl(world, role, routes)
    missing = set(routes) - reached - set(NOT_NAVIGATED)
    assert missing == set(), f"pages no link leads to from the navigation: {sorted(missing)}"
    assert set(NOT_NAVIGATED) <= set(routes), "NOT_NAVIGATED names routes the app no longer serves"


def test_the_coordinator_starts_from_today_with_its_count(world: World) -> None:
    client = world.client("coordinator")
    assert client.get("/").headers["location"] == "/today"
    world.clock.current = MONDAY   # the first follow-ups of the list are due
    today = client.get("/today")
    assert today.status_code == 200
    board = client.get("/board").text
    nav = board[board.index('<nav class="nav"'):board.index("</nav>")]
    first = parse(nav).hrefs[0]
    assert first == "/today", nav
    badge = re.search(r'<span class="nav-badge"[^>]*>.*?(\d+)', nav)
    assert badge and int(badge.group(1)) > 0, nav
    for label in ("看板", "列表", "依赖", "里程碑", "会议", "站会", "周会", "验收", "指标"):
        assert label in nav, label


def test_an_owner_lands_on_my_items_after_logging_in(world: World) -> None:
    client = world.client()
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf
    response = client.post("/login", data={"name": "小王", "password": PASSWORD, "csrf": csrf.group(1)})
    assert response.status_code == 303 and response.headers["location"] == "/me"
    assert world.client("owner").get("/").headers["location"] == "/me"
    assert world.client("viewer").get("/").headers["location"] == "/board"
    nav = parse(world.client("owner").get("/me").text).nav
    assert "/today" not in nav and nav[0] == "/me"


def test_the_acceptance_overview_lists_what_was_handed_in(world: World) -> None:
    from luodi.domain.scoring import SubmissionKind
    from luodi.models import Item
    from luodi.services.accept import submissions
    from web.conftest import NOW

    assert "没有待验收的行动项" in world.client("coordinator").get("/acceptance").text
    with world.session() as session:
        item = session.get_one(Item, world.ids["T001"])
        submissions.submit(session, item, item.owner, link="https://docs.example.com/plan", kind=SubmissionKind.FINAL,
                           note=None, full_due=None, today=NOW.date(), now=NOW)
        session.commit()
    page = world.client("coordinator").get("/acceptance").text
    waiting = page[page.index('id="acc-waiting"'):page.index('id="acc-revising"')]
    assert f'/followup/items/{world.ids["T001"]}' in waiting and "T001" in waiting
    other = world.client("outsider").get("/acceptance").text   # another project's coordinator
    assert f'/followup/items/{world.ids["T001"]}' not in other
