"""Acceptance (ACC-2…4): walk the checklist, score the rubric, send the feedback, keep every round.

A pass marks the item done; a fail sends it back to in progress with the revision deadline as its
new due date (「请在明天下午5点前修改完成，我们再次评审」). The feedback goes to the owner as an
outbox row in the same transaction; the worker (or the command, right away) delivers it. When the
last item of a meeting passes, the closure agenda goes to the coordinator (CLOSE-1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus
from luodi.domain.scoring import Rubric, RubricError, passed, rubric_from_settings, total
from luodi.domain.workdays import to_local
from luodi.i18n import gettext as _
from luodi.models import AcceptanceRound, Item, OutboxMessage, Person, Project
from luodi.render.feedback import FeedbackView, render_feedback
from luodi.services.accept import checklists, closure, submissions
from luodi.services.audit import Actor, record
from luodi.services.errors import Conflict, InvalidInput
from luodi.services.send.lists import person_view
from luodi.services.track.items import set_status

REVISE_AT = time(17, 0)  # 「明天下午5点前」


@dataclass(frozen=True)
class Verdict:
    """What the coordinator decided: scores, the checklist lines that hold, pass or fail."""

    scores: dict[str, int]
    passed: bool
    checks: Sequence[str] = ()  # positions ("2") or the lines' text
    problems: Sequence[str] = ()
    strengths: Sequence[str] = ()
    suggestions: Sequence[str] = ()
    revise_by: date | None = None
    revise_at: time | None = None


@dataclass
class AcceptResult:
    round: AcceptanceRound
    item: Item
    outbox_ids: list[int] = field(default_factory=list)
    closure_ready: bool = False

    def to_json(self) -> dict[str, Any]:
        return round_public(self.round, self.item) | {"outbox": self.outbox_ids, "closure_ready": self.closure_ready}


def rubric_for(session: Session, item: Item) -> Rubric:
    project = session.get(Project, item.project_id)
    try:
        return rubric_from_settings((project.settings or {}).get("acceptance") if project else None)
    except RubricError as exc:
        raise InvalidInput(str(exc), field=exc.field) from exc


def _positions(lines: list[str], checks: Sequence[str]) -> list[int]:
    found: list[int] = []
    for check in checks:
        text = check.strip()
        if text.isdigit() and 1 <= int(text) <= len(lines):
            position = int(text)
        elif text in lines:
            position = lines.index(text) + 1
        else:
            raise InvalidInput(_("{check!r} is not a line of the checklist (1…{count} or its text)").format(
                check=check, count=len(lines)), field="check")
        if position not in found:
            found.append(position)
    return sorted(found)


def _check_verdict(verdict: Verdict, score: int, rubric: Rubric, today: date) -> None:
    if verdict.passed and not passed(rubric, score):
        raise InvalidInput(_("score {score} is below the pass mark {mark}; use --fail").format(
            score=score, mark=rubric.pass_mark), field="pass")
    if not verdict.passed and (verdict.revise_by is None or verdict.revise_by < today):
        raise InvalidInput(_("a fail needs a revision deadline, today or later (--revise-by)"), field="revise_by")
    if not verdict.passed and not [p for p in verdict.problems if p.strip()]:
        raise InvalidInput(_("a fail needs the problems to fix (--problem)"), field="problem")


def accept(session: Session, item: Item, verdict: Verdict, *, reviewer: Person | None, now: datetime,
           tz: ZoneInfo, template_dir: Path | None = None) -> AcceptResult:
    """Record one acceptance round of the latest submission. Raises InvalidInput, Conflict."""
    if item.status is ItemStatus.DONE:
        raise Conflict(_("{code} is already accepted").format(code=item.code))
    submission = submissions.latest(session, item)
    if submission is None:
        raise Conflict(_("{code} has no submission to accept yet").format(code=item.code))
    rubric = rubric_for(session, item)
    try:
        score = total(rubric, verdict.scores)
    except RubricError as exc:
        raise InvalidInput(str(exc), field=exc.field) from exc
    today = to_local(now, tz).date()
    _check_verdict(verdict, score, rubric, today)
    lines = [row.text for row in checklists.ensure(session, item)]
    number = 1 + (session.scalar(select(func.count()).select_from(AcceptanceRound)
                                 .where(AcceptanceRound.item_id == item.id)) or 0)
    round_ = AcceptanceRound(
        item_id=item.id, number=number, submission_id=submission.id, reviewer_id=reviewer.id if reviewer else None,
        scores=dict(verdict.scores), weights=rubric.weights(), score=score, pass_mark=rubric.pass_mark,
        passed=verdict.passed, checked=_positions(lines, verdict.checks), problems=_clean(verdict.problems),
        strengths=_clean(verdict.strengths), suggestions=_clean(verdict.suggestions),
        revise_by=None if verdict.passed else verdict.revise_by, created_at=now)
    session.add(round_)
    session.flush()
    actor = Actor.person(reviewer.id if reviewer else None, "accept")
    _apply(session, item, round_, verdict, actor=actor, now=now)
    result = AcceptResult(round=round_, item=item)
    row = _feedback_row(session, item, round_, lines, reviewer, verdict.revise_at, now=now, tz=tz,
                        template_dir=template_dir)
    if row is not None:
        round_.feedback_outbox_id = row.id
        result.outbox_ids.append(row.id)
    if verdict.passed and item.meeting_id is not None:
        result.closure_ready, closure_rows = closure.on_item_accepted(session, item.meeting_id, now=now, tz=tz,
                                                                      template_dir=template_dir)
        result.outbox_ids += closure_rows
    return result


def _clean(values: Sequence[str]) -> list[str]:
    return [" ".join(v.split()) for v in values if v.strip()]


def _apply(session: Session, item: Item, round_: AcceptanceRound, verdict: Verdict, *, actor: Actor,
           now: datetime) -> None:
    record(session, actor=actor, at=now, entity="item", entity_id=item.id, item_id=item.id,
           action="accepted" if round_.passed else "revision_requested", field="score", after=round_.score)
    if round_.passed:
        set_status(session, item, ItemStatus.DONE, actor=actor, now=now)
        return
    assert verdict.revise_by is not None
    before = item.due
    item.due, item.due_time, item.updated_at = verdict.revise_by, verdict.revise_at or REVISE_AT, now
    record(session, actor=actor, at=now, entity="item", entity_id=item.id, item_id=item.id, action="revision",
           field="due", before=before, after=item.due)
    set_status(session, item, ItemStatus.IN_PROGRESS, actor=actor, now=now)


def _feedback_row(session: Session, item: Item, round_: AcceptanceRound, lines: list[str],
                  reviewer: Person | None, revise_at: time | None, *, now: datetime, tz: ZoneInfo,
                  template_dir: Path | None) -> OutboxMessage | None:
    owner = item.owner
    if not owner.email:
        return None
    view = FeedbackView(
        passed=round_.passed, code=item.code, title=item.title, owner=person_view(owner),
        reviewer=person_view(reviewer) if reviewer else None, number=round_.number, score=round_.score,
        pass_mark=round_.pass_mark, scores=tuple((k, round_.weights[k], round_.scores[k]) for k in round_.weights),
        checklist=tuple((line, i in round_.checked) for i, line in enumerate(lines, start=1)),
        strengths=tuple(round_.strengths), suggestions=tuple(round_.suggestions), problems=tuple(round_.problems),
        revise_by=round_.revise_by, revise_at=None if round_.passed else (revise_at or REVISE_AT),
        now=to_local(now, tz))
    rendered = render_feedback(view, lang=owner.language, template_dir=template_dir)
    row = OutboxMessage(
        key=f"feedback|i{item.id}|r{round_.number}|p{owner.id}|email", kind="feedback", meeting_id=item.meeting_id,
        recipient_id=owner.id, channel="email", address=owner.email, language=owner.language,
        subject=rendered.subject[:500], body_text=rendered.text, body_html=rendered.html,
        body_markdown=rendered.markdown, payload={"items": [item.id], "round": round_.number},
        next_attempt_at=now, created_at=now)
    session.add(row)
    session.flush()
    return row


def rounds(session: Session, item: Item) -> list[AcceptanceRound]:
    return list(session.scalars(select(AcceptanceRound).where(AcceptanceRound.item_id == item.id)
                                .order_by(AcceptanceRound.number)))


def round_public(round_: AcceptanceRound, item: Item) -> dict[str, Any]:
    """The acceptance JSON of the CLI/API (``score`` is 78 for the article's 4, 5, 3, 3)."""
    return {
        "item": item.code, "round": round_.number, "score": round_.score, "pass_mark": round_.pass_mark,
        "passed": round_.passed, "scores": round_.scores, "weights": round_.weights, "checked": round_.checked,
        "problems": round_.problems, "strengths": round_.strengths, "suggestions": round_.suggestions,
        "revise_by": round_.revise_by.isoformat() if round_.revise_by else None, "status": item.status.value,
        "due": item.due.isoformat(), "feedback_outbox": round_.feedback_outbox_id,
        "at": round_.created_at.isoformat(),
    }
