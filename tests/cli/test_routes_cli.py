"""``luodi channel routes``: who hears what per project, shown and edited; escalations stay private."""

from __future__ import annotations

from sqlalchemy import select

from luodi.models import AuditEntry, Project
from support.cli import Cli
from support.q4 import load_q4, open_session


def test_routes_shown_edited_and_escalation_never_to_a_group(db_url: str) -> None:
    load_q4(db_url)
    cli = Cli({"LUODI_DATABASE_URL": db_url, "LUODI_SECRET_KEY": "k" * 24})
    shown = cli("channel", "routes", "Q4", "--json")
    assert shown.exit_code == 0
    assert shown.json()["reminder"] == ["direct"] and shown.json()["list"] == ["direct", "group"]
    assert shown.json()["escalation"] == ["direct"]

    changed = cli("channel", "routes", "Q4", "--set", "reminder=direct,group", "--set", "list=direct", "--json")
    assert changed.exit_code == 0 and changed.json()["reminder"] == ["direct", "group"]
    refused = cli("channel", "routes", "Q4", "--set", "escalation=direct,group")
    assert refused.exit_code == 2 and "escalation" in refused.stderr + refused.stdout
    unknown = cli("channel", "routes", "Q4", "--set", "reminder=everyone")
    assert unknown.exit_code == 2

    with open_session(db_url) as session:
        project = session.scalars(select(Project).where(Project.name == "Q4")).one()
        assert project.settings["routes"] == {"reminder": ["direct", "group"], "list": ["direct"]}
        audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "routes_changed")).all()
        assert len(audits) == 1  # the refused changes wrote nothing
