"""The acceptance overview (ACC-1…3 at a glance): what was handed in and waits for acceptance, what
failed its last round and waits for a revision, and what was accepted, with its score.

An item waits for acceptance when its latest submission is newer than its latest acceptance round
(or it has no round yet); its state is otherwise its latest round's verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luodi.models import AcceptanceRound, Item, Submission
from luodi.services.accept.closure import latest_rounds


@dataclass(frozen=True)
class Row:
    item: Item
    submitted_at: datetime | None    # the latest submission
    kind: str | None                 # its kind (draft | partial | final)
    score: int | None                # the latest round's score
    pass_mark: int | None
    rounds: int                      # how many rounds so far


@dataclass(frozen=True)
class Overview:
    waiting: list[Row]               # handed in, not yet accepted (oldest submission first)
    revising: list[Row]              # the latest round failed, no newer submission
    accepted: list[Row]              # the latest round passed


def build(session: Session, *, project_ids: Sequence[int] | None) -> Overview:
    """Every item with a submission or a round, in the projects given (None: every project)."""
    latest = select(Submission.item_id, func.max(Submission.id).label("last")).group_by(Submission.item_id)
    if project_ids is not None:
        latest = latest.join(Item, Item.id == Submission.item_id).where(Item.project_id.in_(list(project_ids)))
    last_ids = {item_id: last for item_id, last in session.execute(latest)}
    submissions = {s.item_id: s for s in session.scalars(
        select(Submission).where(Submission.id.in_(list(last_ids.values()))))} if last_ids else {}
    reviewed = select(AcceptanceRound.item_id).distinct()
    if project_ids is not None:
        reviewed = reviewed.join(Item, Item.id == AcceptanceRound.item_id).where(
            Item.project_id.in_(list(project_ids)))
    ids = sorted(set(last_ids) | set(session.scalars(reviewed)))
    rounds = latest_rounds(session, ids)
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(ids)))} if ids else {}
    waiting: list[Row] = []
    revising: list[Row] = []
    accepted: list[Row] = []
    for item_id in ids:
        submission, round_ = submissions.get(item_id), rounds.get(item_id)
        row = Row(item=items[item_id], submitted_at=submission.created_at if submission else None,
                  kind=submission.kind.value if submission else None,
                  score=round_.score if round_ else None, pass_mark=round_.pass_mark if round_ else None,
                  rounds=round_.number if round_ else 0)
        if submission is not None and (round_ is None or (round_.submission_id or 0) < submission.id):
            waiting.append(row)
        elif round_ is not None and round_.passed:
            accepted.append(row)
        elif round_ is not None:
            revising.append(row)
    waiting.sort(key=lambda r: (r.submitted_at.isoformat() if r.submitted_at else "", r.item.id))
    return Overview(waiting=waiting, revising=revising, accepted=accepted)
