"""Words of today's follow-ups (FU-5) and interventions (FU-2), in the article's tone, zh and en.

The ready-to-send messages are the article's: 「小王，你的方案周一要交，现在进展如何？需要什么支持
吗？」 (three days before), 「小李，你的任务明天到期，现在还没开始？」 (at risk), 「小李，你的任务还没
开始，是遇到什么困难了吗？我能帮你什么？」 (not started), 「小王，你需要市场部的数据，我来帮你协调。」
(a blocker). Overdue stays neutral (trap 4: 对事不对人 — 「这个任务很重要，我们一起想办法」).
Each function takes the language explicitly (the owner's for messages, the reader's for labels).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from luodi.domain.agenda import Cause, Intervention, Reason
from luodi.domain.cadence import ContactChannel
from luodi.domain.enums import ItemStatus
from luodi.i18n import translations
from luodi.render import dates


@dataclass(frozen=True)
class MessageFacts:
    """What a follow-up message says: to whom, about which item, and the blocker if any."""

    name: str
    title: str
    due: date
    status: ItemStatus
    today: date
    blocker_what: str | None = None
    blocker_who: str | None = None
    question: str | None = None


def message(reason: Reason, facts: MessageFacts, lang: str) -> str:
    """The message to copy or send for ``reason``, in ``lang``."""
    _ = translations(lang).gettext
    values = {"name": facts.name, "title": facts.title, "when": dates.due_words(facts.due, facts.today, lang)}
    if reason is Reason.BLOCKER:
        if facts.blocker_who:
            return _("%(name)s, you are waiting for “%(what)s” from %(who)s; I'll coordinate it for you.") % {
                **values, "what": facts.blocker_what or "", "who": facts.blocker_who}
        return _("%(name)s, you are waiting for “%(what)s”; I'll help you clear it.") % {
            **values, "what": facts.blocker_what or ""}
    if reason is Reason.QUESTION:
        return _("%(name)s asked about “%(title)s”: “%(question)s” Answer them today.") % {
            **values, "question": facts.question or ""}
    if reason is Reason.OVERDUE:
        days = max(1, (facts.today - facts.due).days)
        return translations(lang).ngettext(
            "%(name)s, “%(title)s” is %(days)d day past its due date. It matters: let's find a way to finish "
            "it soon. What can I do to help?",
            "%(name)s, “%(title)s” is %(days)d days past its due date. It matters: let's find a way to finish "
            "it soon. What can I do to help?", days) % {**values, "days": days}
    if reason is Reason.AT_RISK and facts.status in (ItemStatus.NOT_STARTED, ItemStatus.AT_RISK):
        return _("%(name)s, your “%(title)s” is due %(when)s and has not started yet? "
                 "What is in the way? How can I help?") % values
    texts = {
        Reason.UNCONFIRMED: _("%(name)s, please confirm “%(title)s” (due %(when)s): have you received and understood "
                              "it? If anything is unclear, tell me now and we will sort it out."),
        Reason.AT_RISK: _("%(name)s, your “%(title)s” is due %(when)s. Can you finish it on time? "
                          "Is there anything to coordinate?"),
        Reason.NOT_STARTED: _("%(name)s, your “%(title)s” has not started yet. Is something in the way? "
                              "How can I help?"),
        Reason.DUE_SOON: _("%(name)s, your “%(title)s” is due %(when)s. How is it going? Do you need any support?"),
        Reason.FIRST_TIME: _("%(name)s, I will check in on “%(title)s” regularly. Is anything unclear? "
                             "What support do you need?"),
        Reason.CADENCE: _("%(name)s, how is “%(title)s” going? Have you run into any problems?"),
    }
    return texts[reason] % values


def reason_label(reason: Reason, lang: str) -> str:
    _ = translations(lang).gettext
    return {
        Reason.BLOCKER: _("Blocker"),
        Reason.QUESTION: _("Question from the owner"),
        Reason.UNCONFIRMED: _("Not confirmed by the deadline"),
        Reason.AT_RISK: _("At risk"),
        Reason.OVERDUE: _("Overdue"),
        Reason.NOT_STARTED: _("Not started after 3 days"),
        Reason.DUE_SOON: _("Due in 3 days"),
        Reason.FIRST_TIME: _("First time working together"),
        Reason.CADENCE: _("Regular follow-up"),
    }[Reason(reason)]


def channel_label(channel: ContactChannel, lang: str) -> str:
    _ = translations(lang).gettext
    return {
        ContactChannel.PHONE: _("Phone"),
        ContactChannel.IN_PERSON: _("In person"),
        ContactChannel.IM: _("IM"),
        ContactChannel.EMAIL: _("Email"),
        ContactChannel.MEETING: _("Weekly meeting"),
    }[ContactChannel(channel)]


@dataclass(frozen=True)
class InterventionText:
    cause: str  # what the owner may say
    response: str  # what the coordinator does
    likely: bool


def intervention_text(intervention: Intervention, lang: str) -> InterventionText:
    """The cause in the owner's words and the ready response (FU-2)."""
    _ = translations(lang).gettext
    who = ("、" if lang == "zh" else ", ").join(intervention.who)
    if intervention.cause is Cause.WAITING_ON_DEPENDENCY:
        cause = _("“I am waiting for %(who)s's part”") % {"who": who} if who else _("“I am waiting for someone's part”")
        response = (_("Ask %(who)s for a partial hand-over right away") % {"who": who} if who
                    else _("Ask the predecessor's owner for a partial hand-over right away"))
    elif intervention.cause is Cause.UNCLEAR_REQUIREMENT:
        cause = _("“I am not sure what exactly to do”")
        response = _("Book a 15-minute clarification right away")
    else:
        cause = _("“I am too busy; this task is not a priority for me”")
        response = (_("Escalate to %(who)s for a decision right away") % {"who": who} if who
                    else _("Escalate to the supervisor for a decision right away"))
    return InterventionText(cause, response, intervention.likely)


def profile_label(profile: str, lang: str) -> str:
    """靠谱的老搭档 / 有延期历史 / 首次合作."""
    _ = translations(lang).gettext
    labels = {"reliable": _("Reliable long-time partner"), "delay_history": _("History of delays"),
              "first_time": _("First time working together")}
    return labels.get(profile, profile)


def rule_label(rule_id: str, lang: str) -> str:
    """A cadence rule in words (the article's table)."""
    _ = translations(lang).gettext
    labels = {
        "first_time": _("First-time owner: daily for the first 3 days"),
        "delay_history": _("History of delays: at least every 2 days"),
        "high_short": _("High priority, short: daily"),
        "high_medium": _("High priority, 5–14 days: every 2–3 days"),
        "medium": _("Medium priority: weekly"),
        "reliable": _("Reliable partner: key dates only"),
        "key_nodes": _("Key dates: 3 days and 1 day before, and the due day"),
    }
    return labels.get(rule_id, rule_id)
