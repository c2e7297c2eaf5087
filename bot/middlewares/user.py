"""Loads (or creates) the person behind the update and the services they act through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser

from bot.services.hub import ServiceHub, ServiceSettings


class UserMiddleware(BaseMiddleware):
    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        hub = ServiceHub(data["session"], self._settings)
        data["services"] = hub
        data["users"] = hub.users
        tg_user: TelegramUser | None = data.get("event_from_user")
        if tg_user is not None and not tg_user.is_bot:
            arrival = await hub.users.arrive(tg_user.id, tg_user.language_code)
            if arrival.created:
                # The person's record outlives whatever this update does (a refusal rolls
                # the update back, and its audit row refers to them).
                await data["session"].commit()
            data["person"] = arrival.person
            data["actor"] = await hub.access.actor(arrival.person, arrival.memberships)
        return await handler(event, data)
