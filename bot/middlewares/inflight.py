"""Counts updates being handled, so shutdown can let them finish, and remembers the last
update that reached the bot, so a stopped bot can confirm it to Telegram."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update


class InFlightMiddleware(BaseMiddleware):
    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()
        # The highest update id handled (or being handled): polling hands updates over in
        # order, so every fetched update up to this one was taken.
        self.last_update_id: int | None = None

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update) and (
            self.last_update_id is None or event.update_id > self.last_update_id
        ):
            self.last_update_id = event.update_id
        self._count += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    async def wait_idle(self, grace: float) -> bool:
        """True when every update in flight finished within `grace` seconds."""
        try:
            async with asyncio.timeout(grace):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True
