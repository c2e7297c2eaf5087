"""The other side of a pair hears of plan edits — coalesced: one message per pair, per
recipient, per clock hour at most, listing every change it gathered.

The first change of an hour queues a `plan-changed` row (period = the hour, e.g.
"2026-11-23T14") that waits `GATHER` so a burst of taps goes out as one message; a later
change finds that row still pending and adds itself to it. A change that comes after the
hour's message went out waits for the next hour's row. The renderer (bot/jobs/render.py)
turns the gathered changes into lines in the recipient's language."""

from __future__ import annotations

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
        subject = f"plan:{pair_id}"
        if await self._add_to_pending(subject, recipient.id, change, by):
            return
        now = self.clock.now()
        start = hour_of(now)
        for bucket in (start, start + timedelta(hours=1)):
            delay = max(GATHER, bucket - now) if bucket > now else GATHER
            args = {
                "by": by,
                "changes": [change],
                "more": 0,
                "young": "yes" if recipient.is_minor else "no",
            }
            queued = await self.outbox.enqueue(
                kind=KIND,
                subject=subject,
                recipient_user_id=recipient.id,
                args=args,
                period=bucket.strftime("%Y-%m-%dT%H"),
                organisation_id=organisation_id,
                delay=delay,
            )
            if queued:
                return
            # This hour's message was sent already: the next hour's row gathers it,
            # or, if that one is queued, the change joins it.
            if await self._add_to_pending(subject, recipient.id, change, by):
                return

    async def _add_to_pending(
        self, subject: str, recipient_id: int, change: dict[str, Any], by: str
    ) -> bool:
        row = await self.session.scalar(
            select(Notification)
            .where(
                Notification.kind == KIND,
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
        args = dict(row.args or {})
        changes = list(args.get("changes") or [])
        if len(changes) < CHANGES_MAX:
            changes.append(change)
        else:
            args["more"] = int(args.get("more") or 0) + 1
        args["changes"] = changes
        # In a group, another mentee may change their plan in the same hour: both are named.
        authors = [a for a in str(args.get("by") or "").split(", ") if a]
        if by and by not in authors:
            args["by"] = ", ".join([*authors, by])
        result = await self.session.execute(
            update(Notification)
            .where(Notification.id == row.id, Notification.claimed_by.is_(None))
            .values(args=args)
            .execution_options(synchronize_session=False)
        )
        await self.session.refresh(row)
        return bool(getattr(result, "rowcount", 0))
