"""Telegram updates already handled: a second delivery of one is skipped."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, utcnow


class HandledUpdate(Base):
    """One row per update the bot began to handle, written in the update's first transaction
    (bot.middlewares.once): after a restart, or on a webhook's retry, Telegram may deliver an
    update again, and the row says it was handled. Rows expire after a few days
    (bot.storage.handled.expire_handled_updates): Telegram keeps an update for a day."""

    __tablename__ = "handled_update"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
