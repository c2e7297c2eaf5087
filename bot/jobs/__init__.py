"""What runs beside the handlers: the scheduler and the one rate-limited sender."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram_i18n.cores.base import BaseCore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.jobs import digest_render, municipality, reports
from bot.jobs.digests import add_digest_job
from bot.jobs.leader import Leadership
from bot.jobs.meetings import run_meeting_jobs
from bot.jobs.municipality import add_municipality_jobs
from bot.jobs.pairs import add_pair_jobs
from bot.jobs.recognition import add_recognition_job
from bot.jobs.render import Renderer
from bot.jobs.scheduler import create_scheduler
from bot.jobs.sender import Sender
from bot.jobs.surveys import add_survey_job
from bot.services import offload
from bot.services.clock import SYSTEM_CLOCK, Clock
from bot.services.hub import ServiceSettings
from bot.services.outbox import DeliveryQueue
from bot.telegram.budget import budget_of

STOP_TIMEOUT = 15.0


def worker_name() -> str:
    """Who holds a claim: host, process and a random tail (a restarted process is new)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Jobs:
    sender: Sender
    scheduler: AsyncIOScheduler
    # With several processes, only the holder of the scheduler's lock runs the sweeps.
    leadership: Leadership | None = None
    _task: asyncio.Task[None] | None = field(default=None, init=False)

    async def start(self) -> None:
        """Start delivering (call once polling or the webhook is about to run)."""
        self._task = asyncio.create_task(self.sender.run(), name="sender")
        if self.leadership is None:
            self.scheduler.start()
        else:
            self.leadership.start()

    async def stop(self) -> None:
        """Finish what is in flight, give back the rest; nothing is sent twice on restart."""
        if self.leadership is not None:
            await self.leadership.stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.sender.stop()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, STOP_TIMEOUT)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        offload.shutdown()


def register_builders() -> None:
    """Fill the registries of what is built at send time: the rich notifications
    (bot.jobs.render.RICH) and the reports (bot.jobs.report_registry.REPORTS). Importing a
    module registers nothing; calling this again changes nothing."""
    digest_render.register()
    reports.register()
    municipality.register()


def create_jobs(
    settings: Settings,
    bot: Bot,
    sessions: async_sessionmaker[AsyncSession],
    core: BaseCore[Any],
    *,
    clock: Clock = SYSTEM_CLOCK,
) -> Jobs:
    register_builders()
    offload.configure(settings.render_workers)
    services = ServiceSettings.from_settings(settings, clock)
    queue = DeliveryQueue(
        sessions, worker=worker_name(), clock=clock, default_timezone=settings.default_timezone
    )
    sender = Sender(
        bot,
        queue,
        Renderer(
            core,
            settings.default_locale,
            sessions=sessions,
            clock=clock,
            default_timezone=settings.default_timezone,
            settings=services,
        ),
        rate=settings.send_rate_per_second,
        per_chat_interval=settings.send_seconds_per_chat,
        clock=clock,
        budget=budget_of(bot),  # the one budget: the bot's direct answers use it too
    )
    scheduler = create_scheduler(sender, settings.scheduler_tick_seconds)
    # The meetings' due work: reminders, «Встреча состоялась?», the quiet-pair ladder.
    scheduler.add_job(
        run_meeting_jobs,
        "interval",
        args=(sessions, clock),
        seconds=settings.scheduler_tick_seconds,
        id="meetings-due",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )
    add_survey_job(scheduler, sessions, settings, clock)
    add_pair_jobs(scheduler, sessions, clock, settings)
    add_municipality_jobs(scheduler, sessions, clock)
    add_recognition_job(scheduler, sessions, clock, services.questionnaires, services.catalog)
    add_digest_job(scheduler, sessions, services)
    return Jobs(sender=sender, scheduler=scheduler)
