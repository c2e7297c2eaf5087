"""One database session per update, in short transactions.

SQLite has a single writer lock, and our transactions take it when they begin
(`BEGIN IMMEDIATE`, see bot.storage.database). So no transaction may stay open while
the bot waits for Telegram: `CommitBeforeTelegram`, a request middleware of the Bot's
HTTP session, commits the current update's session before every Bot API call. An update
is thus a few short units of work — what it did before a message went out is saved
before the message goes — much like a unit of work per write, without threading commits
through every handler.

- A refusal (`DomainError`) rolls back the unit of work it happened in; its audit rows
  are written again in a transaction of their own (with the update's `handled_update`
  row: the refusal is its answer, see bot.middlewares.once).
- A busy database ("database is locked" after the busy timeout) is retried a few times
  while that is safe: the update has said nothing to Telegram yet, so nothing of it was
  committed and nothing was shown twice.
- A unit of work that cannot begin because another transaction holds the write lock (the
  case after a Telegram call, which the retry above cannot cover) waits for it below, in
  `bot.storage.database`: beginning is safe to try again at any point.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.middlewares.once import mark_again
from bot.services.audit import unsaved_refusals
from bot.services.errors import DomainError
from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.outbox import wake_after_commit
from bot.storage.database import keep_loaded_objects
from bot.storage.fsm import current_session

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod

log = logging.getLogger(__name__)

# A handler puts a Telegram id here to have that chat's dialog state deleted after commit.
FORGET_DIALOG_STATE = "forget_dialog_state_of"

BUSY_RETRIES = 3
BUSY_BACKOFF_SECONDS = 0.05

# session.info keys
_TALKED = "update.talked_to_telegram"  # a Bot API call was made (and a commit before it)
_DONE = "update.done"  # the update is over: a late call must not touch its session
_LOCK = "update.commit_lock"


def is_busy(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and "database is locked" in str(error)


async def commit_before_telegram(session: AsyncSession) -> None:
    """Commit what the update did so far: nothing holds a transaction while Telegram
    answers. Two calls at once from one update (a gather) take turns."""
    info = session.info
    if info.get(_DONE):
        return
    info[_TALKED] = True
    if not (session.in_transaction() or session.new or session.dirty or session.deleted):
        return
    lock = info.get(_LOCK)
    if lock is None:
        lock = info[_LOCK] = asyncio.Lock()
    async with lock:
        await session.commit()


@asynccontextmanager
async def unit_of_work(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session for work outside an update (a scheduled job) that talks to Telegram: like
    an update's, it is committed before every Bot API call (so the SQLite write lock is never
    held while Telegram answers), committed at the end, rolled back on an error."""
    async with session_factory() as session:
        token = current_session.set(session)
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()
        finally:
            session.info[_DONE] = True
            current_session.reset(token)


class CommitBeforeTelegram(BaseRequestMiddleware):
    """Registered on the Bot's session (`bot.session.middleware(...)`) by `create_bot`."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        session = current_session.get()
        if session is not None:
            await commit_before_telegram(session)
        return await make_request(bot, method)


class DatabaseMiddleware(BaseMiddleware):
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        settings: ServiceSettings | None = None,
    ) -> None:
        self._sessions = session_factory
        self._settings = settings

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        attempt = 0
        while True:
            talked: list[bool] = []
            try:
                result = await self._once(handler, event, data, talked)
            except OperationalError as error:
                if not is_busy(error) or talked or attempt >= BUSY_RETRIES:
                    raise
                attempt += 1
                log.warning("database busy, running the update again (attempt %s)", attempt + 1)
                await asyncio.sleep(BUSY_BACKOFF_SECONDS * attempt)
                continue
            break
        forget = data.pop(FORGET_DIALOG_STATE, None)
        if forget is not None:
            # Someone withdrew consent: their chat's dialog state goes too. This runs after
            # the commit because the dialog machinery saves its stack at the end of the update.
            async with self._sessions() as session:
                hub = ServiceHub(session, self._settings or ServiceSettings())
                await hub.personal_data.forget_dialog_state(forget)
                await session.commit()
        return result

    async def _once(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
        talked: list[bool],
    ) -> Any:
        async with self._sessions() as session:
            keep_loaded_objects(session)  # a row is read once per update (session.get)
            data["session"] = session
            token = current_session.set(session)
            try:
                result = await handler(event, data)
            except DomainError:
                # A rule said no: what this unit of work did is undone, the refusal's
                # audit rows are kept in a transaction of their own.
                await session.rollback()
                refusals = unsaved_refusals(session)
                await mark_again(session)  # the refusal is the update's answer
                session.add_all(refusals)
                await session.commit()
                raise
            except BaseException:
                await session.rollback()
                raise
            else:
                await session.commit()
                wake_after_commit(session)  # the sender delivers what this update queued
            finally:
                if session.info.get(_TALKED):
                    talked.append(True)  # the update may not be run again
                session.info[_DONE] = True
                current_session.reset(token)
        return result
