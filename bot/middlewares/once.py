"""An update is handled once, ever: across restarts, processes and webhook retries.

Telegram delivers an update again when its receipt was not confirmed: polling that stopped
before the next getUpdates, a process killed mid-way, a webhook answer that came too late.
The update's id goes into `handled_update` in the update's first transaction, together with
its first effects (the database middleware commits it before the first Bot API call), so a
second delivery finds the row and is skipped. If the first delivery failed before it
committed anything, its row was rolled back with the rest, and the second one handles it.

Registered after aiogram's FSM middleware: the row is written once the chat's event lock is
held, so an update's transaction still begins inside that lock (as the state read did).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update
from aiogram_dialog.api.entities import DialogUpdate
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.handled import mark_handled

log = logging.getLogger(__name__)

# session.info key: (bot id, update id) of the update this session handles
HANDLED_KEY = "update.handled"


class HandledOnceMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        session: AsyncSession | None = data.get("session")
        bot: Bot | None = data.get("bot")
        if (
            not isinstance(event, Update)
            or isinstance(event, DialogUpdate)  # aiogram-dialog's own, always id 0
            or session is None
            or bot is None
        ):
            return await handler(event, data)
        if not await mark_handled(session, bot.id, event.update_id):
            log.info("update %s was handled already: skipped", event.update_id)
            return None
        session.info[HANDLED_KEY] = (bot.id, event.update_id)
        return await handler(event, data)


async def mark_again(session: AsyncSession) -> None:
    """After a rollback of the update's work (a refusal): the update still counts as
    handled, since the person is told about the refusal."""
    key = session.info.get(HANDLED_KEY)
    if key is not None:
        await mark_handled(session, *key)
