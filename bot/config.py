"""Settings, read from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,}$")
# Telegram's rule for a webhook's secret_token.
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SUPPORTED_LOCALES = ("ru", "en")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/nastavnik.db"
# The async drivers we ship, by database: a URL naming another driver cannot work.
DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
DATABASE_URL_EXAMPLES = (
    "sqlite+aiosqlite:///./data/nastavnik.db or postgresql+asyncpg://user:password@host:5432/db"
)


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for a person."""


def check_database_url(value: str) -> str:
    """A URL SQLAlchemy can parse, naming one of our async drivers."""
    try:
        url = make_url(value.strip())
    except ArgumentError:
        raise ValueError(f"not a database URL; use {DATABASE_URL_EXAMPLES}") from None
    backend, driver = url.get_backend_name(), url.get_driver_name()
    if backend not in DRIVERS:
        raise ValueError(f"{backend} is not supported; use {DATABASE_URL_EXAMPLES}")
    if driver != DRIVERS[backend]:
        raise ValueError(f"write it as {backend}+{DRIVERS[backend]}://…")
    return value.strip()


class DatabaseSettings(BaseSettings):
    """What the migration command needs: the database, from the environment or `.env`."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = DEFAULT_DATABASE_URL

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return check_database_url(value)


class Settings(DatabaseSettings):
    bot_token: SecretStr
    redis_url: str | None = None
    redis_prefix: str = "nastavnik"
    telegram_api_url: str = "https://api.telegram.org"
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    default_timezone: str = "Europe/Moscow"
    default_locale: str = "ru"
    log_level: str = "INFO"
    extra_forms_file: Path | None = None
    # A folder of questionnaire files used instead of the shipped bot/catalog/questionnaires.
    questionnaires_dir: Path | None = None
    matching_file: Path | None = None
    invite_ttl_days: int = Field(default=30, ge=1, le=365)
    # The one send budget (bot/telegram/budget.py): messages per second overall, answers and
    # notifications together, shared by every process through Redis (Telegram allows about
    # 30), and the seconds between two messages to one chat (0: no per-chat pace).
    send_rate_per_second: float = Field(default=25, gt=0, le=1000)
    send_seconds_per_chat: float = Field(default=1.0, ge=0, le=60)
    # The sweep interval.
    scheduler_tick_seconds: float = Field(default=30, gt=0, le=3600)
    # Processes that draw charts and workbooks off the event loop (0 = one thread instead).
    render_workers: int = Field(default=2, ge=0, le=16)
    # Webhook mode (bot/webhook.py): the public HTTPS address Telegram posts updates to (its
    # path is the path served), the secret Telegram sends back with every update, and the
    # host:port this process listens on. Without WEBHOOK_URL the bot polls.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0:8080"

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        if not token:
            raise ValueError("empty")  # `BOT_TOKEN=` as .env.example has it: "not set"
        if not TOKEN_PATTERN.match(token):
            raise ValueError("malformed")
        return SecretStr(token)

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        url = urlsplit(value.strip())
        if url.scheme not in {"https", "http"} or not url.hostname:
            raise ValueError("must be the public https://… address Telegram will call")
        return value.strip()

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not SECRET_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError("1–256 characters: letters A–Z, a–z, digits, _ and -")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, _, port = value.strip().rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("write it as host:port, e.g. 0.0.0.0:8080")
        return value.strip()

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_SECRET must be set with WEBHOOK_URL "
                "(Telegram sends it back; requests without it are refused)"
            )
        return self

    @property
    def listen_address(self) -> tuple[str, int]:
        host, _, port = self.webhook_listen.rpartition(":")
        return host.strip("[]"), int(port)

    @property
    def webhook_path(self) -> str:
        return urlsplit(self.webhook_url or "").path or "/"

    @property
    def bot_id(self) -> int:
        return int(self.bot_token.get_secret_value().split(":", 1)[0])

    @field_validator("extra_forms_file", "matching_file")
    @classmethod
    def _forms_file_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value.strip()) if p]
            return frozenset(int(p) for p in parts)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ValueError("unknown time zone") from exc
        return value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @property
    def telegram_api_base(self) -> str:
        return self.telegram_api_url.rstrip("/")


def load_settings() -> Settings:
    """Read settings or raise ConfigError with one line saying what to set and where."""
    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as exc:
        raise _config_error(exc) from None


def load_database_url() -> str:
    """DATABASE_URL as the bot reads it (environment, then `.env`, then the default)."""
    try:
        return DatabaseSettings().database_url
    except ValidationError as exc:
        raise _config_error(exc) from None


def _config_error(exc: ValidationError) -> ConfigError:
    first = exc.errors()[0]
    name = str(first["loc"][0]).upper() if first["loc"] else "settings"
    if name == "BOT_TOKEN" and (first["type"] == "missing" or "empty" in first["msg"]):
        return ConfigError(
            "BOT_TOKEN is not set: put BOT_TOKEN=<token from @BotFather> "
            "in the environment or in .env"
        )
    if name == "BOT_TOKEN":
        return ConfigError(
            "BOT_TOKEN looks malformed: it should look like 123456789:AA... "
            "(copy it from @BotFather) — set it in the environment or in .env"
        )
    reason = first["msg"].removeprefix("Value error, ")
    if not first["loc"]:  # a rule between settings (e.g. WEBHOOK_URL needs WEBHOOK_SECRET)
        return ConfigError(f"{reason}: set it in the environment or in .env")
    return ConfigError(f"{name} is invalid ({reason}): fix it in the environment or in .env")
