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
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 5000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite file so the first start just works."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The recipe: the driver emits no BEGIN (nor a COMMIT before DDL) of its own.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if is_sqlite(url):
        ensure_sqlite_dir(url)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
