"""The admin's channels page: the organisation's and each project's group robots and webhooks, the
IM app bots and email, their recent delivery failures from the outbox, a form to add a channel and
a test message per channel (admins only). Forms: ``web/forms/admin_channels.py``; both go through
``services.send.channels`` and ``worker.runner.test_channel`` like ``luodi channel …``.

Secrets are never shown: a webhook URL by its host and the path's start, a signing secret as
"signed", an app by its id's first characters, email without its password.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from luodi.config import Settings
from luodi.domain.routing import APP_KINDS
from luodi.services.accounts import users as accounts
from luodi.services.accounts.access import Viewer
from luodi.services.send import channels
from luodi.web.auth import CurrentViewer
from luodi.web.deps import ReadSessionDep
from luodi.web.pages.admin_contexts import ChannelsPage, Refusal
from luodi.web.templating import render

router = APIRouter(include_in_schema=False)
_APP_IDS = {"feishu_app": "feishu_app_id", "dingtalk_app": "dingtalk_app_key", "wecom_app": "wecom_corp_id"}


def _start(value: object) -> str:
    text = "" if value is None else str(value)
    return f"{text[:4]}…" if text else ""


def channels_page(request: Request, session: Session, viewer: Viewer, *, refusal: Refusal | None = None,
                  values: dict[str, str] | None = None, tested: dict[str, str] | None = None) -> HTMLResponse:
    viewer.require_admin()
    settings: Settings = request.app.state.settings
    rows = channels.list_public(session)
    groups: dict[str | None, list[dict[str, Any]]] = {None: []}
    for row in rows:
        groups.setdefault(row["project"], []).append(row)
    configured = settings.direct_apps
    apps = [{"kind": kind, "configured": kind in configured, "app_id": _start(getattr(settings, _APP_IDS[kind]))}
            for kind in APP_KINDS]
    email = {"host": settings.smtp_host, "port": settings.smtp_port, "tls": settings.smtp_tls,
             "sender": settings.smtp_from, "user": settings.smtp_user or ""}
    names = ["email", *APP_KINDS, *(row["name"] for row in rows)]
    page = ChannelsPage(groups=dict(sorted(groups.items(), key=lambda p: (p[0] is not None, p[0] or ""))),
                        apps=apps, email=email, failures=channels.failures(session, names),
                        projects=accounts.project_names(session), kinds=channels.KINDS, tz=settings.tz,
                        values=values or {}, refusal=refusal, tested=tested)
    return render(request, "admin/channels.html", status_code=400 if refusal else 200, page=page)


@router.get("/admin/channels", response_class=HTMLResponse)
def channels_list(request: Request, session: ReadSessionDep, viewer: CurrentViewer) -> HTMLResponse:
    return channels_page(request, session, viewer)
