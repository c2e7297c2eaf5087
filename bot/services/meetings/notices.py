"""The one place the meetings feature queues messages (through the outbox), and the
Fluent message of each kind it queues."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.meetings.rules import Clock
from bot.storage.models import User, utcnow

# What a moved meeting no longer sends for its old time.
RESCHEDULE_DROPS = (
    "meeting-reminder-24h",
    "meeting-reminder-1h",
    "meeting-held-ask",
    "meeting-agreed",  # the old time agreed, not yet delivered
)

# kind -> Fluent message (locales/*/meetings.ftl), for the renderer.
MESSAGES = {
    "meeting-confirm": "meetings-notice-confirm",
    "meeting-disputed": "meetings-notice-disputed",
    "meeting-proposed": "meetings-notice-proposed",
    "meeting-countered": "meetings-notice-countered",
    "meeting-agreed": "meetings-notice-agreed",
    "meeting-rescheduled": "meetings-notice-rescheduled",
    "meeting-reminder-24h": "meetings-notice-reminder-24h",
    "meeting-reminder-1h": "meetings-notice-reminder-1h",
    "meeting-held-ask": "meetings-notice-held-ask",
    "pair-fit-no": "meetings-notice-fit-no",
    "pair-quiet-nudge": "meetings-notice-quiet-nudge",
    "pair-quiet-curator": "meetings-notice-quiet-curator",
    "pair-quiet-close": "meetings-notice-quiet-close",
}


def _young(user: User | None) -> str:
    return "yes" if user is not None and user.is_minor else "no"


class MeetingNotices:
    """The one place the meetings feature queues messages (through the outbox)."""

    def __init__(self, session: AsyncSession, clock: Clock = utcnow) -> None:
        self.session = session
        self.clock = clock

    async def tell(
        self,
        kind: str,
        *,
        subject: str,
        user_ids: Iterable[int],
        organisation_id: int,
        args: dict[str, Any],
        period: str = "",
        not_before: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> int:
        from bot.services.outbox import Outbox

        assert kind in MESSAGES, kind
        outbox = Outbox(self.session, FixedClock(self.clock))
        now = self.clock()
        queued = 0
        for user_id in user_ids:
            user = await self.session.get(User, user_id)
            if user is None or user.anonymised_at is not None:
                continue
            queued += await outbox.enqueue(
                kind=kind,
                subject=subject,
                recipient_user_id=user_id,
                args={**args, "young": _young(user)},
                period=period,
                organisation_id=organisation_id,
                delay=max((not_before or now) - now, timedelta(0)),
                expires_at=expires_at,
            )
        return queued

    async def tell_curators(
        self,
        kind: str,
        *,
        subject: str,
        organisation_id: int,
        args: dict[str, Any],
        period: str = "",
        mentor_user_id: int | None = None,
    ) -> int:
        """The school's curators, except the pair's own mentor when they are a curator too:
        what a mentee says about the mentor never reaches the mentor."""
        from bot.services.outbox import curators_of

        ids = await curators_of(self.session, organisation_id, exclude_user_id=mentor_user_id)
        return await self.tell(
            kind,
            subject=subject,
            user_ids=ids,
            organisation_id=organisation_id,
            args=args,
            period=period,
        )


class FixedClock:
    """The outbox's clock protocol over a plain `now` function."""

    def __init__(self, now: Clock) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now()

    def monotonic(self) -> float:  # pragma: no cover - the outbox does not use it
        return 0.0

    async def sleep(self, seconds: float) -> None:  # pragma: no cover
        return None
