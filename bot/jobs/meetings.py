"""The meetings' due work, run by the scheduler every tick: reminders 24 h and 1 h before
agreed meetings, «Встреча состоялась?» after them, the quiet-pair ladder. Everything is
queued through the outbox (idempotent keys).

What is due, who is told and what was queued before are read without taking SQLite's write
lock (`reading`, seven statements); what is new is then queued WRITE_CHUNK messages at a
time, each chunk one INSERT in a short write transaction of its own, after which the sender
is woken. No write lock is held across the sweep, and its statements do not grow with the
number of pairs."""

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
        jobs = MeetingJobs(session, clock.now)
        rows = await jobs.messages(await jobs.due_work(now), now)
    for start in range(0, len(rows), MeetingJobs.WRITE_CHUNK):
        async with sessions() as session:
            chunk = rows[start : start + MeetingJobs.WRITE_CHUNK]
            result.add(await MeetingJobs(session, clock.now).queue(chunk, now))
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
