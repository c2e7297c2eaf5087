"""Locks one process holds while it lives: who polls, who runs the scheduled sweeps.

On PostgreSQL it is a session-level advisory lock (`pg_try_advisory_lock`) held on a
connection of its own: the server lets it go the moment that connection closes, so a process
that dies (SIGKILL, a lost host) frees it without anybody's help. On SQLite — one machine by
definition — it is an exclusive `flock` on a file beside the database, which the kernel
lets go the same way. Nothing here is a lease of our own that could outlive its holder.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import zlib
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)


class ProcessLock(Protocol):
    async def acquire(self) -> bool:
        """Take the lock if nobody holds it; True when this process holds it now."""

    async def held(self) -> bool:
        """Whether this process still holds it (False once its connection was lost)."""

    async def release(self) -> None: ...


class AdvisoryLock:
    """`pg_try_advisory_lock(namespace, bot)` on a connection kept for it."""

    def __init__(self, engine: AsyncEngine, name: str, bot_id: int) -> None:
        self.engine = engine
        self.name = name
        self.keys = {
            "space": zlib.crc32(f"nastavnik:{name}".encode()) & 0x7FFFFFFF,
            "bot": bot_id & 0x7FFFFFFF,
        }
        self._connection: AsyncConnection | None = None

    async def acquire(self) -> bool:
        if self._connection is not None:
            return await self.held()
        connection = await self.engine.connect()
        try:
            got = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:space, :bot)"), self.keys
            )
            await connection.commit()  # the lock is the session's: no transaction stays open
        except BaseException:
            await connection.close()
            raise
        if not got:
            await connection.close()
            return False
        self._connection = connection
        return True

    async def held(self) -> bool:
        if self._connection is None:
            return False
        try:
            await self._connection.scalar(text("SELECT 1"))
            await self._connection.commit()
        except (SQLAlchemyError, OSError):
            log.warning("lost the connection that held the %s lock", self.name)
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self._connection is None:
            return
        with contextlib.suppress(SQLAlchemyError, OSError):
            await self._connection.scalar(
                text("SELECT pg_advisory_unlock(:space, :bot)"), self.keys
            )
            await self._connection.commit()
        await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(SQLAlchemyError, OSError):
                await connection.close()


class FileLock:
    """An exclusive `flock` on `<database>.<name>.lock` (SQLite: one machine)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    async def acquire(self) -> bool:
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A local file, opened once at start: held open as long as the lock.
        handle = open(self.path, "ab")  # noqa: SIM115, ASYNC230
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
        self._file = handle
        return True

    async def held(self) -> bool:
        return self._file is not None

    async def release(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()


class NoLock:
    """An in-memory SQLite database belongs to one process: there is nobody to exclude."""

    async def acquire(self) -> bool:
        return True

    async def held(self) -> bool:
        return True

    async def release(self) -> None:
        return None


def process_lock(engine: AsyncEngine, name: str, bot_id: int) -> ProcessLock:
    """The lock `name` of this bot on this database."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return AdvisoryLock(engine, name, bot_id)
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return NoLock()
    return FileLock(Path(f"{database}.{name}-{bot_id}.lock"))
