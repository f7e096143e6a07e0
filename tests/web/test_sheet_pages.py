"""Spreadsheets on the web (issue 9 part 4): a meeting downloads as .xlsx and .csv in the
article's columns, and an uploaded .xlsx is previewed and then imported from the same upload."""

from __future__ import annotations

import io
from urllib.parse import unquote

from python_calamine import CalamineWorkbook
from sqlalchemy import select

from luodi.models import Item, Meeting
from web.conftest import World, csrf_of, snapshot


def test_a_meeting_downloads_as_xlsx_and_csv(world: World) -> None:
    client = world.client("viewer")
    page = client.get(f"/meetings/{world.ids['meeting']}")
    assert f'href="/meetings/{world.ids["meeting"]}/export.xlsx"' in page.text
    xlsx = client.get(f"/meetings/{world.ids['meeting']}/export.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "【行动项】Q4服务活动方案跟进.xlsx" in unquote(xlsx.headers["content-disposition"])
    rows = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    header = next(index for index, row in enumerate(rows) if row[:3] == ["序号", "行动项", "责任人"])
    assert [row[2] for row in rows[header + 1:header + 4]] == ["小王", "小李", "小陈"]
    assert [row[0] for row in rows[header + 4:header + 6]] == ["", "【决策】"]  # the decisions follow
    assert str(rows[header + 1][5]).endswith(("进行中", "未开始"))
    csv = client.get(f"/meetings/{world.ids['meeting']}/export.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.content.startswith("\ufeff【行动项】Q4服务活动方案跟进".encode())
    assert world.client("outsider").get(f"/meetings/{world.ids['meeting']}/export.csv").status_code in (403, 404)


def test_the_download_speaks_the_users_language_and_imports_back(world: World) -> None:
    """A user whose setting is en gets English headings and words; the meeting (zh) keeps its
    language through a Language row, and the file imports back (the importer reads those words)."""
    from luodi.capture.model import ReadOptions
    from luodi.capture.reader import read_draft

    client = world.client("coordinator")
    assert client.post("/language", data={"csrf": world.csrf["coordinator"], "lang": "en",
                                          "next": "/board"}).status_code == 303
    english = client.get(f"/meetings/{world.ids['meeting']}/export.csv").content.decode("utf-8-sig").split("\r\n")
    assert english[0] == "[Action items] Q4服务活动方案跟进"
    header = english.index("No.,Action,Owner,Due,Deliverable,Status,Priority,Depends on,Start,Acceptance")
    assert "Language,zh" in english[:header] and "[Decisions]" in english[header:]
    assert english[header + 1].split(",")[5].split(" ", 1)[1] in ("In progress", "Not started", "Done")
    draft = read_draft("\r\n".join(english).encode(), ReadOptions())
    assert draft.meeting is not None and not [f for f in draft.findings if f.severity == "error"]
    assert draft.meeting.language == "zh" and len(draft.meeting.decisions) == 3
    assert [item.owner for item in draft.meeting.items] == ["小王", "小李", "小陈"]
    chinese = world.client("viewer").get(f"/meetings/{world.ids['meeting']}/export.csv").content.decode("utf-8-sig")
    assert chinese.split("\r\n")[0] == "【行动项】Q4服务活动方案跟进" and "Language" not in chinese


def test_an_uploaded_xlsx_is_previewed_then_imported_from_the_same_upload(world: World) -> None:
    client = world.client("coordinator")
    sheet = client.get(f"/meetings/{world.ids['meeting']}/export.xlsx").content
    before = snapshot(world.url)
    preview = client.post("/import/preview", data={"project": str(world.ids["project"]),
                                                   "csrf": world.csrf["coordinator"]},
                          files={"file": ("q4.xlsx", sheet, "application/octet-stream")})
    assert preview.status_code == 200, preview.text
    assert "【行动项】Q4服务活动方案跟进" in preview.text and 'name="sheet"' in preview.text
    assert snapshot(world.url) == before
    carried = preview.text.split('name="sheet" value="')[1].split('"')[0]
    done = client.post("/import", data={"project": str(world.ids["project"]), "csrf": csrf_of(preview.text),
                                        "sheet": carried})
    assert done.status_code == 303, done.text
    meeting_id = int(done.headers["location"].split("/")[2].split("?")[0])
    with world.session() as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.title == "Q4服务活动方案跟进"
        owners = session.scalars(select(Item.title).where(Item.meeting_id == meeting_id).order_by(Item.number)).all()
        original = session.scalars(select(Item.title).where(Item.meeting_id == world.ids["meeting"])
                                   .order_by(Item.number)).all()
        assert owners == original


def test_a_damaged_carried_sheet_is_refused_and_nothing_is_written(world: World) -> None:
    client = world.client("coordinator")
    before = snapshot(world.url)
    response = client.post("/import", data={"project": str(world.ids["project"]), "csrf": world.csrf["coordinator"],
                                            "sheet": "not base64!"})
    assert response.status_code == 400
    assert "upload it again" in response.text or "请重新上传" in response.text
    assert snapshot(world.url) == before
