"""One send budget for everything the bot says, under Telegram's limits (issue 28).

A lesson break: many people press at once while Telegram answers slowly and enforces about
30 messages a second. The bot paces itself (Telegram never has to say 429), a 429 it could
not foresee is waited out, and with Redis two processes keep to the one budget together.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter

from bot.factory import create_bot
from bot.services.outbox import Outbox, wake_after_commit
from bot.storage.models import User
from bot.telegram.budget import DIRECT_WAIT_MAX, SendBudget, budget_of
from tests.clock import FakeClock
from tests.databases import TEST_REDIS_URL, redis_prefix, sqlite_url
from tests.fake_telegram import FakeTelegram
from tests.harness import TOKEN, make_settings, running_bot

PEOPLE = 100
TELEGRAM_LIMIT = 30  # messages a second, as Telegram enforces it for a bot
SLOW_TELEGRAM_SECONDS = 0.3
# The bot's own settings (the defaults of bot/config.py), which the harness otherwise relaxes.
BUDGET = {"send_rate_per_second": 25, "send_seconds_per_chat": 1.0}


async def test_a_hundred_people_start_at_once_and_telegram_never_says_429(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with (
        FakeTelegram(latency=SLOW_TELEGRAM_SECONDS, rate_limit_per_second=TELEGRAM_LIMIT) as fake,
        running_bot(fake, sqlite_url(tmp_path), **BUDGET),
    ):
        alone = fake.user(40_000, "Первый")
        await alone.send("/start")
        expected = [t.replace("Первый", "{name}") for t in alone.texts()]
        assert len(expected) == 2, alone.transcript()  # the greeting and the main menu
        people = [fake.user(40_001 + n, f"Участник {n}") for n in range(PEOPLE)]
        await asyncio.gather(*(person.send("/start") for person in people))
    assert fake.rate_limited == 0
    for n, person in enumerate(people):
        texts = [t.replace(f"Участник {n}", "{name}") for t in person.texts()]
        assert texts == expected, person.transcript()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [
        r
        for r in caplog.records
        if "retry" in r.getMessage().lower() and not r.name.startswith("alembic")
    ]


async def test_the_outbox_and_people_acting_share_one_budget(tmp_path: Path) -> None:
    """120 notifications go out while 60 people start: together under Telegram's limit."""
    async with (
        FakeTelegram(latency=SLOW_TELEGRAM_SECONDS, rate_limit_per_second=TELEGRAM_LIMIT) as fake,
        running_bot(fake, sqlite_url(tmp_path), delivery=True, **BUDGET) as tg,
    ):
        waiting = [fake.user(42_000 + n, f"Получатель {n}") for n in range(120)]
        async with tg.app.session_factory() as session:
            users = [User(telegram_id=w.id, full_name=w.first_name, locale="ru") for w in waiting]
            session.add_all(users)
            await session.flush()
            outbox = Outbox(session, tg.clock)
            for user in users:
                await outbox.enqueue(
                    kind="paper-consent", subject=f"user:{user.id}", recipient_user_id=user.id
                )
            await session.commit()
        wake_after_commit(session)
        people = [fake.user(42_500 + n, f"Участник {n}") for n in range(60)]
        await asyncio.gather(*(person.send("/start") for person in people))
        await tg.deliver()
    assert fake.rate_limited == 0
    assert [len(w.texts()) for w in waiting] == [1] * len(waiting)
    assert [len(p.texts()) for p in people] == [2] * len(people)  # the greeting and the menu


async def test_a_429_on_an_answer_is_waited_out_and_the_person_still_gets_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with (
        FakeTelegram() as fake,
        running_bot(fake, sqlite_url(tmp_path)),
    ):
        anna = fake.user(40_500, "Анна")
        await anna.send("/help")
        expected = anna.texts()
        boris = fake.user(40_501, "Борис")
        fake.fail_next("sendMessage", error_code=429, retry_after=1)
        await boris.send("/help")
    assert boris.texts() == expected, boris.transcript()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    waits = [r for r in caplog.records if "asked to wait" in r.getMessage()]
    assert len(waits) == 1 and waits[0].exc_info is None
    assert "Traceback" not in caplog.text


async def test_a_429_longer_than_a_person_would_wait_fails_as_before(tmp_path: Path) -> None:
    async with (
        FakeTelegram() as fake,
        running_bot(fake, sqlite_url(tmp_path)),
    ):
        boris = fake.user(40_502, "Борис")
        fake.fail_next("sendMessage", error_code=429, retry_after=int(DIRECT_WAIT_MAX) + 1)
        await boris.send("/help")
    assert "пошло не так" in boris.texts()[-1], boris.transcript()


async def test_a_direct_answer_goes_before_the_outbox_and_keeps_the_chat_pace() -> None:
    clock = FakeClock()
    budget = SendBudget(rate=10, seconds_per_chat=1.0, clock=clock)
    start = clock.monotonic()
    # The outbox is sending: its slot is taken now.
    assert await budget.take_spare(1)
    # A person acting takes the next slot (0.1 s later) and a burst of three in their chat.
    moments = []
    for _ in range(4):
        await budget.take(7, message=True)
        moments.append(round(clock.monotonic() - start, 3))
    assert moments == [0.1, 0.2, 0.3, 1.0]
    # Edits pace the chat but take no overall slot; the outbox waits out the chat's second.
    assert budget.chat_wait(7, spare=True) > 0


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
async def test_two_processes_with_redis_keep_to_one_budget_together() -> None:
    assert TEST_REDIS_URL
    each = 60
    async with (
        FakeTelegram(rate_limit_per_second=TELEGRAM_LIMIT) as fake,
        redis_prefix(TEST_REDIS_URL) as prefix,
    ):
        settings = make_settings(
            "sqlite+aiosqlite://",
            fake.base_url,
            redis_url=TEST_REDIS_URL,
            redis_prefix=prefix,
            **BUDGET,
        )
        # Two processes: each its own bot, its own budget and Redis client, one Redis prefix.
        bots = [create_bot(settings), create_bot(settings)]
        try:
            for n in range(2 * each):
                fake.user(41_000 + n, f"U{n}")

            async def send_all(index: int) -> None:
                bot = bots[index]
                await asyncio.gather(
                    *(
                        bot.send_message(41_000 + index * each + n, "Звонок с урока")
                        for n in range(each)
                    )
                )

            await asyncio.gather(send_all(0), send_all(1))
        finally:
            for bot in bots:
                await bot.session.close()
                budget = budget_of(bot)
                assert budget is not None
                await budget.aclose()
    sent = [c for c in fake.calls_of("sendMessage") if c.ok]
    assert len(sent) == 2 * each
    assert fake.rate_limited == 0


async def test_the_fake_counts_messages_as_telegram_does() -> None:
    """Messages count toward the limit; a chat action (no message) does not."""
    async with FakeTelegram(rate_limit_per_second=2) as fake:
        anna = fake.user(41_500, "Анна")
        # A bare bot: no budget, no retry.
        session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
        bot = Bot(TOKEN, session=session)
        try:
            for text in ("раз", "два"):
                await bot.send_chat_action(anna.id, "typing")
                await bot.send_message(anna.id, text)
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(anna.id, "три")
        finally:
            await session.close()
    assert fake.rate_limited == 1
    assert anna.texts() == ["раз", "два"]
