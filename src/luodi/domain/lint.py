"""The quality gate before an action list is sent (CAP-4). Pure: it reads, it never raises.

The article's figure — 52% of action items have no clear owner — is why an owner that is empty,
a group (大家, 各部门, "team") or two people (小王/小李) is an error, not a warning.

Errors: no owner; a group or several people as owner; no due date; a dependency on an unknown
item or on itself; a dependency cycle. Warnings: no deliverable; a due date already past; an item
due before something it depends on; an owner unknown to the people directory (they will be
created) or with no address to reach them; an owner with more than ``max_open_per_week`` open
items due in one ISO week. Findings name the line of the table row or the dependency line and are
returned sorted by line, errors first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from luodi.capture.model import Finding, Findings, ParsedDependency, ParsedItem, ParsedMeeting
from luodi.domain.graph import find_cycle
from luodi.i18n import gettext as _

# fmt: off
GROUP_OWNERS = frozenset({
    "大家", "全体", "全体人员", "全体成员", "各部门", "各位", "所有人", "团队", "全员", "相关人员", "相关部门",
    "待定", "未定", "无", "team", "the team", "everyone", "everybody", "all", "all hands", "tbd", "tba",
    "n/a", "?", "？",
})
# fmt: on
"""Owners that are not one person (compared in lower case). Placeholders such as 待定/TBD count."""

GROUP_SUFFIXES = ("们", "部门", "团队", "小组", "全体", " team", " group", " department")
"""Endings that make a name a group (同事们, 市场部门, marketing team)."""

_SEVERAL_PEOPLE = re.compile(r"[/／、,，;；&+]|\s+(?:and|or)\s+|(?<=\S\S)[和与及](?=\S\S)")


@dataclass(frozen=True)
class OwnerFacts:
    """What the people directory knows about an owner."""

    reachable: bool  # has an email, a phone or an IM handle


_NO_OPEN_DATES: Mapping[str, Sequence[dt.date]] = MappingProxyType({})


def lint(
    meeting: ParsedMeeting,
    *,
    today: dt.date,
    directory: Mapping[str, OwnerFacts],
    open_due_dates: Mapping[str, Sequence[dt.date]] = _NO_OPEN_DATES,
    max_open_per_week: int = 5,
) -> list[Finding]:
    """Check ``meeting`` before it is sent; see the module docstring for the rules.

    ``directory`` maps known people's names to their facts; ``open_due_dates`` maps an owner to
    the due dates of their open items in other lists (for the weekly load).
    """
    findings = Findings()
    for item in meeting.items:
        _check_owner(item, directory, findings)
        _check_dates(item, today, findings)
    _check_dependencies(meeting.items, list(_edges(meeting)), findings)
    _check_load(meeting.items, open_due_dates, max_open_per_week, findings)
    return sorted(findings, key=lambda finding: (finding.line, finding.severity != "error"))


def is_group(owner: str) -> bool:
    """True when ``owner`` names a group or a placeholder rather than one person."""
    folded = owner.strip().lower()
    return folded in GROUP_OWNERS or folded.endswith(GROUP_SUFFIXES)


def _is_one_person(owner: str) -> bool:
    return bool(owner.strip()) and not is_group(owner) and not _SEVERAL_PEOPLE.search(owner.strip())


def _check_owner(item: ParsedItem, directory: Mapping[str, OwnerFacts], findings: Findings) -> None:
    owner = item.owner.strip()
    if not owner:
        findings.error(item.line, "owner", _("Item {number} has no owner").format(number=item.number))
    elif is_group(owner):
        findings.error(item.line, "owner", _("Owner {owner!r} is a group, not one person").format(owner=owner))
    elif _SEVERAL_PEOPLE.search(owner):
        message = _("Owner {owner!r} names several people; give the item to exactly one").format(owner=owner)
        findings.error(item.line, "owner", message)
    elif owner not in directory:
        message = _("Owner {owner!r} is not in the people directory and will be created").format(owner=owner)
        findings.warning(item.line, "owner", message)
    elif not directory[owner].reachable:
        message = _("Owner {owner!r} has no email, phone or IM handle to reach them").format(owner=owner)
        findings.warning(item.line, "owner", message)


def _check_dates(item: ParsedItem, today: dt.date, findings: Findings) -> None:
    if item.due is None and not item.due_text.strip():
        findings.error(item.line, "due", _("Item {number} has no due date").format(number=item.number))
    elif item.due is not None and item.due < today and item.status.is_open:
        message = _("Item {number} is due {due}, which is already past").format(
            number=item.number, due=item.due.isoformat()
        )
        findings.warning(item.line, "due", message)
    if item.deliverable is None or not item.deliverable.strip():
        findings.warning(item.line, "deliverable", _("Item {number} has no deliverable").format(number=item.number))


def _edges(meeting: ParsedMeeting) -> Iterator[ParsedDependency]:
    """The dependency lines, plus any ``depends_on`` they do not state (placed on the item's row)."""
    stated = {(dependency.dependent, dependency.prerequisite) for dependency in meeting.dependencies}
    yield from meeting.dependencies
    for item in meeting.items:
        for prerequisite in item.depends_on:
            if (item.number, prerequisite) not in stated:
                yield ParsedDependency(item.line, item.number, prerequisite)


def _check_dependencies(items: Sequence[ParsedItem], edges: Sequence[ParsedDependency], findings: Findings) -> None:
    by_number = {item.number: item for item in items}
    valid: list[ParsedDependency] = []
    for edge in edges:
        unknown = [number for number in (edge.dependent, edge.prerequisite) if number not in by_number]
        if unknown:
            message = _("Dependency {dependent} → {prerequisite}: there is no item {number}").format(
                dependent=edge.dependent, prerequisite=edge.prerequisite, number=unknown[0]
            )
            findings.error(edge.line, "dependencies", message)
        elif edge.dependent == edge.prerequisite:
            findings.error(
                edge.line, "dependencies", _("Item {number} depends on itself").format(number=edge.dependent)
            )
        else:
            valid.append(edge)
            _check_order(by_number[edge.dependent], by_number[edge.prerequisite], edge.line, findings)
    cycle = find_cycle((edge.dependent, edge.prerequisite) for edge in valid)
    if cycle:
        first = next(edge for edge in valid if (edge.dependent, edge.prerequisite) == (cycle[0], cycle[1]))
        path = " → ".join(str(number) for number in cycle)
        findings.error(first.line, "dependencies", _("Dependency cycle: {path}").format(path=path))


def _check_order(dependent: ParsedItem, prerequisite: ParsedItem, line: int, findings: Findings) -> None:
    if dependent.due is None or prerequisite.due is None or dependent.due >= prerequisite.due:
        return
    message = _("Item {dependent} is due {due}, before item {prerequisite} it depends on ({other})").format(
        dependent=dependent.number,
        due=dependent.due.isoformat(),
        prerequisite=prerequisite.number,
        other=prerequisite.due.isoformat(),
    )
    findings.warning(line, "due", message)


def _check_load(
    items: Sequence[ParsedItem], elsewhere: Mapping[str, Sequence[dt.date]], limit: int, findings: Findings
) -> None:
    """Warn once per owner and ISO week in which this list gives them more than ``limit`` open items."""
    weeks: dict[tuple[str, int, int], list[ParsedItem]] = defaultdict(list)
    for item in items:
        if item.due is not None and _is_one_person(item.owner) and item.status.is_open:
            year, week, _weekday = item.due.isocalendar()
            weeks[(item.owner.strip(), year, week)].append(item)
    for (owner, year, week), in_list in weeks.items():
        others = sum(1 for due in elsewhere.get(owner, ()) if due.isocalendar()[:2] == (year, week))
        if len(in_list) + others > limit:
            message = _("{owner} has {count} open items due in week {week} of {year} (more than {limit})").format(
                owner=owner, count=len(in_list) + others, week=week, year=year, limit=limit
            )
            findings.warning(in_list[0].line, "owner", message)
