"""The sender's side of the outbox: claiming due rows under a lease, deciding what is
skipped or waits, and recording how each attempt ended (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import SYSTEM_CLOCK, Clock
from bot.services.outbox.queueing import (
    ERROR_MAX,
    LEASE,
    UNREACHABLE_SUMMARY_GATHER,
    Outbox,
)
from bot.services.outbox.timing import QuietWindows
from bot.services.outbox.wake import wake_after_commit
from bot.services.quiet import QuietHours
from bot.services.quiet import quiet_until as quiet_until_of
from bot.storage.models import Membership, Notification, Organisation, User


@dataclass(frozen=True, slots=True)
class Item:
    kind: str
    args: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message to send: a single row, or the rows of one summary batch."""

    ids: tuple[int, ...]
    recipient_user_id: int
    chat_id: int
    locale: str | None  # the row's own (a goodbye to someone anonymised) or the saved choice
    telegram_locale: str | None
    is_minor: bool
    batch: str | None
    items: tuple[Item, ...]
    # The recipient's own chat id is known only through the user row (not a goodbye).
    direct: bool = True
    attempts: int = 0
    # The quiet hours that hold it back, checked again right before it is sent.
    quiet: tuple[QuietHours, ...] = ()
    # The lease this claim holds (`claimed_until` as claimed): `renew` extends only this one,
    # so a copy left over from an earlier, lapsed claim of the same rows is never sent.
    lease_until: datetime | None = None

    def quiet_until(self, now: datetime) -> datetime | None:
        """When the quiet hours that began since the claim end (None: send it now)."""
        return quiet_until_of(self.quiet, now)


@dataclass
class ClaimResult:
    deliveries: list[Delivery] = field(default_factory=list)
    claimed: int = 0  # due rows claimed (without the rest of their batches)
    skipped: int = 0
    deferred: int = 0


def _unclaimed(now: datetime) -> Any:
    return or_(Notification.claimed_until.is_(None), Notification.claimed_until < now)


class DeliveryQueue(QuietWindows):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        worker: str,
        clock: Clock = SYSTEM_CLOCK,
        default_timezone: str = "Europe/Moscow",
        lease: timedelta = LEASE,
    ) -> None:
        self.sessions = sessions
        self.worker = worker[:64]
        self.clock = clock
        self.default_timezone = default_timezone
        self.lease = lease
        self._windows: dict[int, QuietHours] = {}
        self._zones: list[str] | None = None
        self._minor_schools: dict[int, set[int]] = {}

    def _lock(self, session: AsyncSession, query: Select[Any]) -> Select[Any]:
        if session.get_bind().dialect.name == "postgresql":
            return query.with_for_update(skip_locked=True)
        return query

    async def _claim_where(
        self, session: AsyncSession, now: datetime, *conditions: Any, limit: int | None = None
    ) -> list[int]:
        candidates = (
            select(Notification.id)
            .where(Notification.status == "pending", _unclaimed(now), *conditions)
            .order_by(Notification.not_before, Notification.id)
        )
        if limit is not None:
            candidates = candidates.limit(limit)
        # Two steps: PostgreSQL may run an IN (… LIMIT … FOR UPDATE SKIP LOCKED) subquery
        # more than once inside an UPDATE and claim more than `limit` rows.
        ids = list(await session.scalars(self._lock(session, candidates)))
        if not ids:
            return []
        statement = (
            update(Notification)
            .where(
                Notification.id.in_(ids),
                Notification.status == "pending",
                _unclaimed(now),
            )
            .values(claimed_by=self.worker, claimed_until=now + self.lease)
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        )
        return list(await session.scalars(statement))

    async def claim(self, limit: int) -> ClaimResult:
        """Claim up to `limit` due rows (plus the rest of their summary batches)."""
        result = ClaimResult()
        self._windows = {}  # read once per claim: an edit applies from the next claim
        self._zones = None
        async with self.sessions() as session:
            now = self.clock.now()
            ids = await self._claim_where(session, now, Notification.not_before <= now, limit=limit)
            result.claimed = len(ids)
            if not ids:
                await session.commit()
                return result
            rows = list(
                await session.scalars(
                    select(Notification)
                    .where(Notification.id.in_(ids))
                    .order_by(Notification.not_before, Notification.id)
                )
            )
            batches = {(r.recipient_user_id, r.batch) for r in rows if r.batch is not None}
            for recipient, batch in sorted(batches):
                more = await self._claim_where(
                    session,
                    now,
                    Notification.recipient_user_id == recipient,
                    Notification.batch == batch,
                )
                if more:
                    rows.extend(
                        await session.scalars(
                            select(Notification)
                            .where(Notification.id.in_(more))
                            .order_by(Notification.id)
                        )
                    )
            await self._decide(session, now, rows, result, lease_until=now + self.lease)
            await session.commit()
        return result

    async def _decide(
        self,
        session: AsyncSession,
        now: datetime,
        rows: list[Notification],
        result: ClaimResult,
        *,
        lease_until: datetime | None = None,
    ) -> None:
        users = {
            u.id: u
            for u in await session.scalars(
                select(User).where(User.id.in_({r.recipient_user_id for r in rows}))
            )
        }
        await self._read_minor_schools(session, {u.id for u in users.values() if u.is_minor})
        groups: dict[tuple[Any, ...], list[Notification]] = {}
        for row in rows:
            if row.expires_at is not None and row.expires_at <= now:
                self._finish(row, now, "skipped", "expired")
                result.skipped += 1
                continue
            key = (row.recipient_user_id, row.batch) if row.batch else ("row", row.id)
            groups.setdefault(key, []).append(row)
        for group in groups.values():
            first = group[0]
            user = users.get(first.recipient_user_id)
            chat_id = first.chat_id or (user.telegram_id if user else None)
            reason = None
            if user is None or chat_id is None:
                reason = "withdrew"
            elif first.chat_id is None and not user.reachable:
                reason = "unreachable"
            if reason is not None:
                for row in group:
                    self._finish(row, now, "skipped", reason)
                result.skipped += len(group)
                continue
            assert user is not None and chat_id is not None
            minor = bool(user.is_minor)
            windows = await self._quiet_windows(session, group, user.id, minor)
            quiet_until = quiet_until_of(windows, now)
            if quiet_until is not None:
                for row in group:
                    row.not_before = quiet_until
                    row.claimed_by = None
                    row.claimed_until = None
                result.deferred += len(group)
                continue
            result.deliveries.append(
                Delivery(
                    ids=tuple(r.id for r in group),
                    recipient_user_id=user.id,
                    chat_id=chat_id,
                    locale=first.locale or user.locale,
                    telegram_locale=user.telegram_locale,
                    is_minor=minor,
                    batch=first.batch,
                    items=tuple(Item(r.kind, dict(r.args or {})) for r in group),
                    direct=first.chat_id is None,
                    attempts=max(r.attempts for r in group),
                    quiet=tuple(windows),
                    lease_until=lease_until,
                )
            )

    @staticmethod
    def _finish(row: Notification, now: datetime, status: str, reason: str | None) -> None:
        row.status = status
        row.reason = reason
        row.finished_at = now
        row.claimed_by = None
        row.claimed_until = None
        row.chat_id = None
        row.locale = None
        row.args = {}  # what a message says is kept only until it is delivered

    async def _finish_ids(
        self, ids: Iterable[int], status: str, reason: str | None, error: str | None = None
    ) -> None:
        async with self.sessions() as session:
            now = self.clock.now()
            values: dict[str, Any] = {
                "status": status,
                "reason": reason,
                "finished_at": now,
                "claimed_by": None,
                "claimed_until": None,
                "chat_id": None,
                "locale": None,
                "args": {},
            }
            if error is not None:
                values["last_error"] = error[:ERROR_MAX]
            await session.execute(
                update(Notification)
                .where(Notification.id.in_(list(ids)), Notification.status == "pending")
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await session.commit()

    async def mark_sent(self, ids: Sequence[int]) -> None:
        await self._finish_ids(ids, "sent", None)

    async def mark_failed(self, ids: Sequence[int], reason: str, error: str) -> None:
        await self._finish_ids(ids, "failed", reason, error)

    async def renew(self, deliveries: Sequence[Delivery]) -> list[Delivery]:
        """Right before they are sent: extend the deliveries' leases where this process still
        holds them (the very lease of their claim, not lapsed) — checked and extended in one
        statement. Returns those still held, with their new lease; the others lapsed (their
        rows may be another claim's now): the caller drops them, and their rows still held
        are given back."""
        if not deliveries:
            return []
        by_lease: dict[datetime | None, list[int]] = {}
        for delivery in deliveries:
            by_lease.setdefault(delivery.lease_until, []).extend(delivery.ids)
        async with self.sessions() as session:
            now = self.clock.now()
            until = now + self.lease
            held = set(
                await session.scalars(
                    update(Notification)
                    .where(
                        Notification.status == "pending",
                        Notification.claimed_by == self.worker,
                        Notification.claimed_until >= now,
                        or_(
                            *(
                                and_(Notification.claimed_until == lease, Notification.id.in_(ids))
                                for lease, ids in by_lease.items()
                            )
                        ),
                    )
                    .values(claimed_until=until)
                    .returning(Notification.id)
                    .execution_options(synchronize_session=False)
                )
            )
            await session.commit()
        kept = [replace(d, lease_until=until) for d in deliveries if held.issuperset(d.ids)]
        partly = [i for d in deliveries if not held.issuperset(d.ids) for i in d.ids if i in held]
        if partly:
            await self.release(partly)
        return kept

    async def release(self, ids: Sequence[int], *, not_before: datetime | None = None) -> None:
        """Give the rows back (shutdown, or 429: try again after `not_before`)."""
        async with self.sessions() as session:
            values: dict[str, Any] = {"claimed_by": None, "claimed_until": None}
            if not_before is not None:
                values["not_before"] = not_before
            await session.execute(
                update(Notification)
                .where(
                    Notification.id.in_(list(ids)),
                    Notification.status == "pending",
                    Notification.claimed_by == self.worker,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await session.commit()

    async def retry_later(
        self, ids: Sequence[int], *, reason: str, error: str, delay: float, max_attempts: int
    ) -> bool:
        """Count a failed attempt; after `max_attempts` the rows fail. True if they wait."""
        async with self.sessions() as session:
            now = self.clock.now()
            await session.execute(
                update(Notification)
                .where(Notification.id.in_(list(ids)), Notification.status == "pending")
                .values(
                    attempts=Notification.attempts + 1,
                    last_error=error[:ERROR_MAX],
                    not_before=now + timedelta(seconds=delay),
                    claimed_by=None,
                    claimed_until=None,
                )
                .execution_options(synchronize_session=False)
            )
            failed = list(
                await session.scalars(
                    update(Notification)
                    .where(
                        Notification.id.in_(list(ids)),
                        Notification.status == "pending",
                        Notification.attempts >= max_attempts,
                    )
                    .values(status="failed", reason=reason, finished_at=now, chat_id=None, args={})
                    .returning(Notification.id)
                    .execution_options(synchronize_session=False)
                )
            )
            await session.commit()
        return len(failed) < len(ids)

    async def mark_blocked(self, delivery: Delivery, error: str) -> int:
        """Telegram said 403: this message failed; the person is unreachable, their other
        pending messages are skipped, and the curators hear of it in one summary.
        Returns how many other rows were skipped."""
        async with self.sessions() as session:
            now = self.clock.now()
            await session.execute(
                update(Notification)
                .where(Notification.id.in_(list(delivery.ids)), Notification.status == "pending")
                .values(
                    status="failed",
                    reason="blocked",
                    last_error=error[:ERROR_MAX],
                    finished_at=now,
                    claimed_by=None,
                    claimed_until=None,
                    chat_id=None,
                    locale=None,
                    args={},
                )
                .execution_options(synchronize_session=False)
            )
            skipped = 0
            if delivery.direct:
                user = await session.get(User, delivery.recipient_user_id)
                if user is not None:
                    user.reachable = False
                others = await session.scalars(
                    update(Notification)
                    .where(
                        Notification.recipient_user_id == delivery.recipient_user_id,
                        Notification.status == "pending",
                        Notification.chat_id.is_(None),
                        or_(
                            Notification.claimed_by.is_(None),
                            Notification.claimed_by == self.worker,
                            Notification.claimed_until < now,
                        ),
                    )
                    .values(
                        status="skipped",
                        reason="unreachable",
                        finished_at=now,
                        claimed_by=None,
                        claimed_until=None,
                        args={},
                    )
                    .returning(Notification.id)
                    .execution_options(synchronize_session=False)
                )
                skipped = len(list(others))
                if user is not None:
                    await self._tell_curators_unreachable(session, user, now)
            await session.commit()
        wake_after_commit(session)
        return skipped

    async def _tell_curators_unreachable(
        self, session: AsyncSession, user: User, now: datetime
    ) -> None:
        outbox = Outbox(session, self.clock)
        org_ids = list(
            await session.scalars(
                select(Membership.organisation_id)
                .where(Membership.user_id == user.id, Membership.status != "withdrawn")
                .distinct()
                .order_by(Membership.organisation_id)
            )
        )
        for org_id in org_ids:
            org = await session.get(Organisation, org_id)
            if org is None:
                continue
            await outbox.tell_curators(
                org_id,
                kind="unreachable",
                subject=f"user:{user.id}",
                args={"name": user.full_name or "", "school": org.name},
                period=now.date().isoformat(),
                batch=f"unreachable:{org_id}",
                delay=UNREACHABLE_SUMMARY_GATHER,
                exclude_user_id=user.id,
            )

    async def next_due(self) -> datetime | None:
        """When the earliest pending row becomes due (None when nothing is pending)."""
        async with self.sessions() as session:
            return await session.scalar(
                select(func.min(Notification.not_before)).where(Notification.status == "pending")
            )

    async def counts(self) -> dict[str, int]:
        async with self.sessions() as session:
            rows = await session.execute(
                select(Notification.status, func.count()).group_by(Notification.status)
            )
            return {status: count for status, count in rows}
