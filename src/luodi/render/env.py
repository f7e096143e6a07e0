"""The Jinja2 environments that render every message, one per (language, override folder).

Templates come from a user folder first (setting ``LUODI_TEMPLATE_DIR``; the caller passes it
in) and then from the package's ``render/templates``: a user overrides one file by copying it to
the same relative path, e.g. ``messages/remind_before_3d/body.txt``. ``.html`` templates are
autoescaped; text and Markdown are not (Markdown values go through ``|md``).

Template strings are translated with the ``jinja2.ext.i18n`` extension and "newstyle" gettext:
``{{ _("Due %(date)s", date=...) }}`` — msgids are English, the catalogs are in
``luodi/locale``. A literal percent sign in a msgid is written ``%%``.

Filters: ``zhdate`` (9月30日 / Sep 30, the year only when it is not the context's ``ref_year``),
``zhtime``, ``zhdatetime``, ``weekday``, ``due_label`` (an item's due date and time), ``when``
(due date in words from the context's ``today``: 明天, 周五), ``days_overdue``, ``status``
(⚪ 未开始), ``status_text`` (未开始), ``stars`` (⭐⭐⭐), ``priority`` (高), ``md`` (escapes
Markdown), ``md_url``, ``oneline``. Global: ``box_table`` (``luodi.render.table.draw_table``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context

from luodi.domain.enums import ItemStatus, Priority
from luodi.i18n import normalize, translations
from luodi.render import dates
from luodi.render.table import draw_table
from luodi.render.views import ItemView

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


def status_label(status: ItemStatus, lang: str, *, emoji: bool = True) -> str:
    """「⚪ 未开始」, "⚪ Not started" (SPEC glossary)."""
    _ = translations(lang).gettext
    labels = {
        ItemStatus.NOT_STARTED: _("Not started"),
        ItemStatus.IN_PROGRESS: _("In progress"),
        ItemStatus.AT_RISK: _("At risk"),
        ItemStatus.DELAYED: _("Delayed"),
        ItemStatus.DONE: _("Done"),
    }
    label = labels[ItemStatus(status)]
    return f"{ItemStatus(status).emoji} {label}" if emoji else label


def priority_label(priority: Priority, lang: str) -> str:
    """「高」「中」「低」, "High", "Medium", "Low"."""
    _ = translations(lang).gettext
    return {Priority.HIGH: _("High"), Priority.MEDIUM: _("Medium"), Priority.LOW: _("Low")}[
        Priority(priority)
    ]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def markdown_escape(value: object) -> str:
    """Make a value inert in IM Markdown: no emphasis, links, code or raw HTML from user text."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown_url(value: object) -> str:
    """A URL safe inside ``[text](url)``: spaces, parentheses and angle brackets percent-encoded."""
    table = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"}
    return "".join(table.get(char, char) for char in str(value))


def oneline(value: object) -> str:
    """Collapse every run of whitespace, line breaks included, into one space."""
    return " ".join(str(value).split())


def tidy(text: str) -> str:
    """Plain text and Markdown output: no trailing spaces, at most one blank line in a row, one
    final newline (templates stay readable without fighting Jinja's whitespace control)."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def check_url(url: str | None) -> str | None:
    """Refuse a link that is not http(s): it goes into an href and onto a text line of its own."""
    if url is not None and urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"a link in a message must be http(s), got {url!r}")
    return url


def _ref_year(context: Context, explicit: int | None) -> int | None:
    if explicit is not None:
        return explicit
    value = context.get("ref_year")
    return value if isinstance(value, int) else None


def _today(context: Context) -> date:
    value = context.get("today")
    if not isinstance(value, date):
        raise ValueError("this filter needs 'today' (a date) in the template context")
    return value.date() if isinstance(value, datetime) else value


def _filters(lang: str) -> dict[str, Callable[..., Any]]:
    @pass_context
    def zhdate(context: Context, value: date | datetime, ref_year: int | None = None) -> str:
        return dates.format_date(value, lang, ref_year=_ref_year(context, ref_year))

    @pass_context
    def zhdatetime(context: Context, value: datetime, ref_year: int | None = None) -> str:
        return dates.format_datetime(value, lang, ref_year=_ref_year(context, ref_year))

    @pass_context
    def due_label(context: Context, item: ItemView) -> str:
        return dates.due_label(item.due, item.due_time, lang, ref_year=_ref_year(context, None))

    @pass_context
    def when(context: Context, due: date) -> str:
        return dates.due_words(due, _today(context), lang)

    @pass_context
    def days_overdue(context: Context, item: ItemView) -> int:
        return max((_today(context) - item.due).days, 0)

    def zhtime(value: time | datetime, spoken: bool = False) -> str:
        return dates.format_time(value, lang, spoken=spoken)

    def weekday(value: date | datetime, short: bool = False) -> str:
        return dates.weekday(value, lang, short=short)

    return {
        "zhdate": zhdate,
        "zhdatetime": zhdatetime,
        "zhtime": zhtime,
        "weekday": weekday,
        "due_label": due_label,
        "when": when,
        "days_overdue": days_overdue,
        "status": partial(status_label, lang=lang),
        "status_text": partial(status_label, lang=lang, emoji=False),
        "stars": lambda priority: Priority(priority).stars,
        "priority": partial(priority_label, lang=lang),
        "md": markdown_escape,
        "md_url": markdown_url,
        "oneline": oneline,
    }


def get_environment(lang: str, template_dir: Path | str | None = None) -> Environment:
    """The environment for ``lang`` whose templates ``template_dir`` may override.

    Cached per (language, folder): building one compiles nothing, but each keeps its own
    template cache. Templates in the user folder are re-read when they change on disk.
    """
    folder = None if template_dir is None else str(Path(template_dir).expanduser().resolve())
    return _environment(normalize(lang), folder)


@lru_cache(maxsize=16)
def _environment(lang: str, template_dir: str | None) -> Environment:
    package = PackageLoader("luodi.render", "templates")
    loader = ChoiceLoader([FileSystemLoader(template_dir), package] if template_dir else [package])
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml"), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # babel.cfg extracts with trimmed = true as well
    _install_translations(env, lang)
    env.filters.update(_filters(lang))
    env.globals["box_table"] = draw_table
    env.globals["lang"] = lang
    return env


def _install_translations(env: Environment, lang: str) -> None:
    # The i18n extension adds this method to the environment at run time; typeshed cannot see it.
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
