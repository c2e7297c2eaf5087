"""One send budget for everything the bot says: answers to the person acting and the outbox.

Telegram lets a bot send about 30 messages a second overall and about one a second to one
chat (a few at once are tolerated, as when a person clicks through a dialog); past that it
answers 429 with `retry_after`. The budget keeps the bot under both, so Telegram never has
to say 429:

* **overall**: `SEND_RATE_PER_SECOND` messages a second, evenly spaced (a GCRA: each
  message takes the next free slot). With `REDIS_URL` the slots live in Redis, so all the
  bot's processes together keep to the one rate;
* **per chat**: one message per `SEND_SECONDS_PER_CHAT`, after `CHAT_BURST` at once (per
  process: a person's answers come from the process handling their update);
* **people first**: a direct answer reserves the next slot and waits its turn; the outbox
  (`take_spare`) sends only when a slot is free now and the chat has had its second, so a
  sweep of notifications never delays someone who is pressing buttons.

What counts: messages — `send*` (but `sendChatAction`, which is no message), `copy*` and
`forward*` — take an overall slot and the chat's. Edits (`editMessage*`) change what the
person already sees: they take the chat's pace only (Telegram's 30 a second is about
messages sent; edits are limited in the chat). Callback answers, deletions and reads are free:
the spinner on a pressed button must stop at once.

`WithinBudget` is the request middleware of the bot's HTTP session that paces direct calls
and waits out a 429 (bounded), so a person still gets the answer; the sender paces itself
with `take_spare` and handles its own 429s (its calls are marked with `paced_by_caller`).

Why no library: `limits` counts hits in windows (a whole window's messages may go at once,
and it cannot reserve the next free slot or leave people first) and runs on its own time;
`aiolimiter` is in-process only. The GCRA below is a few lines in process and one atomic
Redis script, and it runs on the bot's `Clock`, so tests move time by hand.
"""

from __future__ import annotations

import logging
from collections import deque
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods.base import TelegramType

from bot.services.clock import SYSTEM_CLOCK, Clock

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod
    from redis.asyncio import Redis

    from bot.config import Settings

log = logging.getLogger(__name__)

EPSILON = 1e-6  # seconds: closer than this is now
CHAT_BURST = 3  # messages one chat may get at once before the one-a-second pace applies
CHATS_KEPT = 10_000  # per-chat state kept before the idle chats are forgotten
# A 429 on a direct answer: wait `retry_after` and try again, at most this many times and
# only for waits a person would sit through; past that the update fails as any error does.
DIRECT_RETRIES = 2
DIRECT_WAIT_MAX = 15.0

_paced_by_caller: ContextVar[bool] = ContextVar("send_budget_paced_by_caller", default=False)


def paced_by_caller() -> None:
    """Bot API calls from the current task are paced (and their 429s handled) by the caller:
    the sender, which takes its slots with `take_spare` before sending."""
    _paced_by_caller.set(True)


def is_message(api_method: str) -> bool:
    """Does this Bot API method send a message (and count toward the ~30 a second)?"""
    name = api_method.lower()
    if name == "sendchataction":
        return False
    return name.startswith(("send", "copy", "forward"))


def is_edit(api_method: str) -> bool:
    return api_method.lower().startswith("editmessage")


class Pace(Protocol):
    """The overall slots: evenly spaced, `interval` seconds apart."""

    async def reserve(self) -> float:
        """Take the next free slot; returns how long to wait for it."""

    async def take_if_free(self) -> float:
        """Take a slot only if one is free now (0.0); else how long until one is, untaken."""

    async def aclose(self) -> None: ...


class LocalPace:
    """The slots of one process."""

    def __init__(self, rate: float, clock: Clock) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self._next = 0.0  # the theoretical time of the next slot (monotonic)

    async def reserve(self) -> float:
        now = self.clock.monotonic()
        slot = max(self._next, now)
        self._next = slot + self.interval
        return slot - now

    async def take_if_free(self) -> float:
        now = self.clock.monotonic()
        if self._next > now + EPSILON:
            return self._next - now
        # Slots keep to their timeline: waking a few ms late is made up by the next slot
        # (never more than a quarter interval, so no second holds more than rate + 1).
        slot = self._next if self._next >= now - self.interval / 4 else now
        self._next = slot + self.interval
        return 0.0

    async def aclose(self) -> None:
        return None


# The same GCRA in Redis, on Redis' clock (one clock for every process), in microseconds.
# KEYS[1]: the budget's key; ARGV[1]: the interval; ARGV[2]: "reserve" or "spare".
# Returns {taken (1/0), microseconds to wait}.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot
if ARGV[2] == 'spare' then
  if nxt > now then
    return {0, nxt - now}
  end
  slot = now
  if nxt >= now - math.floor(interval / 4) then
    slot = nxt
  end
else
  slot = math.max(nxt, now)
end
local after = slot + interval
local keep = math.floor((after - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%d', after), 'PX', keep)
return {1, math.max(slot - now, 0)}
"""


class RedisPace:
    """The slots shared by every process of the bot through Redis."""

    def __init__(self, redis: Redis, key: str, rate: float) -> None:
        self.redis = redis
        self.key = key
        self.interval_us = max(int(1_000_000 / rate), 1)
        self._script = redis.register_script(_GCRA)

    async def _run(self, mode: str) -> tuple[bool, float]:
        taken, wait_us = await self._script(keys=[self.key], args=[self.interval_us, mode])
        return bool(int(taken)), int(wait_us) / 1_000_000

    async def reserve(self) -> float:
        _taken, wait = await self._run("reserve")
        return wait

    async def take_if_free(self) -> float:
        taken, wait = await self._run("spare")
        return 0.0 if taken else max(wait, EPSILON)

    async def aclose(self) -> None:
        await self.redis.aclose()


class SendBudget:
    """The overall pace (local or shared) and each chat's pace, on one clock."""

    def __init__(
        self,
        rate: float,
        *,
        seconds_per_chat: float = 1.0,
        chat_burst: int = CHAT_BURST,
        clock: Clock = SYSTEM_CLOCK,
        pace: Pace | None = None,
    ) -> None:
        self.rate = rate
        self.clock = clock
        self.pace: Pace = pace if pace is not None else LocalPace(rate, clock)
        self.seconds_per_chat = seconds_per_chat
        self.chat_tolerance = (chat_burst - 1) * seconds_per_chat
        self._chat_next: dict[int | str, float] = {}
        self._spare_paused_until = 0.0
        # The messages this process really started in the last second: a slot whose wait
        # ended late (a busy event loop wakes its sleepers together) waits again here, so no
        # second ever holds more than `rate` of them, however the slots bunched up.
        self._window = max(int(rate), 1)
        self._started: deque[float] = deque()

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = SYSTEM_CLOCK) -> SendBudget:
        pace: Pace | None = None
        if settings.redis_url:
            from redis.asyncio import Redis

            bot_id = settings.bot_token.get_secret_value().split(":", 1)[0]
            pace = RedisPace(
                Redis.from_url(settings.redis_url),
                f"{settings.redis_prefix}:send-budget:{bot_id}",
                settings.send_rate_per_second,
            )
        return cls(
            settings.send_rate_per_second,
            seconds_per_chat=settings.send_seconds_per_chat,
            clock=clock,
            pace=pace,
        )

    async def sleep(self, seconds: float) -> None:
        if seconds > EPSILON:
            await self.clock.sleep(seconds)

    async def _start_message(self) -> None:
        """Wait until fewer than `rate` messages started in the last second, then count one."""
        while True:
            now = self.clock.monotonic()
            while self._started and now - self._started[0] >= 1.0:
                self._started.popleft()
            if len(self._started) < self._window:
                self._started.append(now)
                return
            await self.sleep(1.0 - (now - self._started[0]) + EPSILON)

    # ----- per chat ---------------------------------------------------------------------

    def chat_wait(self, chat_id: int | str, *, spare: bool = False) -> float:
        """How long until `chat_id` may get a message (the outbox waits out the whole
        second; a direct answer may use the burst)."""
        if self.seconds_per_chat <= 0:
            return 0.0
        tolerance = 0.0 if spare else self.chat_tolerance
        wait = self._chat_next.get(chat_id, 0.0) - tolerance - self.clock.monotonic()
        return wait if wait > EPSILON else 0.0

    def _take_chat(self, chat_id: int | str) -> None:
        if self.seconds_per_chat <= 0:
            return
        now = self.clock.monotonic()
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), now) + (
            self.seconds_per_chat
        )
        if len(self._chat_next) > CHATS_KEPT:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}

    # ----- direct answers ---------------------------------------------------------------

    async def take(self, chat_id: int | str | None, *, message: bool) -> None:
        """A direct answer: wait for the chat's turn, then (a message) for the next slot."""
        if chat_id is not None:
            wait = self.chat_wait(chat_id)
            self._take_chat(chat_id)
            await self.sleep(wait)
        if message:
            await self.sleep(await self.pace.reserve())
            await self._start_message()

    # ----- the outbox -------------------------------------------------------------------

    def pause_spare(self, seconds: float) -> None:
        """Telegram said 429 to the outbox: it sends nothing for `seconds`."""
        self._spare_paused_until = max(self._spare_paused_until, self.clock.monotonic() + seconds)

    def spare_paused_for(self) -> float:
        wait = self._spare_paused_until - self.clock.monotonic()
        return wait if wait > EPSILON else 0.0

    async def take_spare(self, chat_id: int | str) -> bool:
        """A notification: wait until the chat had its second and a slot is free now —
        what people acting leave over. False (nothing taken) while the outbox is paused by
        a 429: the caller lets what is in flight end, then waits `spare_paused_for()`."""
        while True:
            if self.spare_paused_for():
                return False
            wait = self.chat_wait(chat_id, spare=True)
            if wait:
                await self.sleep(wait)
                continue
            wait = await self.pace.take_if_free()
            if wait > EPSILON:
                await self.sleep(wait)
                continue
            self._take_chat(chat_id)
            await self._start_message()
            return True

    async def aclose(self) -> None:
        await self.pace.aclose()


class WithinBudget(BaseRequestMiddleware):
    """Paces every direct Bot API call by the budget and waits out a 429 (bounded).

    Registered on the bot's session by `create_bot`, after `CommitBeforeTelegram`: the
    update's work is committed before it waits its turn."""

    def __init__(self, budget: SendBudget) -> None:
        self.budget = budget

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if _paced_by_caller.get():
            return await make_request(bot, method)
        name = method.__api_method__
        message = is_message(name)
        paced = message or is_edit(name)
        chat_id: Any = getattr(method, "chat_id", None)
        if not isinstance(chat_id, int | str):
            chat_id = None
        retries = 0
        while True:
            if paced:
                await self.budget.take(chat_id, message=message)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if retries >= DIRECT_RETRIES or exc.retry_after > DIRECT_WAIT_MAX:
                    raise
                retries += 1
                log.warning(
                    "Telegram asked to wait %s s before %s to chat %s: waiting, then trying "
                    "again (%d of %d)",
                    exc.retry_after,
                    name,
                    chat_id,
                    retries,
                    DIRECT_RETRIES,
                )
                await self.budget.sleep(exc.retry_after)


def budget_of(bot: Bot) -> SendBudget | None:
    """The budget `create_bot` put on this bot's session (None for a bot made otherwise)."""
    for middleware in bot.session.middleware:
        if isinstance(middleware, WithinBudget):
            return middleware.budget
    return None
