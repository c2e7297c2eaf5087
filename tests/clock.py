"""A clock the test moves by hand: wall time and the rate limiter's time move together."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

# 09:30 in Moscow, 12:30 in Omsk... 18:30 in Kamchatka: daytime everywhere in Russia.
DAYTIME = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = DAYTIME) -> None:
        self._now = start
        self._monotonic = 1000.0
        self.slept = 0.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    async def sleep(self, seconds: float) -> None:
        seconds = max(seconds, 0.0)
        self.slept += seconds
        self.advance(seconds=seconds)
        await asyncio.sleep(0)

    def advance(self, **delta: float) -> None:
        step = timedelta(**delta)
        self._now += step
        self._monotonic += step.total_seconds()

    def set(self, moment: datetime) -> None:
        assert moment >= self._now, "a clock does not go back"
        self.advance(seconds=(moment - self._now).total_seconds())
