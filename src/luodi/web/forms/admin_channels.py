"""The channels page's forms: add a group robot or webhook, send a test message now (admins only).
One transaction each, through ``services.send.channels`` and ``worker.runner.test_channel`` (the
real notify code), as ``luodi channel add`` and ``luodi channel test``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from luodi.i18n import use_language
from luodi.services.audit import Actor
from luodi.services.errors import InvalidInput, NotFound
from luodi.services.send import channels
from luodi.web.auth import CsrfProtected, CurrentViewer
from luodi.web.deps import ClockDep, SessionDep, SettingsDep, see_other
from luodi.web.pages.admin_channels import channels_page
from luodi.web.pages.admin_contexts import Refusal
from luodi.web.templating import request_language
from luodi.worker.runner import test_channel

router = APIRouter(include_in_schema=False, dependencies=[CsrfProtected])
ChannelId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=2000)]


@router.post("/admin/channels", response_model=None)
def add_channel(request: Request, session: SessionDep, clock: ClockDep, viewer: CurrentViewer,
                name: Text = "", kind: Text = "", url: Long = "", secret: Long = "", project: Text = "",
                keyword: Text = "") -> Response:
    """``luodi channel add``: a refused form comes back without its URL and secret (they are secrets)."""
    viewer.require_admin()
    with use_language(request_language(request)):   # the service's messages in the page's language
        try:
            channel = channels.add(session, name=name, kind=kind, url=url.strip(), secret=secret.strip() or None,
                                   project=project or None, now=clock.now(), keyword=keyword or None,
                                   actor=Actor.person(viewer.person_id, "web"))
        except (InvalidInput, NotFound) as exc:
            session.rollback()
            values = {"name": name, "kind": kind, "project": project, "keyword": keyword}
            return channels_page(request, session, viewer, refusal=Refusal("add-channel", exc.field, exc.message),
                                 values=values)
    session.commit()
    return see_other(f"/admin/channels#channel-{channel.id}")


@router.post("/admin/channels/{channel_id}/test", response_model=None)
def test_message(channel_id: ChannelId, request: Request, session: SessionDep, clock: ClockDep,
                 settings: SettingsDep, viewer: CurrentViewer) -> Response:
    """``luodi channel test``: sent now through the channel's notify transport; the outcome is shown."""
    viewer.require_admin()
    with use_language(request_language(request)):
        name = channels.get_by_id(session, channel_id).name
        error = test_channel(session, name, settings=settings, now=clock.now(),
                             actor=Actor.person(viewer.person_id, "web"))
        return channels_page(request, session, viewer, tested={"channel": name, "error": error or ""})
