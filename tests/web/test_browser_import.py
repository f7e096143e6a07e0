"""Issue 9 in a real Chromium: a coordinator pastes a chat-style list into the import page,
answers the preview's question (who owns the item two people were named for), imports, and
finds the items on the board. Uses the browser suite's server and fixtures."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from luodi.models import Item, Person
from web.conftest import BOTH_BACKENDS
from web.test_browser import Live, chromium, live, login, page, shot  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, BOTH_BACKENDS]
CHAT = ("小林 2026-12-01 10:32\n@小王 周五前给出活动方案\n"
        "小林 2026-12-01 10:40\n@小王 @小李 下周三前完成技术评估\n")


def test_paste_a_chat_answer_the_question_import_and_see_the_board(page: Any, live: Live) -> None:  # noqa: F811
    login(page, live)
    page.goto(f"{live.url}/import")
    page.fill("#i-new-project", "聊天导入")
    page.fill("#i-source", CHAT)
    page.get_by_role("button", name=re.compile("预览|Preview")).click()
    question = page.locator('[data-question="4:owner"]')
    question.wait_for()
    shot(page, live, "09-import-question")
    assert "小王" in question.inner_text() and "小李" in question.inner_text()
    question.get_by_label("小李").check()
    for other in page.locator("fieldset.question").all():  # any other question: its first choice
        if not other.locator("input:checked").count():
            other.locator("input[type=radio]").first.check()
    page.get_by_role("button", name=re.compile("^(导入|Import)$")).click()
    page.wait_for_url(re.compile(r"/meetings/\d+"))
    page.goto(f"{live.url}/board")
    board = page.locator("main").inner_text()
    assert "给出活动方案" in board and "完成技术评估" in board
    shot(page, live, "10-board-after-chat-import")
    with live.session() as session:
        owners = session.execute(select(Item.title, Person.name).join(Person, Person.id == Item.owner_id)
                                 .order_by(Item.code)).all()
    assert [tuple(row) for row in owners] == [("给出活动方案", "小王"), ("完成技术评估", "小李")]
