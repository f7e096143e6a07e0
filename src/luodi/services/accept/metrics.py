"""MET-1: the team's figures per project (team), meeting and period — facts from SQL, arithmetic pure.

One query selects the items due in the period (``ix_item_due_project``), with two EXISTS
subqueries for "followed up before the deadline": a follow-up marked done before the due day
(``ix_followup_item_done``), or a reminder fired for the owner on or before it (``rule_firing``).
A second query counts the decisions and items of the meetings involved.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from luodi.domain import metrics as domain
from luodi.domain.agenda import FollowUpStatus
from luodi.domain.enums import ItemStatus
from luodi.domain.lint import is_group
from luodi.domain.workdays import to_local
from luodi.i18n import gettext as _
from luodi.models import Decision, FollowUp, Item, Meeting, Person, Project, RuleFiring
from luodi.render.report_views import MetricsView
from luodi.services.errors import InvalidInput, NotFound

DEFAULT_DAYS = 28
MAX_DAYS = 3660


def period(start: date | None, end: date | None, *, today: date) -> tuple[date, date]:
    """``[start, end]``, default the four weeks up to today. Raises InvalidInput when reversed."""
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end or (end - start).days > MAX_DAYS:
        raise InvalidInput(_("--from must be on or before --to, at most ten years apart"), field="from")
    return start, end


def _followed(item: type[Item]) -> Any:
    contact = exists().where(FollowUp.item_id == item.id, FollowUp.status == FollowUpStatus.DONE,
                             FollowUp.day < item.due)
    reminder = exists().where(RuleFiring.item_id == item.id, RuleFiring.recipient_id == item.owner_id,
                              RuleFiring.rule_id.like("remind%"), RuleFiring.occasion <= item.due)
    return contact | reminder


def outcomes(session: Session, start: date, end: date, *, project_id: int | None, tz: ZoneInfo,
             meeting_id: int | None = None) -> list[domain.ItemOutcome]:
    query = (select(Item.id, Person.name, Item.meeting_id, Item.due, Item.done_at, Item.status, _followed(Item))
             .join(Person, Person.id == Item.owner_id).where(Item.due.between(start, end)))
    if project_id is not None:
        query = query.where(Item.project_id == project_id)
    if meeting_id is not None:
        query = query.where(Item.meeting_id == meeting_id)
    return [
        domain.ItemOutcome(key=item_id, owner=owner, meeting=meeting, due=due,
                           done_on=to_local(done_at, tz).date() if done_at and status is ItemStatus.DONE else None,
                           clear_owner=not is_group(owner), followed_before_due=bool(followed))
        for item_id, owner, meeting, due, done_at, status, followed in session.execute(query)
    ]


def meeting_outcomes(session: Session, meeting_ids: set[int]) -> list[domain.MeetingOutcome]:
    if not meeting_ids:
        return []
    decisions = {mid: n for mid, n in session.execute(select(Decision.meeting_id, func.count()).where(
        Decision.meeting_id.in_(meeting_ids)).group_by(Decision.meeting_id))}
    counts = session.execute(
        select(Item.meeting_id, func.count(), func.sum(case((Item.status == ItemStatus.DONE, 1), else_=0)))
        .where(Item.meeting_id.in_(meeting_ids)).group_by(Item.meeting_id)).all()
    return [domain.MeetingOutcome(key=mid, decisions=decisions.get(mid, 0), items=n, done=int(done or 0))
            for mid, n, done in counts]


def project_id_of(session: Session, project: str | None) -> int | None:
    if not project:
        return None
    found = session.scalar(select(Project.id).where(Project.name == project))
    if found is None:
        raise NotFound("project", project)
    return found


def summary(session: Session, *, start: date, end: date, project: str | None, tz: ZoneInfo,
            as_of: date) -> tuple[domain.Summary, MetricsView]:
    """The figures and their view (with a per-meeting breakdown)."""
    items = outcomes(session, start, end, project_id=project_id_of(session, project), tz=tz)
    meeting_ids = {int(i.meeting) for i in items if isinstance(i.meeting, int)}
    result = domain.summarize(items, meeting_outcomes(session, meeting_ids), as_of)
    titles: dict[int, str] = {}
    if meeting_ids:
        titles = {mid: title for mid, title in session.execute(
            select(Meeting.id, Meeting.title).where(Meeting.id.in_(meeting_ids)))}
    per_meeting = tuple(
        (titles.get(mid, str(mid)), domain.on_time([i for i in items if i.meeting == mid], as_of).value,
         sum(1 for i in items if i.meeting == mid)) for mid in sorted(meeting_ids))
    return result, to_view(result, (start, end), per_meeting)


def to_view(result: domain.Summary, span: tuple[date, date],
            meetings: tuple[tuple[str, float | None, int], ...] = ()) -> MetricsView:
    return MetricsView(
        period=span, items=result.items, landing_rate=result.landing_rate.value,
        clear_owner=result.clear_owner.value, followed_up=result.followed_up.value, on_time=result.on_time.value,
        average_delay=result.average_delay,
        owners=tuple((o.owner, o.on_time.value, o.average_delay, o.items) for o in result.owners),
        trend=tuple((p.week, p.on_time.value, p.followed_up.value) for p in result.trend), meetings=meetings)


def to_json(result: domain.Summary, view: MetricsView, *, project: str | None) -> dict[str, Any]:
    """The ``luodi metrics --json`` document."""
    return {
        "project": project, "from": view.period[0].isoformat(), "to": view.period[1].isoformat(),
        "items": result.items, "landing_rate": result.landing_rate.to_json(),
        "clear_owner": result.clear_owner.to_json(), "followed_up": result.followed_up.to_json(),
        "on_time": result.on_time.to_json(), "average_delay_days": result.average_delay,
        "owners": [{"owner": o.owner, "on_time": o.on_time.to_json(), "average_delay_days": o.average_delay,
                    "items": o.items} for o in result.owners],
        "trend": [{"week": p.week, "on_time": p.on_time.to_json(), "followed_up": p.followed_up.to_json(),
                   "items": p.items} for p in result.trend],
        "meetings": [{"meeting": title, "on_time": rate, "items": n} for title, rate, n in view.meetings],
    }

