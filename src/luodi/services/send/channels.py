"""Group bots and webhooks (INT-2): add, list, the recent delivery failures of a channel.

Delivery itself, and the test message, are the worker's (notify/, ``worker/runner.py``). The CLI
(``luodi channel …``) and the admin's channels page (``web/pages/admin_channels.py``) call these.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.enums import OutboxStatus
from luodi.domain.routing import APP_KINDS
from luodi.i18n import gettext as _
from luodi.models import Channel, OutboxMessage, Project
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput, NotFound

KINDS = ("feishu", "dingtalk", "wecom", "slack", "webhook")


def add(session: Session, *, name: str, kind: str, url: str, secret: str | None, project: str | None,
        now: datetime, keyword: str | None = None, actor: Actor | None = None) -> Channel:
    name = name.strip()
    if not name or name == "email" or name in APP_KINDS:
        raise InvalidInput(_("channel name must be non-empty and not 'email' or an app bot's name"),
                           field="name")
    if kind not in KINDS:
        raise InvalidInput(_("kind must be one of {kinds}").format(kinds=", ".join(KINDS)), field="kind")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidInput(_("url must be an http(s) address"), field="url")
    if session.scalar(select(Channel.id).where(Channel.name == name)) is not None:
        raise InvalidInput(_("a channel called {name!r} exists").format(name=name), field="name")
    project_id = None
    if project:
        project_id = session.scalar(select(Project.id).where(Project.name == project))
        if project_id is None:
            raise NotFound("project", project)
    config: dict[str, Any] = {"url": url}
    if secret:
        config["secret"] = secret
    if keyword and keyword.strip():
        if kind not in ("feishu", "dingtalk", "wecom"):
            raise InvalidInput(_("a keyword is for Feishu, DingTalk and WeCom group robots"), field="keyword")
        config["keyword"] = keyword.strip()
    channel = Channel(name=name, kind=kind, project_id=project_id, config=config, created_at=now)
    session.add(channel)
    session.flush()
    record(session, actor=actor or Actor.system("cli"), at=now, entity="channel", entity_id=channel.id,
           action="created", after=f"{kind}@{project or '*'}")
    return channel


def get(session: Session, name: str) -> Channel:
    channel = session.scalar(select(Channel).where(Channel.name == name))
    if channel is None:
        raise NotFound("channel", name)
    return channel


def get_by_id(session: Session, channel_id: int) -> Channel:
    channel = session.get(Channel, channel_id)
    if channel is None:
        raise NotFound("channel", channel_id)
    return channel


def failures(session: Session, names: list[str], *, per_channel: int = 5) -> dict[str, list[dict[str, Any]]]:
    """The newest messages dead, or waiting for a retry after an error, per channel name ("email", an app bot's kind,
    a channel's name): what the outbox says went wrong, ``per_channel`` each, newest first."""
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for name in names:
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.channel == name,
            (OutboxMessage.status == OutboxStatus.DEAD)
            | (OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING))
               & OutboxMessage.last_error.is_not(None)))
            .order_by(OutboxMessage.id.desc()).limit(per_channel))
        found[name] = [{"id": row.id, "status": row.status.value, "subject": row.subject, "attempts": row.attempts,
                        "last_error": (row.last_error or "")[:300], "created_at": row.created_at,
                        "next_attempt_at": row.next_attempt_at} for row in rows]
    return found


def list_public(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Channel, Project.name).outerjoin(Project, Project.id == Channel.project_id).order_by(Channel.name)
    ).all()
    return [
        {"id": c.id, "name": c.name, "kind": c.kind, "project": project, "enabled": c.enabled,
         "needs_attention": c.needs_attention, "last_error": c.last_error,
         "url": _mask(str(c.config.get("url", ""))), "signed": bool(c.config.get("secret")),
         "keyword": c.config.get("keyword")}
        for c, project in rows
    ]


def _mask(url: str) -> str:
    """Webhook URLs carry access tokens: show the host and the path's start only."""
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}{parsed.path[:12]}…" if parsed.netloc else ""
