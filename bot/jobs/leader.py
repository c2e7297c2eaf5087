"""One process runs the scheduled sweeps: the one that holds the scheduler's lock.

Every process starts its scheduler paused and asks for the lock (bot/storage/locks.py) every
`CHECK_SECONDS`; the one that gets it resumes its scheduler, and checks each time that it
still holds it. When that process dies its lock goes with it (the server or the kernel
lets go), and another process takes over at its next try: within `CHECK_SECONDS`. The
sender is not led: every process delivers, claiming rows with FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.storage.locks import ProcessLock

log = logging.getLogger(__name__)
CHECK_SECONDS = 15.0


class Leadership:
    def __init__(
        self, scheduler: AsyncIOScheduler, lock: ProcessLock, *, every: float = CHECK_SECONDS
    ) -> None:
        self.scheduler = scheduler
        self.lock = lock
        self.every = every
        self.leading = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.scheduler.start(paused=True)
        self._task = asyncio.create_task(self._run(), name="scheduler-leadership")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.leading = False  # the scheduler itself is shut down by its owner (bot.jobs.Jobs)
        await self.lock.release()

    async def _run(self) -> None:
        while True:
            try:
                await self.check()
            except Exception:
                log.exception("could not check the scheduler's lock")
            await asyncio.sleep(self.every)

    async def check(self) -> None:
        if self.leading:
            if not await self.lock.held():
                self.scheduler.pause()
                self.leading = False
                log.warning("the scheduler's lock was lost: this process stops the sweeps")
        elif await self.lock.acquire():
            self.leading = True
            self.scheduler.resume()
            log.info("this process runs the scheduled jobs")
