"""The other side of a pair hears of plan edits — coalesced: one message per pair, per
recipient, per clock hour at most, listing every change it gathered.

The first change of an hour queues a `plan-changed` row (period = the hour, e.g.
"2026-11-23T14") that waits `GATHER` so a burst of taps goes out as one message; a later
change finds that row still pending and adds itself to it. A change that comes after the
hour's message went out waits for the next hour's row. The renderer (bot/jobs/render.py)
turns the gathered changes into lines in the recipient's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.outbox import Outbox
from bot.storage.models import Notification, User

KIND = "plan-changed"
MESSAGE = "plan-notice-changed"
GATHER = timedelta(minutes=10)
CHANGES_MAX = 20  # a message lists at most this many; the rest are counted


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


class PlanNotices:
    def __init__(self, session: AsyncSession, outbox: Outbox) -> None:
        self.session = session
        self.outbox = outbox
        self.clock = outbox.clock

    async def changed(
        self,
        *,
        pair_id: int,
        organisation_id: int,
        recipient: User,
        by: str,
        change: dict[str, Any],
    ) -> None:
        """Tell `recipient` of `change` ({"what": "added"|"status", "kind", "title",
        "status"}), in the hour's one message."""
        if recipient.anonymised_at is not None or recipient.telegram_id is None:
            return
        young = "yes" if recipient.is_minor else "no"

        def merge(args: dict[str, Any]) -> dict[str, Any]:
            changes = list(args.get("changes") or [])
            if len(changes) < CHANGES_MAX:
                changes.append(change)
            else:
                args["more"] = int(args.get("more") or 0) + 1
            args["changes"] = changes
            # In a group, another mentee may change their plan in the same hour: both named.
            authors = [a for a in str(args.get("by") or "").split(", ") if a]
            if by and by not in authors:
                args["by"] = ", ".join([*authors, by])
            return args

        await gather_in_hour(
            self.session,
            self.outbox,
            kind=KIND,
            subject=f"plan:{pair_id}",
            recipient_id=recipient.id,
            organisation_id=organisation_id,
            first={"by": by, "changes": [change], "more": 0, "young": young},
            merge=merge,
            wait=GATHER,
        )


async def gather_in_hour(
    session: AsyncSession,
    outbox: Outbox,
    *,
    kind: str,
    subject: str,
    recipient_id: int,
    organisation_id: int,
    first: dict[str, Any],
    merge: Callable[[dict[str, Any]], dict[str, Any]],
    wait: timedelta,
) -> None:
    """One message per recipient, subject and clock hour: a change joins the hour's row
    still pending (`merge` adds it to a copy of its arguments); otherwise it starts the
    row (`first`), which waits `wait` so a burst of taps goes out as one message. A change
    that comes after the hour's message went out starts, or joins, the next hour's row."""
    if await _join_pending(session, kind, subject, recipient_id, merge):
        return
    now = outbox.clock.now()
    start = hour_of(now)
    for bucket in (start, start + timedelta(hours=1)):
        queued = await outbox.enqueue(
            kind=kind,
            subject=subject,
            recipient_user_id=recipient_id,
            args=first,
            period=bucket.strftime("%Y-%m-%dT%H"),
            organisation_id=organisation_id,
            delay=max(wait, bucket - now) if bucket > now else wait,
        )
        if queued:
            return
        if await _join_pending(session, kind, subject, recipient_id, merge):
            return


async def _join_pending(
    session: AsyncSession,
    kind: str,
    subject: str,
    recipient_id: int,
    merge: Callable[[dict[str, Any]], dict[str, Any]],
) -> bool:
    row = await session.scalar(
        select(Notification)
        .where(
            Notification.kind == kind,
            Notification.subject == subject,
            Notification.recipient_user_id == recipient_id,
            Notification.status == "pending",
            Notification.claimed_by.is_(None),
        )
        .order_by(Notification.id.desc())
        .limit(1)
    )
    if row is None:
        return False
    result = await session.execute(
        update(Notification)
        .where(Notification.id == row.id, Notification.claimed_by.is_(None))
        .values(args=merge(dict(row.args or {})))
        .execution_options(synchronize_session=False)
    )
    await session.refresh(row)
    return bool(getattr(result, "rowcount", 0))
