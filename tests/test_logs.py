"""Logs a person can read: an idle bot does not log every scheduler tick."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent

from bot.__main__ import QUIET_LOGGERS, configure_logging
from tests.databases import sqlite_url
from tests.fake_telegram import FakeTelegram
from tests.harness import Running, running_bot


@pytest.fixture
def bot_logging() -> Iterator[None]:
    """The bot's logging setup, undone after the test."""
    configure_logging("INFO")
    try:
        yield
    finally:
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.NOTSET)


@pytest.mark.usefixtures("bot_logging")
async def test_an_idle_bot_logs_no_line_per_scheduler_tick(
    fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    # The sweep ticks every 50 ms here (every 30 s by default): an idle day in a moment.
    async with running_bot(
        fake, sqlite_url(tmp_path), delivery=True, scheduler_tick_seconds=0.05
    ) as tg:
        assert tg.jobs is not None
        ticks = 0
        enough = asyncio.Event()

        def on_executed(event: JobExecutionEvent) -> None:
            nonlocal ticks
            if event.job_id == "outbox-sweep":
                ticks += 1
                if ticks >= 5:
                    enough.set()

        tg.jobs.scheduler.add_listener(on_executed, EVENT_JOB_EXECUTED)
        await asyncio.wait_for(enough.wait(), 60)
    routine = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("apscheduler.executors") and r.levelno < logging.WARNING
    ]
    assert routine == []
    assert "Running job" not in caplog.text and "executed successfully" not in caplog.text


async def test_telegram_refusing_with_429_is_one_line_not_a_traceback(
    tg: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    anna = tg.fake.user(3101, "Анна")
    # Telegram answers 429 to every message for a while: the answer and the error notice.
    tg.fake.fail_next("sendMessage", error_code=429, retry_after=1, times=1000)
    await anna.send("/help")
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert lines, "the failure was not logged"
    assert [r for r in lines if r.exc_info or r.levelno >= logging.ERROR] == []
    assert "Traceback" not in caplog.text
    assert all("\n" not in r.getMessage() for r in lines)
    assert any("TelegramRetryAfter" in r.getMessage() for r in lines)
