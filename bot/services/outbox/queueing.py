"""Queueing: `Outbox` writes notification rows in the caller's session and transaction
(never commits); a key (kind, subject, period, recipient) is queued once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.clock import SYSTEM_CLOCK, Clock
from bot.services.outbox.wake import WAKE_KEY
from bot.storage.models import Membership, Notification, Organisation, User

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


_TABLE = cast(Table, Notification.__table__)
_KEY = ["kind", "subject", "period", "recipient_user_id"]
# Built once per dialect (an update queues a row now and then: building the statement
# cost more than sending it); the row's values go in as parameters.
_ENQUEUE: dict[str, Any] = {
    "postgresql": pg_insert(_TABLE).on_conflict_do_nothing(index_elements=_KEY),
    "sqlite": sqlite_insert(_TABLE).on_conflict_do_nothing(index_elements=_KEY),
}
_ENQUEUE_MANY: dict[str, Any] = {
    dialect: statement.returning(
        _TABLE.c.kind, _TABLE.c.subject, _TABLE.c.period, _TABLE.c.recipient_user_id
    )
    for dialect, statement in _ENQUEUE.items()
}


def _dialect(session: AsyncSession) -> str:
    return "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"


def _check_key(kind: str, subject: str, period: str) -> None:
    # PostgreSQL refuses what is longer than the columns; SQLite would keep it, so
    # the limits are checked here, where every test meets them.
    if len(kind) > KIND_MAX or len(subject) > SUBJECT_MAX or len(period) > PERIOD_MAX:
        raise ValueError(f"notification key too long: {kind!r} {subject!r} {period!r}")


def _row(
    now: datetime,
    *,
    kind: str,
    subject: str,
    period: str,
    recipient_user_id: int,
    organisation_id: int | None,
    batch: str | None,
    chat_id: int | None,
    locale: str | None,
    args: dict[str, Any] | None,
    delay: timedelta,
    expires_at: datetime | None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "subject": subject,
        "period": period,
        "recipient_user_id": recipient_user_id,
        "organisation_id": organisation_id,
        "batch": batch,
        "chat_id": chat_id,
        "locale": locale,
        "args": args or {},
        "due_at": now,
        "not_before": now + delay,
        "expires_at": expires_at,
        "status": "pending",
        "attempts": 0,
        "created_at": now,
    }


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
        """Queue one notification; False when the same key was queued before (one
        statement, built once)."""
        _check_key(kind, subject, period)
        row = _row(
            self.clock.now(),
            kind=kind,
            subject=subject,
            period=period,
            recipient_user_id=recipient_user_id,
            organisation_id=organisation_id,
            batch=batch,
            chat_id=chat_id,
            locale=locale,
            args=args,
            delay=delay,
            expires_at=expires_at,
        )
        result = await self.session.execute(_ENQUEUE[_dialect(self.session)], row)
        self.session.info[WAKE_KEY] = True
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
        self.session.info[WAKE_KEY] = True

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
            _check_key(row.kind, row.subject, row.period)
        now = self.clock.now()
        # executemany with RETURNING: SQLAlchemy sends it as INSERT … VALUES of up to a
        # thousand rows each (its "insertmanyvalues"), on SQLite and PostgreSQL alike.
        result = await self.session.execute(
            _ENQUEUE_MANY[_dialect(self.session)],
            [
                _row(
                    now,
                    kind=r.kind,
                    subject=r.subject,
                    period=r.period,
                    recipient_user_id=r.recipient_user_id,
                    organisation_id=r.organisation_id,
                    batch=r.batch,
                    chat_id=None,
                    locale=None,
                    args=r.args,
                    delay=r.delay,
                    expires_at=r.expires_at,
                )
                for r in rows
            ],
        )
        new = {(k, s, p, u) for k, s, p, u in result.all()}
        self.session.info[WAKE_KEY] = True
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
