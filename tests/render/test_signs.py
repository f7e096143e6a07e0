"""Issue 15 point 4 in the emails and IM messages: every status carries its word next to its
emoji, so a machine without an emoji font (the emoji drawn as empty boxes) still reads it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from luodi.domain.enums import ItemStatus
from luodi.render.action_list import render_action_list
from luodi.render.env import status_label
from luodi.render.messages import render_message
from luodi.render.views import ActionListView, MessageKind, MessageView

EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b50\u2b55\ufe0f]")


def without_emoji(text: str) -> str:
    """What a reader without an emoji font can read: every emoji is a blank box."""
    return EMOJI.sub("□", text)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("status", list(ItemStatus))
def test_the_action_list_names_every_status_in_words(make_q4: Callable[..., ActionListView], q4: ActionListView,
                                                     status: ItemStatus, lang: str) -> None:
    view = make_q4(items=(dataclasses.replace(q4.items[0], status=status), *q4.items[1:]))
    word = status_label(status, lang, emoji=False)
    for fmt in ("text", "markdown", "html"):
        rendered = without_emoji(render_action_list(view, lang=lang, fmt=fmt))
        assert f"□ {word}" in rendered, (fmt, word)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("status", [ItemStatus.AT_RISK, ItemStatus.DELAYED, ItemStatus.IN_PROGRESS])
def test_rule_messages_name_the_status_in_words(q4: ActionListView, status: ItemStatus, lang: str) -> None:
    item = dataclasses.replace(q4.items[0], status=status)
    fields: dict[str, Any] = {"recipient": q4.organizer, "now": datetime(2026, 9, 29, 9, 30), "items": (item,),
                              "url": "https://luodi.example.com/items/1"}
    message = render_message(MessageView(kind=MessageKind.ESCALATE_DUE_END, **fields), lang=lang)
    word = status_label(status, lang, emoji=False)
    for body in (message.text, message.markdown, message.html):
        assert f"□ {word}" in without_emoji(body)
