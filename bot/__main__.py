"""`python -m bot`: long polling against Telegram (or TELEGRAM_API_URL)."""

from __future__ import annotations

import asyncio
import logging
import sys

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

from bot.config import ConfigError, Settings, load_settings
from bot.factory import create_application, create_bot
from bot.jobs import create_jobs
from bot.storage.migrate import upgrade_async

log = logging.getLogger("bot")
SHUTDOWN_GRACE_SECONDS = 20.0


async def run(settings: Settings) -> None:
    await upgrade_async(settings.database_url)
    app = create_application(settings)
    bot = create_bot(settings)
    dp = app.dispatcher
    jobs = create_jobs(settings, bot, app.session_factory, app.i18n.core)

    @dp.startup()
    async def on_startup(bot: Bot) -> None:
        me = await bot.get_me()
        log.info("started as @%s", me.username)
        await jobs.start()  # the scheduler and the sender

    @dp.shutdown()
    async def on_shutdown() -> None:
        if not await app.inflight.wait_idle(SHUTDOWN_GRACE_SECONDS):
            log.warning("shutdown: some updates were still running after the grace period")
        await jobs.stop()  # finishes what is in flight; the rest waits for the next start
        log.info("stopped")

    try:
        await bot.delete_webhook(drop_pending_updates=False)
        await dp.start_polling(bot, handle_signals=True, close_bot_session=True)
    finally:
        await bot.session.close()  # already closed after polling; needed when start-up failed
        await app.close()


def main() -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        asyncio.run(run(settings))
    except TelegramUnauthorizedError:
        print("error: Telegram rejected BOT_TOKEN: check it with @BotFather", file=sys.stderr)
        return 2
    except TelegramNetworkError as exc:
        print(
            f"error: cannot reach the Bot API at {settings.telegram_api_base} ({exc.message}): "
            "check the network or TELEGRAM_API_URL",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
