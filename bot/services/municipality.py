"""A municipality as its coordinator sees it: the monitoring deadline (day and month, every
year; default 25 November), which schools lack headcounts, and what the scheduler queues —
the coordinator's weekly digest and the deadline reminders 7 days and 1 day before.

The digest and the reminders are rich notifications (bot/jobs/municipality.py builds them
at send time); here they are only queued, once each by the outbox's unique key:
"coordinator-digest" per coordinator and ISO week (period "2026-W48"), "monitoring-reminder"
per recipient, report organisation, year and step (period "2026-d7", "2026-d1").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.clock import SYSTEM_CLOCK, Clock
from bot.services.errors import InvalidInput, NotFound
from bot.services.headcounts import HeadcountService
from bot.services.indicators import municipality_schools
from bot.services.outbox import Outbox, Queued, queued_keys
from bot.storage.models import Membership, Organisation, Pair

DIGEST_KIND = "coordinator-digest"
REMINDER_KIND = "monitoring-reminder"
REMINDER_STEPS = (7, 1)  # days before the deadline
DEFAULT_DEADLINE = (25, 11)
_DATE = re.compile(r"^\s*([0-9]{1,2})\s*[./\s-]\s*([0-9]{1,2})\s*\.?\s*$")
# A non-leap year: 29 February is refused (it would not come every year).
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_deadline(text: str) -> tuple[int, int]:
    """«25.11», «25/11», «25 11» → (day, month); a day that every year has."""
    match = _DATE.match(text)
    if not match:
        raise InvalidInput("deadline")
    day, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1]:
        raise InvalidInput("deadline")
    return day, month


def format_deadline(day: int, month: int, year: int | None = None) -> str:
    return f"{day:02d}.{month:02d}" + (f".{year}" if year is not None else "")


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def next_deadline(today: date, day: int, month: int) -> date:
    """This year's deadline, or next year's once this year's has passed."""
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


@dataclass(frozen=True, slots=True)
class MunicipalView:
    organisation_id: int
    name: str
    timezone: str
    deadline_day: int
    deadline_month: int
    schools: int
    missing: tuple[str, ...]  # names of schools without this school year's headcounts

    @property
    def deadline(self) -> str:
        return format_deadline(self.deadline_day, self.deadline_month)


class MunicipalityService:
    def __init__(
        self,
        session: AsyncSession,
        access: AccessService,
        audit: AuditService,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.session = session
        self.access = access
        self.audit = audit
        self.clock = clock

    def coordinated(self, actor: Actor) -> list[int]:
        return sorted({r.organisation_id for r in actor.active("coordinator")})

    async def _municipality(self, actor: Actor, organisation_id: int, action: str) -> Organisation:
        # Access before existence: the coordinator's own municipality (or an admin).
        if not (actor.is_admin or organisation_id in self.coordinated(actor)):
            raise await self.access.deny(actor, action, target_organisation_id=organisation_id)
        org = await self.session.get(Organisation, organisation_id)
        if org is None or org.kind != "municipality":
            raise NotFound()
        return org

    async def names(self, actor: Actor) -> list[tuple[int, str]]:
        """The municipalities this person coordinates (id, name)."""
        ids = self.coordinated(actor)
        if not ids:
            return []
        rows = await self.session.execute(
            select(Organisation.id, Organisation.name)
            .where(Organisation.id.in_(ids), Organisation.kind == "municipality")
            .order_by(Organisation.name)
        )
        return [(int(i), str(n)) for i, n in rows]

    async def view(self, actor: Actor, organisation_id: int) -> MunicipalView:
        org = await self._municipality(actor, organisation_id, "municipality.view")
        schools = await municipality_schools(self.session, org.id)
        missing = await HeadcountService(self.session, self.access, self.audit, self.clock).missing(
            actor, org.id
        )
        return MunicipalView(
            org.id,
            org.name,
            org.timezone,
            org.monitoring_day,
            org.monitoring_month,
            len(schools),
            tuple(name for _, name in missing),
        )

    async def set_deadline(self, actor: Actor, organisation_id: int, day: int, month: int) -> str:
        org = await self._municipality(actor, organisation_id, "monitoring.deadline")
        day, month = parse_deadline(f"{day}.{month}")  # a value from a button, checked again
        org.monitoring_day, org.monitoring_month = day, month
        await self.session.flush()
        await self.audit.record(
            actor.user_id,
            "monitoring.deadline",
            organisation_id=org.id,
            object_type="organisation",
            object_id=org.id,
            day=day,
            month=month,
        )
        return format_deadline(day, month)


# --- what the scheduler queues -------------------------------------------------------------


async def _coordinators(session: AsyncSession, ids: list[int]) -> dict[int, list[int]]:
    rows = await session.execute(
        select(Membership.organisation_id, Membership.user_id).where(
            Membership.organisation_id.in_(ids),
            Membership.role == "coordinator",
            Membership.status == "active",
        )
    )
    found: dict[int, list[int]] = {}
    for org_id, user_id in rows:
        found.setdefault(org_id, []).append(user_id)
    return found


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _week_moment(now_local: datetime, weekday: int, hour: int) -> datetime:
    """This ISO week's digest moment (local)."""
    monday = now_local.date() - timedelta(days=now_local.weekday())
    return datetime.combine(monday + timedelta(days=weekday), time(hour), tzinfo=now_local.tzinfo)


async def queue_digests(session: AsyncSession, clock: Clock = SYSTEM_CLOCK) -> int:
    """Queue this week's digest for every coordinator whose municipality's digest moment
    (its weekday and hour, local) has come; a week's digest goes once (a late start still
    sends it, until the next week's is due). Returns how many were queued.

    A municipality whose schools are still setting up gets none: the first comes at the
    first digest moment after a pair of any of its schools started working."""
    now = clock.now()
    school = aliased(Organisation)
    first_pair = (
        select(func.min(Pair.activated_at))
        .join(school, school.id == Pair.organisation_id)
        .where(school.parent_id == Organisation.id, Pair.activated_at.is_not(None))
        .scalar_subquery()
    )
    municipalities = (
        await session.execute(
            select(Organisation, first_pair).where(Organisation.kind == "municipality")
        )
    ).all()
    coordinators = await _coordinators(session, [m.id for m, _first in municipalities])
    rows: list[Queued] = []
    for org, first_active in municipalities:
        local = now.astimezone(ZoneInfo(org.timezone))
        moment = _week_moment(local, org.digest_weekday, org.digest_hour)
        if local < moment:
            continue
        if first_active is None or _utc(first_active) > moment:
            continue  # no school had a pair yet when this week's moment came
        week = iso_week(local.date())
        for user_id in coordinators.get(org.id, []):
            rows.append(
                Queued(
                    kind=DIGEST_KIND,
                    subject=f"municipality:{org.id}",
                    recipient_user_id=user_id,
                    args={"municipality_id": org.id, "week": week},
                    period=week,
                    organisation_id=org.id,
                    expires_at=(moment + timedelta(days=7)).astimezone(UTC),
                )
            )
    return await _queue_new(session, clock, DIGEST_KIND, rows)


async def _queue_new(session: AsyncSession, clock: Clock, kind: str, rows: list[Queued]) -> int:
    """Queue the rows not queued before: one statement to look, one to insert (none when
    nothing is new), however many schools and recipients."""
    before = await queued_keys(session, [kind], (r.subject for r in rows))
    new = [r for r in rows if r.key not in before]
    return len(await Outbox(session, clock).enqueue_many(new))


async def queue_deadline_reminders(session: AsyncSession, clock: Clock = SYSTEM_CLOCK) -> int:
    """7 days and 1 day before a municipality's monitoring deadline (from its digest hour,
    local), remind its coordinators (the municipality's report) and its schools' curators
    (their school's report). A step missed while the bot was down is sent until the next
    step (or the deadline) comes; each goes once per year."""
    now = clock.now()
    municipalities = list(
        await session.scalars(select(Organisation).where(Organisation.kind == "municipality"))
    )
    due: list[tuple[Organisation, int, date]] = []
    for org in municipalities:
        local = now.astimezone(ZoneInfo(org.timezone))
        today = local.date()
        deadline = next_deadline(today, org.monitoring_day, org.monitoring_month)
        windows = (
            (7, deadline - timedelta(days=7), deadline - timedelta(days=1)),
            (1, deadline - timedelta(days=1), deadline + timedelta(days=1)),
        )
        for step, start, end in windows:
            if start <= today < end:
                if not (today == start and local.hour < org.digest_hour):
                    due.append((org, step, deadline))
                break
    if not due:
        return 0
    ids = [org.id for org, _, _ in due]
    coordinators = await _coordinators(session, ids)
    schools = list(
        await session.execute(
            select(Organisation.id, Organisation.parent_id, Membership.user_id)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(
                Organisation.parent_id.in_(ids),
                Membership.role == "curator",
                Membership.status == "active",
            )
        )
    )
    rows: list[Queued] = []
    for org, step, deadline in due:
        # Not worth sending after the deadline day (a long outage).
        expires = datetime.combine(
            deadline + timedelta(days=1), time(0), tzinfo=ZoneInfo(org.timezone)
        ).astimezone(UTC)
        recipients = [(org.id, user_id) for user_id in coordinators.get(org.id, [])]
        recipients += [(school, user) for school, parent, user in schools if parent == org.id]
        for report_org, user_id in recipients:
            rows.append(
                Queued(
                    kind=REMINDER_KIND,
                    subject=f"monitoring:{report_org}",
                    recipient_user_id=user_id,
                    args={
                        "organisation_id": report_org,
                        "days": step,
                        "deadline": format_deadline(deadline.day, deadline.month, deadline.year),
                    },
                    period=f"{deadline.year}-d{step}",
                    organisation_id=report_org,
                    expires_at=expires,
                )
            )
    return await _queue_new(session, clock, REMINDER_KIND, rows)
