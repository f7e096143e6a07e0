"""The foundation flow on PostgreSQL, with each owner clicking the link from their real email
against a real running server (GET shows, POST confirms), then the call list."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from sqlalchemy import select

from luodi.clock import FrozenClock
from luodi.config import Settings
from luodi.models import Item, ItemResponse
from support.cli import Cli
from support.q4 import local, open_session
from support.server import running_server
from support.smtpd import SMTPSink, free_port, text_part

Q4 = Path(__file__).parents[1] / "data" / "q4_zh.md"
SECRET = "pg-secret-0123456789abcdef"


def test_flow_on_postgres_with_links_clicked_on_a_running_server(pg_url: str, people_csv: Path,
                                                                  tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cli = Cli({"LUODI_DATABASE_URL": pg_url, "LUODI_SECRET_KEY": SECRET, "LUODI_BASE_URL": base,
               "LUODI_LANGUAGE": "en", "LUODI_CONFIG": str(tmp_path / "none.toml"),
               "LUODI_CLOCK": "2026-09-26T16:10+08:00"})
    assert cli("people", "import", str(people_csv)).exit_code == 0
    meeting_id = cli("meeting", "import", str(Q4), "--json").json()["meeting_id"]
    with SMTPSink() as sink:
        cli.env["LUODI_SMTP_PORT"] = str(sink.port)
        assert cli("meeting", "send", str(meeting_id)).exit_code == 0
        mails = {m.envelope_to[0]: m.parsed() for m in sink.wait_for(4)}
    links = {}
    for address, mail in mails.items():
        assert str(mail["Subject"]).startswith(("【行动项】", "[Action items]"))
        assert mail.get_body(("html",)) is not None
        found = re.findall(rf"^({re.escape(base)}/c/\S+)$", text_part(mail), re.M)
        if found:
            links[address] = found[0]
    assert set(links) == {"xiaowang@example.com", "xiaoli@example.com", "xiaochen@example.com"}
    settings = Settings(database_url=pg_url, secret_key=SECRET, base_url=base)
    clock = FrozenClock(local(2026, 9, 26, 16, 30))
    with running_server(settings, clock=clock, port=port), httpx.Client() as http:
        for address in ("xiaowang@example.com", "xiaochen@example.com"):
            page = http.get(links[address])
            assert page.status_code == 200 and "<form" in page.text
            done = http.post(links[address], data={"answer": "confirm"}, follow_redirects=False)
            assert done.status_code == 303
            where = done.headers["location"]
            assert 'class="conf yes"' in http.get(where if where.startswith("http") else base + where).text
        assert http.get(links["xiaoli@example.com"]).status_code == 200   # 小李 only looks
    with open_session(pg_url) as session:
        confirmed = dict(session.execute(select(Item.code, Item.confirmed_at.is_not(None))).all())
        assert confirmed == {"T001": True, "T002": False, "T003": True}
        assert len(session.scalars(select(ItemResponse)).all()) == 2
    status = cli("meeting", "status", str(meeting_id), "--at", "2026-09-26T18:05", "--json").json()
    assert status["call_list"] == [{"owner": "小李", "phone": "13800000004", "items": ["T002"]}]
