"""What a person is, where: the lines of their main menu, and a coordinator's overview."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import Actor
from bot.services.consent import ConsentService
from bot.storage.models import Membership, Organisation, Programme


@dataclass(frozen=True, slots=True)
class RoleSummary:
    role: str
    organisation_name: str
    programme_name: str | None
    consent_complete: bool


@dataclass(frozen=True, slots=True)
class SchoolCounts:
    school_name: str
    mentors: int
    mentees: int


class MembershipService:
    def __init__(self, session: AsyncSession, consent: ConsentService) -> None:
        self.session = session
        self.consent = consent

    async def summary(self, actor: Actor) -> list[RoleSummary]:
        result = []
        for role in actor.active():
            org = await self.session.get(Organisation, role.organisation_id)
            programme = (
                await self.session.get(Programme, role.programme_id) if role.programme_id else None
            )
            status = await self.consent.status(actor, actor.user_id, role.organisation_id)
            result.append(
                RoleSummary(
                    role=role.role,
                    organisation_name=org.name if org else "",
                    programme_name=programme.name if programme else None,
                    consent_complete=status.complete,
                )
            )
        return result

    async def coordinator_overview(self, actor: Actor) -> list[SchoolCounts]:
        """Counts only (no names): the schools of the municipalities this person coordinates."""
        municipalities = [r.organisation_id for r in actor.active("coordinator")]
        if not municipalities:
            return []
        schools = await self.session.scalars(
            select(Organisation)
            .where(Organisation.parent_id.in_(municipalities))
            .order_by(Organisation.name)
        )
        overview = []
        for school in schools:
            rows = await self.session.execute(
                select(Membership.role, func.count())
                .where(
                    Membership.organisation_id == school.id,
                    Membership.status == "active",
                    Membership.role.in_(("mentor", "mentee")),
                )
                .group_by(Membership.role)
            )
            counts: dict[str, int] = {role: count for role, count in rows}
            overview.append(
                SchoolCounts(school.name, counts.get("mentor", 0), counts.get("mentee", 0))
            )
        return overview
