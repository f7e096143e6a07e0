"""Meetings: lint and import an action list (CAP-2…4), list and show meetings.

One import is one transaction: the caller commits once, or rolls back on any error, so a
failed import writes nothing. The store is set-based: one Core INSERT per table (people,
attendees, items, edges, audit, checklists), a constant number of statements for any size.

Over 300 lines: lint, import, list and show share the draft-to-rows mapping; the tolerant
readers (issue 9) will take the import half into its own module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from luodi.capture.model import Answers, Finding, ParsedMeeting, Question, ReadOptions
from luodi.capture.reader import read_draft
from luodi.capture.sheet import decode_csv, is_xlsx
from luodi.domain.enums import ItemStatus
from luodi.domain.lint import OwnerFacts, lint
from luodi.domain.workdays import Calendar
from luodi.i18n import gettext as _
from luodi.models import (
    Attachment,
    Decision,
    Dependency,
    Item,
    Meeting,
    MeetingAttendee,
    Person,
    Project,
)
from luodi.models.items import CHECK_NOW
from luodi.services.accept import checklists
from luodi.services.accounts import people
from luodi.services.audit import Actor, record, record_created
from luodi.services.capture import owners as owners_service
from luodi.services.errors import NotFound

if TYPE_CHECKING:
    from sqlalchemy import Table


@dataclass
class ImportReport:
    """What lint/import found and, after an import, what it stored (the CLI/API JSON shape)."""

    meeting_id: int | None = None
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No errors and no open questions: the draft can be stored."""
        return not self.errors and not self.questions

    def to_json(self) -> dict[str, Any]:
        def finding(f: Finding) -> dict[str, Any]:
            return {"line": f.line, "field": f.field, "message": f.message}

        return {
            "meeting_id": self.meeting_id,
            "errors": [finding(f) for f in self.errors],
            "warnings": [finding(f) for f in self.warnings],
            "items": self.items,
            "questions": [question.to_json() for question in self.questions],
        }


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    return (local if local.tzinfo else local.replace(tzinfo=tz)).astimezone(UTC)


def check(
    session: Session, source: bytes | str, *, now: datetime, tz: ZoneInfo, max_open_per_week: int = 5,
    calendar: Calendar | None = None, answers: Answers | None = None, accept_defaults: bool = False,
    end_of_day: time | None = None,
) -> tuple[ParsedMeeting | None, ImportReport]:
    """Read (any format: :func:`luodi.capture.reader.read_draft`) and lint ``source`` against
    the people directory (and, given a working-day calendar, warn about due dates on non-working
    days); writes nothing. ``answers`` answer the draft's questions by (line, field)."""
    options = ReadOptions(now=now.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0), calendar=calendar,
                          answers=dict(answers or {}), accept_defaults=accept_defaults)
    if end_of_day is not None:
        options.end_of_day = end_of_day
    parsed = read_draft(source, options)
    report = ImportReport(questions=list(parsed.questions))
    findings = list(parsed.findings)
    meeting = parsed.meeting
    if meeting is not None:
        asked, notes = owners_service.resolve(session, meeting, answers=options.answers,
                                              accept_defaults=accept_defaults)
        report.questions += asked
        findings += notes
        owners = sorted({item.owner for item in meeting.items if item.owner})
        findings += lint(
            meeting,
            today=now.astimezone(tz).date(),
            directory=_directory(session, owners),
            open_due_dates=_open_due_dates(session, owners, meeting),
            max_open_per_week=max_open_per_week,
        )
        if calendar is not None:
            findings += _non_working_dues(meeting, calendar) + _statutory_years(session, meeting, calendar)
    asked_owner = {q.line for q in report.questions if q.field == "owner"}
    findings = [f for f in findings if not (f.field == "owner" and f.severity == "warning" and f.line in asked_owner)]
    findings.sort(key=lambda f: (f.line, f.field))
    report.errors = [f for f in findings if f.severity == "error"]
    report.warnings = [f for f in findings if f.severity == "warning"]
    return meeting, report


def _non_working_dues(meeting: ParsedMeeting, calendar: Calendar) -> list[Finding]:
    """RULE-2: a due date on a holiday or weekend is allowed, but worth a second look."""
    return [
        Finding(line=item.line, field="due", severity="warning",
                message=_("due {date} is not a working day; reminders move to the working day before").format(
                    date=item.due.isoformat()))
        for item in meeting.items if item.due and not calendar.is_workday(item.due)
    ]


def _statutory_years(session: Session, meeting: ParsedMeeting, calendar: Calendar) -> list[Finding]:
    """One warning per due year that has no official or loaded holiday schedule (issue 11), on
    the first item due in it."""
    from luodi.domain.workdays import statutory_warning
    from luodi.services import calendar as calendars

    calendars.refresh(session, calendar)
    dated = [item for item in meeting.items if item.due]
    years = calendars.statutory_years(calendar, [item.due for item in dated if item.due])
    return [Finding(line=min(item.line for item in dated if item.due and item.due.year == year), field="due",
                    severity="warning", message=statutory_warning(year)) for year in years]


def _directory(session: Session, names: Sequence[str]) -> dict[str, OwnerFacts]:
    if not names:
        return {}
    found = session.scalars(select(Person).where(Person.name.in_(names))).all()
    return {person.name: OwnerFacts(reachable=person.reachable) for person in found}


def _open_due_dates(session: Session, names: Sequence[str], meeting: ParsedMeeting) -> dict[str, list[date]]:
    """Open items the owners already carry, in the weeks this list touches (bounded query)."""
    dues = [item.due for item in meeting.items if item.due]
    if not names or not dues:
        return {}
    rows = session.execute(
        select(Person.name, Item.due)
        .join(Item, Item.owner_id == Person.id)
        .where(
            Person.name.in_(names),
            Item.status != ItemStatus.DONE,
            Item.due.between(min(dues) - timedelta(days=7), max(dues) + timedelta(days=7)),
        )
    ).all()
    result: dict[str, list[date]] = defaultdict(list)
    for name, due in rows:
        result[name].append(due)
    return dict(result)


def import_action_list(
    session: Session,
    source: bytes | str,
    *,
    project: str | None,
    now: datetime,
    tz: ZoneInfo,
    max_open_per_week: int = 5,
    calendar: Calendar | None = None,
    answers: Answers | None = None,
    accept_defaults: bool = False,
    end_of_day: time | None = None,
) -> ImportReport:
    """Lint, then store the meeting with its decisions, items and dependencies.

    On lint errors or open questions nothing is written and the report carries them. Otherwise
    rows are added and flushed; the caller commits (or rolls back for a dry run).
    """
    parsed, report = check(session, source, now=now, tz=tz, max_open_per_week=max_open_per_week,
                           calendar=calendar, answers=answers, accept_defaults=accept_defaults, end_of_day=end_of_day)
    if parsed is None or not report.ok:
        return report
    meeting, items = _store(session, parsed, project_name=project or parsed.title, now=now, tz=tz)
    meeting.source = _source_text(source)
    report.meeting_id = meeting.id
    numbers = {row["id"]: parsed_item.number for row, parsed_item in zip(items, parsed.items, strict=True)}
    report.items = sorted(items, key=lambda row: numbers[row["id"]])
    return report


def _source_text(source: bytes | str) -> str | None:
    """What is kept of the imported file: its text (a GBK .csv decoded), None for a workbook."""
    if isinstance(source, str):
        return source
    if is_xlsx(source):
        return None
    text, _problem = decode_csv(source)
    return text


def _project(session: Session, name: str, *, now: datetime) -> Project:
    project = session.scalar(select(Project).where(Project.name == name).with_for_update(of=Project))
    if project is None:
        project = Project(name=name, created_at=now, settings={})
        session.add(project)
        session.flush()
    return project


def _store(session: Session, parsed: ParsedMeeting, *, project_name: str, now: datetime,
           tz: ZoneInfo) -> tuple[Meeting, list[dict[str, Any]]]:
    assert parsed.starts_at is not None  # lint makes the meeting time required
    project = _project(session, project_name, now=now)
    organizer = people.ensure(session, parsed.organizer, now=now)[0] if parsed.organizer else None
    if project.coordinator_id is None and organizer is not None:
        project.coordinator_id = organizer.id
    next_meeting = parsed.next_meeting
    meeting = Meeting(
        project_id=project.id,
        title=parsed.title,
        name=parsed.name,
        starts_at=to_utc(parsed.starts_at, tz),
        ends_at=to_utc(parsed.ends_at, tz) if parsed.ends_at else None,
        place=parsed.place,
        organizer_id=organizer.id if organizer else None,
        language=parsed.language,
        next_meeting_at=to_utc(next_meeting.at, tz) if next_meeting and next_meeting.at else None,
        next_meeting_place=next_meeting.place if next_meeting else None,
        next_meeting_goal=next_meeting.goal if next_meeting else None,
        source=None,
        created_at=now,
    )
    session.add(meeting)
    session.flush()
    persons = _attendees(session, meeting, parsed, now=now)
    for number, text in enumerate(parsed.decisions, start=1):
        session.add(Decision(meeting_id=meeting.id, number=number, text=text))
    for title, url in parsed.attachments:
        session.add(Attachment(meeting_id=meeting.id, title=title, url=url, created_at=now))
    items = _items(session, meeting, project, parsed, persons, now=now)
    record(session, actor=Actor.system("import"), at=now, entity="meeting", entity_id=meeting.id,
           action="created")
    session.flush()
    return meeting, items


def _attendees(session: Session, meeting: Meeting, parsed: ParsedMeeting, *, now: datetime) -> dict[str, int]:
    """Attendees and owners as people (created when unknown, as :func:`people.ensure` does),
    once per name, set-based: one SELECT, one INSERT for the new people and their audit entries,
    one for the attendee rows; name → person id."""
    names = list(dict.fromkeys([*parsed.attendees, *(item.owner for item in parsed.items)]))
    wanted = list(dict.fromkeys(name.strip() for name in names))
    ids = _person_ids(session, wanted)
    missing = [name for name in wanted if name not in ids]
    if missing:
        session.execute(insert(cast("Table", Person.__table__)),
                        [{"name": name, "created_at": now, "language": "zh"} for name in missing])
        ids.update(_person_ids(session, missing))
        record_created(session, actor=Actor.system("import"), at=now, entity="person",
                       items=[(ids[name], None) for name in missing])
    persons = {name: ids[name.strip()] for name in names}
    session.execute(insert(MeetingAttendee), [
        {"meeting_id": meeting.id, "person_id": persons[name], "position": position}
        for position, name in enumerate(names)])
    return persons


def _person_ids(session: Session, names: Sequence[str], chunk: int = 5000) -> dict[str, int]:
    """name → id of the people called ``names`` (IN lists of at most ``chunk`` names)."""
    ids: dict[str, int] = {}
    for start in range(0, len(names), chunk):
        part = names[start:start + chunk]
        ids.update((name, person_id) for person_id, name in
                   session.execute(select(Person.id, Person.name).where(Person.name.in_(part))))
    return ids


def _items(session: Session, meeting: Meeting, project: Project, parsed: ParsedMeeting,
           persons: dict[str, int], *, now: datetime) -> list[dict[str, Any]]:
    """The items, their dependency edges, audit entries and default checklists, each one Core
    INSERT (no ORM object per row: 10k rows in a fraction of a second); returns the items as the
    CLI/API JSON (:func:`luodi.services.track.items.item_public`'s shape) in list order."""
    first = project.last_item_number + 1
    project.last_item_number += len(parsed.items)
    codes = [f"{project.code_prefix}{first + offset:03d}" for offset in range(len(parsed.items))]
    rows: list[dict[str, object]] = [{
        "project_id": project.id, "meeting_id": meeting.id, "code": code, "number": it.number, "title": it.title,
        "owner_id": persons[it.owner], "start": it.start, "due": it.due, "due_time": it.due_time,
        "deliverable": it.deliverable, "status": it.status, "priority": it.priority, "acceptance": it.acceptance,
        "reschedule_count": 0, "next_check_at": CHECK_NOW, "version": 1, "created_at": now, "updated_at": now,
    } for it, code in zip(parsed.items, codes, strict=True)]
    item_table = cast("Table", Item.__table__)
    if rows:
        # One executemany without RETURNING (RETURNING in parameter order is row-at-a-time on
        # SQLite); the meeting is new, so its items are exactly the rows just written.
        session.execute(insert(item_table), rows)
    stored = dict(session.execute(select(Item.code, Item.id).where(Item.meeting_id == meeting.id)).all())
    ids = [stored[code] for code in codes]
    by_number = {it.number: (item_id, code) for it, item_id, code in zip(parsed.items, ids, codes, strict=True)}
    depends: dict[int, list[str]] = defaultdict(list)
    if parsed.dependencies:
        session.execute(insert(cast("Table", Dependency.__table__)), [
            {"item_id": by_number[dep.dependent][0], "depends_on_id": by_number[dep.prerequisite][0],
             "reason": dep.reason} for dep in parsed.dependencies])
        for dep in parsed.dependencies:
            depends[by_number[dep.dependent][0]].append(by_number[dep.prerequisite][1])
    record_created(session, actor=Actor.system("import"), at=now, items=[(item_id, item_id) for item_id in ids])
    # ACC-2 (the article's trap 5): acceptance criteria are set when the item is created, so they
    # appear in the 【行动项】 list that goes out.
    checklists.attach_defaults(session, [(item_id, it.deliverable)
                                         for it, item_id in zip(parsed.items, ids, strict=True)],
                               language=meeting.language or "zh", new=True)
    names = {person_id: name for name, person_id in persons.items()}
    names.update(session.execute(select(Person.id, Person.name).where(Person.id.in_(set(persons.values()))))
                 .all())
    return [{
        "id": item_id, "code": code, "title": it.title, "owner": names[persons[it.owner]],
        "start": it.start.isoformat() if it.start else None, "due": it.due.isoformat() if it.due else None,
        "deliverable": it.deliverable, "status": it.status.value, "priority": it.priority.value,
        "depends_on": sorted(depends[item_id]), "confirmed": False, "meeting_id": meeting.id,
        "source_line": it.source_line,
    } for it, item_id, code in zip(parsed.items, ids, codes, strict=True)]


def get(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("meeting", meeting_id)
    return meeting


def list_meetings(session: Session, *, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    counts = (
        select(Item.meeting_id, func.count().label("n"),
               func.sum(func.cast(Item.confirmed_at.is_not(None), type_=Item.id.type)).label("confirmed"))
        .group_by(Item.meeting_id)
        .subquery()
    )
    rows = session.execute(
        select(Meeting, counts.c.n, counts.c.confirmed)
        .outerjoin(counts, counts.c.meeting_id == Meeting.id)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        {
            "id": meeting.id,
            "title": meeting.title,
            "project": meeting.project.name,
            "starts_at": meeting.starts_at.isoformat(),
            "sent_at": meeting.list_sent_at.isoformat() if meeting.list_sent_at else None,
            "items": n or 0,
            "confirmed": int(confirmed or 0),
            "closed": meeting.closed_at is not None,
        }
        for meeting, n, confirmed in rows
    ]


def items_of(session: Session, meeting: Meeting) -> Sequence[Item]:
    return session.scalars(select(Item).where(Item.meeting_id == meeting.id).order_by(Item.number, Item.id)).all()


def meeting_public(meeting: Meeting) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": meeting.id,
        "title": meeting.title,
        "name": meeting.name,
        "project": meeting.project.name,
        "starts_at": iso(meeting.starts_at),
        "ends_at": iso(meeting.ends_at),
        "place": meeting.place,
        "organizer": meeting.organizer.name if meeting.organizer else None,
        "attendees": [a.person.name for a in sorted(meeting.attendees, key=lambda a: a.position)],
        "decisions": [d.text for d in meeting.decisions],
        "next_meeting": {"at": iso(meeting.next_meeting_at), "place": meeting.next_meeting_place,
                         "goal": meeting.next_meeting_goal},
        "sent_at": iso(meeting.list_sent_at),
        "confirm_deadline": iso(meeting.confirm_deadline),
        "closed_at": iso(meeting.closed_at),
    }
