"""The 【行动项】 list (SEND-1): plain text with a box table, HTML e-mail, Markdown for IM.

The structure follows the article's 「行动项清单的标准格式」: greeting, the decisions, the request
to finish on time, 【行动项清单】 as a table (序号 · 行动项 · 责任人 · 截止日期 · 交付物 · 状态, plus
验收标准 when any item has acceptance criteria — the article's trap 5), 【依赖关系】 in words,
【下次跟进会议】, each owner @-mentioned, and the confirmation request, in red at the top of the
HTML (「邮件开头用红色字体标注」). Templates: ``render/templates/action_list/``.

Subjects: ``【行动项】<title>`` in Chinese; ``[Action items] <title>`` in English, because the
English reader does not read 【行动项】 and an inbox filter for English mail keys on English
words. Both come from one msgid, so a team that wants 【行动项】 everywhere changes one line of
the English catalog.

Template context (documented, because a user folder may override the templates): ``view``,
``lang``, ``subject``, ``items`` (by 序号), ``has_acceptance``, ``owners`` and ``mentions``
("@小王 @小李 @小陈"), ``meta`` (meeting · time · place · attendees), ``dependencies``
(DependencyLine), ``recipient``, ``my_items`` (the recipient's own), ``confirm_url``,
``attachments`` (Attachment), ``ref_year`` (dates in this year are written without it),
``acceptance`` (item → criteria and ☐ checklist lines), ``html_lang``; ``table`` (the box
table) in ``body.txt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from jinja2 import Environment

from luodi.i18n import normalize, translations, use_language
from luodi.render import dates
from luodi.render.env import check_url, get_environment, oneline, status_label, tidy
from luodi.render.table import Align, draw_table
from luodi.render.views import (
    ActionListView,
    DependencyView,
    ItemView,
    PersonView,
    RenderedMessage,
)

Format = Literal["text", "html", "markdown"]
_EXTENSIONS: dict[str, str] = {"text": "txt", "html": "html", "markdown": "md"}
_LINK_SCHEMES = ("http", "https", "mailto")


@dataclass(frozen=True)
class DependencyLine:
    """One 【依赖关系】 line: the edge, both items when known, and the sentence to print."""

    dependent: int
    prerequisite: int
    dependent_item: ItemView | None
    prerequisite_item: ItemView | None
    reason: str | None
    text: str  # 任务2依赖任务1（小李需要先看到小王的方案才能做技术评估）


@dataclass(frozen=True)
class Attachment:
    name: str
    url: str
    linkable: bool  # http(s) or mailto: shown as a link; anything else only as text


def render_action_list(
    view: ActionListView,
    *,
    lang: str,
    fmt: Format,
    recipient: PersonView | None = None,
    confirm_url: str | None = None,
    template_dir: Path | None = None,
) -> str:
    """Render the list body in one format.

    ``recipient`` makes a personal copy (their own items are named, and highlighted in HTML);
    ``confirm_url`` is that person's signed confirmation link (CONF-1). Raises ValueError for an
    unknown format or a confirmation link that is not http(s).
    """
    if fmt not in _EXTENSIONS:
        raise ValueError(f"unknown format {fmt!r}; expected text, html or markdown")
    env = get_environment(lang, template_dir)
    with use_language(lang):
        context = _context(env, view, lang=normalize(lang), recipient=recipient, confirm_url=confirm_url)
        return _body(env, context, fmt)


def render_action_list_subject(view: ActionListView, *, lang: str, template_dir: Path | None = None) -> str:
    """「【行动项】Q4服务活动方案跟进」; "[Action items] Q4 …" in English. Always one line."""
    env = get_environment(lang, template_dir)
    with use_language(lang):
        return _subject(env, view)


def render_action_list_message(
    view: ActionListView,
    *,
    lang: str,
    recipient: PersonView | None = None,
    confirm_url: str | None = None,
    template_dir: Path | None = None,
) -> RenderedMessage:
    """Subject and the three bodies, for one recipient (or the group when ``recipient`` is None)."""
    env = get_environment(lang, template_dir)
    with use_language(lang):
        context = _context(env, view, lang=normalize(lang), recipient=recipient, confirm_url=confirm_url)
        return RenderedMessage(
            subject=context["subject"],
            text=_body(env, context, "text"),
            html=_body(env, context, "html"),
            markdown=_body(env, context, "markdown"),
        )


def _subject(env: Environment, view: ActionListView) -> str:
    return oneline(env.get_template("action_list/subject.txt").render(view=view))


def _body(env: Environment, context: dict[str, Any], fmt: Format) -> str:
    if fmt == "text" and "table" not in context:
        view, lang = context["view"], context["lang"]
        context["table"] = _box_table(view, lang=lang, has_acceptance=context["has_acceptance"])
    rendered = env.get_template(f"action_list/body.{_EXTENSIONS[fmt]}").render(context)
    return rendered if fmt == "html" else tidy(rendered)


def owners(view: ActionListView) -> tuple[PersonView, ...]:
    """The distinct owners in list order: whom the list @-mentions (IM bots @ them for real)."""
    found: list[PersonView] = []
    for item in sorted(view.items, key=lambda item: item.number):
        if not any(item.owner.same_as(person) for person in found):
            found.append(item.owner)
    return tuple(found)


def _context(
    env: Environment, view: ActionListView, *, lang: str, recipient: PersonView | None, confirm_url: str | None
) -> dict[str, Any]:
    items = sorted(view.items, key=lambda item: item.number)
    mine = [item for item in items if recipient is not None and item.owner.same_as(recipient)]
    people = owners(view)
    return {
        "view": view,
        "lang": lang,
        "subject": _subject(env, view),
        "items": items,
        "has_acceptance": any(item.acceptance or item.checklist for item in items),
        "owners": people,
        "mentions": " ".join(f"@{person.name}" for person in people),
        "meta": _meta_line(view, lang=lang),
        "dependencies": dependency_lines(view, lang=lang),
        "recipient": recipient,
        "my_items": mine,
        "confirm_url": check_url(confirm_url),
        "attachments": [
            Attachment(name, url, urlsplit(url).scheme in _LINK_SCHEMES) for name, url in view.attachments
        ],
        "ref_year": reference_year(view),
        "acceptance": acceptance_text,
        "html_lang": "zh-CN" if lang == "zh" else "en",
    }


def _meta_line(view: ActionListView, *, lang: str) -> str:
    """「Q4服务活动方案评审会 · 9月26日 下午2:00 · 3楼会议室 · 参会：小林、小王」 (HTML footer, IM header)."""
    _ = translations(lang).gettext
    parts = [view.meeting_name] if view.meeting_name else []
    if view.starts_at is not None:
        parts.append(dates.format_datetime(view.starts_at, lang, ref_year=view.starts_at.year))
    if view.place:
        parts.append(view.place)
    if view.attendees:
        names = ("、" if lang == "zh" else ", ").join(person.name for person in view.attendees)
        parts.append(_("Attendees: %(names)s") % {"names": names})
    return " · ".join(" ".join(part.split()) for part in parts)


def dependency_lines(view: ActionListView, *, lang: str) -> list[DependencyLine]:
    """【依赖关系】 as sentences, from ``view.dependencies`` and every item's ``depends_on``.

    With a reason: 「任务2依赖任务1（小李需要先看到小王的方案才能做技术评估）」. Without one the words
    are made from the items: 「任务2依赖任务1（小李需要先看到小王的「细化活动方案」）」.
    """
    by_number = {item.number: item for item in view.items}
    edges: dict[tuple[int, int], DependencyView] = {}
    for dependency in view.dependencies:
        edges.setdefault((dependency.dependent, dependency.prerequisite), dependency)
    for item in sorted(view.items, key=lambda item: item.number):
        for prerequisite in item.depends_on:
            edges.setdefault((item.number, prerequisite), DependencyView(item.number, prerequisite))
    _ = translations(lang).gettext
    lines = []
    for (dependent, prerequisite), edge in sorted(edges.items()):
        before, after = by_number.get(prerequisite), by_number.get(dependent)
        head = _("Task %(dependent)d depends on task %(prerequisite)d") % {
            "dependent": dependent,
            "prerequisite": prerequisite,
        }
        reason = edge.reason.strip() if edge.reason and edge.reason.strip() else None
        if reason is None and before is not None and after is not None:
            if after.owner.same_as(before.owner):
                reason = _("“%(title)s” comes first") % {"title": before.title}
            else:
                reason = _("%(owner)s needs %(other)s's “%(title)s” first") % {
                    "owner": after.owner.name,
                    "other": before.owner.name,
                    "title": before.title,
                }
        text = head + (_(" (%(reason)s)") % {"reason": reason} if reason else "")
        lines.append(DependencyLine(dependent, prerequisite, after, before, edge.reason, text))
    return lines


def _box_table(view: ActionListView, *, lang: str, has_acceptance: bool) -> str:
    _ = translations(lang).gettext
    items = sorted(view.items, key=lambda item: item.number)
    ref_year = reference_year(view)
    headers = [_("No."), _("Action item"), _("Owner"), _("Due"), _("Deliverable"), _("Status")]
    widths: list[int | None] = [None, 24, 10, None, 18, None]
    align: list[Align] = ["center", "left", "left", "left", "left", "left"]
    rows = []
    for item in items:
        due = dates.format_date(item.due, lang, ref_year=ref_year)
        if item.due_time is not None:
            due = f"{due} {dates.value_time(item.due_time)}"
        rows.append(
            [str(item.number), item.title, item.owner.name, due, item.deliverable or "—",
             status_label(item.status, lang)]
        )
    if has_acceptance:
        headers.append(_("Acceptance criteria"))
        widths.append(28)
        align.append("left")
        for row, item in zip(rows, items, strict=True):
            row.append(acceptance_text(item) or "—")
    if not rows:
        rows.append(["—"] * len(headers))
    return draw_table(headers, rows, max_widths=widths, align=align)


def reference_year(view: ActionListView) -> int | None:
    """The year dates are written without: the meeting's (else the first due date's)."""
    if view.starts_at is not None:
        return view.starts_at.year
    return min((item.due.year for item in view.items), default=None)


def acceptance_text(item: ItemView) -> str:
    """Acceptance criteria, then the checklist as ☐ lines."""
    parts = [item.acceptance.strip()] if item.acceptance and item.acceptance.strip() else []
    parts.extend(f"☐ {line}" for line in item.checklist)
    return "\n".join(parts)
