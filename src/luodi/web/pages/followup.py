"""Follow-up pages (FU-2…6, SYNC-2, ACC-1…4): 今日跟进, standups, one item's follow-up and acceptance.

Every page needs a login (CurrentViewer); every form carries the CSRF token and ends in a 303.
The report pages (weekly review, metrics, closure, carry-over) are in routes/followup_reports.py,
included here so web/app.py registers one router.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from luodi.domain.cadence import ContactChannel
from luodi.domain.roles import Permission
from luodi.domain.scoring import SubmissionKind
from luodi.models import Blocker, Person
from luodi.render.feedback import criterion_label
from luodi.render.followups import channel_label, profile_label, rule_label
from luodi.services.accept import acceptance, checklists, submissions
from luodi.services.accounts.access import Viewer
from luodi.services.audit import Actor
from luodi.services.errors import Conflict, InvalidInput
from luodi.services.followup import blockers, cadence, followups, standups
from luodi.services.rules import digests
from luodi.services.rules.rule_context import RuleContext
from luodi.services.track import items
from luodi.web.auth import CsrfProtected, CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep, local_today, see_other
from luodi.web.forms.followup import day_param, parse_date, parse_day, require_reporter, verdict_from_form
from luodi.web.pages import reports as followup_reports
from luodi.web.pages.followup_contexts import ItemFollowUpPage, StandupPage, TodayPage
from luodi.web.pages.navigation import visible_agenda
from luodi.web.templating import render, request_language

router = APIRouter(include_in_schema=False, dependencies=[CsrfProtected])
router.include_router(followup_reports.router)
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
# A stored follow-up's id, or a computed entry's slug (item-12-2026-09-28, blocker-3-2026-09-28).
FollowUpRef = Annotated[str, Path(pattern=r"^([0-9]{1,10}|(item|blocker)-[0-9]{1,10}-[0-9]{4}-[0-9]{2}-[0-9]{2})$")]
Text = Annotated[str, Form(max_length=5000)]


def _actor(viewer: Viewer) -> Actor:
    return Actor.person(viewer.person_id, "web")


@router.get("/today", response_class=HTMLResponse)
def today(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep, viewer: CurrentViewer,
          day: day_param = None, error: str | None = None) -> HTMLResponse:
    """The viewer's follow-ups of the day (an admin may look at everyone's with ?all=1), computed on
    read: nothing is stored until an entry is marked done."""
    moment = parse_day(day, settings=settings, clock=clock)
    everyone = viewer.is_admin and request.query_params.get("all") == "1"
    coordinator = None if everyone else session.get_one(Person, viewer.person_id)
    agenda = visible_agenda(session, viewer, now=moment, settings=settings, coordinator=coordinator)
    open_blockers = [b for b in session.scalars(select(Blocker).where(
        Blocker.id.in_([r.blocker_id for r in agenda.rows if r.blocker_id])))]
    page = TodayPage(view=digests.today_view(agenda, lang=request_language(request)), day=agenda.day,
                     coordinator=coordinator.name if coordinator else None, can_edit=viewer.can_edit_somewhere,
                     blockers=open_blockers, error=error)
    session.commit()
    return render(request, "followup/today.html", status_code=400 if error else 200, page=page)


@router.post("/followups/{ref}/done", response_model=None)
def followup_done(request: Request, ref: FollowUpRef, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                  viewer: CurrentViewer, outcome: Text = "") -> Response:
    viewer.require_item(Permission.EDIT, followups.item_of(session, ref))
    try:
        followups.mark_done(session, ref, outcome, actor=_actor(viewer), now=clock.now(), tz=settings.tz,
                            calendar=RuleContext.from_settings(settings).calendar)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        return today(request, session, settings, clock, viewer, None, exc.message)
    session.commit()
    return see_other("/today")


@router.post("/items/{item_id}/blockers", response_model=None)
def blocker_add(item_id: ItemId, session: SessionDep, clock: ClockDep, viewer: CurrentViewer, what: Text = "",
                waiting_on: Annotated[str, Form(max_length=200)] = "") -> Response:
    item = items.get(session, item_id)
    viewer.require_item(Permission.UPDATE, item)
    blockers.add(session, item=item, person=item.owner, what=what, waiting_on=waiting_on or None, source="web",
                 now=clock.now())
    session.commit()
    return see_other(f"/followup/items/{item.id}")


@router.post("/blockers/{blocker_id}/clear", response_model=None)
def blocker_clear(request: Request, blocker_id: ItemId, session: SessionDep, clock: ClockDep, viewer: CurrentViewer,
                  note: Text = "", back: Annotated[str, Form(max_length=200)] = "") -> Response:
    from luodi.web.deps import safe_next

    found = blockers.get(session, blocker_id)
    if found.item is not None:
        viewer.require_item(Permission.EDIT, found.item)
    elif not viewer.can_edit_somewhere:
        viewer.require(Permission.EDIT, None)
    blockers.clear(session, blocker_id, actor=_actor(viewer), now=clock.now(), resolution=note or None)
    session.commit()
    return see_other(safe_next(back, "/today"))


@router.get("/standups", response_class=HTMLResponse)
def standup_page(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
                 viewer: CurrentViewer, day: day_param = None, error: str | None = None,
                 project: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    shown = parse_day(day, settings=settings, clock=clock).astimezone(settings.tz).date()
    found = standups.digest(session, shown, project=followup_reports.project_filter(session, viewer, project))
    mine = next(({"yesterday": s.yesterday, "today": s.today, "blockers": s.blockers or ""}
                 for s in found.answers if s.person_id == viewer.person_id), {})
    page = StandupPage(view=digests.standup_view(found), day=shown, mine=mine, error=error)
    return render(request, "followup/standups.html", page=page)


@router.post("/standups", response_model=None)
def standup_add(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                viewer: CurrentViewer, yesterday: Text = "", today: Text = "", blockers_: Annotated[
                    str, Form(alias="blockers", max_length=5000)] = "") -> Response:
    require_reporter(viewer)
    now = clock.now()
    person = session.get_one(Person, viewer.person_id)
    try:
        standups.add(session, person, yesterday=yesterday, today=today, blockers=blockers_,
                     day=local_today(settings, clock), now=now, source="web")
    except InvalidInput as exc:
        session.rollback()
        return standup_page(request, session, settings, clock, viewer, None, exc.message, None)
    session.commit()
    return see_other("/standups")


def cadence_words(plan: dict[str, Any], lang: str) -> dict[str, str]:
    sep = "、" if lang == "zh" else ", "
    return {"profile": sep.join(profile_label(p, lang) for p in plan["profile"]) or "—",
            "rule": rule_label(plan["rule"], lang),
            "channels": sep.join(channel_label(ContactChannel(c), lang) for c in plan["channels"])}


def item_page(request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, viewer: Viewer,
              item_id: int, *, error: str | None = None, notice: str | None = None) -> HTMLResponse:
    item = items.get(session, item_id)
    viewer.require_item(Permission.READ, item)
    today = local_today(settings, clock)
    rubric = acceptance.rubric_for(session, item)
    lang = request_language(request)
    plan = cadence.plan(session, item, tz=settings.tz, calendar=RuleContext.from_settings(settings).calendar,
                        today=today)
    page = ItemFollowUpPage(
        item=item, cadence=plan, cadence_words=cadence_words(plan, lang),
        blockers=sorted(session.scalars(select(Blocker).where(Blocker.item_id == item.id)),
                        key=lambda b: (b.cleared_at is not None, b.id)),
        submissions=submissions.list_for(session, item), checklist=[r.text for r in checklists.ensure(session, item)],
        rounds=acceptance.rounds(session, item),
        criteria=[(c.key, criterion_label(c.key, lang), c.weight) for c in rubric.criteria],
        pass_mark=rubric.pass_mark, can_update=viewer.can_item(Permission.UPDATE, item),
        can_edit=viewer.can_item(Permission.EDIT, item), tz=settings.tz, today=today, error=error, notice=notice)
    session.commit()
    return render(request, "followup/item.html", status_code=400 if error else 200, page=page)


@router.get("/followup/items/{item_id}", response_class=HTMLResponse)
def item_followup(request: Request, item_id: ItemId, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
                  viewer: CurrentViewer) -> HTMLResponse:
    return item_page(request, session, settings, clock, viewer, item_id)


@router.post("/followup/items/{item_id}/submit", response_model=None)
def submit(request: Request, item_id: ItemId, session: SessionDep, settings: SettingsDep, clock: ClockDep,
           viewer: CurrentViewer, link: Annotated[str, Form(max_length=2000)] = "",
           kind: Annotated[str, Form(max_length=10)] = "final", note: Text = "",
           full_by: Annotated[str, Form(max_length=10)] = "") -> Response:
    item = items.get(session, item_id)
    viewer.require_item(Permission.UPDATE, item)
    try:
        chosen = SubmissionKind(kind)
        full_due = parse_date(full_by, field="full_by") if full_by else None
        submissions.submit(session, item, item.owner, link=link, kind=chosen, note=note, full_due=full_due,
                           today=local_today(settings, clock), now=clock.now(), via="web")
    except (InvalidInput, Conflict, ValueError) as exc:
        session.rollback()
        return item_page(request, session, settings, clock, viewer, item_id, error=getattr(exc, "message", str(exc)))
    session.commit()
    return see_other(f"/followup/items/{item_id}")


@router.post("/followup/items/{item_id}/accept", response_model=None)
def accept(request: Request, item_id: ItemId, session: SessionDep, settings: SettingsDep, clock: ClockDep,
           viewer: CurrentViewer, scores: Annotated[list[str], Form(max_length=40)],
           decision: Annotated[str, Form(max_length=10)] = "", check: Annotated[list[str], Form()] = [],  # noqa: B006
           problems: Text = "", strengths: Text = "", suggestions: Text = "",
           revise_by: Annotated[str, Form(max_length=10)] = "") -> Response:
    item = items.get(session, item_id)
    viewer.require_item(Permission.EDIT, item)
    try:
        verdict = verdict_from_form(scores=scores, decision=decision, checks=check, problems=problems,
                                    strengths=strengths, suggestions=suggestions, revise_by=revise_by)
        acceptance.accept(session, item, verdict, reviewer=session.get_one(Person, viewer.person_id),
                          now=clock.now(), tz=settings.tz, template_dir=settings.template_dir)
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        return item_page(request, session, settings, clock, viewer, item_id, error=exc.message)
    session.commit()
    return see_other(f"/followup/items/{item_id}")
