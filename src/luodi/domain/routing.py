"""Who hears what, where (SEND-2, RULE-1): a route per message topic, editable per project.

The article's trap 4 (对事不对人): a reminder about one owner's lateness, or the escalation to
their supervisor, is never posted where the whole team reads it. So by default everything
personal goes to each person's *direct* channels (email, the IM app bot), and only what belongs
to the group — the list as sent and the weekly review — also goes to the project's *group*
robots. Escalations can never be routed to a group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from luodi.domain.rules import Action, Rule
from luodi.i18n import gettext as _


class Topic(StrEnum):
    REMINDER = "reminder"  # an owner's own reminders before and after the due date
    CONFIRMATION = "confirmation"  # an owner's copy of the list with their confirmation request
    ESCALATION = "escalation"  # the due-day escalation to the supervisor (and the coordinator)
    COORDINATOR = "coordinator"  # notices to the coordinator: list unsent, call list, at risk, threats
    LIST = "list"  # the 【行动项】 list as sent
    WEEKLY_REVIEW = "weekly_review"


class Target(StrEnum):
    DIRECT = "direct"  # each person's own channels: email, the IM app bot
    GROUP = "group"  # the project's group robots


Routes = dict[Topic, frozenset[Target]]

DEFAULT_ROUTES: Routes = {
    Topic.REMINDER: frozenset({Target.DIRECT}),
    Topic.CONFIRMATION: frozenset({Target.DIRECT}),
    Topic.ESCALATION: frozenset({Target.DIRECT}),
    Topic.COORDINATOR: frozenset({Target.DIRECT}),
    Topic.LIST: frozenset({Target.DIRECT, Target.GROUP}),
    Topic.WEEKLY_REVIEW: frozenset({Target.DIRECT, Target.GROUP}),
}
NEVER_IN_GROUP = frozenset({Topic.ESCALATION})

# The IM app bots (direct messages) and the people directory's column with each person's id there.
APP_KINDS: tuple[str, ...] = ("feishu_app", "dingtalk_app", "wecom_app")
APP_ID_FIELDS: dict[str, str] = {"feishu_app": "feishu_open_id", "dingtalk_app": "dingtalk_user_id",
                                 "wecom_app": "wecom_user_id"}


class RoutingError(ValueError):
    """A bad route; ``field`` names the topic."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(_("route {field!r}: {reason}").format(field=field, reason=reason))
        self.field, self.reason = field, reason


def topic_of(rule: Rule) -> Topic:
    """The topic of a rule's message: escalations first, then the owner's reminders."""
    if Action.ESCALATE_SUPERVISOR in rule.actions:
        return Topic.ESCALATION
    if Action.REMIND_OWNER in rule.actions:
        return Topic.REMINDER
    return Topic.COORDINATOR


def parse_targets(topic: str, value: Iterable[str] | str) -> frozenset[Target]:
    """``"direct,group"`` or ``["direct"]`` → targets; raises RoutingError naming the topic."""
    if topic not in Topic._value2member_map_:
        raise RoutingError(topic, _("unknown topic; one of {topics}").format(topics=", ".join(Topic)))
    parts = [p.strip() for p in (value.split(",") if isinstance(value, str) else value) if p.strip()]
    bad = [p for p in parts if p not in Target._value2member_map_]
    if bad:
        raise RoutingError(topic, _("unknown target {bad}; use direct and/or group").format(bad=", ".join(bad)))
    targets = frozenset(Target(p) for p in parts)
    if not targets:
        raise RoutingError(topic, _("give at least one target (direct, group)"))
    if Topic(topic) in NEVER_IN_GROUP and Target.GROUP in targets:
        raise RoutingError(topic, _("escalations go to the supervisor privately, never to a group"))
    return targets


def effective_routes(overrides: Mapping[str, Any] | None) -> Routes:
    """The defaults with a project's ``settings["routes"]`` applied (validated)."""
    routes = dict(DEFAULT_ROUTES)
    for topic, value in (overrides or {}).items():
        routes[Topic(topic)] = parse_targets(topic, value)  # validated before the key is made
    return routes


def serialise(routes: Routes) -> dict[str, list[str]]:
    """For JSON output and project settings: topic → sorted target names."""
    return {topic.value: sorted(t.value for t in targets) for topic, targets in routes.items()}
