"""One database session per update, committed when the update was handled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.errors import DomainError


class DatabaseMiddleware(BaseMiddleware):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self._sessions() as session:
            data["session"] = session
            try:
                result = await handler(event, data)
            except DomainError:
                # A rule said no. Services refuse before writing, so what is in the
                # session is the audit of the refusal: keep it.
                await session.commit()
                raise
            except BaseException:
                await session.rollback()
                raise
            await session.commit()
            return result
