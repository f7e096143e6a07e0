"""Reports as Markdown (IM, the CLI) and HTML e-mail, zh and en (SYNC-2/3, CLOSE-1, MET-1, FU-5).

Templates: ``render/templates/reports/<name>.md`` and ``<name>.html`` for ``weekly``, ``standup``,
``closure``, ``carryover`` and ``today``. Context: ``view``, ``lang``, ``today``, ``ref_year``,
``html_lang``, ``subject``; helpers ``responses(risk)`` (the risk's responses in words),
``risk_label(risk)``, ``pct(rate)`` (78% / —), ``days(value)``, ``charts`` (the metrics' SVG
charts, or None) and ``title(msgid)`` (an agenda point's msgid translated).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from markupsafe import Markup

from luodi.domain.agenda import Cause, Intervention, Response
from luodi.i18n import normalize, translations, use_language
from luodi.render import dates
from luodi.render.charts import bar_chart, line_chart
from luodi.render.env import get_environment, oneline, tidy
from luodi.render.followups import intervention_text
from luodi.render.report_views import MetricsView, Risk
from luodi.render.views import RenderedMessage

ReportFormat = Literal["markdown", "html"]
NAMES = ("weekly", "standup", "closure", "carryover", "today")
_EXTENSIONS = {"markdown": "md", "html": "html"}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def risk_responses(risk: Risk, lang: str) -> list[str]:
    """What to do about a risk, in words (FU-2's three responses for an item at risk)."""
    _ = translations(lang).gettext
    item = risk.item
    if risk.kind == "blocker":
        if risk.who:
            return [_("Clear the blocker with %(who)s today") % {"who": "、".join(risk.who)}]
        return [_("Help %(owner)s clear the blocker today") % {"owner": item.owner}]
    if risk.kind == "threatened":
        return [_("%(late)s is late: ask %(who)s for a partial hand-over so that %(code)s can go on") % {
            "late": risk.detail or "", "who": "、".join(risk.who) or "—", "code": item.code}]
    if risk.kind == "overdue":
        return [_("Agree a new date with %(owner)s and ask for a short version now") % {"owner": item.owner}]
    helps = [Intervention(Cause.WAITING_ON_DEPENDENCY, Response.PARTIAL_HANDOVER, risk.who, bool(risk.who)),
             Intervention(Cause.UNCLEAR_REQUIREMENT, Response.CLARIFY),
             Intervention(Cause.LOW_PRIORITY, Response.ESCALATE, (risk.supervisor,) if risk.supervisor else ())]
    return [intervention_text(h, lang).response for h in helps]


def risk_label(risk: Risk, lang: str) -> str:
    _ = translations(lang).gettext
    return {"blocker": _("Blocker"), "threatened": _("Threatened by a late prerequisite"), "overdue": _("Overdue"),
            "at_risk": _("At risk")}.get(risk.kind, risk.kind)


def metric_charts(view: MetricsView, lang: str) -> dict[str, Markup]:
    """The dashboard's SVG charts: the figures, per-owner reliability, the weekly trend."""
    _ = translations(lang).gettext
    nothing = _("Nothing to count in this period")
    figures = [(_("Landing rate"), view.landing_rate), (_("One clear owner"), view.clear_owner),
               (_("Followed up before the deadline"), view.followed_up), (_("On time"), view.on_time)]
    return {
        "figures": bar_chart(figures, title=_("This period"), empty=nothing),
        "owners": bar_chart([(owner, rate) for owner, rate, _delay, _n in view.owners],
                            title=_("On-time rate per owner"), empty=nothing),
        "trend": line_chart([(week, rate) for week, rate, _followed in view.trend],
                            title=_("On-time rate per week"), empty=nothing),
    }


def _helpers(lang: str, view: Any) -> dict[str, Any]:
    metrics = getattr(view, "metrics", None) if not isinstance(view, MetricsView) else view
    return {
        "responses": lambda risk: risk_responses(risk, lang),
        "risk_label": lambda risk: risk_label(risk, lang),
        "pct": pct,
        "days": lambda value: "—" if value is None else f"{value:g}",
        "charts": metric_charts(metrics, lang) if metrics is not None else None,
        "title": lambda msgid: translations(lang).gettext(msgid),
        "day_label": lambda value: dates.format_date(value, lang),
    }


def render_report(name: str, view: Any, *, lang: str, fmt: ReportFormat, today: date, subject: str = "",
                  template_dir: Path | None = None) -> str:
    """One report in one format. Raises ValueError for an unknown report or format."""
    if name not in NAMES or fmt not in _EXTENSIONS:
        raise ValueError(f"unknown report {name!r} or format {fmt!r}")
    lang = normalize(lang)
    env = get_environment(lang, template_dir)
    context = {"view": view, "lang": lang, "today": today, "ref_year": today.year, "subject": subject,
               "html_lang": "zh-CN" if lang == "zh" else "en", **_helpers(lang, view)}
    with use_language(lang):
        rendered = env.get_template(f"reports/{name}.{_EXTENSIONS[fmt]}").render(context)
    return rendered if fmt == "html" else tidy(rendered)


def report_message(name: str, view: Any, *, lang: str, subject: str, today: date,
                   template_dir: Path | None = None) -> RenderedMessage:
    """The report as an e-mail (the Markdown is its text part) and an IM message."""
    markdown = render_report(name, view, lang=lang, fmt="markdown", subject=subject, today=today,
                             template_dir=template_dir)
    html = render_report(name, view, lang=lang, fmt="html", subject=subject, today=today, template_dir=template_dir)
    return RenderedMessage(subject=oneline(subject), text=markdown, html=html, markdown=markdown)
