"""The calendar page: each year's source (official, loaded, statutory) and how to load the notice."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from luodi.services import calendar as calendars
from luodi.services.rules.rule_context import calendar_from_settings
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ClockDep, ReadSessionDep, SettingsDep, local_today
from luodi.web.pages.contexts import CalendarPage
from luodi.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/calendar", response_class=HTMLResponse)
def calendar_page(request: Request, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep,
                  viewer: CurrentViewer) -> HTMLResponse:
    """This year, next year and every loaded year, with the steps of ``luodi calendar import``."""
    today = local_today(settings, clock)
    calendar = calendar_from_settings(settings)
    calendars.refresh(session, calendar)
    years = sorted({today.year, today.year + 1, *(s.year for s in calendars.loaded_schedules(session))})
    session.commit()
    shown = [calendars.year_json(calendar, year) for year in years]
    page = CalendarPage(years=shown, warnings=calendars.statutory_year_warnings(calendar, years))
    return render(request, "calendar.html", page=page)
