"""Engine and session factory; SQLite runs in WAL mode with a busy timeout.

SQLite transactions follow SQLAlchemy's documented pysqlite/aiosqlite recipe: the driver's
own transaction handling is switched off (`isolation_level = None`) and we emit the BEGIN
ourselves. Two things follow:

- `BEGIN IMMEDIATE` takes SQLite's single write lock when the transaction starts. A
  deferred transaction that reads and then writes fails at once with "database is locked"
  when another writer committed in between (its WAL snapshot is stale; the busy timeout
  does not help there). An immediate one waits for the lock (up to the busy timeout)
  instead, and a read-then-write (an invite's last use) is serialised as it should be.
  The price: a transaction must be short. Nothing may hold a session's transaction open
  across a call to Telegram (see `bot.middlewares.database`).
- SAVEPOINT works (`session.begin_nested()`): with the driver's own handling a SAVEPOINT
  outside its implicit BEGIN started a transaction of its own, and RELEASE committed it.

Inside the process, transactions take turns on an asyncio lock before their BEGIN: a
waiter is woken when the lock is free instead of SQLite's busy handler polling with
sleeps (which, with a few updates at once, left the event loop idle most of the time).
Waiting longer than BEGIN_PATIENCE_SECONDS fails like SQLite would: "database is locked".
Beginning is always safe to retry — nothing of the transaction has happened yet — so a
BEGIN IMMEDIATE that meets another process's write lock past the busy timeout is tried
again (bot.storage.sqlite_driver), up to the same patience: a unit of work that comes after
a Telegram call, which may not be run again from the start, waits instead of failing.

A sweep reads what is due in a read-only session (`reading`): on SQLite a deferred
transaction, which in WAL mode takes no write lock and waits for none; then writes in short
transactions of its own.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.pool import SingletonThreadPool, StaticPool
from sqlalchemy.util import await_

from bot.storage.sqlite_driver import adopt, begin_with_next_statement, forget_pending_begin

SQLITE_BUSY_TIMEOUT_MS = 5000
# How long a transaction may wait to begin (the write lock of this process or another's).
BEGIN_PATIENCE_SECONDS = 30.0
# An execution option: this transaction only reads (see `reading`).
READ_ONLY = "nastavnik_read_only"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite file so the first start just works."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    adopt(dbapi_connection)  # one thread hop per statement (bot.storage.sqlite_driver)
    # The recipe: the driver emits no BEGIN (nor a COMMIT before DDL) of its own.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class _Writer:
    """One SQLite transaction at a time in this process, first come first served."""

    HOLDS = "nastavnik.holds_writer_lock"  # in the pooled connection's info

    def __init__(self, *, readers_apart: bool = True) -> None:
        self._lock = asyncio.Lock()
        # A read-only transaction on a connection of its own takes no lock; on one shared
        # connection (an in-memory database) it takes its turn like any other.
        self._readers_apart = readers_apart

    def begin(self, connection: Connection) -> None:
        if self._readers_apart and connection.get_execution_options().get(READ_ONLY):
            dbapi_connection = connection.connection.dbapi_connection
            if not begin_with_next_statement(dbapi_connection, "BEGIN"):
                connection.exec_driver_sql("BEGIN")
            return
        try:
            await_(asyncio.wait_for(self._lock.acquire(), BEGIN_PATIENCE_SECONDS))
        except TimeoutError:
            error = sqlite3.OperationalError("database is locked")
            raise OperationalError("BEGIN IMMEDIATE", None, error) from None
        connection.info[self.HOLDS] = True
        try:
            dbapi_connection = connection.connection.dbapi_connection
            if not begin_with_next_statement(dbapi_connection, "BEGIN IMMEDIATE"):
                connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.end(connection)
            raise

    def end(self, connection: Connection) -> None:
        if not connection.invalidated:
            forget_pending_begin(connection.connection.dbapi_connection)
        if connection.info.pop(self.HOLDS, False):
            self._lock.release()

    def end_pooled(self, _dbapi_connection: Any, record: Any, *_: Any) -> None:
        """A safety net: a connection goes back to the pool (or is invalidated) holding it."""
        if record is not None and record.info.pop(self.HOLDS, False):
            self._lock.release()

    def listen(self, engine: AsyncEngine) -> None:
        sync = engine.sync_engine
        event.listen(sync, "begin", self.begin)
        event.listen(sync, "commit", self.end)
        event.listen(sync, "rollback", self.end)
        event.listen(sync.pool, "checkin", self.end_pooled)
        event.listen(sync.pool, "invalidate", self.end_pooled)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if is_sqlite(url):
        ensure_sqlite_dir(url)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        shared = isinstance(engine.sync_engine.pool, (StaticPool, SingletonThreadPool))
        _Writer(readers_apart=not shared).listen(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def reading(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session that only reads (a sweep looking for what is due). On SQLite its
    transaction is deferred: it neither takes the write lock nor waits for it, so a long
    read holds up no one. Writing in it is a mistake (it would not wait its turn)."""
    async with sessions() as session:
        await session.connection(execution_options={READ_ONLY: True})
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        # Ends the transaction and keeps what was read (a rollback would expire it).
        await session.commit()


# The session's identity map holds its objects weakly: a row loaded by one service and not
# kept by it (a `Person` snapshot is kept instead of the `User`) is gone by the time another
# service asks `session.get()` for it, which then costs a SELECT again. An update's session
# keeps what it loaded (SQLAlchemy's documented "strong reference" recipe), so a row is read
# once per update. The session lives for one update, so this holds a handful of rows.
_KEEP = "nastavnik.keep_loaded"


def keep_loaded_objects(session: AsyncSession) -> None:
    """Hold strong references to every object this session loads or persists."""
    session.info[_KEEP] = []


@event.listens_for(Session, "loaded_as_persistent")
@event.listens_for(Session, "pending_to_persistent")
def _keep(session: Session, instance: Any) -> None:
    kept: list[Any] | None = session.info.get(_KEEP)
    if kept is not None:
        kept.append(instance)


# What an update asked of the database and asks again (the menu's pending registration and
# guarded children: `/start` reads them, then the menu it opens reads them again). Valid
# while the session writes nothing: any flush, write statement or rollback empties it (the
# dialog-state rows, bot.storage.fsm, describe no one's roles and do not count). It lives as
# long as the update's session, like the rows the update already holds.
_READS = "nastavnik.reads"


def read_cache(session: AsyncSession) -> dict[Any, Any] | None:
    """The update's cache of read results, or None when it may not be used: the session is
    not an update's, or holds changes not sent yet (a query would see them, the cache not)."""
    sync = session.sync_session
    if _KEEP not in sync.info:
        return None
    if sync.new or sync.dirty or sync.deleted:
        sync.info.pop(_READS, None)
        return None
    cache: dict[Any, Any] = sync.info.setdefault(_READS, {})
    return cache


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_soft_rollback")
def _forget_reads(session: Session, *_: Any) -> None:
    session.info.pop(_READS, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_reads_on_write(orm_execute_state: Any) -> None:
    if orm_execute_state.is_select or _READS not in orm_execute_state.session.info:
        return
    table = getattr(orm_execute_state.statement, "table", None)
    if getattr(table, "name", None) != "dialog_state":
        orm_execute_state.session.info.pop(_READS, None)
