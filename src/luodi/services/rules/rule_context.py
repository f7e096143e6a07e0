"""Everything the rules need besides the database: time zone, calendar, rules, quiet hours."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from luodi.config import config_file
from luodi.domain.occasions import candidate_due_window
from luodi.domain.rules import DEFAULT_RULES, Rule, RuleConfigError, effective_rules
from luodi.domain.workdays import Calendar, QuietHours, load_overrides
from luodi.i18n import gettext as _
from luodi.render.views import MessageKind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from luodi.config import Settings


@dataclass
class RuleContext:
    tz: ZoneInfo
    calendar: Calendar
    rules: tuple[Rule, ...] = DEFAULT_RULES
    quiet: QuietHours | None = None
    base_url: str = "http://127.0.0.1:8000"
    template_dir: Path | None = None
    apps: tuple[str, ...] = ()  # the IM app bots set up for direct messages (Settings.direct_apps)
    # How far back a plan step looks for occasions it has not fired yet (a worker that was down).
    catch_up: timedelta = timedelta(days=7)
    # Projects' rules from luodi.toml, by project name (the database's project settings win).
    project_rules_by_name: dict[str, tuple[Rule, ...]] = field(default_factory=dict)
    _project_rules: dict[int, tuple[Rule, ...]] = field(default_factory=dict)
    _windows: dict[tuple[tuple[Rule, ...], date, date], tuple[date, date] | None] = field(default_factory=dict)

    def due_window(self, rules: tuple[Rule, ...], today: date, since: date) -> tuple[date, date] | None:
        """``candidate_due_window`` memoised: a worker asks the same question all day long."""
        key = (rules, today, since)
        if key not in self._windows:
            self._windows[key] = candidate_due_window(rules, self.calendar, today, since=since)
        return self._windows[key]

    def refresh_calendar(self, session: Session) -> None:
        """Load the admin's holiday notices into the calendar (a worker sees one loaded while it
        runs); a change forgets the memoised windows computed under the old calendar."""
        from luodi.services.calendar import refresh

        if refresh(session, self.calendar):
            self._windows.clear()

    def rules_for(self, project_id: int, project_settings: dict[str, Any] | None,
                  project_name: str | None = None) -> tuple[Rule, ...]:
        """The organisation's rules, then the project's from luodi.toml, then the project's
        own ``settings["rules"]`` overrides, each layered on the one before."""
        if project_id not in self._project_rules:
            base = self.project_rules_by_name.get(project_name or "", self.rules)
            overrides = (project_settings or {}).get("rules")
            self._project_rules[project_id] = check_templates(effective_rules(overrides, base=base)
                                                              if overrides else base)
        return self._project_rules[project_id]

    @classmethod
    def from_settings(cls, settings: Settings) -> RuleContext:
        """Build from LUODI_* settings and luodi.toml: ``[rules.<id>]`` tables for the
        organisation, ``[projects."<name>".rules.<id>]`` for one project (layered on top)."""
        document: dict[str, Any] = {}
        path = config_file()
        if path.exists():
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        overrides = document.get("rules")
        rules = check_templates(effective_rules(overrides) if overrides else DEFAULT_RULES)
        by_name = {name: check_templates(effective_rules(table["rules"], base=rules))
                   for name, table in (document.get("projects") or {}).items() if table.get("rules")}
        return cls(
            tz=settings.tz,
            calendar=calendar_from_settings(settings),
            rules=rules,
            project_rules_by_name=by_name,
            quiet=QuietHours.parse(settings.quiet_hours) if settings.quiet_hours else None,
            base_url=settings.base_url,
            template_dir=settings.template_dir,
            apps=settings.direct_apps,
        )


#: What a rule's ``template`` may name: the built-in message kinds (their wording can be changed
#: in LUODI_TEMPLATE_DIR/messages/<kind>/), and ``call_list`` for the confirmation call list.
TEMPLATE_NAMES = (*(kind.value for kind in MessageKind), "call_list")


def check_templates(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """``rules`` unchanged; RuleConfigError naming the rule when a template is no built-in kind
    (a new name would otherwise silently fall back to the 3-day reminder's wording)."""
    for rule in rules:
        if rule.template not in TEMPLATE_NAMES:
            raise RuleConfigError(rule.id, "template", _("unknown message template {value!r}; one of: {names}").format(
                value=rule.template, names=", ".join(TEMPLATE_NAMES)))
    return rules


def calendar_from_settings(settings: Settings) -> Calendar:
    """The working-day calendar: LUODI_CALENDAR plus the LUODI_CALENDAR_OVERRIDES file (the
    notices loaded into the database come with :meth:`RuleContext.refresh_calendar` or
    ``services.calendar.refresh``).

    Raises OSError or ValueError (naming the file and line) for an unreadable override file.
    """
    days: dict[Any, bool] = {}
    if settings.calendar_overrides:
        days = load_overrides(settings.calendar_overrides.read_text(encoding="utf-8"),
                              source=str(settings.calendar_overrides))
    return Calendar(settings.calendar, days)
