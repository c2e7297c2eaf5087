"""No scheduled job holds SQLite's write lock longer than a short step (issue #28: «database
is locked» never reaches a person). What a sweep reads to find its work takes no write lock;
each write transaction is at most ten statements, however many pairs are due."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.jobs.digests import queue_digests
from bot.jobs.meetings import run_meeting_jobs
from bot.jobs.municipality import municipal_tick
from bot.jobs.pairs import expire_choices
from bot.jobs.recognition import run_recognition
from bot.services.hub import ServiceSettings
from bot.storage.database import READ_ONLY
from bot.storage.models import Meeting, Programme
from tests.harness import make_settings
from tests.test_sweep_statements import (
    FixedClock,
    add_municipality,
    agree_meetings,
    build,
    choose_without_answer,
)

HOLDS = "nastavnik.holds_writer_lock"  # bot.storage.database marks a writing connection


@contextmanager
def write_transactions(engine: AsyncEngine) -> Iterator[list[int]]:
    """The number of statements of each transaction that held the write lock."""
    done: list[int] = []
    open_: dict[int, int] = {}

    sqlite = engine.dialect.name == "sqlite"

    def begin(connection: Any) -> None:
        # On SQLite the transactions that took the write lock; elsewhere those that may
        # write (all but the sweeps' read-only ones).
        writes = (
            connection.info.get(HOLDS)
            if sqlite
            else not connection.get_execution_options().get(READ_ONLY)
        )
        if writes:
            open_[id(connection.connection.dbapi_connection)] = 0

    def statement(connection: Any, *_: Any) -> None:
        key = id(connection.connection.dbapi_connection)
        if key in open_:
            open_[key] += 1

    def end(dbapi_connection: Any, _record: Any) -> None:
        count = open_.pop(id(dbapi_connection), None)
        if count is not None:
            done.append(count)

    sync = engine.sync_engine
    event.listen(sync, "begin", begin)
    event.listen(sync, "before_cursor_execute", statement)
    event.listen(sync.pool, "checkin", end)
    try:
        yield done
    finally:
        event.remove(sync, "begin", begin)
        event.remove(sync, "before_cursor_execute", statement)
        event.remove(sync.pool, "checkin", end)


Job = Callable[[async_sessionmaker[AsyncSession], FixedClock, ServiceSettings], Awaitable[Any]]


async def _expire(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, _: ServiceSettings
) -> Any:
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    return await expire_choices(sessions, clock, make_settings(url, "http://127.0.0.1:9"))


async def _recognition(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, settings: ServiceSettings
) -> Any:
    return await run_recognition(sessions, clock, settings.questionnaires, settings.catalog)


JOBS: dict[str, Job] = {
    "meetings": lambda s, c, _: run_meeting_jobs(s, c),
    "pairs": _expire,
    "digests": lambda s, c, _: queue_digests(s, c),
    "municipality": lambda s, c, _: municipal_tick(s, c),
    "recognition": _recognition,
}


@pytest.mark.parametrize("job", list(JOBS))
async def test_every_write_transaction_of_a_sweep_is_a_short_step(
    session_factory: async_sessionmaker[AsyncSession], job: str
) -> None:
    """200 pairs quiet for seven weeks, each with an agreed meeting tomorrow and an
    unanswered choice; a municipality in its deadline week on a Monday morning; a programme
    being completed. (The questionnaires' job runs each wave's reminders in a transaction of
    their own; what one costs is the questionnaires' part of the issue.)"""
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 11:00 in Moscow
    world = await build(session_factory, 200)
    await agree_meetings(session_factory, world, now + timedelta(hours=20))
    async with session_factory() as session:
        await session.execute(  # the meetings held are seven weeks old
            update(Meeting).where(Meeting.status == "held").values(day=date(2026, 10, 2))
        )
        await session.execute(update(Programme).values(stage="completion"))
        await session.commit()
    await choose_without_answer(session_factory, world, now - timedelta(days=4))
    await add_municipality(session_factory, 20)
    clock = FixedClock(now)
    engine = session_factory.kw["bind"]
    with write_transactions(engine) as writes:
        await JOBS[job](session_factory, clock, ServiceSettings(clock=clock))
    assert max(writes, default=0) <= 10, writes
