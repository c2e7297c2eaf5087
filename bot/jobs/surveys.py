"""The questionnaires' scheduler job: deadline reminders (3 days before and on the day) and
the recurring pulse. The database says what is due; each run is idempotent (flags on the
wave, the outbox's unique key, one pulse wave per number), so several processes may run it.
Each wave's reminders and each pulse are a short transaction of their own."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.clock import SYSTEM_CLOCK, Clock
from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.outbox import wake_after_commit
from bot.storage.database import reading

log = logging.getLogger(__name__)

SURVEY_TICK_SECONDS = 300.0


async def survey_tick(
    sessions: async_sessionmaker[AsyncSession], service_settings: ServiceSettings
) -> int:
    """One run: returns how many messages (reminders, pulse invitations) were queued. What
    is due is read without the write lock; each wave's reminders and each pulse are then
    queued in a short transaction of their own, after which the sender is woken."""
    async with reading(sessions) as session:
        steps = await ServiceHub(session, service_settings).surveys.due_steps()
    queued = 0
    for step in steps:
        async with sessions() as session:
            queued += await ServiceHub(session, service_settings).surveys.run_step(step)
            await session.commit()
        wake_after_commit(session)
    return queued


def add_survey_job(
    scheduler: AsyncIOScheduler,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: Clock = SYSTEM_CLOCK,
    seconds: float = SURVEY_TICK_SECONDS,
) -> None:
    prepared = ServiceSettings.from_settings(settings, clock)  # as the handlers get them

    async def run() -> None:
        try:
            queued = await survey_tick(sessions, prepared)
        except Exception:
            log.exception("questionnaire reminders: this run failed; the next one retries")
            return
        if queued:
            log.info("questionnaires: %s messages queued", queued)

    scheduler.add_job(
        run,
        "interval",
        seconds=seconds,
        id="survey-reminders",
        coalesce=True,
        max_instances=1,
        next_run_time=datetime.now(UTC),
        misfire_grace_time=None,
    )
