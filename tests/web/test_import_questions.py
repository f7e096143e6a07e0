"""The web preview asks what the draft cannot decide (issue 9): a paste without a meeting time,
two people as owner and a date with two readings are questions with choices; nothing is stored
until each is answered, and the answers given in the preview go with the import."""

from __future__ import annotations

import re

from sqlalchemy import select

from luodi.models import Item, Person
from web.conftest import World, csrf_of, snapshot

CHAT = ("小林 2026-09-28 10:32\n@小王 周五前给出活动方案\n"
        "小林 2026-09-28 10:40\n@小王 @小李 下周三前完成技术评估\n")


def _questions(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in re.findall(r'name="answer:([^"]+)" value="([^"]*)"', html):
        found.setdefault(key, []).append(value)
    return found


def test_questions_are_asked_in_the_preview_then_answered_and_imported(world: World) -> None:
    client = world.client("coordinator")
    before = snapshot(world.url)
    form = {"project": str(world.ids["project"]), "source": CHAT, "csrf": world.csrf["coordinator"]}
    preview = client.post("/import/preview", data=form)
    assert preview.status_code == 200, preview.text
    asked = _questions(preview.text)
    assert "0:时间" in asked and "4:owner" in asked, asked
    assert asked["4:owner"] == ["小王", "小李"]
    assert 'data-question="4:owner"' in preview.text
    refused = client.post("/import", data=form)  # unanswered: nothing is stored
    assert refused.status_code == 400 and 'data-question="4:owner"' in refused.text
    assert snapshot(world.url) == before

    answers = {f"answer:{key}": choices[-1] if key == "4:owner" else choices[0] for key, choices in asked.items()}
    answered = client.post("/import/preview", data=form | answers | {"csrf": csrf_of(preview.text)})
    assert answered.status_code == 200 and "data-question" not in answered.text
    # the answers ride along as hidden fields, so the import gets them too
    assert 'type="hidden" name="answer:4:owner" value="小李"' in answered.text
    done = client.post("/import", data=form | answers | {"csrf": csrf_of(answered.text)})
    assert done.status_code == 303, done.text
    with world.session() as session:
        rows = session.execute(select(Item.title, Person.name).join(Person, Person.id == Item.owner_id)
                               .where(Item.meeting_id == int(done.headers["location"].split("/")[2].split("?")[0]))
                               .order_by(Item.number)).all()
    assert [tuple(row) for row in rows] == [("给出活动方案", "小王"), ("完成技术评估", "小李")]
