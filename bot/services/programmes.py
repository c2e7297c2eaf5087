"""A school's mentoring programmes: created by its curators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.catalog import Catalog
from bot.services.errors import InvalidInput, NotFound
from bot.services.organisations import clean_name
from bot.storage.models import Organisation, Programme

# The methodology's stages, in order (Р-145).
STAGES = (
    "preparation",
    "mentee_base",
    "mentor_base",
    "mentor_training",
    "matching",
    "working",
    "completion",
)


@dataclass(frozen=True, slots=True)
class ProgrammeView:
    id: int
    organisation_id: int
    name: str
    form_key: str
    period_start: date
    period_end: date
    stage: str

    @classmethod
    def of(cls, p: Programme) -> ProgrammeView:
        return cls(
            p.id, p.organisation_id, p.name, p.form_key, p.period_start, p.period_end, p.stage
        )


def academic_year(today: date) -> tuple[date, date]:
    """1 September – 31 May of the school year that contains `today` (or starts next)."""
    start_year = today.year if today.month >= 6 else today.year - 1
    return date(start_year, 9, 1), date(start_year + 1, 5, 31)


class ProgrammeService:
    def __init__(
        self, session: AsyncSession, access: AccessService, audit: AuditService, catalog: Catalog
    ) -> None:
        self.session = session
        self.access = access
        self.audit = audit
        self.catalog = catalog

    async def create(
        self,
        actor: Actor,
        *,
        school_id: int,
        name: str,
        form_key: str,
        period_start: date,
        period_end: date,
    ) -> ProgrammeView:
        await self.access.require_curator(actor, school_id, "programme.create")
        school = await self.session.get(Organisation, school_id)
        if school is None or school.kind != "school":
            raise NotFound()
        form = self.catalog.form(form_key)
        if form is None or form.hidden:  # a retired form stays readable, not offered
            raise InvalidInput("programme-form")
        if period_end <= period_start:
            raise InvalidInput("programme-period")
        programme = Programme(
            organisation_id=school_id,
            name=clean_name(name),
            form_key=form_key,
            period_start=period_start,
            period_end=period_end,
            created_by_user_id=actor.user_id,
        )
        self.session.add(programme)
        await self.session.flush()
        await self.audit.record(
            actor.user_id,
            "programme.create",
            organisation_id=school_id,
            object_type="programme",
            object_id=programme.id,
            form=form_key,
        )
        return ProgrammeView.of(programme)

    async def list_for_school(self, actor: Actor, school_id: int) -> list[ProgrammeView]:
        await self.access.require_viewer(actor, school_id, "programme.list")
        rows = await self.session.scalars(
            select(Programme)
            .where(Programme.organisation_id == school_id)
            .order_by(Programme.period_start.desc(), Programme.id)
        )
        return [ProgrammeView.of(p) for p in rows]

    async def get(self, actor: Actor, programme_id: int) -> ProgrammeView:
        """Refuses (and audits) a programme of another school, whatever the client sent."""
        programme = await self.access.load_viewed(actor, Programme, programme_id, "programme.view")
        return ProgrammeView.of(programme)

    async def set_stage(self, actor: Actor, programme_id: int, stage: str) -> ProgrammeView:
        programme = await self.access.load_curated(
            actor, Programme, programme_id, "programme.stage"
        )
        if stage not in STAGES:
            raise InvalidInput("programme-stage")
        programme.stage = stage
        await self.audit.record(
            actor.user_id,
            "programme.stage",
            organisation_id=programme.organisation_id,
            object_type="programme",
            object_id=programme.id,
            stage=stage,
        )
        return ProgrammeView.of(programme)
