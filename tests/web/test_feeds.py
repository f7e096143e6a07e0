"""INT-3: calendar feeds at secret URLs, parsed with icalendar and checked against RFC 5545's rules."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Calendar
from sqlalchemy import select

from luodi.models import AuditEntry, FeedToken, Meeting
from luodi.services.audit import Actor
from luodi.services.integrate import feeds
from web.conftest import NOW, World


def _token(world: World, kind: str, subject_id: int, *, rotate: bool = False) -> str:
    with world.session() as session:
        token = feeds.feed_token(session, kind, subject_id, rotate=rotate, actor=Actor.system("test"), now=NOW)
        session.commit()
        return token


def _get(world: World, token: str) -> tuple[Any, bytes]:
    response = world.client().get(f"/feeds/{token}.ics")   # no login: the token is the key
    return response, response.content


def rfc5545_problems(raw: bytes) -> list[str]:
    """What breaks RFC 5545 in ``raw`` (the rules a calendar client relies on)."""
    problems: list[str] = []
    if b"\n" in raw.replace(b"\r\n", b""):
        problems.append("a line does not end in CRLF (3.1)")
    problems += [f"line over 75 octets: {line[:30]!r}" for line in raw.split(b"\r\n") if len(line) > 75]
    cal = Calendar.from_ical(raw)
    if cal.name != "VCALENDAR":
        return [*problems, "not a VCALENDAR"]
    for prop in (b"PRODID", b"VERSION"):
        if raw.count(b"\r\n" + prop + b":") != 1:   # no component in a luodi feed has these
            problems.append(f"VCALENDAR needs exactly one {prop.decode()} (3.6)")
    if str(cal.get("VERSION")) != "2.0":
        problems.append("VERSION must be 2.0")
    zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    uids: list[str] = []
    for event in cal.walk("VEVENT"):
        uid = str(event.get("UID", ""))
        uids.append(uid)
        for name in ("UID", "DTSTAMP", "DTSTART"):
            if name not in event:
                problems.append(f"{uid}: no {name} (3.6.1: required without METHOD, DTSTART too)")
        stamp = event.decoded("DTSTAMP") if "DTSTAMP" in event else None
        if not isinstance(stamp, datetime) or stamp.utcoffset() != timedelta(0):
            problems.append(f"{uid}: DTSTAMP must be a UTC DATE-TIME (3.8.7.2)")
        if "DTEND" in event and "DURATION" in event:
            problems.append(f"{uid}: DTEND and DURATION together (3.6.1)")
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND") if "DTEND" in event else None
        if type(start) is date:
            if event["DTSTART"].params.get("VALUE") != "DATE":
                problems.append(f"{uid}: an all-day DTSTART needs VALUE=DATE")
            if end is not None and type(end) is not date:
                problems.append(f"{uid}: DTEND must be a DATE like DTSTART (3.6.1)")
        tzid = event["DTSTART"].params.get("TZID")
        if tzid and tzid not in zones:
            problems.append(f"{uid}: TZID {tzid} without its VTIMEZONE (3.2.19)")
        if end is not None and end <= start:
            problems.append(f"{uid}: DTEND not after DTSTART")
        if int(event.get("SEQUENCE", 0)) < 0:
            problems.append(f"{uid}: negative SEQUENCE")
        for alarm in event.walk("VALARM"):
            if "ACTION" not in alarm or "TRIGGER" not in alarm:
                problems.append(f"{uid}: VALARM needs ACTION and TRIGGER (3.6.6)")
            if str(alarm.get("ACTION")) == "DISPLAY" and "DESCRIPTION" not in alarm:
                problems.append(f"{uid}: a DISPLAY alarm needs DESCRIPTION")
            trigger = alarm.decoded("TRIGGER")
            if isinstance(trigger, datetime) and trigger.utcoffset() != timedelta(0):
                problems.append(f"{uid}: an absolute TRIGGER must be UTC (3.8.6.3)")
            if isinstance(trigger, datetime) and alarm["TRIGGER"].params.get("VALUE") != "DATE-TIME":
                problems.append(f"{uid}: an absolute TRIGGER needs VALUE=DATE-TIME (3.8.6.3)")
    if len(uids) != len(set(uids)):
        problems.append(f"UIDs repeat: {sorted(uids)}")
    return problems


def _events(raw: bytes) -> dict[str, Any]:
    return {str(e["UID"]): e for e in Calendar.from_ical(raw).walk("VEVENT")}


def test_a_persons_feed_is_valid_icalendar_with_all_day_due_dates_and_the_t_minus_1_alarm(world: World) -> None:
    response, raw = _get(world, _token(world, "person", world.ids["xiaowang"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert rfc5545_problems(raw) == []
    cal = Calendar.from_ical(raw)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    events = _events(raw)
    item = world.item("T001")
    due = events[f"item-{item.id}@luodi"]
    assert due.decoded("DTSTART") == item.due and due.decoded("DTEND") == item.due + timedelta(days=1)
    assert "T001" in str(due["SUMMARY"]) and str(due["URL"]) == f"http://testserver/items/{item.id}"
    [alarm] = due.walk("VALARM")
    # at_risk_before_1d: 09:30 in Shanghai on the working day before the due date, as UTC
    previous = item.due - timedelta(days=1)
    while previous.weekday() >= 5:
        previous -= timedelta(days=1)
    assert alarm.decoded("TRIGGER") == datetime(previous.year, previous.month, previous.day, 1, 30, tzinfo=UTC)
    followup = events[f"followup-{world.ids['meeting']}@luodi"]   # 小王 owns items of the Q4 meeting
    assert followup["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert followup.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 10, 15, 10, 0)
    assert str(followup["LOCATION"]) == "3楼会议室"
    assert {uid for uid in events if uid.startswith("item-")} == {
        f"item-{world.ids[code]}@luodi" for code in ("T001",)} | {
        f"item-{i}@luodi" for i in _owned(world, "xiaowang")}


def _owned(world: World, key: str) -> set[int]:
    from luodi.models import Item

    with world.session() as session:
        return set(session.scalars(select(Item.id).where(Item.owner_id == world.ids[key])))


def test_a_changed_due_date_updates_the_same_event_with_a_higher_sequence(world: World) -> None:
    token = _token(world, "person", world.ids["xiaowang"])
    item = world.item("T001")
    uid = f"item-{item.id}@luodi"
    before = _events(_get(world, token)[1])[uid]
    client = world.client("coordinator")
    form = {"csrf": world.csrf["coordinator"], "version": str(item.version), "title": item.title,
            "owner": str(item.owner_id), "start": "", "due": "2026-10-23", "deliverable": item.deliverable or "",
            "priority": item.priority.value, "acceptance": "", "status": item.status.value}
    assert client.post(f"/items/{item.id}/edit", data=form).status_code == 303
    after_raw = _get(world, token)[1]
    assert rfc5545_problems(after_raw) == []
    after = _events(after_raw)
    assert list(after).count(uid) == 1
    assert after[uid].decoded("DTSTART") == date(2026, 10, 23)
    assert int(after[uid]["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after[uid].decoded("DTSTAMP") > before.decoded("DTSTAMP") or \
        after[uid].decoded("DTSTAMP") == before.decoded("DTSTAMP")


def test_a_meeting_feed_has_its_items_and_the_follow_up_whose_change_raises_its_sequence(world: World) -> None:
    token = _token(world, "meeting", world.ids["meeting"])
    raw = _get(world, token)[1]
    assert rfc5545_problems(raw) == []
    events = _events(raw)
    uid = f"followup-{world.ids['meeting']}@luodi"
    assert {f"item-{world.ids[c]}@luodi" for c in ("T001", "T002", "T003")} <= set(events)
    assert int(events[uid]["SEQUENCE"]) == 0
    with world.session() as session:
        meeting = session.get(Meeting, world.ids["meeting"])
        assert meeting is not None
        form = {"csrf": world.csrf["coordinator"], "title": meeting.title,
                "starts_at": meeting.starts_at.astimezone(feeds_tz()).strftime("%Y-%m-%dT%H:%M"),
                "next_meeting_at": "2026-10-16T14:00", "next_meeting_place": "5楼大会议室",
                "next_meeting_goal": meeting.next_meeting_goal or "", "name": meeting.name or "",
                "place": meeting.place or ""}
    answer = world.client("coordinator").post(f"/meetings/{world.ids['meeting']}/edit", data=form)
    assert answer.status_code == 303
    with world.session() as session:
        changed = session.scalars(select(AuditEntry.field).where(
            AuditEntry.entity == "meeting", AuditEntry.entity_id == world.ids["meeting"])).all()
    assert {"next_meeting_at", "next_meeting_place"} <= set(changed)
    after = _events(_get(world, token)[1])[uid]
    assert int(after["SEQUENCE"]) == 2
    assert str(after["LOCATION"]) == "5楼大会议室"
    assert after.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 10, 16, 14, 0)


def feeds_tz() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def test_rotating_the_url_ends_the_old_one(world: World) -> None:
    old = _token(world, "person", world.ids["xiaowang"])
    assert _token(world, "person", world.ids["xiaowang"]) == old          # stable until rotated
    new = _token(world, "person", world.ids["xiaowang"], rotate=True)
    assert new != old and re.fullmatch(r"[A-Za-z0-9_-]{32}", new)
    assert _get(world, old)[0].status_code == 404
    assert _get(world, new)[0].status_code == 200
    with world.session() as session:
        assert session.scalars(select(FeedToken.token)).all() == [new]
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "feed")).all()
    assert actions == ["created", "rotated"]


def test_an_unknown_token_is_404(world: World) -> None:
    assert _get(world, "nope")[0].status_code == 404
