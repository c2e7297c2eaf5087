"""A school's headcounts per school year: students aged 10–18, teachers, young teachers
(до 35 лет, стаж до 3 лет) — the denominators of the municipal shares.

The school's curators and the bot's admins enter them; the municipality's coordinator sees
which schools have not. Every change is audited. A figure is a whole number 0…100 000;
the three are saved together, never one half-entered.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.clock import SYSTEM_CLOCK, Clock
from bot.services.errors import InvalidInput, NotFound
from bot.services.indicators import municipality_schools, school_year_of
from bot.services.numbers import whole_number
from bot.storage.models import Headcount, Organisation

HEADCOUNT_MAX = 100_000
FIELDS = ("students_10_18", "teachers", "young_teachers")


def parse_count(text: str) -> int:
    """A typed figure: digits only (spaces between thousands allowed), 0…100 000."""
    limit = HEADCOUNT_MAX
    return whole_number(text, "headcount", low=0, high=limit, thousands=True, limit=limit)


@dataclass(frozen=True, slots=True)
class SchoolHeadcounts:
    organisation_id: int
    name: str
    year: int
    students_10_18: int | None
    teachers: int | None
    young_teachers: int | None

    @property
    def complete(self) -> bool:
        return None not in (self.students_10_18, self.teachers, self.young_teachers)


class HeadcountService:
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

    async def _school(self, actor: Actor, organisation_id: int, action: str) -> Organisation:
        # Access before existence: a forged id is refused like another school's.
        await self.access.require_curator(actor, organisation_id, action)
        org = await self.session.get(Organisation, organisation_id)
        if org is None or org.kind != "school":
            raise NotFound()
        return org

    def current_year(self, timezone: str) -> int:
        return school_year_of(self.clock.now().astimezone(ZoneInfo(timezone)).date())

    async def get(
        self, actor: Actor, organisation_id: int, year: int | None = None
    ) -> SchoolHeadcounts:
        org = await self._school(actor, organisation_id, "headcount.view")
        year = self.current_year(org.timezone) if year is None else year
        row = await self.session.scalar(
            select(Headcount).where(Headcount.organisation_id == org.id, Headcount.year == year)
        )
        return SchoolHeadcounts(
            org.id,
            org.name,
            year,
            row.students_10_18 if row else None,
            row.teachers if row else None,
            row.young_teachers if row else None,
        )

    async def set(
        self,
        actor: Actor,
        organisation_id: int,
        *,
        year: int,
        students_10_18: int,
        teachers: int,
        young_teachers: int,
    ) -> SchoolHeadcounts:
        """Save the three figures of a school year at once (checked again here)."""
        org = await self._school(actor, organisation_id, "headcount.set")
        values = (students_10_18, teachers, young_teachers)
        for value in values:
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput("headcount", limit=HEADCOUNT_MAX)
            if not 0 <= value <= HEADCOUNT_MAX:
                raise InvalidInput("headcount", limit=HEADCOUNT_MAX)
        current = self.current_year(org.timezone)
        if year not in (current - 1, current, current + 1):
            raise InvalidInput("headcount-year")
        if young_teachers > teachers:
            raise InvalidInput("headcount-young", teachers=teachers)
        row = await self.session.scalar(
            select(Headcount).where(Headcount.organisation_id == org.id, Headcount.year == year)
        )
        if row is None:
            row = Headcount(organisation_id=org.id, year=year)
            self.session.add(row)
        row.students_10_18, row.teachers, row.young_teachers = values
        row.updated_by_user_id = actor.user_id
        row.updated_at = self.clock.now()
        await self.session.flush()
        await self.audit.record(
            actor.user_id,
            "headcount.set",
            organisation_id=org.id,
            object_type="headcount",
            object_id=row.id,
            year=year,
            students_10_18=students_10_18,
            teachers=teachers,
            young_teachers=young_teachers,
        )
        return SchoolHeadcounts(org.id, org.name, year, *values)

    async def missing(self, actor: Actor, municipality_id: int) -> list[tuple[int, str]]:
        """The municipality's schools without this school year's headcounts (id, name).
        Its coordinators and the admins only; one statement for the schools, one for the
        headcounts, however many schools."""
        coordinates = any(r.organisation_id == municipality_id for r in actor.active("coordinator"))
        if not (coordinates or actor.is_admin):
            raise await self.access.deny(
                actor, "headcount.missing", target_organisation_id=municipality_id
            )
        org = await self.session.get(Organisation, municipality_id)
        if org is None:
            raise NotFound()
        year = self.current_year(org.timezone)
        schools = await municipality_schools(self.session, municipality_id)
        rows = await self.session.execute(
            select(Headcount.organisation_id).where(
                Headcount.organisation_id.in_([s for s, _ in schools]),
                Headcount.year == year,
                Headcount.students_10_18.is_not(None),
                Headcount.teachers.is_not(None),
                Headcount.young_teachers.is_not(None),
            )
        )
        entered = {org_id for (org_id,) in rows}
        return [(s, name) for s, name in schools if s not in entered]
