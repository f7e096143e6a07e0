"""Submissions (ACC-1) and partial delivery (FU-6).

An owner hands in a link (a document, a file share, a draft) with a note. A draft is for early
feedback (the article's trap 5: 允许提前提交draft版本). A partial version (简版) carries the date of
the full one: the coordinator and the owner agreed to move on with it — 「你明天先交一个简版，…完整版
你下周再补充」 — so the item's due date moves to that date (audited) and it counts as in progress.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.enums import ItemStatus
from luodi.domain.scoring import SubmissionKind
from luodi.i18n import gettext as _
from luodi.models import Item, Person, Submission
from luodi.services.audit import Actor, record
from luodi.services.errors import Conflict, InvalidInput
from luodi.services.track.items import set_status

LINK_SCHEMES = ("http", "https", "file", "ftp", "smb")


def check_link(link: str) -> str:
    """A URL (http, https, file, ftp, smb) or a file path; raises InvalidInput naming ``link``."""
    link = link.strip()
    scheme = urlsplit(link).scheme.lower()
    path_like = link.startswith(("/", "\\\\", "~")) or (len(scheme) == 1 and link[1:3] in (":\\", ":/"))
    if not link or any(c.isspace() for c in link) or len(link) > 2000 or not (scheme in LINK_SCHEMES or path_like):
        raise InvalidInput(_("link must be an http(s), file, ftp or smb address or a file path, got {link!r}")
                           .format(link=link), field="link")
    return link


def submit(session: Session, item: Item, person: Person, *, link: str, kind: SubmissionKind, note: str | None,
           full_due: date | None, today: date, now: datetime, via: str = "cli") -> Submission:
    """Record a submission by the item's owner; a partial one moves the due date to ``full_due``.

    Raises InvalidInput (not the owner, bad link, partial without a later full date) and
    Conflict (the item is already accepted).
    """
    if person.id != item.owner_id:
        raise InvalidInput(_("{person} is not the owner of {code}").format(person=person.name, code=item.code),
                           field="as")
    if item.status is ItemStatus.DONE:
        raise Conflict(_("{code} is already accepted").format(code=item.code))
    link = check_link(link)
    if kind is SubmissionKind.PARTIAL and (full_due is None or full_due <= today):
        raise InvalidInput(_("a partial version needs the date of the full one, after today"), field="full_by")
    actor = Actor.person(person.id, via)
    submission = Submission(item_id=item.id, person_id=person.id, kind=kind, link=link,
                            note=(note or "").strip() or None,
                            full_due=full_due if kind is SubmissionKind.PARTIAL else None, created_at=now)
    session.add(submission)
    session.flush()
    record(session, actor=actor, at=now, entity="item", entity_id=item.id, item_id=item.id, action="submitted",
           field=kind.value, after=link)
    if kind is SubmissionKind.PARTIAL and full_due is not None:
        before, item.due, item.updated_at = item.due, full_due, now
        record(session, actor=actor, at=now, entity="item", entity_id=item.id, item_id=item.id,
               action="partial_delivered", field="due", before=before, after=full_due)
    if item.status in (ItemStatus.NOT_STARTED, ItemStatus.AT_RISK) or (
            kind is SubmissionKind.PARTIAL and item.status is ItemStatus.DELAYED):
        set_status(session, item, ItemStatus.IN_PROGRESS, actor=actor, now=now)
    return submission


def latest(session: Session, item: Item) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.item_id == item.id)
                          .order_by(Submission.id.desc()).limit(1))


def list_for(session: Session, item: Item) -> list[Submission]:
    return list(session.scalars(select(Submission).where(Submission.item_id == item.id).order_by(Submission.id)))


def public(submission: Submission, item: Item) -> dict[str, Any]:
    return {
        "id": submission.id, "item": item.code, "kind": submission.kind.value, "link": submission.link,
        "note": submission.note, "full_due": submission.full_due.isoformat() if submission.full_due else None,
        "due": item.due.isoformat(), "status": item.status.value, "submitted_at": submission.created_at.isoformat(),
    }
