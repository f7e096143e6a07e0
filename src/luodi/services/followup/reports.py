"""The weekly review (SYNC-3) and the sync recommendation (SYNC-1), one read model each.

``weekly`` builds the four parts of the article's 周会产出 for an ISO week: ✅ completed that week,
⏳ delayed items with their reasons, 📅 next week's items, ⚠️ risks with responses — plus the
time-boxed agenda and a metrics section (the four weeks up to its Sunday). Each part is one
indexed query bounded by the week (``ix_item_done_at``, ``ix_item_status_due``, ``ix_item_due_project``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from luodi.domain.agenda import FollowUpStatus
from luodi.domain.enums import ItemStatus, ResponseKind
from luodi.domain.sync import WEEKLY_AGENDA, ProjectFacts, SyncRecommendation, iso_week, parse_iso_week, recommend
from luodi.domain.workdays import to_local, to_utc
from luodi.models import AcceptanceRound, Blocker, Dependency, FollowUp, Item, ItemResponse, Person
from luodi.render.report_views import ReportItem, Risk, WeeklyView
from luodi.services.accept import metrics
from luodi.services.errors import InvalidInput

METRIC_WEEKS = 4
STILL_OPEN = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.AT_RISK)


def report_item(item: Item, *, tz: ZoneInfo, note: str | None = None, score: int | None = None,
                carried_from: date | None = None) -> ReportItem:
    done_on = to_local(item.done_at, tz).date() if item.done_at and item.status is ItemStatus.DONE else None
    return ReportItem(code=item.code, title=item.title, owner=item.owner.name, due=item.due, status=item.status,
                      done_on=done_on, score=score, carried_from=carried_from, note=note)


def _items(session: Session, query: Any, project_id: int | None) -> list[Item]:
    if project_id is not None:
        query = query.where(Item.project_id == project_id)
    return list(session.scalars(query.order_by(Item.due, Item.code)).unique())


def scores(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """The passing acceptance score of each accepted item."""
    if not ids:
        return {}
    rows = session.execute(select(AcceptanceRound.item_id, func.max(AcceptanceRound.score))
                           .where(AcceptanceRound.item_id.in_(ids), AcceptanceRound.passed.is_(True))
                           .group_by(AcceptanceRound.item_id))
    return {item_id: score for item_id, score in rows}


def delay_reasons(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The user's own words for why an item is late: an open blocker, else the last follow-up's outcome,
    else the last reschedule request's reason."""
    if not ids:
        return {}
    found: dict[int, str] = {}
    for blocker in session.scalars(select(Blocker).where(Blocker.item_id.in_(ids), Blocker.cleared_at.is_(None))
                                   .order_by(Blocker.id.desc())):
        found.setdefault(blocker.item_id or 0, f"{blocker.what} ← {blocker.waiting_on}" if blocker.waiting_on
                         else blocker.what)
    for item_id, outcome in session.execute(
            select(FollowUp.item_id, FollowUp.outcome).where(FollowUp.item_id.in_(ids),
                                                             FollowUp.status == FollowUpStatus.DONE)
            .order_by(FollowUp.done_at.desc())):
        if outcome:
            found.setdefault(item_id, outcome)
    for item_id, text in session.execute(
            select(ItemResponse.item_id, ItemResponse.text).where(
                ItemResponse.item_id.in_(ids), ItemResponse.kind == ResponseKind.RESCHEDULE)
            .order_by(ItemResponse.id.desc())):
        if text:
            found.setdefault(item_id, text)
    return found


def weekly(session: Session, week: str, *, project: str | None, now: datetime, tz: ZoneInfo,
           with_metrics: bool = True) -> WeeklyView:
    """The weekly review of ``week`` (2026-W39). Raises InvalidInput for a bad week, NotFound for a
    project that does not exist."""
    try:
        monday, sunday = parse_iso_week(week)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="week") from exc
    project_id = metrics.project_id_of(session, project)
    today = to_local(now, tz).date()
    as_of = min(today, sunday + timedelta(days=1))
    start, end = (to_utc(datetime.combine(day, time()), tz) for day in (monday, sunday + timedelta(days=1)))
    completed = _items(session, select(Item).where(Item.done_at >= start, Item.done_at < end,
                                                   Item.status == ItemStatus.DONE), project_id)
    # Two index ranges of ix_item_status_due: the delayed ones, and the still-open ones past due.
    delayed = _items(session, select(Item).where(or_(Item.status == ItemStatus.DELAYED, and_(
        Item.status.in_(STILL_OPEN), Item.due < as_of))), project_id)
    # What is ahead, from the review day to the end of next week (not yet late, not yet done).
    upcoming = _items(session, select(Item).where(Item.status.in_(STILL_OPEN),
                                                  Item.due.between(as_of, sunday + timedelta(days=7))), project_id)
    points, reasons = scores(session, [i.id for i in completed]), delay_reasons(session, [i.id for i in delayed])
    view_metrics = None
    if with_metrics:
        span = metrics.period(sunday - timedelta(days=7 * METRIC_WEEKS - 1), sunday, today=today)
        view_metrics = metrics.summary(session, start=span[0], end=span[1], project=project, tz=tz, as_of=as_of)[1]
    return WeeklyView(
        week=iso_week(monday), monday=monday, sunday=sunday,
        project=project, completed=tuple(report_item(i, tz=tz, score=points.get(i.id)) for i in completed),
        delayed=tuple(report_item(i, tz=tz, note=reasons.get(i.id)) for i in delayed),
        next_week=tuple(report_item(i, tz=tz) for i in upcoming), risks=tuple(risks(session, project_id, tz=tz)),
        agenda=tuple((point.title, point.minutes) for point in WEEKLY_AGENDA), generated_at=to_local(now, tz),
        metrics=view_metrics, recommendation=recommendation(session, project_id, tz=tz).kind.value)


def _line_public(item: ReportItem) -> dict[str, Any]:
    return {"code": item.code, "title": item.title, "owner": item.owner, "due": item.due.isoformat(),
            "status": item.status.value, "done_on": item.done_on.isoformat() if item.done_on else None,
            "score": item.score, "carried_from": item.carried_from.isoformat() if item.carried_from else None,
            "note": item.note}


def weekly_public(view: WeeklyView) -> dict[str, Any]:
    """The weekly review as JSON (``luodi report weekly --json``): English keys and values, the users'
    own words as they wrote them. Same parts as ``GET /api/v1/reports/weekly``."""
    return {
        "week": view.week, "monday": view.monday.isoformat(), "sunday": view.sunday.isoformat(),
        "project": view.project,
        "completed": [_line_public(i) for i in view.completed],
        "delayed": [_line_public(i) for i in view.delayed],
        "next_week": [_line_public(i) for i in view.next_week],
        "risks": [{"item": _line_public(r.item), "kind": r.kind, "detail": r.detail, "who": list(r.who),
                   "supervisor": r.supervisor} for r in view.risks],
        "agenda": [{"title": title, "minutes": minutes} for title, minutes in view.agenda],
        "recommendation": view.recommendation,
    }


def risks(session: Session, project_id: int | None, *, tz: ZoneInfo) -> list[Risk]:
    """Open blockers, items at risk, and open items whose prerequisite is late or at risk."""
    found: list[Risk] = []
    blockers = select(Blocker).join(Item, Item.id == Blocker.item_id).where(Blocker.cleared_at.is_(None))
    if project_id is not None:
        blockers = blockers.where(Item.project_id == project_id)
    for blocker in session.scalars(blockers.order_by(Blocker.id)):
        assert blocker.item is not None
        found.append(Risk(report_item(blocker.item, tz=tz), "blocker", blocker.what,
                          (blocker.waiting_on,) if blocker.waiting_on else ()))
    for item in _items(session, select(Item).where(Item.status == ItemStatus.AT_RISK), project_id):
        prerequisites = session.scalars(select(Person.name).join(Item, Item.owner_id == Person.id).join(
            Dependency, Dependency.depends_on_id == Item.id).where(
            Dependency.item_id == item.id, Item.status != ItemStatus.DONE)).all()
        supervisor = item.owner.supervisor.name if item.owner.supervisor else None
        found.append(Risk(report_item(item, tz=tz), "at_risk", None, tuple(prerequisites), supervisor))
    found += _threatened(session, project_id, tz=tz)
    return found


def _threatened(session: Session, project_id: int | None, *, tz: ZoneInfo) -> list[Risk]:
    late = select(Item.id).where(Item.status.in_((ItemStatus.DELAYED, ItemStatus.AT_RISK)))
    if project_id is not None:
        late = late.where(Item.project_id == project_id)
    edges = session.execute(select(Dependency.item_id, Dependency.depends_on_id).where(
        Dependency.depends_on_id.in_(late))).all()
    if not edges:
        return []
    involved = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_({a for e in edges for a in e})))}
    return [Risk(report_item(involved[dependent], tz=tz), "threatened", involved[prerequisite].code,
                 (involved[prerequisite].owner.name,))
            for dependent, prerequisite in edges if involved[dependent].status is not ItemStatus.DONE]


def recommendation(session: Session, project_id: int | None, *, tz: ZoneInfo) -> SyncRecommendation:
    """SYNC-1 for a project: its open work's span, its departments (one per supervisor of its owners,
    an owner without one counting as their own), and its risk (at risk, delayed, open blockers).
    Three aggregate queries, whatever the number of items."""
    scope = [Item.status != ItemStatus.DONE] + ([Item.project_id == project_id] if project_id is not None else [])
    first_start, first_created, last_due = session.execute(
        select(func.min(Item.start), func.min(Item.created_at), func.max(Item.due)).where(*scope)).one()
    if last_due is None:
        return recommend(ProjectFacts(span_days=0, departments=0, high_risk=False))
    starts = [d for d in (first_start, to_local(first_created, tz).date() if first_created else None) if d]
    teams = session.scalar(select(func.count(func.distinct(func.coalesce(Person.supervisor_id, -Person.id))))
                           .join(Item, Item.owner_id == Person.id).where(*scope)) or 0
    risky = session.scalar(select(func.count()).select_from(Item).where(
        *scope, or_(Item.status.in_((ItemStatus.AT_RISK, ItemStatus.DELAYED)),
                    Item.id.in_(select(Blocker.item_id).where(Blocker.cleared_at.is_(None)))))) or 0
    span = (last_due - min(starts)).days if starts else 0
    return recommend(ProjectFacts(span_days=span, departments=teams, high_risk=risky > 0))


def recommendation_public(rec: SyncRecommendation) -> dict[str, Any]:
    return {"kind": rec.kind.value, "minutes": list(rec.minutes), "at": rec.at.strftime("%H:%M"),
            "weekday": rec.weekday, "reasons": [r.value for r in rec.reasons]}
