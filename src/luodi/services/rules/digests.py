"""Digests as messages: today's follow-ups (FU-5), the day's standups (SYNC-2), the weekly review.

Each ``*_view`` turns a read model into a report view; each ``queue_*`` renders it in the
recipient's language and writes the outbox row (services.mailing) in the caller's transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.agenda import FollowUpStatus, Reason
from luodi.domain.cadence import ContactChannel
from luodi.domain.enums import ItemStatus
from luodi.domain.routing import Topic
from luodi.domain.sync import STANDUP_QUESTIONS
from luodi.domain.workdays import to_local
from luodi.i18n import gettext as _
from luodi.i18n import use_language
from luodi.models import OutboxMessage, Person, Project
from luodi.render import dates
from luodi.render.followups import channel_label, intervention_text, reason_label
from luodi.render.report_views import ReportItem, Risk, StandupLine, StandupView, TodayLine, TodayView, WeeklyView
from luodi.render.reports import report_message
from luodi.services.followup.followups import Agenda
from luodi.services.followup.standups import StandupDigest
from luodi.services.mailing import queue_email
from luodi.services.send import routes


def today_view(agenda: Agenda, *, lang: str) -> TodayView:
    lines = []
    for row in agenda.rows:
        helps = agenda.interventions.get(row.item_id, []) if row.blocker_id is None else []
        lines.append(TodayLine(
            id=row.id, key=row.slug, code=row.item.code, title=row.item.title, owner=row.person.name,
            reason=reason_label(Reason(row.reason), lang), channel=channel_label(ContactChannel(row.channel), lang),
            message=row.message, done=row.status is FollowUpStatus.DONE, outcome=row.outcome,
            responses=tuple(intervention_text(h, lang).response for h in helps), kind=row.reason,
            phone=row.person.phone, channel_code=row.channel))
    return TodayView(day=agenda.day, coordinator=agenda.coordinator.name if agenda.coordinator else None,
                     lines=tuple(lines))


def today_subject(day: date, lang: str) -> str:
    with use_language(lang):
        return _("[Today's follow-ups] {date}").format(date=dates.due_label(day, None, lang))


def queue_today(agenda: Agenda, person: Person, *, now: datetime, template_dir: Path | None = None
                ) -> OutboxMessage | None:
    """The coordinator's daily digest, once per person and day."""
    from sqlalchemy.orm import object_session

    session = object_session(person)
    assert session is not None
    lang = person.language
    message = report_message("today", today_view(agenda, lang=lang), lang=lang,
                             subject=today_subject(agenda.day, lang), today=agenda.day, template_dir=template_dir)
    return queue_email(session, key=f"today|{agenda.day.isoformat()}", kind="today_digest", person=person,
                       message=message, now=now, payload={"followups": [row.id for row in agenda.rows]})


def standup_view(found: StandupDigest) -> StandupView:
    answers = tuple(StandupLine(s.person.name, s.yesterday, s.today, s.blockers) for s in found.answers)
    blockers = tuple(
        Risk(ReportItem(code=b.item.code if b.item else "", title=b.item.title if b.item else "",
                        owner=b.person.name, due=b.item.due if b.item else found.day,
                        status=b.item.status if b.item else ItemStatus.IN_PROGRESS), "blocker", b.what,
             (b.waiting_on,) if b.waiting_on else ())
        for b in found.blockers)
    return StandupView(day=found.day, answers=answers, missing=tuple(found.missing), blockers=blockers,
                       questions=STANDUP_QUESTIONS)


def standup_subject(day: date, lang: str) -> str:
    with use_language(lang):
        return _("[Standup] {date}").format(date=dates.due_label(day, None, lang))


def weekly_subject(view: WeeklyView, lang: str) -> str:
    with use_language(lang):
        if view.project:
            return _("[Weekly review] {week} {project}").format(week=view.week, project=view.project)
        return _("[Weekly review] {week}").format(week=view.week)


def queue_weekly_groups(session: Session, view: WeeklyView, *, project: Project, lang: str, today: date,
                        now: datetime, template_dir: Path | None = None) -> list[OutboxMessage]:
    """The weekly review to the project's group robots too, when its route for ``weekly_review``
    includes ``group`` (the default): one row per robot and week (sending again queues nothing)."""
    rows = []
    for bot in routes.group_channels(session, project, Topic.WEEKLY_REVIEW):
        key = f"weekly|{view.week}|{project.name}|group|{bot}"[:255]
        existing = session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
        if existing is not None:
            rows.append(existing)
            continue
        message = report_message("weekly", view, lang=lang, subject=weekly_subject(view, lang),
                                 today=today, template_dir=template_dir)
        row = OutboxMessage(key=key, kind="weekly_report", channel=bot, language=lang,
                            subject=message.subject[:500], body_text=message.text, body_html=message.html,
                            body_markdown=message.markdown, payload={}, next_attempt_at=now, created_at=now)
        session.add(row)
        session.flush()
        rows.append(row)
    return rows


def local_day(now: datetime, tz: ZoneInfo) -> date:
    return to_local(now, tz).date()
