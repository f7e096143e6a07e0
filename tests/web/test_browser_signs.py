"""Chinese layout in a real Chromium at a 390 px phone width (issue 15 point 5): the owner's
confirmation table breaks no word and no date in the middle (技术评/估, 2026-12-/09), and the
status form's 「修改」 button on the item page stays on one line. Reuses test_browser.py's
Chromium, live server and login (skipped with a printed reason when /usr/bin/chromium is missing)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from luodi.models import Item, OutboxMessage, Person
from web.test_browser import Live, chromium, live, login, shot  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}

# For every text node under ``root``: group its characters into words (split at white space and
# at the punctuation where a line may break) and report each word whose characters lie on
# different lines, with the line tops found.
BROKEN_WORDS = """(root) => {
  const broken = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    let start = 0;
    const words = [];
    for (let i = 0; i <= text.length; i++) {
      if (i === text.length || /[\\s,，、。:：;；()（）\\/]/.test(text[i])) {
        if (i > start) words.push([start, i]);
        start = i + 1;
      }
    }
    for (const [from, to] of words) {
      const tops = new Set();
      for (let i = from; i < to; i++) {
        const range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = range.getBoundingClientRect();
        if (rect.width > 0) tops.add(Math.round(rect.top));
      }
      if (tops.size > 1) broken.push(text.slice(from, to) + " " + [...tops].join("/"));
    }
  }
  return broken;
}"""

LINES_OF = """(element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
}"""


def _phone(chromium: Any) -> Any:  # noqa: F811 - the fixture's value
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    return tab


def _owner_link(page: Any, live: Live) -> str:  # noqa: F811
    login(page, live)
    page.goto(f"{live.url}/meetings/1")
    page.get_by_role("button", name=re.compile("发送清单|Send the list")).click()
    page.wait_for_url(re.compile(r"sent=1"))
    with live.session() as session:
        email = session.scalars(select(OutboxMessage).join(Person, Person.id == OutboxMessage.recipient_id)
                                .where(Person.name == "小李")).one()
    found = re.search(r"http://127\.0\.0\.1:\d+/c/[\w.\-]+", email.body_text)
    assert found, "the email carries a confirmation link"
    return found.group(0)


def test_the_confirmation_table_breaks_no_word_at_390px(chromium: Any, live: Live) -> None:  # noqa: F811
    coordinator = chromium.new_context(locale="zh-CN").new_page()
    link = _owner_link(coordinator, live)
    phone = _phone(chromium)
    phone.goto(link)
    table = phone.locator("table.grid")
    assert "技术评估" in table.inner_text() and re.search(r"\d{4}-\d{2}-\d{2}", table.inner_text())
    shot(phone, live, "09-confirmation-390px")
    broken = table.evaluate(BROKEN_WORDS)
    assert broken == [], f"words broken mid-word at 390 px: {broken}"
    for cell in phone.locator("table.grid time").all():
        assert cell.evaluate(LINES_OF) == 1


def test_the_status_button_is_one_line_on_the_item_page(chromium: Any, live: Live) -> None:  # noqa: F811
    with live.session() as session:
        t002 = session.scalars(select(Item).where(Item.code == "T002")).one().id
    for width in (390, 1360):
        tab = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN").new_page()
        login(tab, live)   # 小林 reads Chinese
        tab.goto(f"{live.url}/items/{t002}")
        button = tab.locator("aside .status-form button")
        assert button.inner_text().strip() == "修改"
        assert button.evaluate(LINES_OF) == 1, f"「修改」 wraps at {width} px"
        box = button.bounding_box()
        assert box is not None and box["width"] > box["height"], box
        shot(tab, live, f"10-item-status-{width}px")
        tab.context.close()
