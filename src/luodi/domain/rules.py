"""Risk-alert rules as data (RULE-1): the model, the defaults, and TOML overrides.

A :class:`Rule` says *when* (an anchor, an offset, a local time of day, how to move off a
non-working day), *if* (statuses, confirmation, list sent) and *what* (actions, a status to set,
a template). When each rule's occasions come is computed in :mod:`luodi.domain.occasions`.

Overrides come from ``luodi.toml`` and per project as ``[rules.<id>]`` tables (docs/rules.md);
:func:`effective_rules` applies them to the defaults (or to already-overridden rules, so a
project's overrides can be layered on the organisation's).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from typing import Any

from luodi.domain.enums import ItemStatus
from luodi.domain.workdays import Shift
from luodi.i18n import gettext as _

__all__ = [
    "DEFAULT_RULES", "OPEN_STATUSES", "Action", "Anchor", "Rule", "RuleConfigError", "Shift",
    "effective_rules",
]


class Action(StrEnum):
    REMIND_OWNER = "remind_owner"
    NOTIFY_COORDINATOR = "notify_coordinator"
    ESCALATE_SUPERVISOR = "escalate_supervisor"
    NOTIFY_DEPENDENTS = "notify_dependents"  # the owners of the threatened dependents (RULE-3)
    SET_STATUS = "set_status"


class Anchor(StrEnum):
    DUE = "due"  # due + offset_days calendar days, at ``at``, moved by ``shift``
    WORKDAY_AFTER_DUE = "workday_after_due"  # the offset_days-th working day after due, at ``at``
    DELAYED_REPEAT = "delayed_repeat"  # every N working days after the delayed mark, at ``at``
    MEETING_END = "meeting_end"  # meeting end + after_minutes
    CONFIRM_DEADLINE = "confirm_deadline"  # the meeting's confirmation deadline + after_minutes
    ON_STATUS = "on_status"  # when an item turns into one of ``statuses``


ITEM_ANCHORS = frozenset({Anchor.DUE, Anchor.WORKDAY_AFTER_DUE, Anchor.DELAYED_REPEAT})
MEETING_ANCHORS = frozenset({Anchor.MEETING_END, Anchor.CONFIRM_DEADLINE})
OPEN_STATUSES = frozenset(s for s in ItemStatus if s.is_open)
_LATE_CANDIDATES = frozenset({ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.AT_RISK})


@dataclass(frozen=True)
class Rule:
    """One rule. ``statuses``/``confirmed``/``list_sent`` set to None mean "any".

    For ``on_status`` rules ``statuses`` are the statuses whose arrival triggers the rule. For
    meeting and on_status rules, ``shift`` (None or LATER) and ``at`` say where an instant that
    falls on a non-working day goes. ``confirmed`` on a meeting rule means "every owner confirmed".
    """

    id: str
    anchor: Anchor
    actions: tuple[Action, ...]
    template: str
    offset_days: int = 0
    at: time = time(9, 0)
    after_minutes: int = 0
    statuses: frozenset[ItemStatus] | None = OPEN_STATUSES
    confirmed: bool | None = None
    list_sent: bool | None = None
    set_status: ItemStatus | None = None
    shift: Shift | None = None
    repeat_every_workdays: int | None = None
    enabled: bool = True

    @property
    def is_reminder(self) -> bool:
        """Only reminds the owner: a later reminder that has also come supersedes it."""
        return set(self.actions) == {Action.REMIND_OWNER}

    def holds(self, status: ItemStatus, confirmed: bool) -> bool:
        """The item condition: status among ``statuses`` and confirmation as required."""
        status_ok = self.statuses is None or status in self.statuses
        return status_ok and (self.confirmed is None or self.confirmed == confirmed)


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("remind_before_3d", Anchor.DUE, (Action.REMIND_OWNER,), "remind_before_3d",
         offset_days=-3, at=time(9, 30), shift=Shift.EARLIER),
    Rule("at_risk_before_1d", Anchor.DUE, (Action.SET_STATUS, Action.NOTIFY_COORDINATOR),
         "at_risk_before_1d", offset_days=-1, at=time(9, 30), shift=Shift.EARLIER,
         statuses=frozenset({ItemStatus.NOT_STARTED}), set_status=ItemStatus.AT_RISK),
    Rule("remind_due_morning", Anchor.DUE, (Action.REMIND_OWNER,), "remind_due_morning",
         at=time(9, 0), shift=Shift.EARLIER),
    Rule("escalate_due_end", Anchor.DUE, (Action.ESCALATE_SUPERVISOR, Action.NOTIFY_COORDINATOR),
         "escalate_due_end", at=time(17, 0), shift=Shift.LATER),
    Rule("mark_delayed", Anchor.WORKDAY_AFTER_DUE, (Action.SET_STATUS,), "mark_delayed",
         offset_days=1, at=time(9, 0), statuses=_LATE_CANDIDATES, set_status=ItemStatus.DELAYED),
    Rule("dependency_threat", Anchor.ON_STATUS, (Action.NOTIFY_COORDINATOR, Action.NOTIFY_DEPENDENTS),
         "dependency_threat", at=time(9, 0), shift=Shift.LATER,
         statuses=frozenset({ItemStatus.AT_RISK, ItemStatus.DELAYED})),
    Rule("list_unsent", Anchor.MEETING_END, (Action.NOTIFY_COORDINATOR,), "list_unsent",
         after_minutes=60, statuses=None, list_sent=False),
    Rule("confirm_deadline", Anchor.CONFIRM_DEADLINE, (Action.NOTIFY_COORDINATOR,), "call_list",
         statuses=None, confirmed=False),
    Rule("remind_overdue", Anchor.DELAYED_REPEAT, (Action.REMIND_OWNER,), "remind_overdue",
         at=time(9, 30), repeat_every_workdays=2),
)


class RuleConfigError(ValueError):
    """Bad rule override; the message names the rule id and the field."""

    def __init__(self, rule_id: str, field: str, reason: str) -> None:
        super().__init__(_("rule {rule!r}, field {field!r}: {reason}").format(
            rule=rule_id, field=field, reason=reason))
        self.rule_id, self.field, self.reason = rule_id, field, reason


def effective_rules(
    overrides: Mapping[str, Any] | None, *, base: tuple[Rule, ...] = DEFAULT_RULES
) -> tuple[Rule, ...]:
    """Apply ``overrides`` (the ``[rules]`` table: ``{rule_id: {field: value}}``) to ``base``.

    Known ids are changed field by field; a new id adds a rule (``anchor``, ``actions`` and
    ``template`` required). ``enabled = false`` disables a rule (it stays in the result, so a
    later layer can enable it again). Order: ``base`` order, then new rules in table order.
    Raise :class:`RuleConfigError` (a ValueError) naming the rule and field on bad input.
    """
    rules = {rule.id: rule for rule in base}
    for rule_id, table in (overrides or {}).items():
        if not isinstance(table, Mapping):
            raise RuleConfigError(str(rule_id), "*", _("expected a table [rules.{id}]").format(id=rule_id))
        rules[rule_id] = _validated(_apply(rules.get(rule_id), str(rule_id), table))
    return tuple(rules.values())


def _apply(rule: Rule | None, rule_id: str, table: Mapping[str, Any]) -> Rule:
    unknown = sorted(set(table) - set(_PARSERS))
    if unknown:
        raise RuleConfigError(rule_id, unknown[0], _("unknown field"))
    changes = {name: _parse(rule_id, name, value) for name, value in table.items()}
    if rule is not None:
        return dataclasses.replace(rule, **changes)
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", rule_id):
        raise RuleConfigError(rule_id, "id", _("use lower-case letters, digits and _"))
    for required in ("anchor", "actions", "template"):
        if required not in changes:
            raise RuleConfigError(rule_id, required, _("required for a new rule"))
    return Rule(id=rule_id, **changes)


def _parse(rule_id: str, name: str, value: Any) -> Any:
    try:
        return _PARSERS[name](value)
    except (ValueError, TypeError) as error:
        raise RuleConfigError(rule_id, name, str(error)) from None


def _validated(rule: Rule) -> Rule:
    """Cross-field checks; return ``rule`` or raise RuleConfigError."""
    def fail(field: str, reason: str) -> RuleConfigError:
        return RuleConfigError(rule.id, field, reason)

    if (Action.SET_STATUS in rule.actions) != (rule.set_status is not None):
        raise fail("set_status", _("set exactly when actions include set_status"))
    if (rule.anchor is Anchor.DELAYED_REPEAT) != (rule.repeat_every_workdays is not None):
        raise fail("repeat_every_workdays", _("set exactly when anchor is delayed_repeat"))
    if rule.anchor is Anchor.WORKDAY_AFTER_DUE and rule.offset_days < 1:
        raise fail("offset_days", _("must be at least 1 for workday_after_due"))
    if rule.anchor not in ITEM_ANCHORS and rule.shift is Shift.EARLIER:
        raise fail("shift", _("an event or meeting rule cannot move earlier"))
    late = Action.ESCALATE_SUPERVISOR in rule.actions or rule.set_status is ItemStatus.DELAYED
    if late and rule.shift is Shift.EARLIER:
        raise fail("shift", _("an escalation or a delayed mark must not move earlier"))
    if rule.anchor is Anchor.ON_STATUS and not rule.statuses:
        raise fail("statuses", _("an on_status rule needs the statuses that trigger it"))
    return rule


def _enum_list(kind: type[StrEnum], value: Any) -> tuple[Any, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(_("expected a non-empty list"))
    return tuple(dict.fromkeys(_enum(kind, v) for v in value))


def _enum(kind: type[StrEnum], value: Any) -> Any:
    if isinstance(value, str) and value in {member.value for member in kind}:
        return kind(value)
    choices = ", ".join(member.value for member in kind)
    raise ValueError(_("{value!r} is not one of: {choices}").format(value=value, choices=choices))


def _int(value: Any, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("expected an integer, got {value!r}").format(value=value))
    if minimum is not None and value < minimum:
        raise ValueError(_("must be at least {minimum}").format(minimum=minimum))
    return value


def _time(value: Any) -> time:
    if isinstance(value, time):  # a TOML local time: at = 09:30:00
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        hour, minute = (int(part) for part in value.strip().split(":"))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ValueError(_('expected a time "HH:MM", got {value!r}').format(value=value))


def _tri_state(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value == "any":
        return None
    raise ValueError(_('expected true, false or "any", got {value!r}').format(value=value))


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(_("expected true or false, got {value!r}").format(value=value))
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", value):
        raise ValueError(_("expected a template name, got {value!r}").format(value=value))
    return value


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "anchor": lambda v: _enum(Anchor, v),
    "actions": lambda v: _enum_list(Action, v),
    "template": _text,
    "offset_days": _int,
    "at": _time,
    "after_minutes": lambda v: _int(v, 0),
    "statuses": lambda v: None if v == "any" else frozenset(_enum_list(ItemStatus, v)),
    "confirmed": _tri_state,
    "list_sent": _tri_state,
    "set_status": lambda v: None if v == "none" else _enum(ItemStatus, v),
    "shift": lambda v: None if v == "none" else _enum(Shift, v),
    "repeat_every_workdays": lambda v: None if v == 0 else _int(v, 1),
    "enabled": _bool,
}
