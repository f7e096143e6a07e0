"""Acceptance feedback (ACC-4), in the article's words, zh and en, as text, HTML and Markdown.

Pass: 「小王，你的方案很不错，78分。特别是在XX方面做得很好。有两个小建议：1) …；2) …。整体可以通过，
辛苦了！」 Fail: 「小王，你的方案整体框架不错，但有3个问题需要修改：1. … 请在明天下午5点前修改完成，
我们再次评审。如果遇到困难，随时找我。」 Templates: ``render/templates/feedback/`` (``subject.txt``,
``body.txt``, ``body.md``, ``body.html``); context: ``view`` (FeedbackView), ``today``,
``ref_year``, ``revise_when`` (「明天下午5点」), ``criteria`` ([(label, weight, score)]),
``html_lang``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from luodi.i18n import normalize, translations, use_language
from luodi.render import dates
from luodi.render.env import get_environment, oneline, tidy
from luodi.render.views import PersonView, RenderedMessage


@dataclass(frozen=True)
class FeedbackView:
    """One acceptance round's feedback to the owner."""

    passed: bool
    code: str
    title: str
    owner: PersonView
    reviewer: PersonView | None  # signs the message (the coordinator)
    number: int  # the round: 1, 2, …
    score: int
    pass_mark: int
    scores: tuple[tuple[str, int, int], ...]  # (criterion key, weight %, score 1–5)
    checklist: tuple[tuple[str, bool], ...]  # (line, holds)
    strengths: tuple[str, ...]
    suggestions: tuple[str, ...]
    problems: tuple[str, ...]
    revise_by: date | None
    revise_at: time | None
    now: datetime  # local


def criterion_label(key: str, lang: str) -> str:
    _ = translations(lang).gettext
    labels = {"completeness": _("Completeness"), "accuracy": _("Accuracy"), "executability": _("Executability"),
              "innovation": _("Innovation")}
    return labels.get(key, key)


def revise_words(view: FeedbackView, lang: str) -> str:
    """「明天下午5点」 / "tomorrow at 5 PM"; "" without a revision date."""
    if view.revise_by is None:
        return ""
    words = dates.due_words(view.revise_by, view.now.date(), lang)
    if view.revise_at is None:
        return words
    spoken = dates.format_time(view.revise_at, lang, spoken=True)
    return f"{words}{spoken}" if normalize(lang) == "zh" else f"{words} at {spoken}"


def feedback_context(view: FeedbackView, lang: str) -> dict[str, Any]:
    lang = normalize(lang)
    return {
        "view": view, "today": view.now.date(), "ref_year": view.now.year, "revise_when": revise_words(view, lang),
        "criteria": [(criterion_label(key, lang), weight, score) for key, weight, score in view.scores],
        "html_lang": "zh-CN" if lang == "zh" else "en", "sep": "、" if lang == "zh" else ", ",
    }


def render_feedback(view: FeedbackView, *, lang: str, template_dir: Path | None = None) -> RenderedMessage:
    """The pass or fail message in every format."""
    env = get_environment(lang, template_dir)
    context = feedback_context(view, lang)
    with use_language(lang):
        subject = oneline(env.get_template("feedback/subject.txt").render(context))
        context["subject"] = subject
        text = env.get_template("feedback/body.txt").render(context)
        html = env.get_template("feedback/body.html").render(context)
        markdown = env.get_template("feedback/body.md").render(context)
    return RenderedMessage(subject=subject, text=tidy(text), html=html, markdown=tidy(markdown))
