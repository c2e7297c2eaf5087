"""The pairs' own job: a chosen mentor who did not answer in three days returns the
mentee to the curator (both are told through the outbox)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.clock import Clock
from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.outbox import wake_after_commit

log = logging.getLogger(__name__)

EXPIRE_EVERY = timedelta(minutes=15)
EXPIRE_CHUNK = 100  # choices per transaction


async def expire_choices(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, settings: Settings
) -> int:
    """One pass: expire the overdue choices, EXPIRE_CHUNK at a time, each chunk in its own
    short transaction (committed, then the sender is woken); returns how many."""
    prepared = ServiceSettings.from_settings(settings, clock)
    expired = 0
    while True:
        async with sessions() as session:
            hub = ServiceHub(session, prepared)
            done = await hub.pairs.expire_overdue(limit=EXPIRE_CHUNK)
            await session.commit()
            wake_after_commit(session)
        expired += done
        if done < EXPIRE_CHUNK:
            break
    if expired:
        log.info("pairs: %s unanswered choices returned to curators", expired)
    return expired


def add_pair_jobs(
    scheduler: AsyncIOScheduler,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
) -> None:
    async def run() -> None:
        await expire_choices(sessions, clock, settings)

    scheduler.add_job(
        run,
        "interval",
        seconds=EXPIRE_EVERY.total_seconds(),
        id="pairs-expire-choices",
        coalesce=True,
        max_instances=1,
        next_run_time=datetime.now(UTC),
        misfire_grace_time=None,
    )
