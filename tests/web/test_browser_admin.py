"""Issue 12 in a real Chromium: an admin adds a person (with aliases and a supervisor), creates an
API token whose secret is shown once, and revokes it. Uses the browser suite's server and fixtures."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from luodi.models import ApiToken, Person
from luodi.services.accounts import users as accounts
from web.conftest import BOTH_BACKENDS, NOW, PASSWORD
from web.test_browser import Live, chromium, live, login, page, shot  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, BOTH_BACKENDS]


def test_an_admin_adds_a_person_creates_a_token_shown_once_and_revokes_it(page: Any, live: Live) -> None:  # noqa: F811
    with live.session() as session:
        accounts.create_user(session, "root", role="admin", password=PASSWORD, now=NOW)
        session.commit()
    login(page, live, "root")
    page.goto(f"{live.url}/admin/people")
    form = page.locator("#add-person")
    page.fill("#new-name", "小赵")
    page.fill("#new-email", "zhao@example.com")
    page.fill("#new-phone", "13800000009")
    page.locator("#new-supervisor").select_option(label="张经理")
    page.fill("#new-aliases", "赵小明、Zhao")
    form.get_by_role("button", name=re.compile("^(添加|Add)$")).click()
    page.locator('[data-person="小赵"]').wait_for()
    shot(page, live, "12-admin-people")
    with live.session() as session:
        zhao = session.scalars(select(Person).where(Person.name == "小赵")).one()
        assert (zhao.email, zhao.phone, zhao.aliases, zhao.supervisor.name if zhao.supervisor else None) == (
            "zhao@example.com", "13800000009", "赵小明|Zhao", "张经理")

    page.goto(f"{live.url}/admin/tokens")
    page.locator("#t-user").select_option("小李")
    page.fill("#t-name", "ci")
    page.get_by_role("button", name=re.compile("^(创建|Create)$")).click()
    secret = page.locator("#token-secret").inner_text()
    assert secret.startswith("ld_")
    shot(page, live, "13-admin-token-once")
    with live.session() as session:
        row = session.scalars(select(ApiToken).where(ApiToken.name == "ci")).one()
    assert row.prefix == secret[:10] and row.revoked_at is None
    page.goto(f"{live.url}/admin/tokens")
    assert secret not in page.content()                  # shown once: never again
    page.locator(f'[data-token="{row.id}"]').get_by_role("button", name=re.compile("吊销|Revoke")).click()
    page.locator(f'[data-token="{row.id}"][data-state="revoked"]').wait_for()
    shot(page, live, "14-admin-token-revoked")
    with live.session() as session:
        assert session.get(ApiToken, row.id).revoked_at is not None
