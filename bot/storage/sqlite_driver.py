"""One thread hop per SQL statement on aiosqlite.

SQLAlchemy's aiosqlite adapter makes three or four round trips to the connection's
thread for every statement (open a cursor, execute, fetch, close); each is a wake-up of
another thread and a turn of the event loop. Under load that is most of an update's time,
and — since SQLite transactions take turns (bot.storage.database) — it is also how long the
others wait. This cursor does the whole statement in one trip: execute, read the rows, note
rowcount/lastrowid, close. Everything else (errors, transactions, server-side cursors) is
SQLAlchemy's own adapter, unchanged.
"""

from __future__ import annotations

import collections
import sqlite3
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
)
from sqlalchemy.util import await_

_Result = tuple[Any, list[Any], int, int | None]


# Set on the aiosqlite connection by `begin_with_next_statement`.
_PENDING_BEGIN = "_nastavnik_pending_begin"
# A BEGIN that meets another process's write lock after the busy timeout is tried again this
# many times (nothing of the transaction has happened yet, so it is always safe): about 30 s
# of patience with the default busy timeout of 5 s, instead of «database is locked».
BEGIN_ATTEMPTS = 6
BEGIN_PAUSE_SECONDS = 0.05


def _busy_pause(attempt: int) -> None:
    """Between two attempts to begin (in the connection's own thread)."""
    time.sleep(BEGIN_PAUSE_SECONDS * attempt)


def _begin(connection: sqlite3.Connection, begin: str) -> None:
    for attempt in range(1, BEGIN_ATTEMPTS + 1):
        try:
            connection.execute(begin)
            return
        except sqlite3.OperationalError as error:
            if "database is locked" not in str(error) or attempt == BEGIN_ATTEMPTS:
                raise
        _busy_pause(attempt)


def _run(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool, begin: str | None
) -> _Result:
    """In the connection's own thread: the whole statement (and a pending BEGIN first)."""
    if begin is not None:
        _begin(connection, begin)
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = {}  # type: ignore[assignment]
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    async def _async_soft_close(self) -> None:
        return

    def close(self) -> None:
        self._rows.clear()

    async def _go(self, operation: str, parameters: Any, many: bool) -> None:
        connection = self._connection
        async with self._adapt_connection._execute_mutex:
            begin = connection.__dict__.pop(_PENDING_BEGIN, None)
            result: _Result = await connection._execute(
                _run, connection._conn, operation, parameters, many, begin
            )
        self._description, rows, self._rowcount, self._lastrowid = result
        self._rows = collections.deque(rows)

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            await_(self._go(operation, parameters, False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        return self

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        try:
            await_(self._go(operation, seq_of_parameters, True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        return self


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneHopCursor

    def _idle(self) -> bool:
        """No transaction open (a read of a flag, no trip to the thread)."""
        aio = self._connection
        return aio._connection is not None and not aio._conn.in_transaction

    def rollback(self) -> None:
        # The pool rolls back every connection it takes back; after a commit there is
        # nothing to roll back, and asking costs a trip to the thread.
        if not self._idle():
            super().rollback()

    def commit(self) -> None:
        if not self._idle():
            super().commit()


def begin_with_next_statement(dbapi_connection: Any, begin: str) -> bool:
    """Send `begin` in the same trip as the transaction's first statement (one trip fewer
    per transaction). False when the connection is not ours: send it yourself."""
    if not isinstance(dbapi_connection, OneHopConnection):
        return False
    dbapi_connection._connection.__dict__[_PENDING_BEGIN] = begin
    return True


def forget_pending_begin(dbapi_connection: Any) -> None:
    """The transaction ended before any statement: nothing to begin."""
    if isinstance(dbapi_connection, OneHopConnection):
        dbapi_connection._connection.__dict__.pop(_PENDING_BEGIN, None)


def adopt(dbapi_connection: Any) -> None:
    """Switch a freshly opened aiosqlite connection to the one-hop cursor."""
    if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
        dbapi_connection.__class__ = OneHopConnection
