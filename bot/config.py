"""Settings, read from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,}$")
SUPPORTED_LOCALES = ("ru", "en")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for a person."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr
    database_url: str = "sqlite+aiosqlite:///./data/nastavnik.db"
    redis_url: str | None = None
    redis_prefix: str = "nastavnik"
    telegram_api_url: str = "https://api.telegram.org"
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    default_timezone: str = "Europe/Moscow"
    default_locale: str = "ru"
    log_level: str = "INFO"
    extra_forms_file: Path | None = None
    invite_ttl_days: int = Field(default=30, ge=1, le=365)
    # Delivery: messages per second overall (Telegram allows about 30) and the sweep interval.
    send_rate_per_second: float = Field(default=25, gt=0, le=1000)
    scheduler_tick_seconds: float = Field(default=30, gt=0, le=3600)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError("malformed")
        return SecretStr(value.get_secret_value().strip())

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
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        if name == "BOT_TOKEN" and first["type"] == "missing":
            raise ConfigError(
                "BOT_TOKEN is not set: put BOT_TOKEN=<token from @BotFather> "
                "in the environment or in .env"
            ) from None
        if name == "BOT_TOKEN":
            raise ConfigError(
                "BOT_TOKEN looks malformed: it should look like 123456789:AA... "
                "(copy it from @BotFather) — set it in the environment or in .env"
            ) from None
        reason = first["msg"].removeprefix("Value error, ")
        raise ConfigError(
            f"{name} is invalid ({reason}): fix it in the environment or in .env"
        ) from None
