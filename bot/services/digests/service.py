"""The digest service: who may ask for a school's digest and when it is queued; the figures
themselves are computed in `computation.py`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.digests.computation import _Computation
from bot.services.digests.model import (
    DIGEST_HOURS,
    KIND,
    DigestSchedule,
    DueSchool,
    SchoolDigest,
    _as_utc,
    due_moment,
    end_of_week,
    iso_week,
    subject_of,
)
from bot.services.errors import InvalidInput
from bot.services.outbox import ASKED, Outbox, Queued
from bot.storage.models import Membership, Notification, Organisation, Pair, User


class DigestService:
    """Computing reads only (a short session, closed before rendering); queueing writes
    outbox rows in the caller's transaction."""

    def __init__(
        self,
        session: AsyncSession,
        outbox: Outbox | None = None,
        access: AccessService | None = None,
        audit: AuditService | None = None,
    ) -> None:
        self.session = session
        self.outbox = outbox
        self.access = access
        self.audit = audit

    async def _school(self, actor: Actor, organisation_id: int, action: str) -> Organisation:
        assert self.access is not None, "DigestService(..., access) checks who asks"
        org = await self.session.get(Organisation, organisation_id)
        school = org.id if org is not None and org.kind == "school" else None
        await self.access.require_curator(
            actor, school, action, object_type="organisation", object_id=organisation_id
        )
        assert org is not None
        return org

    async def schedule(self, actor: Actor, organisation_id: int) -> DigestSchedule:
        org = await self._school(actor, organisation_id, "digest.schedule.view")
        return DigestSchedule(org.id, org.name, org.timezone, org.digest_weekday, org.digest_hour)

    async def set_schedule(
        self, actor: Actor, organisation_id: int, *, weekday: int, hour: int
    ) -> DigestSchedule:
        """A curator (or the admin) moves the school's digest; the values are checked here
        like typed text, whatever button they came from."""
        org = await self._school(actor, organisation_id, "digest.schedule.set")
        if weekday not in range(7) or hour not in DIGEST_HOURS:
            raise InvalidInput("digest-schedule")
        org.digest_weekday = weekday
        org.digest_hour = hour
        await self.session.flush()
        assert self.audit is not None
        await self.audit.record(
            actor.user_id,
            "digest.schedule.set",
            organisation_id=org.id,
            object_type="organisation",
            object_id=org.id,
            weekday=weekday,
            hour=hour,
        )
        return DigestSchedule(org.id, org.name, org.timezone, weekday, hour)

    async def schools_for(self, actor: Actor) -> list[tuple[int, str]]:
        """The schools whose digest the person may ask for: a curator's own, every school
        for an admin (by name)."""
        query = select(Organisation.id, Organisation.name).where(Organisation.kind == "school")
        if not actor.is_admin:
            query = query.where(
                Organisation.id.in_({r.organisation_id for r in actor.active("curator")})
            )
        rows = await self.session.execute(query.order_by(Organisation.name, Organisation.id))
        return [(org_id, name) for org_id, name in rows]

    async def ask(self, actor: Actor, organisation_id: int, now: datetime) -> bool:
        """`/digest`: the school's digest for this person now (a curator of the school or
        an admin; any other id is refused the same way, whether the school exists or not)."""
        org = await self._school(actor, organisation_id, "digest.ask")
        return await self.queue_now(org.id, actor.user_id, now)

    async def queue_weekly(self, now: datetime) -> int:
        """Queue this week's digest for every curator of every school whose moment came.
        Rows already queued this week are looked up first (one statement), so a tick that
        finds nothing new writes nothing; the outbox's unique key guards the rest."""
        due = {d.organisation_id: d for d in await self.due_schools(now)}
        if not due:
            return 0
        curators = (
            await self.session.execute(
                select(Membership.organisation_id, Membership.user_id)
                .join(User, User.id == Membership.user_id)
                .where(
                    Membership.organisation_id.in_(list(due)),
                    Membership.role == "curator",
                    Membership.status == "active",
                    User.telegram_id.is_not(None),
                )
                .distinct()
            )
        ).all()
        if not curators:
            return 0
        queued_before = set(
            (
                await self.session.execute(
                    select(Notification.subject, Notification.recipient_user_id).where(
                        Notification.kind == KIND,
                        Notification.period.in_({d.week for d in due.values()}),
                        Notification.subject.in_([subject_of(org) for org in due]),
                    )
                )
            ).all()
        )
        assert self.outbox is not None, "DigestService(session, outbox) queues digests"
        rows = [
            Queued(
                kind=KIND,
                subject=subject_of(org),
                recipient_user_id=user_id,
                args={"organisation_id": org},
                period=due[org].week,
                organisation_id=org,
                expires_at=due[org].expires_at,
            )
            for org, user_id in curators
            if (subject_of(org), user_id) not in queued_before
        ]
        # One bulk insert for every school whose moment came (the same rows as `_enqueue`).
        return len(await self.outbox.enqueue_many(rows))

    async def queue_now(self, organisation_id: int, user_id: int, now: datetime) -> bool:
        """`/digest`: this week's digest for one person now (access checked by the caller).
        The period carries the minute, so it can be asked for again later."""
        return await self._enqueue(
            organisation_id,
            user_id,
            f"now:{now.strftime('%Y%m%d%H%M')}",
            now + timedelta(hours=1),
            asked=True,
        )

    async def _enqueue(
        self, org: int, user_id: int, period: str, expires_at: datetime, *, asked: bool = False
    ) -> bool:
        assert self.outbox is not None, "DigestService(session, outbox) queues digests"
        args: dict[str, object] = {"organisation_id": org}
        if asked:
            args[ASKED] = True
        return await self.outbox.enqueue(
            kind=KIND,
            subject=subject_of(org),
            recipient_user_id=user_id,
            args=args,
            period=period,
            organisation_id=org,
            expires_at=expires_at,
        )

    async def due_schools(self, now: datetime) -> list[DueSchool]:
        """Schools whose digest moment of this (local) week has come: one statement.

        A school being set up gets no automatic digest: the first comes at the first digest
        moment after a pair of the school started working (`/digest` comes at once anyway)."""
        first_pair = (
            select(func.min(Pair.activated_at))
            .where(Pair.organisation_id == Organisation.id, Pair.activated_at.is_not(None))
            .scalar_subquery()
        )
        rows = await self.session.execute(
            select(
                Organisation.id,
                Organisation.timezone,
                Organisation.digest_weekday,
                Organisation.digest_hour,
                first_pair,
            ).where(Organisation.kind == "school")
        )
        due = []
        for org_id, timezone, weekday, hour, first_active in rows:
            moment = due_moment(timezone, weekday, hour, now)
            if first_active is None or _as_utc(first_active) > moment:
                continue  # no pair yet when this week's moment came: still setting up
            if now >= moment:
                local = now.astimezone(ZoneInfo(timezone)).date()
                due.append(DueSchool(org_id, iso_week(local), end_of_week(timezone, now)))
        return due

    async def schools(self, organisation_ids: Sequence[int], now: datetime) -> list[SchoolDigest]:
        """The digests of these schools (ids that are not schools are left out)."""
        ids = sorted(set(organisation_ids))
        if not ids:
            return []
        return await _Computation(self.session, ids, now).run()
