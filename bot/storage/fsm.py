"""FSM and aiogram-dialog state in the SQL database, so dialogs survive a restart.

No maintained SQL storage exists for aiogram 3, so this is the small one we own.
Each call is its own short transaction, independent of the update's session:
state must persist even when the handler's own work is rolled back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StorageKey
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import DialogState, utcnow

StateType = str | State | None

# Set by DatabaseMiddleware for the duration of an update.
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


class SQLStorage(BaseStorage):
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self._sessions = session_factory
        # aiogram-dialog keeps its stacks under their own "destiny".
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True, with_bot_id=True)

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        """The update's own session when there is one, else a short one of our own.

        Sharing the update's transaction matters on SQLite, which has one writer: a second
        connection would wait for the update's uncommitted writes, which wait for us.
        It also keeps the dialog state and the data it describes committed together.
        """
        shared = current_session.get()
        if shared is not None:
            yield shared
            return
        async with self._sessions() as session, session.begin():
            yield session

    async def _upsert(self, key: str, **values: Any) -> None:
        async with self._session() as session:
            dialect = session.get_bind().dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            row = {"key": key, "state": None, "data": {}, "updated_at": utcnow(), **values}
            statement = (
                insert(DialogState)
                .values(**row)
                .on_conflict_do_update(
                    index_elements=[DialogState.key],
                    set_={**values, "updated_at": row["updated_at"]},
                )
                .returning(DialogState.state, DialogState.data)
            )
            state, data = (await session.execute(statement)).one()
            if state is None and not data:
                # A row with neither state nor data carries nothing: drop it.
                await session.execute(delete(DialogState).where(DialogState.key == key))

    async def _get(self, key: str) -> tuple[str | None, dict[str, Any]] | None:
        async with self._session() as session:
            row = (
                await session.execute(
                    select(DialogState.state, DialogState.data).where(DialogState.key == key)
                )
            ).one_or_none()
            return (row[0], row[1]) if row else None

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._upsert(self.key_builder.build(key), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._get(self.key_builder.build(key))
        return row[0] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        await self._upsert(self.key_builder.build(key), data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._get(self.key_builder.build(key))
        return dict(row[1]) if row and row[1] else {}

    async def close(self) -> None:
        """The engine belongs to the application, which disposes it."""
