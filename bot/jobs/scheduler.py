"""The scheduler: APScheduler's AsyncIOScheduler in the bot process, jobs defined in code.

The database says what is due; APScheduler only keeps time (no job store is shared
between processes, so several bot processes can each run one). Every
SCHEDULER_TICK_SECONDS the sweep wakes the sender, which picks up whatever is due: rows
that waited out quiet hours or a retry's backoff, and anything left over after a restart.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.jobs.sender import Sender

log = logging.getLogger(__name__)


def create_scheduler(sender: Sender, tick_seconds: float) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)

    async def sweep() -> None:
        sender.wake()

    scheduler.add_job(
        sweep,
        "interval",
        seconds=tick_seconds,
        id="outbox-sweep",
        coalesce=True,
        max_instances=1,
        next_run_time=datetime.now(UTC),  # catch up at once after downtime
        misfire_grace_time=None,
    )
    return scheduler
