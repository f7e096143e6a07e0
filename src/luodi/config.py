"""Settings: environment variables with the prefix ``LUODI_``, or a ``luodi.toml`` file.

Every field has a description; ``luodi config show`` and docs/configuration.md list them.
Over 300 lines: one settings class, each field with its description, and the checks across fields
(placeholder keys, production mode) beside the fields they read.
"""

from __future__ import annotations

import os
from datetime import datetime
from datetime import time as dt_time
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from luodi.clock import Clock, FrozenClock, SystemClock
from luodi.i18n import N_

PLACEHOLDER_SECRETS = {"", "change-me", "changethis", "secret"}
# Production refuses these too: the keys of the docs, the demo and the tests (anyone can read them).
DEMO_SECRETS = PLACEHOLDER_SECRETS | {"demo", "luodi", "luodi-demo", "dev", "development", "test-secret-key-0123456789"}
MIN_PRODUCTION_KEY_LENGTH = 32
DEMO_DATABASE = "demo.db"   # the file `luodi demo` creates

# luodi's own checks of the settings: the error type, and its English sentence, which the CLI shows
# in the user's language (luodi.cli.reasons) from the error's type and values.
CHECKS: dict[str, str] = {
    "unknown_time_zone": N_("unknown time zone '{value}'"),
    "naive_datetime": N_("give the time zone offset, e.g. 2026-09-26T16:10+08:00"),
    "hh_mm": N_("expected HH:MM, got '{value}'"),
    "placeholder_secret": N_("{name} is the placeholder '{key}': set a real secret, unset it to have one "
                             "generated, or set LUODI_DEV_MODE=1 for development"),
    "production_refused": N_("LUODI_ENV=production refuses to start: {problems}"),
}
# What LUODI_ENV=production refuses, each reason by its code.
PRODUCTION_PROBLEMS: dict[str, str] = {
    "no_key": N_("LUODI_SECRET_KEY is not set (every host must sign with the same key)"),
    "demo_key": N_("{name} is a demo or placeholder key"),
    "short_key": N_("{name} is shorter than {length} characters"),
    "http": N_("LUODI_BASE_URL is not https ({url})"),
    "demo_database": N_("LUODI_DATABASE_URL is the demo database ({name})"),
    "dev_mode": N_("LUODI_DEV_MODE is on"),
}


def refused(kind: str, **values: Any) -> PydanticCustomError:
    """A settings error of one of :data:`CHECKS`, with the values its sentence names."""
    return PydanticCustomError(kind, CHECKS[kind], values)


def config_file() -> Path:
    """The optional TOML file: LUODI_CONFIG, else ./luodi.toml (read when settings are made)."""
    return Path(os.environ.get("LUODI_CONFIG", "luodi.toml"))


def default_data_dir() -> Path:
    """Where the embedded SQLite database lives unless LUODI_DATABASE_URL says otherwise."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "luodi"


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'luodi.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LUODI_", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL. Default: a SQLite file in ~/.local/share/luodi/luodi.db; "
        "postgresql+psycopg://… for a team",
    )
    secret_key: SecretStr = Field(
        SecretStr(""), description="Signs confirmation links; generated into the data dir if unset (set it on "
        "every host of a team). Web sessions are random ids kept in the database, not signed"
    )
    secret_keys: SecretStr = Field(
        SecretStr(""), description="Key rotation: comma-separated keys, newest first. The first signs; every one "
        "(and LUODI_SECRET_KEY) still verifies the links signed before, until they expire")
    env: Literal["development", "production"] = Field(
        "development", description="production: refuse to start with a missing, short (< 32 characters) or demo "
        "secret key, a LUODI_BASE_URL that is not https, the demo database or LUODI_DEV_MODE; /api/docs off")
    api_docs: bool | None = Field(
        None, description="Serve the API reference page /api/docs (default: on, off when LUODI_ENV=production)")
    base_url: str = Field("http://127.0.0.1:8000",
                          description="Public address used in links inside emails and in the calendar feed URLs")
    timezone: str = Field("Asia/Shanghai", description="The organisation's time zone (IANA name)")
    language: Literal["zh", "en"] = Field("zh", description="Default language of pages and messages")
    smtp_host: str = Field("127.0.0.1", description="SMTP server host")
    smtp_port: int = Field(25, description="SMTP server port")
    smtp_user: str | None = Field(None, description="SMTP user name (optional)")
    smtp_password: SecretStr | None = Field(None, description="SMTP password (optional)")
    smtp_tls: Literal["none", "starttls", "ssl"] = Field("none", description="SMTP transport security")
    smtp_from: str = Field("luodi <luodi@localhost>", description="From address of every email")
    smtp_timeout: float = Field(10.0, description="Seconds before an SMTP connection attempt gives up")
    smtp_ca_file: Path | None = Field(
        None, description="PEM CA bundle to trust for the SMTP server's certificate instead of the system's"
    )
    confirm_deadline: str = Field(
        "18:00", description="Local time of day by which owners confirm, on the day the list is sent"
    )
    token_max_age_days: int = Field(7, description="Days a confirmation link stays valid")
    session_idle_hours: float = Field(12, gt=0, description="A web login ends after this many hours with no request")
    session_max_days: float = Field(7, gt=0, description="A web login ends this many days after it began, busy or not")
    calendar: Literal["china", "weekends", "none"] = Field("china", description="Working-day calendar")
    calendar_overrides: Path | None = Field(None, description="File of extra holidays/working days")
    quiet_hours: str | None = Field("21:00-08:00", description="Local hours when nothing is sent (HH:MM-HH:MM)")
    template_dir: Path | None = Field(None, description="Folder whose templates override the packaged ones")
    max_open_per_week: int = Field(5, description="Lint warns when an owner has more open items due in one week")
    end_of_day: dt_time = Field(dt_time(18, 0), description="What 下班前 / EOD means in a due date (HH:MM)")
    llm_url: str | None = Field(
        None, description="An OpenAI-compatible chat API (e.g. http://llm.internal/v1) that `meeting extract --llm` "
        "may ask for candidates; unset: the rules only, offline")
    llm_model: str | None = Field(None, description="The model name sent to LUODI_LLM_URL")
    llm_api_key: SecretStr | None = Field(None, description="Bearer key for LUODI_LLM_URL (optional)")
    lease_seconds: int = Field(300, description="A claimed message is claimed again after this many seconds")
    max_attempts: int = Field(8, description="Delivery attempts before a message is marked dead")
    backoff_seconds: float = Field(30.0, description="First retry delay; doubles each attempt (with jitter)")
    heartbeat_seconds: float = Field(
        10.0, gt=0, description="A worker's heartbeat interval; its claims are taken back after three missed beats"
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines of luodi serve and luodi worker: text, or json (one object a line, with the "
        "request_id of the web request, X-Request-ID)")
    metrics_token: SecretStr | None = Field(
        None, description="Bearer token for /internal/metrics (Prometheus); unset: only loopback and private "
        "addresses may scrape")
    worker_metrics_address: str | None = Field(
        None, description="HOST:PORT where luodi worker serves its own Prometheus metrics (plan-step duration) at "
        "/metrics; unset: off")
    clock: datetime | None = Field(
        None, description="Freeze the clock at this moment (ISO-8601 with offset): rehearsals, replays, tests"
    )
    dev_mode: bool = Field(
        False, description="Accepts a placeholder LUODI_SECRET_KEY (change-me, secret …); never in production"
    )
    # IM app bots for direct messages (docs/channels.md); each is off until its id and secret are set.
    feishu_app_id: str | None = Field(None, description="Feishu/Lark custom app: App ID (cli_…)")
    feishu_app_secret: SecretStr | None = Field(None, description="Feishu/Lark custom app: App Secret")
    feishu_base_url: str = Field("https://open.feishu.cn", description="Feishu API address (Lark: open.larksuite.com)")
    feishu_verification_token: SecretStr | None = Field(
        None, description="Feishu app: Verification Token checked on card callbacks")
    feishu_encrypt_key: SecretStr | None = Field(
        None, description="Feishu app: Encrypt Key; callbacks are then signed and encrypted")
    dingtalk_app_key: str | None = Field(None, description="DingTalk internal app: AppKey (Client ID)")
    dingtalk_app_secret: SecretStr | None = Field(None, description="DingTalk internal app: AppSecret")
    dingtalk_agent_id: int | None = Field(None, description="DingTalk internal app: AgentId")
    dingtalk_base_url: str = Field("https://oapi.dingtalk.com", description="DingTalk server API address")
    dingtalk_api_base_url: str = Field(
        "https://api.dingtalk.com", description="DingTalk new server API address (interactive cards)")
    dingtalk_card_template_id: str | None = Field(
        None, description="DingTalk app: the published card template (卡片平台) whose 确认收到 acts in place")
    dingtalk_card_callback_secret: SecretStr | None = Field(
        None, description="DingTalk app: the apiSecret the card callback route was registered with")
    dingtalk_card_route_key: str = Field(
        "luodi", description="DingTalk app: the callbackRouteKey registered for /callbacks/dingtalk")
    wecom_corp_id: str | None = Field(None, description="WeCom: the company's CorpID")
    wecom_corp_secret: SecretStr | None = Field(None, description="WeCom self-built app: Secret")
    wecom_agent_id: int | None = Field(None, description="WeCom self-built app: AgentId")
    wecom_base_url: str = Field("https://qyapi.weixin.qq.com", description="WeCom server API address")
    wecom_token: SecretStr | None = Field(None, description="WeCom app callback: Token (signs callbacks)")
    wecom_encoding_aes_key: SecretStr | None = Field(
        None, description="WeCom app callback: EncodingAESKey (43 characters; encrypts callbacks)")

    # The mailbox that receives replies to luodi's email (docs/configuration.md); off until the host is set.
    imap_host: str | None = Field(None, description="IMAP server of the replies mailbox (off when unset)")
    imap_port: int = Field(993, description="IMAP port (993 for SSL, 143 for STARTTLS or none)")
    imap_user: str | None = Field(None, description="IMAP login of the replies mailbox")
    imap_password: SecretStr | None = Field(None, description="IMAP password of the replies mailbox")
    imap_tls: Literal["none", "starttls", "ssl"] = Field("ssl", description="IMAP transport security")
    imap_folder: str = Field("INBOX", description="The folder replies arrive in")
    imap_address: str | None = Field(
        None, description="The replies mailbox's address: list emails get Reply-To its plus-tagged form")
    imap_poll_seconds: float = Field(
        60.0, gt=0, description="Seconds between checks when the server offers no IDLE (and the IDLE refresh)")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_file()))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise refused("unknown_time_zone", value=value) from exc
        return value

    @field_validator("clock")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise refused("naive_datetime")
        return value

    @field_validator("confirm_deadline")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        hour, _, minute = value.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise refused("hh_mm", value=value)
        return value

    @model_validator(mode="after")
    def _secret(self) -> Self:
        """Unset: a generated per-installation secret. A placeholder (``change-me``…) signs links
        anyone can forge, so it is refused unless LUODI_DEV_MODE is on. LUODI_ENV=production
        refuses every unsafe setting at once, in one line (:meth:`production_problems`)."""
        if self.env == "production" and (found := self.production_problem_codes()):
            raise refused("production_refused", codes=found,
                          problems="; ".join(PRODUCTION_PROBLEMS[code].format(**v) for code, v in found))
        value = self.secret_key.get_secret_value()
        rotation = self._rotation_keys()
        for name, key in [("LUODI_SECRET_KEY", value), *(("LUODI_SECRET_KEYS", k) for k in rotation)]:
            if key and key in PLACEHOLDER_SECRETS and not self.dev_mode:
                raise refused("placeholder_secret", name=name, key=key)
        if value == "" and not rotation:
            self.secret_key = SecretStr(_stored_secret(self.database_url))
        return self

    def _rotation_keys(self) -> list[str]:
        return [key.strip() for key in self.secret_keys.get_secret_value().split(",") if key.strip()]

    @property
    def signing_keys(self) -> tuple[str, ...]:
        """The keys of confirmation links, newest first: the first signs, every one verifies
        (LUODI_SECRET_KEYS, then LUODI_SECRET_KEY as the oldest). Rotating keeps old links valid
        until they expire; web sessions are random ids stored in the database, not signed, so a
        rotation logs nobody out."""
        keys = self._rotation_keys()
        value = self.secret_key.get_secret_value()
        if value and value not in keys:
            keys.append(value)
        return tuple(keys)

    def production_problems(self) -> list[str]:
        """What LUODI_ENV=production refuses, each as a short reason (empty: safe to start)."""
        return [PRODUCTION_PROBLEMS[code].format(**values) for code, values in self.production_problem_codes()]

    def production_problem_codes(self) -> list[tuple[str, dict[str, Any]]]:
        """The same reasons as codes of :data:`PRODUCTION_PROBLEMS` with their values."""
        problems: list[tuple[str, dict[str, Any]]] = []
        keys = [("LUODI_SECRET_KEYS", k) for k in self._rotation_keys()]
        if value := self.secret_key.get_secret_value():
            keys.append(("LUODI_SECRET_KEY", value))
        if not keys:
            problems.append(("no_key", {}))
        for name, key in keys:
            if key.lower() in DEMO_SECRETS or key.lower().startswith("change-me"):   # the example files' keys
                problems.append(("demo_key", {"name": name}))
            elif len(key) < MIN_PRODUCTION_KEY_LENGTH:
                problems.append(("short_key", {"name": name, "length": MIN_PRODUCTION_KEY_LENGTH}))
        if not self.base_url.startswith("https://"):
            problems.append(("http", {"url": self.base_url}))
        if self.database_url.startswith("sqlite") and Path(self.database_url.split("///")[-1]).name == DEMO_DATABASE:
            problems.append(("demo_database", {"name": DEMO_DATABASE}))
        if self.dev_mode:
            problems.append(("dev_mode", {}))
        return problems

    @property
    def api_docs_served(self) -> bool:
        """Whether /api/docs is served: LUODI_API_DOCS, else on except in production."""
        return self.api_docs if self.api_docs is not None else self.env != "production"

    def make_clock(self) -> Clock:
        """The one clock of a process: frozen when LUODI_CLOCK is set, else the system's."""
        return FrozenClock(self.clock) if self.clock else SystemClock()

    @property
    def direct_apps(self) -> tuple[str, ...]:
        """The IM app bots set up for direct messages (their id and secret are set)."""
        found = []
        if self.feishu_app_id and self.feishu_app_secret:
            found.append("feishu_app")
        if self.dingtalk_app_key and self.dingtalk_app_secret and self.dingtalk_agent_id:
            found.append("dingtalk_app")
        if self.wecom_corp_id and self.wecom_corp_secret and self.wecom_agent_id:
            found.append("wecom_app")
        return tuple(found)

    @property
    def callback_apps(self) -> tuple[str, ...]:
        """The app bots whose card callbacks are set up: their 确认收到 button acts in place.

        Feishu: a Verification Token or an Encrypt Key (docs/channels.md); DingTalk: a card template
        and the card callback's apiSecret (its 工作通知 ActionCard buttons are links only); WeCom: the
        callback Token and EncodingAESKey.
        """
        found = []
        if "feishu_app" in self.direct_apps and (self.feishu_verification_token or self.feishu_encrypt_key):
            found.append("feishu_app")
        if "dingtalk_app" in self.direct_apps and self.dingtalk_card_template_id and self.dingtalk_card_callback_secret:
            found.append("dingtalk_app")
        if "wecom_app" in self.direct_apps and self.wecom_token and self.wecom_encoding_aes_key:
            found.append("wecom_app")
        return tuple(found)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def public(self) -> dict[str, Any]:
        """Settings for display: secrets masked."""
        shown: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            shown[name] = "********" if isinstance(value, SecretStr) else value
        return shown


def _stored_secret(database_url: str) -> str:
    """A per-installation random secret kept next to the data (so links survive restarts).

    Used only when LUODI_SECRET_KEY is not set. For PostgreSQL deployments with several hosts,
    set LUODI_SECRET_KEY explicitly: every host must sign with the same key.
    """
    import secrets

    folder = default_data_dir()
    if database_url.startswith("sqlite:///") and not database_url.endswith(":memory:"):
        folder = Path(database_url.removeprefix("sqlite:///")).expanduser().resolve().parent
    path = folder / ".luodi-secret"
    if path.exists():
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
