"""The real dispatcher, fed in-process, talking to the fake Telegram over HTTP.

Flow tests use this: every update goes through the same middlewares, routers and
dialogs as in production; every answer is a real Bot API call the fake records.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.types import Update

from bot.config import Settings
from bot.factory import Application, create_application, create_bot
from bot.jobs import Jobs, create_jobs
from bot.storage.migrate import upgrade_async
from tests.clock import FakeClock
from tests.fake_telegram import FakeTelegram

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
ADMIN_ID = 900


def make_settings(database_url: str, base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "database_url": database_url,
        "telegram_api_url": base_url,
        "admin_ids": str(ADMIN_ID),
        "redis_url": None,
        "render_workers": 0,  # charts and workbooks in a thread: no process pool per test
        # The send budget paces on real time: flows go at test speed unless a test sets it.
        "send_rate_per_second": 1000,
        "send_seconds_per_chat": 0,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Running:
    fake: FakeTelegram
    app: Application
    bot: Bot
    settings: Settings
    clock: FakeClock
    jobs: Jobs | None = None

    async def deliver(self) -> None:
        """Let the sender look at the outbox now (after moving the clock) and finish."""
        assert self.jobs is not None, "running_bot(..., delivery=True) delivers notifications"
        self.jobs.sender.wake()
        await self.jobs.sender.wait_idle()


@asynccontextmanager
async def running_bot(
    fake: FakeTelegram,
    database_url: str,
    *,
    delivery: bool = False,
    clock: FakeClock | None = None,
    **overrides: Any,
) -> AsyncIterator[Running]:
    """Start the application in-process; user actions in `fake` are fed to its dispatcher.

    With `delivery` the sender and the scheduler run too, and each user action returns
    once what it queued was delivered (so the test sees it in the recipient's chat).
    Time is `clock` (daytime everywhere in Russia unless the test says otherwise)."""
    settings = make_settings(database_url, fake.base_url, **overrides)
    await upgrade_async(settings.database_url)
    clock = clock or FakeClock()
    app = create_application(settings, clock=clock)
    bot = create_bot(settings)
    dp = app.dispatcher
    jobs = (
        create_jobs(settings, bot, app.session_factory, app.i18n.core, clock=clock)
        if delivery
        else None
    )

    async def feed(raw: dict[str, Any]) -> None:
        update = Update.model_validate(raw, context={"bot": bot})
        await dp.feed_update(bot, update)
        if jobs is not None:
            await jobs.sender.wait_idle()

    await dp.emit_startup(bot=bot, dispatcher=dp, bots=[bot])
    if jobs is not None:
        await jobs.start()
    fake.update_sink = feed
    try:
        yield Running(fake=fake, app=app, bot=bot, settings=settings, clock=clock, jobs=jobs)
    finally:
        fake.update_sink = None
        if jobs is not None:
            await jobs.stop()
        await dp.emit_shutdown(bot=bot, dispatcher=dp, bots=[bot])
        await bot.session.close()
        await app.close()
