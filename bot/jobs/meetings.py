"""The meetings' due work, run by the scheduler every tick: reminders 24 h and 1 h before
agreed meetings, «Встреча состоялась?» after them, the quiet-pair ladder. Everything is
queued through the outbox (idempotent keys), in one short transaction; the sender is woken
after the commit."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import Clock
from bot.services.meetings import MeetingJobs, TickResult
from bot.services.outbox import wake_after_commit

log = logging.getLogger(__name__)


async def run_meeting_jobs(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> TickResult:
    async with sessions() as session:
        result = await MeetingJobs(session, clock.now).tick()
        await session.commit()
        wake_after_commit(session)
    if result.reminders or result.held_asks or result.ladder:
        log.info(
            "meetings: %s reminders, %s held questions, %s quiet-pair notices queued",
            result.reminders,
            result.held_asks,
            result.ladder,
        )
    return result
