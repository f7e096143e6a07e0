"""The channel kinds: kind name → transport class, imported only when first used.

Adding a kind: see the checklist in docs/channels.md (module, templates, registry line, tests,
docs). Lazy import keeps ``import luodi.notify.registry`` cheap for the CLI and the web app,
which only need the names and the config models of the kinds they show.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from luodi.domain.routing import APP_KINDS
from luodi.notify.base import Clock, Transport, TransportError

if TYPE_CHECKING:
    import httpx

    from luodi.config import Settings
    from luodi.notify.appbase import AppTransport
    from luodi.notify.apptoken import TokenCache

# kind → "module:Class"; the order is the order the web form and the docs list them in.
_PATHS: dict[str, str] = {
    "email": "luodi.notify.smtp:EmailTransport",
    "feishu": "luodi.notify.feishu:Feishu",
    "dingtalk": "luodi.notify.dingtalk:DingTalk",
    "wecom": "luodi.notify.wecom:WeCom",
    "slack": "luodi.notify.slack:Slack",
    "webhook": "luodi.notify.webhook:Webhook",
    # App bots: direct messages to one person, credentials from the settings (per organisation).
    "feishu_app": "luodi.notify.feishu_app:FeishuApp",
    "dingtalk_app": "luodi.notify.dingtalk_app:DingTalkApp",
    "wecom_app": "luodi.notify.wecom_app:WeComApp",
}
KINDS: tuple[str, ...] = tuple(_PATHS)


class _LazyTransports(Mapping[str, type[Transport[Any]]]):
    """A read-only dict whose values are imported on first access."""

    def __init__(self, paths: Mapping[str, str]) -> None:
        self._paths, self._loaded = paths, dict[str, type[Transport[Any]]]()

    def __getitem__(self, kind: str) -> type[Transport[Any]]:
        if kind not in self._loaded:
            module, _, name = self._paths[kind].partition(":")
            self._loaded[kind] = getattr(importlib.import_module(module), name)
        return self._loaded[kind]

    def __contains__(self, kind: object) -> bool:  # without importing the module
        return kind in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


TRANSPORTS: Mapping[str, type[Transport[Any]]] = _LazyTransports(_PATHS)


def smtp_values(settings: Settings) -> dict[str, Any]:
    """The email kind's config from the LUODI_SMTP_* settings."""
    return {
        "host": settings.smtp_host,
        "port": settings.smtp_port,
        "user": settings.smtp_user,
        "password": settings.smtp_password,
        "tls": settings.smtp_tls,
        "from_address": settings.smtp_from,
        "timeout": settings.smtp_timeout,
        # A private CA for an intranet mail server.
        "ca_file": str(settings.smtp_ca_file) if settings.smtp_ca_file else None,
    }


def app_values(kind: str, settings: Settings) -> dict[str, Any] | None:
    """An app bot's config from the LUODI_FEISHU_* / LUODI_DINGTALK_* / LUODI_WECOM_* settings,
    or None when the organisation has not set that app up (``Settings.direct_apps``)."""
    if kind not in settings.direct_apps:
        return None
    if kind == "feishu_app":
        return {"app_id": settings.feishu_app_id, "app_secret": settings.feishu_app_secret,
                "base_url": settings.feishu_base_url}
    if kind == "dingtalk_app":
        return {"app_key": settings.dingtalk_app_key, "app_secret": settings.dingtalk_app_secret,
                "agent_id": settings.dingtalk_agent_id, "base_url": settings.dingtalk_base_url,
                "api_base_url": settings.dingtalk_api_base_url, "route_key": settings.dingtalk_card_route_key,
                "card_template_id": settings.dingtalk_card_template_id
                if "dingtalk_app" in settings.callback_apps else None}
    if kind == "wecom_app":
        return {"corp_id": settings.wecom_corp_id, "corp_secret": settings.wecom_corp_secret,
                "agent_id": settings.wecom_agent_id, "base_url": settings.wecom_base_url,
                "interactive": bool(settings.wecom_token and settings.wecom_encoding_aes_key)}
    return None


def config_model(kind: str) -> type[BaseModel]:
    """The pydantic model of a kind's settings (for forms, the API and validation).

    Raises KeyError for an unknown kind.
    """
    return TRANSPORTS[kind].config_type


def build_transport(
    kind: str,
    config: Mapping[str, Any] | None,
    *,
    http: httpx.Client,
    settings: Settings | None = None,
    clock: Clock = time.time,
    tokens: TokenCache | None = None,
) -> Transport[Any]:
    """A ready transport for one channel row (or for email, from the SMTP settings).

    ``config`` is the channel's stored JSON; for ``email`` it is optional and overrides the
    LUODI_SMTP_* ``settings``. An unknown kind or an invalid config raises a permanent
    TransportError (the channel needs a person), whose message names the fields but never
    echoes their values, which may be secrets.
    """
    if kind not in TRANSPORTS:
        raise TransportError(f"unknown channel kind {kind!r}", permanent=True)
    values = dict(config or {})
    if kind == "email" and settings is not None:
        values = smtp_values(settings) | values
    if kind in APP_KINDS and settings is not None:
        values = (app_values(kind, settings) or {}) | values
    try:
        parsed = config_model(kind).model_validate(values)
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or kind}: {e['msg']}" for e in exc.errors())
        raise TransportError(f"invalid {kind} channel config: {fields}", permanent=True) from exc
    if kind in APP_KINDS:
        app: type[AppTransport[Any]] = TRANSPORTS[kind]  # type: ignore[assignment]
        return app(parsed, http=http, clock=clock, tokens=tokens)
    return TRANSPORTS[kind](parsed, http=http, clock=clock)
