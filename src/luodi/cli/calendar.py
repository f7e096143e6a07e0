"""``luodi calendar show|import``: the working-day calendar per year, and loading the State
Council's holiday notice into it."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from luodi.cli.context import fail, file_error, now, print_json, session_scope, settings
from luodi.i18n import gettext as _

if TYPE_CHECKING:
    from luodi.domain.holiday_notice import Notice
    from luodi.domain.workdays import Calendar, YearSchedule

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout")]
MAX_NOTICE_BYTES = 200_000


def _calendar() -> Calendar:
    from luodi.services.rules.rule_context import calendar_from_settings

    try:
        return calendar_from_settings(settings())
    except (OSError, ValueError) as exc:
        fail(str(exc))


@app.command("show")
def show(year: int, json: JsonOpt = False) -> None:
    """Print a year's months with holidays (休) and 调休 working days (班) marked, and the source."""
    from luodi.services import calendar as calendars

    if not 1900 <= year <= 2200:
        fail(_("YEAR: expected a year between 1900 and 2200, got {year}").format(year=year))
    calendar = _calendar()
    with session_scope() as session:
        calendars.refresh(session, calendar)
    document = calendars.year_json(calendar, year)
    warnings = calendars.date_warnings(calendar, [date(year, 1, 1)])
    for line in warnings:
        typer.echo(_("warning: {text}").format(text=line), err=True)
    if json:
        print_json(document)
        return
    typer.echo(_("{year}: source {source}; {holidays} holidays, {workdays} 调休 working days").format(
        year=year, source=document["source"], holidays=len(document["holidays"]),
        workdays=len(document["workdays"])))
    typer.echo(month_grid(calendar.schedule(year)))


def month_grid(schedule: YearSchedule) -> str:
    """Twelve month grids, Monday first; ``休`` after a holiday, ``班`` after a 调休 working day."""
    import calendar as stdlib_calendar

    heading = " ".join(f"{name:<4}" for name in _("Mon Tue Wed Thu Fri Sat Sun").split()).rstrip()
    blocks = []
    for month in range(1, 13):
        lines = [f"{schedule.year}-{month:02d}", heading]
        for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(schedule.year, month):
            cells = []
            for day in week:
                # Two display columns for the mark (休 and 班 are wide), two spaces without one.
                mark = "休" if day in schedule.holidays else "班" if day in schedule.workdays else "  "
                cells.append(f"{day.day:>2}{mark}" if day.month == month else "    ")
            lines.append(" ".join(cells).rstrip())
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _read_notice(file: Path) -> str:
    try:
        raw = sys.stdin.buffer.read(MAX_NOTICE_BYTES + 1) if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        fail(file_error(file, exc))
    if len(raw) > MAX_NOTICE_BYTES:
        fail(_("{file}: larger than {size} bytes; is this the notice?").format(file=file, size=MAX_NOTICE_BYTES))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    fail(_("{file}: neither UTF-8 nor GB18030 text").format(file=file))


def _review(notice: Notice, calendar: Calendar) -> None:
    """What the notice says, festival by festival, and what storing it changes (on stderr)."""
    from luodi.domain.workdays import CalendarSource

    typer.echo(_("The notice for {year}:").format(year=notice.year), err=True)
    for entry in notice.entries:
        workdays = "、".join(d.isoformat() for d in entry.workdays) or "—"
        typer.echo(_("  {name}: {first} to {last} off ({days} days); working days {workdays}").format(
            name=entry.name, first=entry.first.isoformat(), last=entry.last.isoformat(), days=entry.days,
            workdays=workdays), err=True)
    source = calendar.source(notice.year)
    if source is CalendarSource.OFFICIAL:
        official, loaded = calendar.schedule(notice.year), notice.schedule
        agrees = ({d for d in loaded.holidays if d.year == notice.year} == official.holidays
                  and {d for d in loaded.workdays if d.year == notice.year} == official.workdays)
        typer.echo(_("  chinese_calendar already has {year} ({agreement}); the dates named here take precedence.")
                   .format(year=notice.year, agreement=_("it agrees") if agrees else _("it differs")), err=True)
    elif source is CalendarSource.LOADED:
        typer.echo(_("  This replaces the schedule loaded for {year} before.").format(year=notice.year), err=True)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The notice's text (UTF-8 or GB18030); - for stdin")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Parse and show, store nothing")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Store without asking (for scripts)")] = False,
    json: JsonOpt = False,
) -> None:
    """Read 《国务院办公厅关于XXXX年部分节假日安排的通知》 into that year's schedule, after review."""
    from luodi.domain.holiday_notice import NoticeError, parse_notice
    from luodi.services import calendar as calendars
    from luodi.services.audit import Actor

    try:
        notice = parse_notice(_read_notice(file))
    except NoticeError as exc:
        fail(f"{file}: {exc}")
    calendar = _calendar()
    with session_scope() as session:
        calendars.refresh(session, calendar)
        if not json or not yes:
            _review(notice, calendar)
        document = calendars.schedule_json(notice.schedule)
        if not dry_run:
            if not yes:
                if not sys.stdin.isatty():
                    fail(_("not a terminal: add --yes to store the schedule (or --dry-run to only show it)"))
                if not typer.confirm(_("Store this schedule for {year}?").format(year=notice.year), err=True):
                    fail(_("nothing stored"), code=1)
            calendars.store(session, notice, actor=Actor.system("cli"), now=now())
            session.commit()
    if json:
        print_json(document)
        return
    if dry_run:
        typer.echo(_("dry run: {year} not stored").format(year=notice.year))
    else:
        typer.echo(_("stored {year}: {holidays} holidays, {workdays} 调休 working days").format(
            year=notice.year, holidays=len(document["holidays"]), workdays=len(document["workdays"])))
