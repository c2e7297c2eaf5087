"""Webhook mode: Telegram posts updates to WEBHOOK_URL; any number of processes serve it.

An update is answered (HTTP 200) only after it was handled — aiogram's request handler runs
with `handle_in_background=False` — so an update whose process dies mid-way is not answered,
and Telegram sends it again (to whichever process the proxy picks). It is then handled once:
the id of every update is recorded in its first transaction (bot/middlewares/once.py), on
the database all processes share. One person's updates take turns across processes through
Redis (`RedisEventIsolation`, bot/factory.py).

Besides the webhook's path the server answers `GET /healthz` (the event loop runs) and
`GET /readyz` (200 only when the database, and Redis if set, answer).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.factory import Application

log = logging.getLogger(__name__)
READY_TIMEOUT_SECONDS = 5.0


def readiness(app: Application) -> Callable[[], Awaitable[list[str]]]:
    """What is not answering: [] when the database (and Redis, if set) answer."""

    async def problems() -> list[str]:
        found: list[str] = []
        try:
            async with asyncio.timeout(READY_TIMEOUT_SECONDS):
                async with app.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError, TimeoutError):
            found.append("database")
        if isinstance(app.storage, RedisStorage):
            try:
                async with asyncio.timeout(READY_TIMEOUT_SECONDS):
                    await app.storage.redis.ping()
            except (RedisError, OSError, TimeoutError):
                found.append("redis")
        return found

    return problems


def build_web_app(
    dp: Dispatcher, bot: Bot, app: Application, settings: Settings
) -> web.Application:
    """The aiohttp application: the webhook's path, /healthz and /readyz."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    handler = SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token=secret)
    problems = readiness(app)

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(request: web.Request) -> web.Response:
        missing = await problems()
        if missing:
            return web.Response(status=503, text=f"not ready: {', '.join(missing)}\n")
        return web.Response(text="ready\n")

    web_app = web.Application()
    # Not handler.register(): it would close the bot's session on the server's shutdown,
    # while the updates still in flight may need it to answer.
    web_app.router.add_post(settings.webhook_path, handler.handle)
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", readyz)
    return web_app


def stop_signal() -> asyncio.Event:
    """Set on SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def serve(
    dp: Dispatcher, bot: Bot, app: Application, settings: Settings, *, grace: float
) -> None:
    """Serve until SIGTERM/SIGINT; then stop taking requests, let those in flight finish,
    and run the dispatcher's shutdown (the updates, the sender, the scheduler)."""
    stop = stop_signal()
    host, port = settings.listen_address
    runner = web.AppRunner(
        build_web_app(dp, bot, app, settings),
        handle_signals=False,
        access_log=None,
        shutdown_timeout=grace,
    )
    await runner.setup()
    workflow = {"dispatcher": dp, "bots": [bot], **dp.workflow_data}
    await dp.emit_startup(bot=bot, **workflow)
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        # Idempotent: every process may set it at start; none deletes it at stop.
        await bot.set_webhook(
            settings.webhook_url or "",
            secret_token=settings.webhook_secret.get_secret_value()
            if settings.webhook_secret
            else None,
            allowed_updates=dp.resolve_used_update_types(),
            drop_pending_updates=False,
        )
        log.info("serving the webhook on %s:%s%s", host, port, settings.webhook_path)
        await stop.wait()
        log.info("stopping: no new updates are taken")
    finally:
        await runner.cleanup()  # stops listening, waits for the requests in flight
        await dp.emit_shutdown(bot=bot, **workflow)
