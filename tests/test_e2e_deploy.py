"""A deploy, end to end: the real `python -m bot` stopped (SIGTERM) or killed (SIGKILL) in
the middle of a burst of people, then started again. Nobody is answered twice, nobody whose
update the stopped bot had not handled is lost, and the log holds no error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import BotProcess, Database, greetings, track, update_of, wait_for
from tests.fake_telegram import FakeTelegram, FakeUser

PEOPLE = 60


async def burst(fake: FakeTelegram, first_id: int) -> list[FakeUser]:
    people = [fake.user(first_id + n, f"Гость{n}", language_code="ru") for n in range(PEOPLE)]
    for person in people:
        await person.send("/start")
    return people


async def test_sigterm_mid_burst_then_restart_answers_everyone_once(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    async with FakeTelegram() as fake:
        bot = BotProcess(fake, tmp_path)
        track(request, bot)
        await bot.start()
        try:
            fake.latency = 0.3  # a slow Telegram: many updates are in flight at the SIGTERM
            people = await burst(fake, 7000)
            await wait_for(
                fake,
                lambda: sum(greetings(fake, p) for p in people) >= 5,
                "the burst did not begin",
                within=60,
            )
            await bot.stop()  # SIGTERM: exit code 0 within the grace period
            answered_before = {p.id for p in people if greetings(fake, p)}
            assert len(answered_before) < PEOPLE, "the stop came after the burst was over"
            fake.latency = 0.0
            await bot.start()
            await wait_for(
                fake,
                lambda: all(greetings(fake, p) for p in people),
                "somebody was never answered",
                within=60,
            )
            await fake.wait_idle()
        finally:
            await bot.stop()
        twice = [p.first_name for p in people if greetings(fake, p) != 1]
        assert twice == [], f"answered more than once: {twice}"
        log = bot.log()
        # The stopped bot confirmed what it handled: nothing of it came again.
        assert "was handled already" not in log
        assert "KeyError" not in log and "Traceback" not in log and " ERROR " not in log


async def test_sigkill_mid_burst_then_restart_answers_nobody_twice(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    async with FakeTelegram() as fake:
        bot = BotProcess(fake, tmp_path)
        track(request, bot)
        await bot.start()
        try:
            fake.latency = 0.3
            people = await burst(fake, 8000)
            await wait_for(
                fake,
                lambda: sum(greetings(fake, p) for p in people) >= 5,
                "the burst did not begin",
                within=60,
            )
            await bot.kill()  # SIGKILL: nothing is confirmed, transactions are cut
            db = Database(bot.database_url)
            try:
                recorded = {int(r["update_id"]) for r in await db.rows("handled_update")}
            finally:
                await db.close()
            answered_before = {p.id for p in people if greetings(fake, p)}
            fake.latency = 0.0
            await bot.start()
            # Updates the killed bot had not recorded come again and are handled now.
            not_recorded = [p for p in people if update_of(fake, p) not in recorded]
            assert not_recorded, "the kill came after every update was recorded"
            await wait_for(
                fake,
                lambda: all(greetings(fake, p) for p in not_recorded),
                "an update cut before its first commit was not handled after the restart",
                within=60,
            )
            await fake.wait_idle()
        finally:
            await bot.stop()
        twice = [p.first_name for p in people if greetings(fake, p) > 1]
        assert twice == [], f"answered more than once: {twice}"
        # Those answered before the kill were delivered again and skipped.
        assert all(update_of(fake, p) in recorded for p in people if p.id in answered_before)
        assert "was handled already" in bot.log()
