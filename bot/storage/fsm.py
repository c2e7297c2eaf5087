"""FSM and aiogram-dialog state in the SQL database, so dialogs survive a restart.

No maintained SQL storage exists for aiogram 3, so this is the small one we own.
During an update it works in the update's own session (`current_session`): on SQLite a
second connection would wait for the update's transaction, and the dialog state and
the data it describes are committed together. Outside an update each call is a short
transaction of its own.

Within an update the rows are read once: the first read of a private chat loads all of
that chat's rows in one query, later reads come from that copy. Writes wait in the session
until its next statement or its commit and go together (a dialog saves its context and its
stack: one statement); a write that changes nothing is not sent at all.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StorageKey
from sqlalchemy import Table, bindparam, delete, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.storage.models import DialogState, utcnow
from bot.storage.models.dialog_state import destiny_owner

StateType = str | State | None
# A cached row: (state, data as JSON text), or None when the row does not exist.
_Row = tuple[str | None, str] | None

# Set by DatabaseMiddleware for the duration of an update.
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)

# Dialog stacks nobody touched for this long are deleted (expire_dialog_state).
DIALOG_STATE_TTL = timedelta(days=30)

# session.info keys: the rows read or written in this session, and the chats loaded whole.
_ROWS = "fsm.rows"
_CHATS = "fsm.chats"
_PENDING = "fsm.pending"  # key -> the row to upsert, or None to delete it
_EMPTY = "{}"


@event.listens_for(Session, "after_soft_rollback")
def _forget_cached_rows(session: Session, _previous: Any) -> None:
    """What was cached or waiting may have been rolled back."""
    session.info.pop(_ROWS, None)
    session.info.pop(_CHATS, None)
    session.info.pop(_PENDING, None)


def _write_pending(session: Session) -> None:
    """Send the writes waiting in this session (runs inside SQLAlchemy's greenlet)."""
    pending: dict[str, dict[str, Any] | None] | None = session.info.pop(_PENDING, None)
    if not pending:
        return
    gone = [key for key, row in pending.items() if row is None]
    rows = [row for row in pending.values() if row is not None]
    # Statements built once (per dialect), the keys and rows as parameters (executemany),
    # sent on the session's connection: no ORM step for a table the ORM never reads here.
    connection = session.connection()
    if gone:
        connection.execute(_DELETE, {"keys": gone})
    if rows:
        connection.execute(_upsert(connection.dialect.name), rows)


_TABLE: Table = DialogState.__table__  # type: ignore[assignment]
_DELETE = delete(_TABLE).where(_TABLE.c.key.in_(bindparam("keys", expanding=True)))
_UPSERTS: dict[str, Any] = {}


def _upsert(dialect: str) -> Any:
    statement = _UPSERTS.get(dialect)
    if statement is None:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        plain = insert(_TABLE)
        statement = _UPSERTS[dialect] = plain.on_conflict_do_update(
            index_elements=[_TABLE.c.key],
            set_={
                "state": plain.excluded.state,
                "data": plain.excluded.data,
                "updated_at": plain.excluded.updated_at,
            },
        )
    return statement


@event.listens_for(Session, "before_commit")
def _write_pending_before_commit(session: Session) -> None:
    _write_pending(session)


@event.listens_for(Session, "do_orm_execute")
def _write_pending_before_a_statement(orm_execute_state: Any) -> None:
    # Any statement of the session sees the dialog rows as they were written.
    _write_pending(orm_execute_state.session)


# Built once, on the table (no ORM step): every update runs the first.
_CHAT_ROWS = select(_TABLE.c.key, _TABLE.c.state, _TABLE.c.data).where(
    _TABLE.c.chat_id == bindparam("chat_id")
)
_ONE_ROW = select(_TABLE.c.state, _TABLE.c.data).where(_TABLE.c.key == bindparam("key"))


def _dump(data: Mapping[str, Any]) -> str:
    return json.dumps(data)


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
        """The update's own session when there is one, else a short one of our own."""
        shared = current_session.get()
        if shared is not None:
            yield shared
            return
        async with self._sessions() as session, session.begin():
            yield session

    async def _read(self, session: AsyncSession, key: StorageKey, built: str) -> _Row:
        rows: dict[str, _Row] = session.info.setdefault(_ROWS, {})
        if built in rows:
            return rows[built]
        chats: set[int] = session.info.setdefault(_CHATS, set())
        if key.chat_id in chats:
            return None  # the chat was loaded whole: no such row
        if key.chat_id == key.user_id:
            # A private chat: every row of it at once (FSM state, dialog stack, contexts).
            # On the connection: the session's hooks (pending dialog writes, the read
            # cache) have nothing to do for a read of rows this session keeps itself.
            connection = await session.connection()
            result = await connection.execute(_CHAT_ROWS, {"chat_id": key.chat_id})
            for row_key, state, data in result:
                rows[row_key] = (state, _dump(data or {}))
            chats.add(key.chat_id)
            return rows.setdefault(built, None)
        connection = await session.connection()
        found = (await connection.execute(_ONE_ROW, {"key": built})).one_or_none()
        rows[built] = (found[0], _dump(found[1] or {})) if found else None
        return rows[built]

    async def _get(self, key: StorageKey) -> _Row:
        built = self.key_builder.build(key)
        async with self._session() as session:
            return await self._read(session, key, built)

    async def _write(self, key: StorageKey, *, state: Any = ..., data: Any = ...) -> None:
        built = self.key_builder.build(key)
        async with self._session() as session:
            old = await self._read(session, key, built)
            old_state, old_data = old if old is not None else (None, _EMPTY)
            new_state = old_state if state is ... else state
            new_data = old_data if data is ... else _dump(data)
            if (new_state, new_data) == (old_state, old_data):
                return  # nothing changed: nothing to write
            rows: dict[str, _Row] = session.info.setdefault(_ROWS, {})
            pending: dict[str, dict[str, Any] | None] = session.info.setdefault(_PENDING, {})
            if new_state is None and new_data == _EMPTY:
                # A row with neither state nor data carries nothing: drop it.
                pending[built] = None
                rows[built] = None
                return
            pending[built] = {
                "key": built,
                "state": new_state,
                "data": json.loads(new_data),
                "chat_id": key.chat_id,
                "user_id": destiny_owner(key.destiny, key.user_id),
                "updated_at": utcnow(),
            }
            rows[built] = (new_state, new_data)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._get(key)
        return row[0] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        await self._write(key, data=data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._get(key)
        # A fresh copy every time: the caller may change it before saving it back.
        data: dict[str, Any] = json.loads(row[1]) if row else {}
        return data

    async def close(self) -> None:
        """The engine belongs to the application, which disposes it."""


async def expire_dialog_state(
    session_factory: async_sessionmaker[AsyncSession], older_than: timedelta = DIALOG_STATE_TTL
) -> int:
    """Delete the dialog and FSM rows of chats nobody used for `older_than` (half-finished
    dialogs left for good, and what was typed into them). A chat's rows go together, so a
    live dialog never loses half of its stack. Returns how many rows went. Called at
    start-up and once a day (bot.__main__); a scheduler may call it as well."""
    cutoff = utcnow() - older_than
    live_chats = select(DialogState.chat_id).where(
        DialogState.updated_at >= cutoff, DialogState.chat_id.is_not(None)
    )
    async with session_factory() as session, session.begin():
        result = await session.execute(
            delete(DialogState).where(
                DialogState.updated_at < cutoff,
                (DialogState.chat_id.is_(None)) | DialogState.chat_id.not_in(live_chats),
            )
        )
    return int(getattr(result, "rowcount", 0) or 0)
