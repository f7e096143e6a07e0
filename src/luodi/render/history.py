"""An item's history as sentences in the reader's language (issue 15).

An audit row (``services/audit.py``) says who did what to which field, from → to, in internal
words (``confirmed · confirmed``, ``False → True``, actor ``import``). This turns it into what a
coordinator reads: 「小王 确认了任务」, 「截止日期 9月30日 → 10月8日(申请改期已由 小林 批准)」,
「由导入创建」, with the actor a person, a named rule (「规则:截止前1天未开始」) or a named part of
luodi. Values are shown as people write them: statuses and priorities in words, dates as 「9月30日」.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from luodi.domain.enums import ItemStatus, Priority
from luodi.i18n import normalize, translations
from luodi.render.dates import format_date
from luodi.render.env import priority_label, status_label


@dataclass(frozen=True)
class AuditFacts:
    """The parts of an audit row a sentence needs (plain values, no database)."""

    actor_kind: str          # person | rule | system
    who: str                 # the person's name, the rule id, or the system label (import, cli, …)
    entity: str              # item | blocker | followup | milestone | …
    action: str
    field: str | None
    before: str | None
    after: str | None


def rule_name(rule_id: str, lang: str) -> str:
    """A built-in rule in words (「截止前1天未开始」); a project's own rule by its id."""
    _ = translations(lang).gettext
    names = {
        "remind_before_3d": _("Reminder 3 days before the due date"),
        "at_risk_before_1d": _("1 day before the due date, not started"),
        "remind_due_morning": _("Reminder on the morning of the due date"),
        "escalate_due_end": _("Escalation at the end of the due date"),
        "mark_delayed": _("Marked delayed the working day after the due date"),
        "dependency_threat": _("Dependent items threatened"),
        "list_unsent": _("Action list not sent 1 hour after the meeting"),
        "confirm_deadline": _("Not confirmed by the confirmation deadline"),
        "remind_overdue": _("Overdue reminder every 2 working days"),
    }
    return names.get(rule_id, rule_id)


def actor_name(kind: str, who: str, lang: str) -> str:
    """A person's name, 「规则:截止前1天未开始」 / "Rule: …", or the part of luodi (「导入」)."""
    _ = translations(lang).gettext
    if kind == "rule":
        return _("Rule: {name}").format(name=rule_name(who, lang))
    if kind == "system":
        systems = {"import": _("import"), "cli": _("the command line"), "planner": _("the rules"),
                   "send": _("sending"), "next phase": _("the next phase"), "carry over": _("carry-over"),
                   "people import": _("the people import"), "login": _("sign-in"), "web": _("the web")}
        return systems.get(who, who)
    return who


def field_name(field: str, lang: str) -> str:
    _ = translations(lang).gettext
    names = {"status": _("status"), "due": _("due date"), "start": _("start date"), "title": _("title"),
             "owner": _("owner"), "deliverable": _("deliverable"), "priority": _("priority"),
             "acceptance": _("acceptance criteria"), "checklist": _("checklist"), "depends_on": _("depends on"),
             "parent_id": _("parent item")}
    return names.get(field, field)


def value_text(field: str | None, value: str | None, lang: str, *, ref_year: int | None = None) -> str:
    """A stored value as people write it: a status or priority in words, a date as 「9月30日」."""
    if value is None or value == "":
        return "—"
    if field == "status" and value in {status.value for status in ItemStatus}:
        return status_label(ItemStatus(value), lang, emoji=False)
    if field == "priority" and value in {priority.value for priority in Priority}:
        return priority_label(Priority(value), lang)
    if field in ("due", "start"):
        try:
            return format_date(date.fromisoformat(value[:10]), lang, ref_year=ref_year)
        except ValueError:
            return value
    return value


def sentence(facts: AuditFacts, lang: str, *, ref_year: int | None = None) -> str:
    """One history line as a sentence in ``lang`` (zh or en)."""
    lang = normalize(lang)
    _ = translations(lang).gettext
    who = actor_name(facts.actor_kind, facts.who, lang)
    field = field_name(facts.field, lang) if facts.field else ""
    before = value_text(facts.field, facts.before, lang, ref_year=ref_year)
    after = value_text(facts.field, facts.after, lang, ref_year=ref_year)
    change = _("{field} {before} → {after}").format(field=field, before=before, after=after)
    action, entity = facts.action, facts.entity
    if entity == "blocker":
        if action == "cleared":
            return _("{who} cleared a blocker ({minutes} minutes after it was raised)").format(
                who=who, minutes=facts.after or "?")
        return _("{who} recorded a blocker: {what}").format(who=who, what=facts.after or "")
    if entity == "followup":
        return _("{who} followed up: {outcome}").format(who=who, outcome=facts.after or "")
    if entity == "milestone":
        return _("{who} put the item on a milestone").format(who=who)
    if action == "created":
        if facts.actor_kind == "person":
            return _("{who} created the item").format(who=who)
        return _("Created by {who}").format(who=who)
    if action == "confirmed":
        return _("{who} confirmed the item").format(who=who)
    if action == "changed":
        if facts.actor_kind == "rule":
            return _("{change} ({who})").format(change=change, who=who)
        return _("{who} changed {change}").format(who=who, change=change)
    if action == "rescheduled":
        return _("{change} (reschedule request approved by {who})").format(change=change, who=who)
    if action == "reschedule_requested":
        return _("{who} asked to move the due date: {change}").format(who=who, change=change)
    if action == "reschedule_declined":
        return _("{who} declined the request to move the due date to {date}").format(who=who, date=after)
    if action == "question":
        return _("{who} asked: {question}").format(who=who, question=facts.after or "")
    if action == "commented":
        return _("{who} commented").format(who=who)
    if action == "submitted":
        kinds = {"draft": _("a draft"), "partial": _("a short version (简版)"), "final": _("the final version")}
        return _("{who} submitted {kind}: {link}").format(who=who, kind=kinds.get(facts.field or "", facts.field),
                                                          link=facts.after or "")
    if action == "partial_delivered":
        return _("{change} (short version handed in; the full version is due then)").format(change=change)
    if action == "accepted":
        return _("{who} accepted the item with {score} points").format(who=who, score=facts.after or "?")
    if action == "revision_requested":
        return _("{who} asked for a revision ({score} points)").format(who=who, score=facts.after or "?")
    if action == "revision":
        return _("{change} (revision)").format(change=change)
    if action == "dependency_added":
        return _("{who} made it depend on {code}").format(who=who, code=facts.after or "")
    if action == "dependency_removed":
        return _("{who} removed its dependency on {code}").format(who=who, code=facts.before or "")
    if action == "plan_error":
        return _("The rules could not be evaluated for this item: {error}").format(error=facts.after or "")
    return _("{who}: {action}").format(who=who, action=action)
