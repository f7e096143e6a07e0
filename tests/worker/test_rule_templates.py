"""A rule's ``template`` picks one of the built-in message kinds, as the item's project has it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from luodi.config import Settings
from luodi.domain.rules import RuleConfigError
from luodi.domain.workdays import Calendar
from luodi.models import Item, OutboxMessage, Person, Project
from luodi.services.rules.planning import plan
from luodi.services.rules.rule_context import RuleContext
from support.q4 import SHANGHAI, load_q4, local, open_session

MORNING = local(2026, 9, 30, 9, 35)   # T003's three-day reminder to 小陈


def _reminder_subject(url: str, project_rules: dict[str, object] | None) -> str:
    with open_session(url) as session:
        chen = session.scalars(select(Person).where(Person.name == "小陈")).one()
        chen.language = "en"
        if project_rules is not None:
            project = session.scalars(select(Project)).one()
            project.settings = {**(project.settings or {}), "rules": project_rules}
        session.commit()
        plan(session, now=MORNING, ctx=RuleContext(tz=SHANGHAI, calendar=Calendar("china")))
        session.commit()
        t003 = session.scalars(select(Item).where(Item.code == "T003")).one()
        return session.scalars(select(OutboxMessage.subject).where(OutboxMessage.recipient_id == chen.id,
                                                                   OutboxMessage.kind == "remind_before_3d")).one() \
            + f" ({t003.title})"


def test_a_projects_template_override_is_used(db_url: str, tmp_path: Path) -> None:
    load_q4(db_url)
    subject = _reminder_subject(db_url, {"remind_before_3d": {"template": "escalate_due_end"}})
    assert subject.startswith("[Escalation]"), subject


def test_the_default_template_without_override(db_url: str) -> None:
    load_q4(db_url)
    assert _reminder_subject(db_url, None).startswith("[Reminder]")


def test_a_template_that_is_no_built_in_message_kind_is_refused_naming_the_rule(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "luodi.toml"
    config.write_text('[rules.remind_before_3d]\ntemplate = "my_own_wording"\n', encoding="utf-8")
    monkeypatch.setenv("LUODI_CONFIG", str(config))
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", secret_key="k" * 24)
    with pytest.raises(RuleConfigError, match=r"remind_before_3d.*template.*my_own_wording.*escalate_due_end"):
        RuleContext.from_settings(settings)
