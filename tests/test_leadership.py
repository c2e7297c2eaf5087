"""One process runs the scheduled sweeps; another takes over when it is gone.

On every backend (SQLite: a flock beside the file; PostgreSQL: an advisory lock on a
connection of its own): of two schedulers only one runs; when the leader's lock goes — its
process stopped, or its connection to PostgreSQL was cut — the other resumes at its next check.
"""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text

from bot.jobs.leader import Leadership
from bot.storage.database import create_engine
from bot.storage.locks import AdvisoryLock, process_lock

BOT_ID = 123456


def paused(scheduler: AsyncIOScheduler) -> bool:
    from apscheduler.schedulers.base import STATE_PAUSED

    return bool(scheduler.state == STATE_PAUSED)


async def test_one_of_two_schedulers_runs_and_the_other_takes_over(migrated_url: str) -> None:
    engines = [create_engine(migrated_url), create_engine(migrated_url)]  # two "processes"
    schedulers = [AsyncIOScheduler(), AsyncIOScheduler()]
    leaders = [
        Leadership(s, process_lock(e, "scheduler", BOT_ID), every=3600)
        for s, e in zip(schedulers, engines, strict=True)
    ]
    try:
        for leader in leaders:
            leader.start()
            await leader.check()
        assert [leader.leading for leader in leaders] == [True, False]
        assert [paused(s) for s in schedulers] == [False, True]
        # Another bot on the same database has a lock of its own.
        other_bot = process_lock(engines[1], "scheduler", BOT_ID + 1)
        assert await other_bot.acquire()
        await other_bot.release()

        await leaders[0].stop()  # the leader's process stops (or dies: its lock goes with it)
        schedulers[0].shutdown(wait=False)
        await leaders[1].check()
        assert leaders[1].leading and not paused(schedulers[1])
    finally:
        for leader in leaders:
            await leader.stop()
        for scheduler in schedulers:
            if scheduler.running:
                scheduler.shutdown(wait=False)
        for engine in engines:
            await engine.dispose()


async def test_a_lost_connection_loses_the_lead_on_postgresql(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    if engine.dialect.name != "postgresql":
        await engine.dispose()
        return  # a flock cannot be lost while its process lives
    other = create_engine(migrated_url)
    try:
        first = process_lock(engine, "scheduler", BOT_ID)
        second = process_lock(other, "scheduler", BOT_ID)
        assert isinstance(first, AdvisoryLock)
        assert await first.acquire() and not await second.acquire()
        # The server ends the leader's session (a network cut, a failover).
        async with other.connect() as admin:
            await admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND objid = :bot"
                ),
                {"bot": BOT_ID},
            )
            await admin.commit()
        assert not await first.held()
        assert await second.acquire()
        await second.release()
    finally:
        await engine.dispose()
        await other.dispose()
