"""Rule messages (RULE-1, RULE-3, SEND-2, CONF-1, FU-1) in the article's tone, zh and en.

One message goes to one person and lists every item due for them at that moment: three items
due on Friday make one reminder, not three. The pre-deadline wording is the article's
「策略1:节点前跟进」: "小王，你的方案周五要交，现在进展如何？需要什么支持吗？" (3 days before),
"小王，明天就要交方案了，能按时完成吗？有什么需要协调的？" (1 day), "小王，今天下午3点前记得交方案哦，
我等你。" (the due day's morning). Escalations stay neutral (the article's trap 4: 对事不对人).

Templates, per kind in ``render/templates/messages/<kind>/``: ``subject.txt``; ``prose.txt``, the
words, written once for all formats (blocks ``intro``, ``outro``, ``action``, ``note``); and
``body.txt``, ``body.md``, ``body.html``, the layouts, which extend ``messages/_body.*`` and
override its ``list`` block when the kind lists more than items. To reword a message, override
its ``prose.txt``; to restyle it, its ``body.*``.

Template context (documented, because user templates override these files):
``view`` (MessageView), ``kind``, ``recipient``, ``sender``, ``now``, ``today``, ``ref_year``,
``items`` (sorted by due date), ``num`` (len(items)), ``first`` (items[0] or None),
``personal`` (every item is the recipient's own: "你的…"; otherwise owners are named),
``common_due`` (the one due date all items share, or None), ``by_owner`` ([(owner, [items])]),
``threat_groups`` ([(prerequisite, [ThreatView])]), ``meetings``, ``url``, ``confirm_by``,
``html_lang``; in the bodies also ``subject`` and the words from ``prose.txt`` (see ``prose``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Template

from luodi.i18n import normalize, use_language
from luodi.render.env import check_url, get_environment, oneline, tidy
from luodi.render.views import (
    ItemView,
    MessageKind,
    MessageView,
    PersonView,
    RenderedMessage,
    ThreatView,
)

_NEEDS_ITEMS = frozenset(MessageKind) - {MessageKind.DEPENDENCY_THREAT, MessageKind.LIST_UNSENT}


def render_message(view: MessageView, *, lang: str, template_dir: Path | None = None) -> RenderedMessage:
    """Render one rule message in every format.

    Raises ValueError when the view lacks what its kind is about (no items for a reminder, no
    threats for ``dependency_threat``, no meetings for ``list_unsent``) or ``url`` is not http(s).
    """
    kind = MessageKind(view.kind)
    _check(view, kind)
    env = get_environment(lang, template_dir)
    context = message_context(view, lang=normalize(lang))
    folder = f"messages/{kind.value}"
    with use_language(lang):
        subject = oneline(env.get_template(f"{folder}/subject.txt").render(context))
        context["subject"] = subject
        context.update(prose(env.get_template(f"{folder}/prose.txt"), context))
        text = env.get_template(f"{folder}/body.txt").render(context)
        html = env.get_template(f"{folder}/body.html").render(context)
        markdown = env.get_template(f"{folder}/body.md").render(context)
    return RenderedMessage(subject=subject, text=tidy(text), html=html, markdown=tidy(markdown))


def message_context(view: MessageView, *, lang: str) -> dict[str, Any]:
    """The template context of a rule message (see the module docstring)."""
    today = view.now.date()
    items = sorted(view.items, key=_due_order)
    dues = {item.due for item in items}
    return {
        "view": view,
        "kind": MessageKind(view.kind),
        "recipient": view.recipient,
        "sender": view.sender,
        "now": view.now,
        "today": today,
        "ref_year": today.year,
        "items": items,
        "num": len(items),
        "first": items[0] if items else None,
        "personal": bool(items) and all(item.owner.same_as(view.recipient) for item in items),
        "common_due": dues.pop() if len(dues) == 1 else None,
        "by_owner": group_by_owner(items),
        "threat_groups": group_threats(view.threats),
        "meetings": view.meetings,
        "url": check_url(view.url),
        "confirm_by": view.confirm_by,
        "html_lang": "zh-CN" if lang == "zh" else "en",
    }


def prose(template: Template, context: dict[str, Any]) -> dict[str, Any]:
    """The words of a message, rendered once for all three formats from ``prose.txt``.

    Blocks, each optional: ``intro`` and ``outro`` (split into paragraphs at blank lines),
    ``action`` (the link's label), ``note`` (once per item, with ``item`` set → ``notes`` by
    item code), ``threat_note`` (once per threat, with ``threat`` → ``threat_notes`` by
    (prerequisite code, item code)), ``meeting`` (per meeting → ``meeting_lines``) and ``owner``
    (per ``by_owner`` entry, with ``owner`` and ``owned`` → ``owner_lines``). The layouts escape
    these strings for HTML and Markdown like any other value.
    """

    def block(name: str, **extra: Any) -> str:
        if name not in template.blocks:
            return ""
        rendered = template.blocks[name](template.new_context({**context, **extra}))
        return "".join(rendered).strip()

    def line(name: str, **extra: Any) -> str:
        return oneline(block(name, **extra))

    def paragraphs(text: str) -> list[str]:
        return [oneline(part) for part in re.split(r"\n\s*\n", text) if part.strip()]

    view: MessageView = context["view"]
    return {
        "intro": paragraphs(block("intro")),
        "outro": paragraphs(block("outro")),
        "action": line("action"),
        "notes": {item.code: line("note", item=item) for item in context["items"]},
        "threat_notes": {
            (threat.prerequisite.code, threat.item.code): line("threat_note", threat=threat)
            for threat in view.threats
        },
        "meeting_lines": [line("meeting", meeting=meeting) for meeting in view.meetings],
        "owner_lines": [line("owner", owner=owner, owned=owned) for owner, owned in context["by_owner"]],
    }


def group_by_owner(items: list[ItemView]) -> list[tuple[PersonView, list[ItemView]]]:
    """Items grouped by owner, owners in order of their first item (the call list, hints)."""
    groups: list[tuple[PersonView, list[ItemView]]] = []
    for item in items:
        for owner, owned in groups:
            if owner.same_as(item.owner):
                owned.append(item)
                break
        else:
            groups.append((item.owner, [item]))
    return groups


def group_threats(threats: tuple[ThreatView, ...]) -> list[tuple[ItemView, list[ThreatView]]]:
    """Threatened items grouped under the late prerequisite that holds them up."""
    groups: dict[str, tuple[ItemView, list[ThreatView]]] = {}
    for threat in threats:
        groups.setdefault(threat.prerequisite.code, (threat.prerequisite, []))[1].append(threat)
    for _, threatened in groups.values():
        threatened.sort(key=lambda threat: _due_order(threat.item))
    return sorted(groups.values(), key=lambda group: _due_order(group[0]))


def _due_order(item: ItemView) -> tuple[Any, ...]:
    return (item.due, item.due_time is None, item.due_time, item.code)


def _check(view: MessageView, kind: MessageKind) -> None:
    if kind in _NEEDS_ITEMS and not view.items:
        raise ValueError(f"{kind.value}: the message needs at least one item")
    if kind is MessageKind.DEPENDENCY_THREAT and not view.threats:
        raise ValueError("dependency_threat: the message needs at least one threatened item")
    if kind is MessageKind.LIST_UNSENT and not view.meetings:
        raise ValueError("list_unsent: the message needs at least one meeting")
    for meeting in view.meetings:
        check_url(meeting.url)
