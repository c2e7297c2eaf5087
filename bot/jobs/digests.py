"""The weekly digests' scheduler job: every tick, queue this week's digest for each school
whose local digest day and hour have come. The outbox's unique key (kind, school, ISO week,
curator) makes it once a week; a school whose moment passed while the bot was down gets it
when the bot is up again — within the same local week only (the row expires at its end)."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import Clock
from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.outbox import wake_after_commit

log = logging.getLogger(__name__)

# Checked every five minutes, the first time five minutes after the start: a digest due at
# 09:00 goes out by 09:05, one missed while the bot was down five minutes after it is up.
# (Every 30-second tick would cost the same one statement, but the tests' fake Monday
# morning would then drop digests into the chats of unrelated tests.)
DIGEST_TICK_SECONDS = 300.0


async def queue_digests(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: ServiceSettings | None = None,
) -> int:
    """One run: returns how many digests were queued. `settings`: the services' (by default
    the defaults, with this clock)."""
    async with sessions() as session:
        hub = ServiceHub(session, settings or ServiceSettings(clock=clock))
        queued = await hub.digests.queue_weekly(clock.now())
        await session.commit()
    wake_after_commit(session)
    if queued:
        log.info("digests: %s weekly digests queued", queued)
    return queued


def add_digest_job(
    scheduler: AsyncIOScheduler,
    sessions: async_sessionmaker[AsyncSession],
    settings: ServiceSettings,
    seconds: float = DIGEST_TICK_SECONDS,
) -> None:
    async def run() -> None:
        try:
            await queue_digests(sessions, settings.clock, settings)
        except Exception:
            log.exception("digests: this run failed; the next one retries")

    scheduler.add_job(
        run,
        "interval",
        seconds=seconds,
        id="digests-weekly",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )
