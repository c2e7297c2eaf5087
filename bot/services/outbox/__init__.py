"""The outbox: every message to someone other than the person acting is a `notification`
row first, written in the acting update's transaction (so a rolled-back action queues
nothing), then delivered by the one sender in `bot/jobs/sender.py`.

`Outbox` works in the caller's session and never commits. `DeliveryQueue` is the sender's
side: it claims due rows, decides what is skipped (expired, recipient withdrew or is
unreachable) or waits (quiet hours), and records how each attempt ended, each step in its
own short transaction — no transaction stays open while Telegram is being called.

Claiming: SELECT the due ids (FOR UPDATE SKIP LOCKED on PostgreSQL, so processes take
different rows without waiting), then UPDATE … RETURNING sets a lease (`claimed_by`,
`claimed_until`) and re-checks that each row is still pending and unclaimed, so two
processes never both claim a row (on SQLite the re-check alone decides). A process that
died leaves a lease that expires, and another process then takes the row over. A row is
sent only while its claimer still holds a live lease: `renew` checks and extends it in one
statement right before each send, so a row that waited in memory past its lease (a long
`retry_after`) is dropped, not sent a second time beside the new claim's copy.

The one remaining window: a process killed after Telegram accepted a message and before
the short transaction that marks the row sent commits. When the lease expires the row is
claimed again and the message goes out a second time. The mark follows the answer at once,
so the window is one database round trip; a clean shutdown finishes what is in flight and
releases the rest, so a restart never resends.
"""

from bot.services.outbox.claiming import ClaimResult, Delivery, DeliveryQueue, Item
from bot.services.outbox.queueing import (
    ENQUEUE_CHUNK,
    ERROR_MAX,
    KIND_MAX,
    LEASE,
    PERIOD_MAX,
    SCHOOL_SUMMARY_GATHER,
    SUBJECT_MAX,
    UNREACHABLE_SUMMARY_GATHER,
    Outbox,
    Queued,
    curators_of,
    queued_keys,
)
from bot.services.outbox.timing import ASKED, URGENT_KINDS, asked_now
from bot.services.outbox.wake import subscribe, wake_after_commit

__all__ = [
    "ASKED",
    "ENQUEUE_CHUNK",
    "ERROR_MAX",
    "KIND_MAX",
    "LEASE",
    "PERIOD_MAX",
    "SCHOOL_SUMMARY_GATHER",
    "SUBJECT_MAX",
    "UNREACHABLE_SUMMARY_GATHER",
    "URGENT_KINDS",
    "ClaimResult",
    "Delivery",
    "DeliveryQueue",
    "Item",
    "Outbox",
    "Queued",
    "asked_now",
    "curators_of",
    "queued_keys",
    "subscribe",
    "wake_after_commit",
]
