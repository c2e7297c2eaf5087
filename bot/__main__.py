"""`python -m bot`: long polling against Telegram (or TELEGRAM_API_URL), or a webhook
server when WEBHOOK_URL is set (bot/webhook.py)."""

from __future__ import annotations

import asyncio
import logging
import sys

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError
from aiogram.fsm.storage.redis import RedisStorage
from redis.exceptions import RedisError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, Settings, load_settings
from bot.factory import Application, create_application, create_bot
from bot.jobs import Jobs, create_jobs
from bot.jobs.leader import Leadership
from bot.services.catalog import CatalogError
from bot.services.matching import MatchingError
from bot.services.questionnaires import QuestionnaireError
from bot.storage.fsm import expire_dialog_state
from bot.storage.handled import expire_handled_updates
from bot.storage.locks import process_lock
from bot.storage.migrate import database_problem as database_problem_text
from bot.storage.migrate import upgrade_async
from bot.telegram.budget import budget_of
from bot.webhook import serve as serve_webhook

log = logging.getLogger("bot")
SHUTDOWN_GRACE_SECONDS = 20.0
# Updates handled at once. Each holds a database connection while it works (SQLite has a
# single writer); a burst beyond this waits in aiogram's queue instead of in the database.
MAX_CONCURRENT_UPDATES = 32
DIALOG_STATE_CLEANUP_SECONDS = 24 * 3600
REDIS_CHECK_SECONDS = 10.0
# Loggers that say at INFO what is routine: APScheduler's "Running job …" and "… executed
# successfully" for every tick of every job (thousands of lines a day on an idle bot).
QUIET_LOGGERS = ("apscheduler.executors.default",)


async def expire_dialog_state_daily(app: Application) -> None:
    """Old dialog stacks and the ids of old updates go: at start-up, then once a day."""
    while True:
        try:
            expired = await expire_dialog_state(app.session_factory)
        except Exception:
            log.exception("could not delete old dialog state")
        else:
            if expired:
                log.info("deleted %s dialog-state rows nobody used for a long time", expired)
        try:
            await expire_handled_updates(app.session_factory)
        except Exception:
            log.exception("could not delete the ids of old updates")
        await asyncio.sleep(DIALOG_STATE_CLEANUP_SECONDS)


class StartupError(Exception):
    """The bot cannot start; the message is one line for the person who runs it."""


def database_problem(url: str, exc: Exception) -> StartupError:
    return StartupError(database_problem_text(url, exc))


async def check_redis(app: Application) -> None:
    """REDIS_URL is tried at start: a Redis nobody can reach is one line now, not an error
    at the first update."""
    storage = app.storage
    if not isinstance(storage, RedisStorage):
        return
    url = make_url(app.settings.redis_url or "").render_as_string(hide_password=True)
    try:
        async with asyncio.timeout(REDIS_CHECK_SECONDS):
            await storage.redis.ping()
    except (RedisError, OSError, TimeoutError) as exc:
        text = " ".join(str(exc).split()) or type(exc).__name__
        raise StartupError(
            f"cannot reach Redis at {url} ({text}): "
            "check REDIS_URL and that the Redis server is running"
        ) from None


async def update_tasks_done(dp: Dispatcher, grace: float) -> bool:
    """Wait for the updates polling handed over (each runs as a task of its own)."""
    tasks = set(getattr(dp, "_handle_update_tasks", ()))  # aiogram keeps them there
    if not tasks:
        return True
    _, pending = await asyncio.wait(tasks, timeout=grace)
    return not pending


async def confirm_handled(bot: Bot, last_update_id: int | None) -> None:
    """Tell Telegram what was handled: polling confirms an update only with its next
    getUpdates, which a stopped bot never makes, so the updates of its last batch would come
    again after a restart (and be skipped then, see bot.middlewares.once)."""
    if last_update_id is None:
        return
    try:
        await bot.get_updates(offset=last_update_id + 1, timeout=0, limit=1)
    except TelegramAPIError as exc:
        log.warning("shutdown: could not confirm the handled updates to Telegram (%s)", exc)


def register_lifecycle(dp: Dispatcher, app: Application, jobs: Jobs, *, polling: bool) -> None:
    """What runs when the dispatcher starts and stops (registered after everything else).

    Stopping goes in this order: updates are no longer taken (polling is stopped before the
    dispatcher's shutdown); the updates in flight finish; with polling, Telegram is told
    which were handled; the scheduler stops and the sender finishes its current sends. Only
    then does `Application.close` close i18n, the FSM storage and the engine."""

    @dp.startup()
    async def on_startup(bot: Bot) -> None:
        me = await bot.get_me()
        log.info("started as @%s", me.username)
        await jobs.start()  # the scheduler and the sender

    @dp.shutdown()
    async def on_shutdown(bot: Bot) -> None:
        finished = await update_tasks_done(dp, SHUTDOWN_GRACE_SECONDS)
        if not (finished and await app.inflight.wait_idle(SHUTDOWN_GRACE_SECONDS)):
            log.warning("shutdown: some updates were still running after the grace period")
        elif polling:
            await confirm_handled(bot, app.inflight.last_update_id)
        await jobs.stop()  # finishes what is in flight; the rest waits for the next start
        log.info("stopped")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))


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
    polling = not settings.webhook_url
    polling_lock = process_lock(app.engine, "polling", settings.bot_id)
    try:
        refused = polling and not await polling_lock.acquire()
    except (SQLAlchemyError, OSError) as exc:
        await app.close()
        raise database_problem(settings.database_url, exc) from None
    if refused:
        await app.close()
        raise StartupError(
            "another process already polls this bot on this database: run one polling "
            "process, or set WEBHOOK_URL to run several behind one address"
        )
    try:
        await upgrade_async(settings.database_url)
    except (SQLAlchemyError, OSError) as exc:
        await app.close()
        raise database_problem(settings.database_url, exc) from None
    try:
        await check_redis(app)
    except StartupError:
        await app.close()
        raise
    bot = create_bot(settings)
    dp = app.dispatcher
    jobs = create_jobs(settings, bot, app.session_factory, app.i18n.core)
    jobs.leadership = Leadership(
        jobs.scheduler, process_lock(app.engine, "scheduler", settings.bot_id)
    )
    register_lifecycle(dp, app, jobs, polling=polling)

    cleanup = asyncio.create_task(expire_dialog_state_daily(app))
    try:
        if polling:
            await bot.delete_webhook(drop_pending_updates=False)
            await dp.start_polling(
                bot,
                handle_signals=True,
                close_bot_session=True,
                tasks_concurrency_limit=MAX_CONCURRENT_UPDATES,
            )
        else:
            await serve_webhook(dp, bot, app, settings, grace=SHUTDOWN_GRACE_SECONDS)
    finally:
        cleanup.cancel()
        await polling_lock.release()
        await bot.session.close()  # already closed after polling; needed when start-up failed
        budget = budget_of(bot)
        if budget is not None:
            await budget.aclose()  # its Redis client, when REDIS_URL is set
        await app.close()


def main() -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
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
