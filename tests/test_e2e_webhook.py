"""Webhook mode end to end: the real `python -m bot` with WEBHOOK_URL behind the fake Bot API,
which posts updates to it like Telegram (retrying what was not answered 200).

One process on SQLite: people are answered, a request without the secret is refused,
/healthz and /readyz answer. A second polling process on the same database is refused at
start with one line. Two webhook processes on PostgreSQL and Redis share a burst; one is
killed with SIGKILL in the middle, and everybody is still answered exactly once.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.databases import TEST_DATABASE_URL, TEST_REDIS_URL, postgres_database, redis_prefix
from tests.e2e import ROOT, START_TIMEOUT, BotProcess, greetings, track, update_of, wait_for
from tests.fake_telegram import FakeTelegram

SECRET = "s3cret_Webhook-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class WebhookBot(BotProcess):
    """`python -m bot` serving a webhook on its own port."""

    def __init__(
        self,
        fake: FakeTelegram,
        folder: Path,
        *,
        database_url: str | None = None,
        redis_url: str = "",
        redis_prefix: str = "nastavnik",
    ) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(fake, folder)
        if database_url:
            self.database_url = database_url
        self.port = free_port()
        self.redis_url = redis_url
        self.redis_prefix = redis_prefix

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **super().env(),
            "REDIS_URL": self.redis_url,
            "REDIS_PREFIX": self.redis_prefix,
            # The public address Telegram is given; the proxy (the fake's targets) maps it.
            "WEBHOOK_URL": "https://bot.example.org/telegram/hook",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": f"127.0.0.1:{self.port}",
        }

    async def _wait_started(self, polls_before: int) -> None:
        assert self.process is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        async with aiohttp.ClientSession() as http:
            while True:
                if self.process.returncode is not None:
                    raise AssertionError(
                        f"the bot exited with {self.process.returncode} at start; log:\n"
                        + self.log_tail()
                    )
                if loop.time() > deadline:
                    raise AssertionError(
                        "the webhook server did not start; log:\n" + self.log_tail()
                    )
                try:
                    async with http.get(f"{self.address}/readyz") as response:
                        if response.status == 200 and "serving the webhook" in self.log():
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)


async def handled_ids(url: str) -> set[int]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT update_id FROM handled_update"))
            return {int(r[0]) for r in rows}
    finally:
        await engine.dispose()


async def test_one_webhook_process_answers_and_refuses_requests_without_the_secret(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    async with FakeTelegram() as fake:
        bot = WebhookBot(fake, tmp_path)
        track(request, bot)
        fake.webhook_targets = [f"{bot.address}/telegram/hook"]
        await bot.start()
        try:
            assert fake.webhook_url == "https://bot.example.org/telegram/hook"
            assert fake.webhook_secret == SECRET
            assert fake.calls_of("deleteWebhook") == []
            anna = fake.user(501, "Анна")
            await anna.send("/start")
            await wait_for(fake, lambda: greetings(fake, anna) == 1, "no greeting", within=30)

            update = {"update_id": 999_999, "message": {"message_id": 1}}
            async with aiohttp.ClientSession() as http:
                async with http.post(f"{bot.address}/telegram/hook", json=update) as response:
                    assert response.status == 401
                wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
                async with http.post(
                    f"{bot.address}/telegram/hook", json=update, headers=wrong
                ) as response:
                    assert response.status == 401
                async with http.get(f"{bot.address}/healthz") as response:
                    assert response.status == 200
                async with http.get(f"{bot.address}/readyz") as response:
                    assert response.status == 200
                    assert "ready" in await response.text()
        finally:
            await bot.stop()
        # Stopping does not take the webhook away from the other processes.
        assert fake.calls_of("deleteWebhook") == []
        assert "Traceback" not in bot.log() and " ERROR " not in bot.log()


async def test_a_second_polling_process_on_the_same_database_is_refused(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    async with FakeTelegram() as fake:
        first = BotProcess(fake, tmp_path)
        track(request, first)
        await first.start()
        try:
            second = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=ROOT,
                env=first.env(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await asyncio.wait_for(second.communicate(), START_TIMEOUT)
            assert second.returncode == 2, (out + err).decode()
            lines = err.decode().strip().splitlines()
            assert len(lines) == 1, lines
            assert "already polls this bot" in lines[0] and "WEBHOOK_URL" in lines[0]
            # No fight over getUpdates: the first one still polls, nobody got a 409.
            assert all(c.ok for c in fake.calls_of("getUpdates"))
            anna = fake.user(502, "Анна")
            await anna.send("/start")
            await wait_for(fake, lambda: greetings(fake, anna) == 1, "no greeting", within=30)
        finally:
            await first.stop()


@pytest.mark.skipif(
    not (TEST_DATABASE_URL and TEST_REDIS_URL),
    reason="TEST_DATABASE_URL and TEST_REDIS_URL are not both set",
)
async def test_two_webhook_processes_share_a_burst_and_one_dies_in_the_middle(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    assert TEST_DATABASE_URL and TEST_REDIS_URL
    people_count = 60
    async with (
        postgres_database(TEST_DATABASE_URL) as url,
        redis_prefix(TEST_REDIS_URL) as prefix,
        FakeTelegram() as fake,
    ):
        bots = [
            WebhookBot(
                fake,
                tmp_path / f"bot{n}",
                database_url=url,
                redis_url=TEST_REDIS_URL,
                redis_prefix=prefix,
            )
            for n in range(2)
        ]
        for bot in bots:
            track(request, bot)
        fake.webhook_targets = [f"{b.address}/telegram/hook" for b in bots]
        for bot in bots:  # one after the other: the first one migrates the database
            await bot.start()
        try:
            fake.latency = 0.2  # many updates are in flight when one process dies
            people = [fake.user(8000 + n, f"Гость{n}") for n in range(people_count)]
            for person in people:
                await person.send("/start")
            dead = f"{bots[0].address}/telegram/hook"
            await wait_for(
                fake,
                lambda: (
                    sum(1 for _, t, code in fake.webhook_posts if t == dead and code == 200) >= 3
                ),
                "the process to be killed answered nothing",
                within=90,
            )
            await bots[0].kill()  # SIGKILL: its updates in flight were not answered 200
            recorded = await handled_ids(url)
            # Every update the dead process had not recorded reaches the other one through
            # Telegram's retries and is answered there. (One it recorded but had not answered
            # yet is not handled again: a known gap, see README "Several processes".)
            at_dead = {u for u, target, _ in fake.webhook_posts if target == dead}
            expected = [
                p
                for p in people
                if greetings(fake, p)
                or update_of(fake, p) not in recorded
                or update_of(fake, p) not in at_dead
            ]
            await wait_for(
                fake,
                lambda: all(greetings(fake, p) for p in expected),
                "an update the killed process had not recorded was never answered",
                within=90,
            )
            fake.latency = 0.0
            await fake.wait_idle(timeout=60)
        finally:
            for bot in bots:
                await bot.stop()
        twice = [p.first_name for p in people if greetings(fake, p) > 1]
        assert twice == [], f"answered more than once: {twice}"
        by_target = {t for _, t, status in fake.webhook_posts if status == 200}
        assert len(by_target) == 2, "both processes took a share of the burst"
        retried = {u for u, _, status in fake.webhook_posts if status != 200}
        assert retried, "the killed process had updates in flight that Telegram sent again"
        assert fake.rate_limited == 0
