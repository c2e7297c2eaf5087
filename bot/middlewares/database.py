"""One database session per update, committed when the update was handled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.audit import AuditService
from bot.services.errors import DomainError
from bot.services.outbox import wake_after_commit
from bot.services.personal_data import PersonalDataService
from bot.storage.fsm import current_session

# A handler puts a Telegram id here to have that chat's dialog state deleted after commit.
FORGET_DIALOG_STATE = "forget_dialog_state_of"


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
            token = current_session.set(session)
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
            else:
                await session.commit()
                wake_after_commit(session)  # the sender delivers what this update queued
            finally:
                current_session.reset(token)
        forget = data.pop(FORGET_DIALOG_STATE, None)
        if forget is not None:
            # Someone withdrew consent: their chat's dialog state goes too. This runs after
            # the commit because the dialog machinery saves its stack at the end of the update.
            async with self._sessions() as session:
                await PersonalDataService(session, AuditService(session)).forget_dialog_state(
                    forget
                )
                await session.commit()
        return result
