"""`python -m bot`: long polling against Telegram (or TELEGRAM_API_URL)."""

from __future__ import annotations

import asyncio
import logging
import sys

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.config import ConfigError, Settings, load_settings
from bot.factory import Application, create_application, create_bot
from bot.jobs import create_jobs
from bot.services.catalog import CatalogError
from bot.services.matching import MatchingError
from bot.services.questionnaires import QuestionnaireError
from bot.storage.fsm import expire_dialog_state
from bot.storage.migrate import upgrade_async

log = logging.getLogger("bot")
SHUTDOWN_GRACE_SECONDS = 20.0
# Updates handled at once. Each holds a database connection while it works (SQLite has a
# single writer); a burst beyond this waits in aiogram's queue instead of in the database.
MAX_CONCURRENT_UPDATES = 32
DIALOG_STATE_CLEANUP_SECONDS = 24 * 3600


async def expire_dialog_state_daily(app: Application) -> None:
    """Old dialog stacks go: at start-up, then once a day."""
    while True:
        try:
            expired = await expire_dialog_state(app.session_factory)
        except Exception:
            log.exception("could not delete old dialog state")
        else:
            if expired:
                log.info("deleted %s dialog-state rows nobody used for a long time", expired)
        await asyncio.sleep(DIALOG_STATE_CLEANUP_SECONDS)


class StartupError(Exception):
    """The bot cannot start; the message is one line for the person who runs it."""


def database_problem(url: str, exc: Exception) -> StartupError:
    parsed = make_url(url)
    reason = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = " ".join(str(reason).split()) or type(reason).__name__
    check = (
        "that its folder exists and is writable"
        if parsed.get_backend_name() == "sqlite"
        else "that the database server is running and the database exists"
    )
    return StartupError(
        f"cannot open the database {parsed.render_as_string(hide_password=True)} ({text}): "
        f"check DATABASE_URL and {check}"
    )


async def run(settings: Settings) -> None:
    try:
        app = create_application(settings)  # reads the catalog; connects to nothing yet
    except QuestionnaireError as exc:
        raise StartupError(f"a questionnaire file is invalid: {exc}") from None
    except CatalogError as exc:
        raise StartupError(f"EXTRA_FORMS_FILE is invalid ({exc})") from None
    except MatchingError as exc:
        raise StartupError(f"MATCHING_FILE is invalid ({exc})") from None
    except OSError as exc:  # the SQLite file's folder cannot be made
        raise database_problem(settings.database_url, exc) from None
    try:
        await upgrade_async(settings.database_url)
    except (SQLAlchemyError, OSError) as exc:
        await app.close()
        raise database_problem(settings.database_url, exc) from None
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

    cleanup = asyncio.create_task(expire_dialog_state_daily(app))
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        await dp.start_polling(
            bot,
            handle_signals=True,
            close_bot_session=True,
            tasks_concurrency_limit=MAX_CONCURRENT_UPDATES,
        )
    finally:
        cleanup.cancel()
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
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
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
