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
from luodi.domain.rules import DEFAULT_RULES, Rule, effective_rules
from luodi.domain.workdays import Calendar, QuietHours, load_overrides

if TYPE_CHECKING:
    from luodi.config import Settings


@dataclass
class RuleContext:
    tz: ZoneInfo
    calendar: Calendar
    rules: tuple[Rule, ...] = DEFAULT_RULES
    quiet: QuietHours | None = None
    base_url: str = "http://127.0.0.1:8000"
    template_dir: Path | None = None
    # How far back a plan step looks for occasions it has not fired yet (a worker that was down).
    catch_up: timedelta = timedelta(days=7)
    _project_rules: dict[int, tuple[Rule, ...]] = field(default_factory=dict)
    _windows: dict[tuple[tuple[Rule, ...], date, date], tuple[date, date] | None] = field(default_factory=dict)

    def due_window(self, rules: tuple[Rule, ...], today: date, since: date) -> tuple[date, date] | None:
        """``candidate_due_window`` memoised: a worker asks the same question all day long."""
        key = (rules, today, since)
        if key not in self._windows:
            self._windows[key] = candidate_due_window(rules, self.calendar, today, since=since)
        return self._windows[key]

    def rules_for(self, project_id: int, project_settings: dict[str, Any] | None) -> tuple[Rule, ...]:
        """The organisation's rules with the project's ``rules`` overrides layered on top."""
        if project_id not in self._project_rules:
            overrides = (project_settings or {}).get("rules")
            self._project_rules[project_id] = (
                effective_rules(overrides, base=self.rules) if overrides else self.rules
            )
        return self._project_rules[project_id]

    @classmethod
    def from_settings(cls, settings: Settings) -> RuleContext:
        """Build from LUODI_* settings and the ``[rules.<id>]`` tables of luodi.toml."""
        overrides = None
        path = config_file()
        if path.exists():
            overrides = tomllib.loads(path.read_text(encoding="utf-8")).get("rules")
        days: dict[Any, bool] = {}
        if settings.calendar_overrides:
            days = load_overrides(settings.calendar_overrides.read_text(encoding="utf-8"),
                                  source=str(settings.calendar_overrides))
        return cls(
            tz=settings.tz,
            calendar=Calendar(settings.calendar, days),
            rules=effective_rules(overrides) if overrides else DEFAULT_RULES,
            quiet=QuietHours.parse(settings.quiet_hours) if settings.quiet_hours else None,
            base_url=settings.base_url,
            template_dir=settings.template_dir,
        )
