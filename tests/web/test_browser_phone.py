"""Phones (issue 12 part 5): the confirmation page, 我的行动项 and an item's page at 390 px scroll
no page sideways (tables become cards), and the confirmation page speaks the link owner's
language (their person setting) whatever the phone's browser says, with the switch still there.
Reuses test_browser.py's Chromium, live server and login (skipped with a printed reason when
/usr/bin/chromium is missing)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from luodi.models import Item, OutboxMessage, Person
from web.conftest import BOTH_BACKENDS
from web.test_browser import Live, chromium, live, login, shot  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, BOTH_BACKENDS]
PHONE = {"width": 390, "height": 844}
WIDTH = "document.documentElement.scrollWidth"


def _phone(chromium: Any, locale: str) -> Any:  # noqa: F811 - the fixture's value
    tab = chromium.new_context(viewport=PHONE, locale=locale, device_scale_factor=1).new_page()
    tab.set_default_timeout(10_000)
    return tab


def _link_of(chromium: Any, live: Live, name: str) -> str:  # noqa: F811
    coordinator = chromium.new_context(locale="zh-CN").new_page()
    login(coordinator, live)
    coordinator.goto(f"{live.url}/meetings/1")
    coordinator.get_by_role("button", name=re.compile("发送清单|Send the list")).click()
    coordinator.wait_for_url(re.compile(r"sent=1"))
    coordinator.context.close()
    with live.session() as session:
        email = session.scalars(select(OutboxMessage).join(Person, Person.id == OutboxMessage.recipient_id)
                                .where(Person.name == name, OutboxMessage.channel == "email")).first()
    assert email is not None, f"no email to {name}"
    found = re.search(r"http://127\.0\.0\.1:\d+/c/[\w.\-]+", email.body_text)
    assert found, "the email carries a confirmation link"
    return found.group(0)


def test_the_confirmation_page_speaks_the_owners_language_and_fits_390px(chromium: Any, live: Live) -> None:  # noqa: F811
    link = _link_of(chromium, live, "小王")          # 小王's language is Chinese
    phone = _phone(chromium, "en-US")                # … his phone's browser is in English
    phone.goto(link)
    assert phone.locator("html").get_attribute("lang") == "zh-CN"
    assert "请确认你的行动项" in phone.locator("h1").inner_text()
    assert phone.evaluate(WIDTH) <= 390, phone.evaluate(WIDTH)
    assert phone.locator("table.stack td[data-label]").first.is_visible()
    shot(phone, live, "12-confirmation-owner-language-390px")
    phone.get_by_role("link", name="English").click()   # the switch is still there
    phone.wait_for_url(re.compile(r"lang=en"))
    assert "please confirm your action items" in phone.locator("h1").inner_text()
    assert phone.evaluate(WIDTH) <= 390
    phone.goto(link)                                  # the choice is kept (cookie)
    assert "please confirm" in phone.locator("h1").inner_text()
    phone.context.close()


def test_my_items_and_an_item_page_fit_390px(chromium: Any, live: Live) -> None:  # noqa: F811
    phone = _phone(chromium, "zh-CN")
    login(phone, live, "小李")
    phone.goto(f"{live.url}/me")
    assert phone.locator("table.stack tbody tr").count() >= 1
    assert phone.evaluate(WIDTH) <= 390, phone.evaluate(WIDTH)
    shot(phone, live, "12-my-items-390px")
    with live.session() as session:
        mine = session.scalars(select(Item.id).join(Person, Person.id == Item.owner_id)
                               .where(Person.name == "小李")).first()
    assert mine is not None
    phone.goto(f"{live.url}/items/{mine}")
    assert phone.evaluate(WIDTH) <= 390, phone.evaluate(WIDTH)
    shot(phone, live, "12-item-page-390px")
    phone.context.close()
