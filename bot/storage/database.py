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
Waiting longer than the busy timeout fails like SQLite would: "database is locked".
"""

from __future__ import annotations

import asyncio
import sqlite3
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
from sqlalchemy.util import await_

from bot.storage.sqlite_driver import adopt, begin_with_next_statement, forget_pending_begin

SQLITE_BUSY_TIMEOUT_MS = 5000


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

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    def begin(self, connection: Connection) -> None:
        try:
            await_(asyncio.wait_for(self._lock.acquire(), SQLITE_BUSY_TIMEOUT_MS / 1000))
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
        _Writer().listen(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
