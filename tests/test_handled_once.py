"""An update Telegram delivers twice (a restart before its receipt was confirmed, a webhook's
retry) is answered once: its id is recorded with its first effects and a second delivery is
skipped, also when both arrive at the same moment."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from aiogram.types import Update
from sqlalchemy import func, select

from bot.storage.database import create_engine, create_session_factory
from bot.storage.handled import expire_handled_updates
from bot.storage.models import HandledUpdate, utcnow
from tests.fake_telegram import FakeTelegram, FakeUser
from tests.harness import Running, running_bot


def sent_to(fake: FakeTelegram, user: FakeUser) -> int:
    """Messages the bot sent into the user's chat."""
    return sum(1 for c in fake.calls_of("sendMessage") if str(c.params["chat_id"]) == str(user.id))


async def captured(tg: Running, action: Any) -> dict[str, Any]:
    """The raw update a user action produces, not delivered to the bot."""
    caught: list[dict[str, Any]] = []
    sink = tg.fake.update_sink

    async def catch(raw: dict[str, Any]) -> None:
        caught.append(raw)

    tg.fake.update_sink = catch
    try:
        await action
    finally:
        tg.fake.update_sink = sink
    assert len(caught) == 1
    return caught[0]


async def feed(tg: Running, raw: dict[str, Any]) -> None:
    await tg.app.dispatcher.feed_update(tg.bot, Update.model_validate(raw, context={"bot": tg.bot}))


async def test_an_update_delivered_again_is_answered_once(
    fake: FakeTelegram, database_url: str
) -> None:
    async with running_bot(fake, database_url) as tg:
        anna = fake.user(2001, "Анна")
        raw = await captured(tg, anna.send("/help"))
        await feed(tg, raw)
        answered = sent_to(fake, anna)
        assert answered == 1, anna.transcript()
        await feed(tg, raw)  # Telegram delivers it again after a restart
        assert sent_to(fake, anna) == answered, anna.transcript()

        # The same update three times at once: one of them answers, the others are skipped.
        boris = fake.user(2002, "Борис")
        raw = await captured(tg, boris.send("/start"))
        await asyncio.gather(*(feed(tg, raw) for _ in range(3)))
        once = sent_to(fake, boris)
        assert once >= 1
        await feed(tg, raw)
        assert sent_to(fake, boris) == once
        greetings = [t for t in boris.texts() if "Здравствуйте, Борис" in t]
        assert len(greetings) == 1, boris.transcript()

        # A new update of the same person is answered as usual.
        await boris.send("/help")
        assert sent_to(fake, boris) == once + 1


async def test_handled_updates_expire(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    sessions = create_session_factory(engine)
    try:
        old = utcnow() - timedelta(days=3)
        async with sessions() as session, session.begin():
            session.add_all(
                [
                    HandledUpdate(bot_id=1, update_id=1, handled_at=old),
                    HandledUpdate(bot_id=1, update_id=2, handled_at=old),
                    HandledUpdate(bot_id=1, update_id=3),
                ]
            )
        assert await expire_handled_updates(sessions) == 2
        async with sessions() as session:
            left = await session.scalar(select(func.count()).select_from(HandledUpdate))
        assert left == 1
    finally:
        await engine.dispose()
