"""Acceptance checklists per deliverable type (ACC-2, the article's trap 5: 验收标准不清晰).

The checklist is chosen from the item's deliverable when the item is created and sent with the
【行动项】 list, so the owner knows the bar before starting. The 方案 checklist is the article's
「方案验收清单」; the others follow its shape. Lines are English msgids, translated into the
meeting's language when they are attached (a team edits them per item afterwards).
"""

from __future__ import annotations

from luodi.i18n import gettext as _


def N_(message: str) -> str:
    """Marks a msgid for the catalog extractor; translated later, when attached."""
    return message


# (template name, keywords found in the deliverable, lines) — the first template that matches wins,
# so the more specific types (技术方案, 培训PPT) come before the general 方案.
TEMPLATES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("technical", ("技术", "technical", "tech "), (
        N_("A clear conclusion on technical feasibility"),
        N_("Dependencies, resources and effort listed"),
        N_("Consistent with the approved plan"),
        N_("Risks identified, with alternatives"),
    )),
    ("training", ("培训", "课件", "ppt", "training", "slides"), (
        N_("Covers every point of the plan"),
        N_("Examples and exercises included"),
        N_("Fits the planned duration"),
        N_("Ready to present (format, spelling)"),
    )),
    ("plan", ("方案", "计划", "plan", "proposal"), (
        N_("All required sections (background, goals, plan, budget, timeline)"),
        N_("Accurate data (financial data, market data)"),
        N_("Clear logic (the goal–strategy–execution chain is complete)"),
        N_("Executable (clear execution steps)"),
        N_("Risks identified (with contingency plans)"),
    )),
    ("report", ("报告", "总结", "分析", "report", "analysis", "summary"), (
        N_("Answers the question it was asked"),
        N_("Accurate data, sources named"),
        N_("Conclusions follow from the data"),
        N_("Recommendations are actionable"),
    )),
)


def template_for(deliverable: str | None) -> str | None:
    """The name of the checklist template for a deliverable, or None (no standard type)."""
    text = f"{(deliverable or '').lower()} "
    for name, keywords, _lines in TEMPLATES:
        if any(keyword in text for keyword in keywords):
            return name
    return None


def template_lines(name: str | None) -> tuple[str, ...]:
    """The template's lines in the current language (``luodi.i18n.use_language``); () for None."""
    for template, _keywords, lines in TEMPLATES:
        if template == name:
            return tuple(_(line) for line in lines)
    return ()


def checklist_for(deliverable: str | None) -> tuple[str, ...]:
    return template_lines(template_for(deliverable))
