"""The registry of kinds, and the shared pieces of notify.base."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from luodi.config import Settings
from luodi.notify.base import (
    Message,
    Transport,
    TransportError,
    parse_retry_after,
    raise_for_status,
    truncate_utf8,
)
from luodi.notify.registry import KINDS, TRANSPORTS, build_transport, config_model
from luodi.notify.smtp import EmailTransport

NOW = 1_790_000_000.0
VALID: dict[str, dict[str, Any]] = {
    "email": {"host": "smtp.example.com", "port": 587, "tls": "starttls"},
    "feishu": {"url": "https://open.feishu.cn/open-apis/bot/v2/hook/abc", "secret": "s"},
    "dingtalk": {"url": "https://oapi.dingtalk.com/robot/send?access_token=abc", "secret": "SECs"},
    "wecom": {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"},
    "slack": {"url": "https://hooks.slack.com/services/T1/B2/abc"},
    "webhook": {"url": "https://example.com/hooks/luodi", "secret": "whsec"},
    "feishu_app": {"app_id": "cli_1", "app_secret": "s"},
    "dingtalk_app": {"app_key": "k", "app_secret": "s", "agent_id": 1},
    "wecom_app": {"corp_id": "ww1", "corp_secret": "s", "agent_id": 1000002},
}


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False) as client:
        yield client


def test_every_kind_is_registered_once_in_the_documented_order() -> None:
    assert KINDS == ("email", "feishu", "dingtalk", "wecom", "slack", "webhook",
                     "feishu_app", "dingtalk_app", "wecom_app")
    assert list(TRANSPORTS) == list(KINDS) and len(TRANSPORTS) == 9


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_builds_from_its_config_and_knows_its_name(kind: str, http: httpx.Client) -> None:
    transport = build_transport(kind, VALID[kind], http=http)
    assert isinstance(transport, Transport) and type(transport) is TRANSPORTS[kind]
    assert transport.kind == kind
    assert isinstance(transport.config, config_model(kind))


def test_importing_the_registry_imports_no_channel_module() -> None:
    code = (
        "import sys, luodi.notify.registry as r; assert 'slack' in r.TRANSPORTS and list(r.KINDS); "
        "print(sorted(m for m in sys.modules if m.startswith('luodi.notify.') and m not in "
        "('luodi.notify.registry', 'luodi.notify.base')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_unknown_kind_is_a_permanent_error(http: httpx.Client) -> None:
    with pytest.raises(TransportError) as caught:
        build_transport("pager", {}, http=http)
    assert caught.value.permanent


def test_invalid_config_is_permanent_names_the_field_and_never_echoes_a_value(http: httpx.Client) -> None:
    with pytest.raises(TransportError) as caught:
        build_transport("feishu", {"url": "not a url with s3cret-token", "secret": "s3cret-key", "sekret": 1},
                        http=http)
    assert caught.value.permanent
    assert "url" in caught.value.message and "sekret" in caught.value.message
    assert "s3cret" not in caught.value.message


def test_email_config_comes_from_the_smtp_settings(http: httpx.Client) -> None:
    settings = Settings(
        secret_key=SecretStr("test-secret-key-0123456789"), database_url="sqlite:///:memory:",
        smtp_host="mail.example.com", smtp_port=465, smtp_tls="ssl", smtp_user="luodi",
        smtp_password=SecretStr("pw"), smtp_from="落地 <luodi@example.com>", smtp_timeout=3.0,
    )
    transport = build_transport("email", None, http=http, settings=settings)
    assert isinstance(transport, EmailTransport)
    config = transport.config
    assert (config.host, config.port, config.tls, config.user, config.timeout) == (
        "mail.example.com", 465, "ssl", "luodi", 3.0)
    assert config.password is not None and config.password.get_secret_value() == "pw"
    assert config.from_address == "落地 <luodi@example.com>"
    overridden = build_transport("email", {"port": 2525}, http=http, settings=settings)
    assert overridden.config.port == 2525 and overridden.config.host == "mail.example.com"


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(400, True), (401, True), (403, True), (404, True), (410, True), (408, False), (429, False),
     (500, False), (502, False), (503, False)],
)
def test_status_mapping(status: int, permanent: bool) -> None:
    with pytest.raises(TransportError) as caught:
        raise_for_status(httpx.Response(status, text="channel_is_archived"), kind="slack", now=NOW)
    assert caught.value.permanent is permanent
    assert caught.value.message == f"slack: HTTP {status} channel_is_archived"


@pytest.mark.parametrize("status", [200, 201, 204])
def test_2xx_is_success(status: int) -> None:
    raise_for_status(httpx.Response(status), kind="webhook", now=NOW)


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    later = format_datetime(datetime.fromtimestamp(NOW, UTC) + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after("120", NOW) == 120.0
    assert parse_retry_after(later, NOW) == 90.0
    assert parse_retry_after("soon", NOW) is None and parse_retry_after(None, NOW) is None
    with pytest.raises(TransportError) as caught:
        raise_for_status(httpx.Response(503, headers={"Retry-After": later}), kind="webhook", now=NOW)
    assert caught.value.retry_after == 90.0


@pytest.mark.parametrize("limit", [1, 5, 8, 13, 100])
def test_truncation_counts_bytes_and_never_splits_a_character(limit: int) -> None:
    text = "逾期事项说明abc" * 10
    cut = truncate_utf8(text, limit)
    assert len(cut.encode("utf-8")) <= max(limit, len("…".encode()))
    assert cut.endswith("…") and text.startswith(cut[:-1])
    assert truncate_utf8("short", 100) == "short"


def test_message_im_body_prefers_markdown() -> None:
    assert Message("<a@b>", "s", "plain", markdown="**md**").im_body == "**md**"
    assert Message("<a@b>", "s", "plain").im_body == "plain"
