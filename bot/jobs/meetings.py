"""The meetings' due work, run by the scheduler every tick: reminders 24 h and 1 h before
agreed meetings, «Встреча состоялась?» after them, the quiet-pair ladder. Everything is
queued through the outbox (idempotent keys).

What is due is read without taking SQLite's write lock (`reading`); then, CHUNK meetings and
pairs at a time, who is told what is read the same way and queued in one short write
transaction of its own, after which the sender is woken. No write lock is held across the
sweep, and its statements do not grow with the number of pairs (a few per chunk)."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import Clock
from bot.services.meetings import MeetingJobs, TickResult
from bot.services.outbox import wake_after_commit
from bot.storage.database import reading

log = logging.getLogger(__name__)


async def run_meeting_jobs(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> TickResult:
    now = clock.now()
    result = TickResult()
    async with reading(sessions) as session:
        work = await MeetingJobs(session, clock.now).due_work(now)
    for start in range(0, len(work), MeetingJobs.CHUNK):
        async with reading(sessions) as session:
            rows = await MeetingJobs(session, clock.now).notifications(
                work[start : start + MeetingJobs.CHUNK], now
            )
        if not rows:
            continue
        async with sessions() as session:
            result.add(await MeetingJobs(session, clock.now).queue(rows, now))
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
