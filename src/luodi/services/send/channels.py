"""Group bots and webhooks (INT-2): add, list. Delivery itself is the worker's (notify/)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.routing import APP_KINDS
from luodi.i18n import gettext as _
from luodi.models import Channel, Project
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput, NotFound

KINDS = ("feishu", "dingtalk", "wecom", "slack", "webhook")


def add(session: Session, *, name: str, kind: str, url: str, secret: str | None, project: str | None,
        now: datetime, keyword: str | None = None) -> Channel:
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
    record(session, actor=Actor.system("cli"), at=now, entity="channel", entity_id=channel.id, action="created")
    return channel


def get(session: Session, name: str) -> Channel:
    channel = session.scalar(select(Channel).where(Channel.name == name))
    if channel is None:
        raise NotFound("channel", name)
    return channel


def list_public(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Channel, Project.name).outerjoin(Project, Project.id == Channel.project_id).order_by(Channel.name)
    ).all()
    return [
        {"name": c.name, "kind": c.kind, "project": project, "enabled": c.enabled,
         "needs_attention": c.needs_attention, "last_error": c.last_error,
         "url": _mask(str(c.config.get("url", ""))), "signed": bool(c.config.get("secret")),
         "keyword": c.config.get("keyword")}
        for c, project in rows
    ]


def _mask(url: str) -> str:
    """Webhook URLs carry access tokens: show the host and the path's start only."""
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}{parsed.path[:12]}…" if parsed.netloc else ""
