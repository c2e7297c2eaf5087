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

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import SYSTEM_CLOCK, Clock
from bot.services.quiet import QuietHours
from bot.services.quiet import quiet_until as quiet_until_of
from bot.storage.models import Consent, Membership, Notification, Organisation, User

log = logging.getLogger(__name__)

# Kinds an adult may receive in quiet hours (a minor never gets anything then).
URGENT_KINDS: frozenset[str] = frozenset({"withdrawn-goodbye"})
# A row's args carry ASKED when the person asked for it just now (their /digest, their
# /report): it is not held back by quiet hours, which are for what the bot starts itself.
ASKED = "asked"
# How long a summary gathers items before it is due (then quiet hours may push it further).
SCHOOL_SUMMARY_GATHER = timedelta(minutes=30)
UNREACHABLE_SUMMARY_GATHER = timedelta(minutes=10)
# A claimed row is sent within the lease: the sender claims again only when fewer than half a
# batch (50) wait, so at most ~150 rows wait in memory — 150 s at one per second for one chat.
LEASE = timedelta(minutes=5)
ERROR_MAX = 300
KIND_MAX, SUBJECT_MAX, PERIOD_MAX = 48, 64, 32  # the notification columns' lengths
# Rows per INSERT in `enqueue_many`: 15 columns × 1,000 stay under the 32,767 parameters
# PostgreSQL and SQLite take.
ENQUEUE_CHUNK = 1000

_WAKE_KEY = "outbox_queued"
_listeners: list[Callable[[], None]] = []


def subscribe(listener: Callable[[], None]) -> Callable[[], None]:
    """Call `listener` after a commit that queued notifications; returns the unsubscriber."""
    _listeners.append(listener)

    def unsubscribe() -> None:
        if listener in _listeners:
            _listeners.remove(listener)

    return unsubscribe


def wake_after_commit(session: AsyncSession) -> None:
    """Call right after `session` committed: wakes the sender if it queued anything."""
    if session.info.pop(_WAKE_KEY, False):
        for listener in list(_listeners):
            listener()


def asked_now(args: dict[str, Any] | None) -> bool:
    """Whether the recipient asked for this message just now (see ASKED)."""
    return bool((args or {}).get(ASKED))


def _insert_for(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return pg_insert if dialect == "postgresql" else sqlite_insert


async def curators_of(
    session: AsyncSession, organisation_id: int, *, exclude_user_id: int | None = None
) -> list[int]:
    """User ids of the school's active curators who can be messaged."""
    query = (
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organisation_id == organisation_id,
            Membership.role == "curator",
            Membership.status == "active",
            User.telegram_id.is_not(None),
        )
        .distinct()
        .order_by(User.id)
    )
    if exclude_user_id is not None:
        query = query.where(User.id != exclude_user_id)
    return list(await session.scalars(query))


class Outbox:
    """Queues notifications in the caller's session and transaction (never commits)."""

    def __init__(self, session: AsyncSession, clock: Clock = SYSTEM_CLOCK) -> None:
        self.session = session
        self.clock = clock

    async def enqueue(
        self,
        *,
        kind: str,
        subject: str,
        recipient_user_id: int,
        args: dict[str, Any] | None = None,
        period: str = "",
        organisation_id: int | None = None,
        batch: str | None = None,
        delay: timedelta = timedelta(0),
        expires_at: datetime | None = None,
        chat_id: int | None = None,
        locale: str | None = None,
    ) -> bool:
        """Queue one notification; False when the same key was queued before."""
        # PostgreSQL refuses what is longer than the columns; SQLite would keep it, so
        # the limits are checked here, where every test meets them.
        if len(kind) > KIND_MAX or len(subject) > SUBJECT_MAX or len(period) > PERIOD_MAX:
            raise ValueError(f"notification key too long: {kind!r} {subject!r} {period!r}")
        now = self.clock.now()
        insert = _insert_for(self.session)
        statement = (
            insert(Notification)
            .values(
                kind=kind,
                subject=subject,
                period=period,
                recipient_user_id=recipient_user_id,
                organisation_id=organisation_id,
                batch=batch,
                chat_id=chat_id,
                locale=locale,
                args=args or {},
                due_at=now,
                not_before=now + delay,
                expires_at=expires_at,
                status="pending",
                attempts=0,
                created_at=now,
            )
            .on_conflict_do_nothing(
                index_elements=["kind", "subject", "period", "recipient_user_id"]
            )
        )
        result = await self.session.execute(statement)
        self.session.info[_WAKE_KEY] = True
        return bool(getattr(result, "rowcount", 0))

    async def tell_curators(
        self,
        organisation_id: int,
        *,
        kind: str,
        subject: str,
        args: dict[str, Any],
        period: str = "",
        batch: str | None = None,
        delay: timedelta = timedelta(0),
        exclude_user_id: int | None = None,
    ) -> int:
        """Queue the same notification for each curator of the school; returns how many."""
        queued = 0
        for curator_id in await curators_of(
            self.session, organisation_id, exclude_user_id=exclude_user_id
        ):
            queued += await self.enqueue(
                kind=kind,
                subject=subject,
                recipient_user_id=curator_id,
                args=args,
                period=period,
                organisation_id=organisation_id,
                batch=batch,
                delay=delay,
            )
        return queued

    async def school_event(
        self,
        organisation_id: int,
        *,
        kind: str,
        subject: str,
        args: dict[str, Any],
        period: str = "",
    ) -> int:
        """An item of the school's summary to its curators (one message per batch)."""
        org = await self.session.get(Organisation, organisation_id)
        if org is None:
            return 0
        return await self.tell_curators(
            organisation_id,
            kind=kind,
            subject=subject,
            args={**args, "school": org.name},
            period=period,
            batch=f"school:{organisation_id}",
            delay=SCHOOL_SUMMARY_GATHER,
        )

    async def forget_subject(self, subject: str) -> None:
        """The subject withdrew consent: what is still to be said about them is not, and
        no row keeps what it would have said."""
        now = self.clock.now()
        await self.session.execute(
            update(Notification)
            .where(Notification.subject == subject, Notification.status == "pending")
            .values(status="skipped", reason="withdrew", finished_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(Notification)
            .where(Notification.subject == subject)
            .values(args={})
            .execution_options(synchronize_session=False)
        )
        self.session.info[_WAKE_KEY] = True

    async def enqueue_many(self, rows: Sequence[Queued]) -> list[Queued]:
        """Queue many notifications at once (a sweep's): the same rows and keys as
        `enqueue` one by one, in one INSERT per thousand rows. Returns the rows that
        were new (a key queued before, here or by another process, is left alone)."""
        unique: dict[tuple[str, str, str, int], Queued] = {}
        for row in rows:  # one key twice: the first is queued, as `enqueue` would
            unique.setdefault(row.key, row)
        rows = list(unique.values())
        if not rows:
            return []
        for row in rows:
            if (
                len(row.kind) > KIND_MAX
                or len(row.subject) > SUBJECT_MAX
                or len(row.period) > PERIOD_MAX
            ):
                raise ValueError(
                    f"notification key too long: {row.kind!r} {row.subject!r} {row.period!r}"
                )
        now = self.clock.now()
        insert = _insert_for(self.session)
        table = Notification.__table__
        statement = (
            insert(table)
            .on_conflict_do_nothing(
                index_elements=["kind", "subject", "period", "recipient_user_id"]
            )
            .returning(table.c.kind, table.c.subject, table.c.period, table.c.recipient_user_id)
        )
        # executemany with RETURNING: SQLAlchemy sends it as INSERT … VALUES of up to a
        # thousand rows each (its "insertmanyvalues"), on SQLite and PostgreSQL alike.
        result = await self.session.execute(
            statement,
            [
                {
                    "kind": r.kind,
                    "subject": r.subject,
                    "period": r.period,
                    "recipient_user_id": r.recipient_user_id,
                    "organisation_id": r.organisation_id,
                    "batch": r.batch,
                    "chat_id": None,
                    "locale": None,
                    "args": r.args,
                    "due_at": now,
                    "not_before": now + r.delay,
                    "expires_at": r.expires_at,
                    "status": "pending",
                    "attempts": 0,
                    "created_at": now,
                }
                for r in rows
            ],
        )
        new = {(k, s, p, u) for k, s, p, u in result.all()}
        self.session.info[_WAKE_KEY] = True
        return [r for r in rows if r.key in new]


@dataclass(frozen=True, slots=True)
class Queued:
    """One notification for `Outbox.enqueue_many` (the arguments of `enqueue`)."""

    kind: str
    subject: str
    recipient_user_id: int
    args: dict[str, Any]
    period: str = ""
    organisation_id: int | None = None
    batch: str | None = None
    delay: timedelta = timedelta(0)
    expires_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.kind, self.subject, self.period, self.recipient_user_id)


async def queued_keys(
    session: AsyncSession, kinds: Iterable[str], subjects: Iterable[str]
) -> set[tuple[str, str, str, int]]:
    """The keys (kind, subject, period, recipient) already queued for these kinds and
    subjects, in one statement: a sweep queues only what is not there yet."""
    subjects = list(dict.fromkeys(subjects))
    if not subjects:
        return set()
    rows = await session.execute(
        select(
            Notification.kind,
            Notification.subject,
            Notification.period,
            Notification.recipient_user_id,
        ).where(Notification.kind.in_(list(kinds)), Notification.subject.in_(subjects))
    )
    return {(k, s, p, u) for k, s, p, u in rows}


# ----- the sender's side ------------------------------------------------------------------


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


class DeliveryQueue:
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

    async def _quiet_windows(
        self, session: AsyncSession, group: list[Notification], user_id: int, minor: bool
    ) -> list[QuietHours]:
        """The quiet hours that hold back this message (none: it may go at any hour).

        What the person asked for just now goes at once. A minor's quiet hours come from the
        person, not from the row: every school they are or were in (a withdrawn membership,
        a consent), each school's own hours and the default 21:00–08:00 in its zone even when
        the school switched its hours off; a minor with no school known waits for the
        morning in every zone the deployment's schools are in. An adult's come from the
        row's school, else their schools, else the default zone; urgent kinds go at once."""
        if all(asked_now(r.args) for r in group):
            return []
        if not minor and all(r.kind in URGENT_KINDS for r in group):
            return []
        first = group[0]
        if minor:
            org_ids = set(self._minor_schools.get(user_id, ()))
            if first.organisation_id is not None:
                org_ids.add(first.organisation_id)
        elif first.organisation_id is not None:
            org_ids = {first.organisation_id}
        else:
            org_ids = set(
                await session.scalars(
                    select(Membership.organisation_id)
                    .where(Membership.user_id == user_id, Membership.status != "withdrawn")
                    .distinct()
                )
            )
        missing = [i for i in org_ids if i not in self._windows]
        if missing:
            for org in await session.scalars(
                select(Organisation).where(Organisation.id.in_(missing))
            ):
                self._windows[org.id] = QuietHours(org.timezone, org.quiet_start, org.quiet_end)
        windows = [self._windows[i] for i in sorted(org_ids) if i in self._windows]
        if minor and not windows:
            windows = [QuietHours(zone) for zone in await self._all_school_zones(session)]
        if not windows:
            windows = [QuietHours(self.default_timezone)]
        if minor:
            windows += [QuietHours(w.timezone) for w in windows]
        return windows

    async def _read_minor_schools(self, session: AsyncSession, user_ids: set[int]) -> None:
        """Every organisation each minor is or was in (memberships of any status, consents),
        for the whole claim in one statement."""
        self._minor_schools = {}
        if not user_ids:
            return
        memberships = select(Membership.user_id, Membership.organisation_id).where(
            Membership.user_id.in_(user_ids)
        )
        consents = select(Consent.subject_user_id, Consent.organisation_id).where(
            Consent.subject_user_id.in_(user_ids)
        )
        for user_id, organisation_id in await session.execute(memberships.union(consents)):
            self._minor_schools.setdefault(user_id, set()).add(organisation_id)

    async def _all_school_zones(self, session: AsyncSession) -> list[str]:
        if self._zones is None:
            self._zones = sorted(
                set(
                    await session.scalars(
                        select(Organisation.timezone)
                        .where(Organisation.kind == "school")
                        .distinct()
                    )
                )
                | {self.default_timezone}
            )
        return self._zones

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
