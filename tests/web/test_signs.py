"""Issue 15 point 4 on the pages: ★ means priority only (the graph's critical path is ◆), no
bare sign for unconfirmed, a legend on each page, and every status and priority in words — read
with the emoji (if any) blanked out, as on a machine without an emoji font."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from luodi.domain.enums import ItemStatus, Priority
from luodi.models import Item
from luodi.render.env import priority_label, status_label
from web.conftest import World

EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b50\u2b55\ufe0f]")
WORDS = re.compile(r"<[^>]+>")


def _text(html: str) -> str:
    """The page as read on screen without an emoji font: tags removed, emoji blanked."""
    return EMOJI.sub("□", re.sub(r"\s+", " ", WORDS.sub(" ", html)))


def _client(world: World, lang: str) -> TestClient:
    """The admin, reading in ``lang`` (switched the way the page's language form does it)."""
    client = world.client("admin")
    client.post("/language", data={"lang": lang, "next": "/board", "csrf": world.csrf["admin"]})
    return client


def _spread(world: World) -> None:
    """One Q4/Other item in each status, and every priority."""
    codes = ["T001", "T002", "T003", "other_T001", "other_T002"]
    with world.session() as session:
        for code, status in zip(codes, ItemStatus, strict=True):
            session.execute(update(Item).where(Item.id == world.ids[code]).values(status=status))
        session.execute(update(Item).where(Item.id == world.ids["T003"]).values(priority=Priority.LOW))
        session.commit()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_board_and_table_name_every_status_and_priority(world: World, lang: str) -> None:
    _spread(world)
    client = _client(world, lang)
    for path in ("/board", "/items"):
        page = client.get(f"{path}?window=all").text
        text = _text(page)
        for status in ItemStatus:
            assert status_label(status, lang, emoji=False) in text, (path, status)
        for priority in Priority:
            assert priority_label(priority, lang) in text, (path, priority)
        for priority in Priority:   # the stars (blank boxes without the font) are followed by the word
            assert re.search(r"□□□ (优先级: |Priority: )?" + re.escape(priority_label(priority, lang)), text), \
                (path, priority)
        assert 'class="board-legend"' in page and "◆" in page   # the legend tells ★ from ◆
        assert not re.search(r">\s*\?\s*<", page)                 # no bare “?” for unconfirmed
        assert ("未确认" if lang == "zh" else "Unconfirmed") in text


def test_the_graph_marks_the_critical_path_with_a_labelled_diamond_not_a_star(world: World) -> None:
    _spread(world)
    page = _client(world, "zh").get(f"/graph?meeting={world.ids['meeting']}").text
    assert "★" not in page and "◆" in page
    assert 'aria-label="' in page and "关键路径" in page
    text = _text(page)
    for status in (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.AT_RISK):
        assert status_label(status, "zh", emoji=False) in text


def test_the_item_page_has_the_legend_and_words(world: World) -> None:
    page = _client(world, "en").get(f"/items/{world.ids['T001']}").text
    text = _text(page)
    assert 'class="board-legend"' in page and "critical path" in text
    assert "Priority: High" in text or "High" in text
    assert status_label(ItemStatus.IN_PROGRESS, "en", emoji=False) in text or "Not started" in text
