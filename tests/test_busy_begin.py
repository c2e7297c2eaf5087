"""«database is locked» never reaches a person: a transaction that cannot begin because
another process holds SQLite's write lock past the busy timeout waits and begins later.

The case the update's busy retry cannot cover: a unit of work that comes after a Telegram
call (the update may not be run again from the start, it has already said something)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.middlewares.database import commit_before_telegram, unit_of_work
from bot.storage import database, sqlite_driver
from bot.storage.database import create_engine, create_session_factory, reading
from bot.storage.migrate import upgrade_async
from bot.storage.models import User
from tests.databases import sqlite_url


async def test_unit_of_work_after_a_telegram_call_waits_for_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 50)  # each try gives up fast
    url = sqlite_url(tmp_path)
    await upgrade_async(url)
    other = create_engine(url)  # another bot process on the same file
    ours = create_engine(url)
    met_the_lock = threading.Event()
    pause = sqlite_driver._busy_pause

    def noted_pause(attempt: int) -> None:
        met_the_lock.set()
        pause(attempt)

    monkeypatch.setattr(sqlite_driver, "_busy_pause", noted_pause)
    talked = asyncio.Event()
    locked = asyncio.Event()

    async def update() -> None:
        async with unit_of_work(create_session_factory(ours)) as session:
            session.add(User(full_name="До сообщения"))
            await commit_before_telegram(session)  # as before a Bot API call
            talked.set()
            await locked.wait()
            session.add(User(full_name="После сообщения"))
            await session.flush()  # BEGIN IMMEDIATE meets the other process's lock

    try:
        task = asyncio.create_task(update())
        await talked.wait()
        async with create_session_factory(other)() as holder:
            holder.add(User(full_name="Другой процесс"))
            await holder.flush()  # holds the write lock
            locked.set()
            waiter = asyncio.create_task(asyncio.to_thread(met_the_lock.wait))
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            await holder.commit()
        met_the_lock.set()  # the thread waiting for it ends in any case
        await waiter
        await task  # before the fix: OperationalError «database is locked»
        async with reading(create_session_factory(ours)) as session:
            names = set(await session.scalars(select(User.full_name)))
        assert names == {"До сообщения", "После сообщения", "Другой процесс"}
    finally:
        await ours.dispose()
        await other.dispose()


async def test_a_transaction_waits_its_turn_in_this_process_past_the_busy_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside one process transactions take turns on a lock before their BEGIN; waiting for
    it longer than SQLite's busy timeout is not «database is locked» either."""
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 50)
    url = sqlite_url(tmp_path)
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    try:
        async with sessions() as holder:
            holder.add(User(full_name="Первый"))
            await holder.flush()  # holds this process's turn and SQLite's lock

            async def second() -> None:
                async with sessions() as session:
                    session.add(User(full_name="Второй"))
                    await session.commit()

            task = asyncio.create_task(second())
            await asyncio.sleep(0.3)  # six busy timeouts: it used to fail after one
            await holder.commit()
        await task
        async with reading(sessions) as session:
            names = set(await session.scalars(select(User.full_name)))
        assert names == {"Первый", "Второй"}
    finally:
        await engine.dispose()
