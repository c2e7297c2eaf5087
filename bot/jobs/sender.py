"""The one sender: delivers every notification row, within Telegram's limits.

* within the bot's one send budget (`bot/telegram/budget.py`), shared with the answers to
  people acting: the outbox takes only the slots they leave free, and one message per
  `per_chat_interval` seconds per chat;
* 429: waits out `retry_after` (the whole sender pauses) and tries the row again;
* a row is sent only while this process holds its lease: the leases of the next few
  deliveries (a quarter second of sending) are checked and renewed in one statement right
  before they go, then each takes its slot and is sent; a row whose lease lapsed while it
  waited in memory (a long `retry_after`) is dropped — another claim has it, or will;
* network errors, timeouts and 5xx: capped exponential backoff, `max_attempts` in all,
  then the row fails with a reason;
* 403: the person is marked unreachable, their other rows are skipped, curators get one
  summary (see `DeliveryQueue.mark_blocked`);
* 400 (chat not found and the like): the row fails at once.

Claim → commit → send → mark in a new short transaction: no database transaction is open
while Telegram is called. The remaining window (killed between Telegram's answer and the
mark) is described in `bot/services/outbox/`.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.exc import DBAPIError

from bot.jobs.parts import Part
from bot.jobs.render import Renderer
from bot.services.clock import SYSTEM_CLOCK, Clock
from bot.services.outbox import ClaimResult, Delivery, DeliveryQueue, subscribe
from bot.telegram.budget import SendBudget, paced_by_caller

log = logging.getLogger(__name__)

# Building a digest or a report failed for a reason that passes: try again later.
TRANSIENT = (DBAPIError, BrokenProcessPool, TimeoutError, ConnectionError)


def _keyboard(part: Part) -> InlineKeyboardMarkup | None:
    if not part.buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=b.label, callback_data=b.callback_data, url=b.url)
                for b in row
            ]
            for row in part.buttons
        ]
    )


@dataclass
class SenderStats:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    deferred: int = 0
    retry_after: int = 0  # 429 answers received
    retried: int = 0  # network errors, timeouts, 5xx


class Sender:
    def __init__(
        self,
        bot: Bot,
        queue: DeliveryQueue,
        renderer: Renderer,
        *,
        rate: float = 25,
        per_chat_interval: float = 1.0,
        clock: Clock = SYSTEM_CLOCK,
        batch_size: int = 100,
        max_in_flight: int = 64,
        max_attempts: int = 5,
        backoff_base: float = 2.0,
        backoff_cap: float = 300.0,
        request_timeout: int = 20,
        budget: SendBudget | None = None,
    ) -> None:
        self.bot = bot
        self.queue = queue
        self.renderer = renderer
        self.clock = clock
        # The bot's budget (shared with direct answers), or one of its own (tests, benchmark).
        self.budget = budget or SendBudget(rate, seconds_per_chat=per_chat_interval, clock=clock)
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.request_timeout = request_timeout
        self.stats = SenderStats()
        self._slots = asyncio.Semaphore(max_in_flight)
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._stopping = False
        self._timers: set[asyncio.TimerHandle] = set()
        self._to_mark: list[int] = []
        self._marking: asyncio.Task[None] | None = None

    # ----- control --------------------------------------------------------------------

    def wake(self) -> None:
        """Something was queued (or came due): look at the outbox now."""
        self._idle.clear()
        self._wake.set()

    async def run(self) -> None:
        """Deliver until `stop()`: a pass whenever woken (after a commit, by the sweep)."""
        unsubscribe = subscribe(self.wake)
        try:
            while not self._stopping:
                self._wake.clear()
                try:
                    await self._work()
                except Exception:
                    log.exception("delivery pass failed; the next sweep tries again")
                if self._stopping:
                    break
                if not self._wake.is_set():
                    self._idle.set()
                await self._wake.wait()
        finally:
            unsubscribe()
            for timer in self._timers:
                timer.cancel()
            self._idle.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def wait_idle(self) -> None:
        """Until the running loop has handled everything it was woken for (tests)."""
        while True:
            await self._idle.wait()
            if not self._wake.is_set():
                return
            await asyncio.sleep(0)

    async def drain(self, *, follow: float = 0.0) -> None:
        """Without the loop: deliver what is due; with `follow`, also what comes due within
        that many seconds (a retry's backoff, a 429's wait), sleeping on the clock."""
        while True:
            handled = await self._work()
            next_due = await self.queue.next_due()
            if next_due is None:
                return
            delta = (next_due - self.clock.now()).total_seconds()
            if delta <= 0:
                if handled == 0:
                    return  # due but claimed by someone else
                continue
            if delta > follow:
                return
            await self.clock.sleep(delta)

    # ----- one pass -------------------------------------------------------------------

    async def _work(self) -> int:
        handled = 0
        ready: list[Delivery] = []
        turn: list[Delivery] = []  # the next few, their leases renewed together just now
        renewed_at = 0.0
        more = True
        claiming: asyncio.Task[ClaimResult] | None = None
        budget = self.budget
        half_lease = self.queue.lease.total_seconds() / 2

        def take(claimed: ClaimResult) -> bool:
            self.stats.skipped += claimed.skipped
            self.stats.deferred += claimed.deferred
            ready.extend(claimed.deliveries)
            return claimed.claimed >= self.batch_size

        try:
            while not self._stopping:
                # Claim the next rows in the background while these go out.
                if more and claiming is None and len(ready) < self.batch_size // 2:
                    claiming = asyncio.create_task(self.queue.claim(self.batch_size))
                if claiming is not None and (claiming.done() or not (ready or turn)):
                    more = take(await claiming)
                    claiming = None
                    continue
                if not turn:
                    if not ready:
                        break
                    picked = self._pick(ready)
                    if not picked:
                        await budget.sleep(
                            min(budget.chat_wait(d.chat_id, spare=True) for d in ready)
                        )
                        continue
                    for job in picked:
                        ready.remove(job)
                    # Renewed right before they go (a fraction of a second of sending): a row
                    # whose lease lapsed while it waited here is dropped, not sent.
                    turn = await self.queue.renew(picked)
                    renewed_at = self.clock.monotonic()
                    if len(turn) < len(picked):
                        log.info(
                            "%d notifications: lease lapsed before sending; dropped",
                            len(picked) - len(turn),
                        )
                        handled += len(picked) - len(turn)  # due again: drain looks again
                    continue
                job = turn[0]
                await self._slots.acquire()
                taken = await budget.take_spare(job.chat_id)
                if not taken or self.clock.monotonic() - renewed_at > half_lease:
                    self._slots.release()
                    if not taken:
                        # Telegram said 429: what is in flight ends (and is marked) first, so
                        # no lease runs out in flight while the outbox waits.
                        await self._settle()
                        await budget.sleep(budget.spare_paused_for())
                    if self.clock.monotonic() - renewed_at > half_lease:
                        ready[:0], turn = turn, []  # a long wait: renew before sending
                    continue
                turn.pop(0)
                task = asyncio.create_task(self._deliver(job))
                self._tasks.add(task)
                task.add_done_callback(self._done)
                handled += 1
        finally:
            if claiming is not None:
                take(await claiming)
            if ready or turn:  # stopping: give back what was claimed and not sent
                await self.queue.release([i for d in ready + turn for i in d.ids])
            await self._settle()
        return handled

    def _pick(self, ready: list[Delivery]) -> list[Delivery]:
        """The next few to send (about a quarter second's worth), in distinct chats that may
        get a message now."""
        wanted = max(1, int(self.budget.rate / 4))
        chats: set[int] = set()
        picked: list[Delivery] = []
        for delivery in ready:
            if delivery.chat_id in chats or self.budget.chat_wait(delivery.chat_id, spare=True):
                continue
            chats.add(delivery.chat_id)
            picked.append(delivery)
            if len(picked) >= wanted:
                break
        return picked

    async def _settle(self) -> None:
        """Until every delivery in flight has ended and its mark is written."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self._flush_sent()

    async def _next_part_turn(self, job: Delivery) -> Delivery | None:
        """A later part of one delivery (a digest's files): renew, then take the slot."""
        while True:
            renewed = await self.queue.renew([job])
            if not renewed:
                log.info("notification %s: its lease lapsed before sending; dropped", job.ids)
                return None
            job = renewed[0]
            if await self.budget.take_spare(job.chat_id):
                return job
            await self.budget.sleep(self.budget.spare_paused_for())

    def _sent(self, ids: tuple[int, ...]) -> None:
        """Mark as sent at once; marks that pile up while one is written go in one go."""
        self._to_mark.extend(ids)
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(self._flush_sent())

    async def _flush_sent(self) -> None:
        if self._marking is not None and self._marking is not asyncio.current_task():
            await asyncio.shield(self._marking)
        while self._to_mark:
            ids, self._to_mark = self._to_mark, []
            try:
                await self.queue.mark_sent(ids)
            except Exception:
                # The lease runs out and the rows are sent again: the documented window.
                log.exception("could not mark %d notifications sent", len(ids))

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()
        if not task.cancelled() and task.exception() is not None:
            log.error("delivery task failed", exc_info=task.exception())

    def _wake_in(self, seconds: float) -> None:
        """Look again when a retry comes due (the sweep would too, only later)."""
        loop = asyncio.get_running_loop()
        handles: list[asyncio.TimerHandle] = []

        def fire() -> None:
            self._timers.discard(handles[0])
            self.wake()

        handles.append(loop.call_later(max(seconds, 0.0), fire))
        self._timers.add(handles[0])

    async def _retry(self, job: Delivery, exc: BaseException) -> None:
        """Capped exponential backoff, `max_attempts` in all, then the row fails."""
        delay = min(self.backoff_base * 2**job.attempts, self.backoff_cap)
        message = exc.message if isinstance(exc, TelegramAPIError) else str(exc)
        waits = await self.queue.retry_later(
            job.ids,
            reason="gave-up",
            error=f"{type(exc).__name__}: {message}",
            delay=delay,
            max_attempts=self.max_attempts,
        )
        if waits:
            self.stats.retried += 1
            self._wake_in(delay)
        else:
            self.stats.failed += len(job.ids)

    async def _send_part(self, chat_id: int, part: Part) -> None:
        markup = _keyboard(part)
        if part.file is None:
            await self.bot.send_message(
                chat_id, part.text, reply_markup=markup, request_timeout=self.request_timeout
            )
            return
        upload = BufferedInputFile(part.file, filename=part.filename or "file")
        caption = part.text or None
        if part.as_photo:
            await self.bot.send_photo(
                chat_id,
                upload,
                caption=caption,
                reply_markup=markup,
                request_timeout=self.request_timeout,
            )
        else:
            await self.bot.send_document(
                chat_id,
                upload,
                caption=caption,
                reply_markup=markup,
                request_timeout=self.request_timeout,
            )

    async def _deliver(self, job: Delivery) -> None:
        paced_by_caller()  # this task's calls took their slots above; 429s are handled here
        try:
            parts = await self.renderer.parts(job)
        except TRANSIENT as exc:  # the database or the render pool, for a moment
            log.warning("notification %s: building it failed for now: %r", job.ids, exc)
            await self._retry(job, exc)
            return
        except Exception as exc:  # a missing message or argument: no retry will help
            log.exception("notification %s could not be rendered", job.ids)
            self.stats.failed += len(job.ids)
            await self.queue.mark_failed(job.ids, "render", repr(exc))
            return
        # Quiet hours again at the moment of sending: claimed at 20:59:59 is not sent at 21:00.
        quiet_until = job.quiet_until(self.clock.now())
        if quiet_until is not None:
            self.stats.deferred += len(job.ids)
            await self.queue.release(job.ids, not_before=quiet_until)
            return
        try:
            # A retry after a failed later part sends the earlier parts again: a digest's
            # text may come twice then, which is better than a digest without its files.
            for index, part in enumerate(parts):
                if index:
                    held = await self._next_part_turn(job)
                    if held is None:
                        return
                    job = held
                await self._send_part(job.chat_id, part)
        except TelegramRetryAfter as exc:
            self.stats.retry_after += 1
            log.warning(
                "notification %s: Telegram asked to wait %s s; the outbox pauses, the row waits",
                job.ids,
                exc.retry_after,
            )
            self.budget.pause_spare(exc.retry_after)
            until = self.clock.now() + timedelta(seconds=exc.retry_after)
            await self.queue.release(job.ids, not_before=until)
            self._wake_in(exc.retry_after)
        except TelegramForbiddenError as exc:
            log.info("user %s blocked the bot", job.recipient_user_id)
            self.stats.failed += len(job.ids)
            self.stats.skipped += await self.queue.mark_blocked(job, exc.message)
        except (TelegramBadRequest, TelegramNotFound) as exc:
            log.warning("notification %s rejected: %s", job.ids, exc.message)
            self.stats.failed += len(job.ids)
            await self.queue.mark_failed(job.ids, "rejected", exc.message)
        except TelegramAPIError as exc:  # network, timeout, 5xx, anything else
            await self._retry(job, exc)
        else:
            self.stats.sent += len(job.ids)
            self._sent(job.ids)
