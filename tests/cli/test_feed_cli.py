"""``luodi feed url`` (INT-3): the printed URL, under LUODI_BASE_URL, answers text/calendar."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from icalendar import Calendar

from luodi.config import Settings
from luodi.web.app import create_app

Q4 = Path(__file__).parents[1] / "data" / "q4_zh.md"
URL = re.compile(r"^http://testserver/feeds/([A-Za-z0-9_-]{32})\.ics$")


def test_feed_url_prints_a_url_that_serves_the_feed_and_rotates(cli, people_csv: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("people", "import", str(people_csv)).exit_code == 0
    assert cli("meeting", "import", str(Q4), "--project", "Q4").exit_code == 0
    first = cli("feed", "url", "--person", "小王")
    assert first.exit_code == 0, first.stderr
    assert URL.match(first.stdout.strip())
    assert cli("feed", "url", "--person", "小王").stdout == first.stdout           # stable
    rotated = cli("feed", "url", "--person", "小王", "--rotate", "--json")
    assert rotated.exit_code == 0 and rotated.json()["rotated"] is True
    assert rotated.json()["url"] != first.stdout.strip()
    meeting = cli("feed", "url", "--meeting", "1")
    assert meeting.exit_code == 0 and URL.match(meeting.stdout.strip())

    settings = Settings(database_url=cli.env["LUODI_DATABASE_URL"], secret_key=cli.env["LUODI_SECRET_KEY"],
                        base_url="http://testserver")
    app = create_app(settings, migrate=False)
    try:
        client = TestClient(app)
        served = client.get(rotated.json()["url"])
        assert served.status_code == 200 and served.headers["content-type"].startswith("text/calendar")
        summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(served.content).walk("VEVENT")]
        assert any("T001" in s for s in summaries)
        assert client.get(first.stdout.strip()).status_code == 404                 # the old URL is gone
        assert client.get(meeting.stdout.strip()).status_code == 200
    finally:
        app.state.engine.dispose()
        app.state.read_engine.dispose()


def test_feed_url_needs_exactly_one_subject(cli, people_csv: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("people", "import", str(people_csv)).exit_code == 0
    assert cli("feed", "url").exit_code == 2
    assert cli("feed", "url", "--person", "小王", "--meeting", "1").exit_code == 2
    unknown = cli("feed", "url", "--person", "nobody")
    assert unknown.exit_code == 2 and "nobody" in unknown.stderr
    assert cli("feed", "url", "--meeting", "99").exit_code == 2
