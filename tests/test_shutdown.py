"""Stopping the bot (what SIGTERM does, in process): updates in flight and the sender's
current sends finish before i18n, the sender and the database close; nothing fails."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from aiogram.types import Update
from sqlalchemy import select

from bot.__main__ import register_lifecycle
from bot.factory import create_application, create_bot
from bot.jobs import create_jobs
from bot.services.outbox import Outbox
from bot.storage.migrate import upgrade_async
from bot.storage.models import Notification, User
from tests.clock import FakeClock
from tests.databases import sqlite_url
from tests.fake_telegram import FakeTelegram
from tests.harness import make_settings

PEOPLE = 40


async def test_stopping_lets_updates_and_sends_finish(
    fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = make_settings(sqlite_url(tmp_path), fake.base_url)
    await upgrade_async(settings.database_url)
    clock = FakeClock()
    app = create_application(settings, clock=clock)
    bot = create_bot(settings)
    dp = app.dispatcher
    jobs = create_jobs(settings, bot, app.session_factory, app.i18n.core, clock=clock)
    register_lifecycle(dp, app, jobs, polling=False)

    # Notifications waiting for PEOPLE recipients.
    readers = [fake.user(5000 + n, f"Читатель{n}") for n in range(PEOPLE)]
    async with app.session_factory() as session:
        for reader in readers:
            user = User(telegram_id=reader.id, full_name=reader.first_name, telegram_locale="ru")
            session.add(user)
            await session.flush()
            await Outbox(session, clock).enqueue(
                kind="paper-consent", subject=f"user:{user.id}", recipient_user_id=user.id
            )
        await session.commit()

    fake.latency = 0.1  # Telegram answers slowly: updates and sends are in flight at the stop
    handling: list[asyncio.Task[Any]] = []

    async def sink(raw: dict[str, Any]) -> None:
        update = Update.model_validate(raw, context={"bot": bot})
        task = asyncio.create_task(dp.feed_update(bot, update))
        handling.append(task)
        # Where polling keeps the updates it handed over (what shutdown waits for).
        dp._handle_update_tasks.add(task)
        task.add_done_callback(dp._handle_update_tasks.discard)

    fake.update_sink = sink
    await dp.emit_startup(bot=bot, dispatcher=dp, bots=[bot])
    people = [fake.user(6000 + n, f"Ученик{n}") for n in range(PEOPLE)]
    for person in people:
        await person.send("/start")
    assert not any(task.done() for task in handling)

    # What start_polling does on SIGTERM once polling stopped.
    await dp.emit_shutdown(bot=bot, dispatcher=dp, bots=[bot])
    await bot.session.close()
    await app.close()
    fake.update_sink = None

    assert all(task.done() for task in handling)
    for person in people:
        assert any(f"Здравствуйте, {person.first_name}" in t for t in person.texts()), (
            person.transcript()
        )
    app = create_application(settings, clock=clock)
    try:
        async with app.session_factory() as session:
            rows = list(await session.scalars(select(Notification).order_by(Notification.id)))
    finally:
        await app.close()
    assert len(rows) == PEOPLE
    assert [r for r in rows if r.status == "failed"] == []
    sent = [r for r in rows if r.status == "sent"]
    assert sent, "the sender sent nothing before the stop"
    for row, reader in zip(rows, readers, strict=True):
        assert len(reader.texts()) == (1 if row.status == "sent" else 0)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert "KeyError" not in caplog.text
