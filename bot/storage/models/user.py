"""A person known to the bot by their Telegram id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, utcnow


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL once the person withdrew consent and was anonymised.
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # The language the person chose; NULL means "follow Telegram's language_code".
    locale: Mapped[str | None] = mapped_column(String(8))
    # Telegram's language_code as last seen: not personal data, used as a fallback.
    telegram_locale: Mapped[str | None] = mapped_column(String(16))
    # False once Telegram answered 403 (the person blocked the bot).
    reachable: Mapped[bool] = mapped_column(default=True)
    # Personal data: stored only after consent.
    full_name: Mapped[str | None] = mapped_column(String(200))
    is_minor: Mapped[bool | None] = mapped_column()
    anonymised_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
