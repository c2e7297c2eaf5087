"""What a person is, where: the lines of their main menu, and a coordinator's overview."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
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
        """The person's active roles with names and consent: a fixed number of queries,
        however many roles they hold."""
        roles = actor.active()
        if not roles:
            return []
        names = {
            membership_id: (org_name, programme_name)
            for membership_id, org_name, programme_name in await self.session.execute(
                select(Membership.id, Organisation.name, Programme.name)
                .join(Organisation, Organisation.id == Membership.organisation_id)
                .outerjoin(Programme, Programme.id == Membership.programme_id)
                .where(Membership.id.in_([r.membership_id for r in roles]))
            )
        }
        statuses = await self.consent.statuses(actor.person, {r.organisation_id for r in roles})
        result = []
        for role in roles:
            org_name, programme_name = names.get(role.membership_id, ("", None))
            result.append(
                RoleSummary(
                    role=role.role,
                    organisation_name=org_name,
                    programme_name=programme_name if role.programme_id else None,
                    consent_complete=statuses[role.organisation_id].complete,
                )
            )
        return result

    async def coordinator_overview(self, actor: Actor) -> list[SchoolCounts]:
        """Counts only (no names): the schools of the municipalities this person coordinates,
        in one query however many schools there are."""
        municipalities = [r.organisation_id for r in actor.active("coordinator")]
        if not municipalities:
            return []
        rows = await self.session.execute(
            select(Organisation.id, Organisation.name, Membership.role, func.count(Membership.id))
            .outerjoin(
                Membership,
                and_(
                    Membership.organisation_id == Organisation.id,
                    Membership.status == "active",
                    Membership.role.in_(("mentor", "mentee")),
                ),
            )
            .where(Organisation.parent_id.in_(municipalities))
            .group_by(Organisation.id, Organisation.name, Membership.role)
            .order_by(Organisation.name, Organisation.id)
        )
        counts: dict[int, dict[str, int]] = {}
        names: dict[int, str] = {}
        for school_id, school_name, role, count in rows:
            names[school_id] = school_name
            school = counts.setdefault(school_id, {})
            if role is not None:
                school[role] = count
        return [
            SchoolCounts(names[school_id], school.get("mentor", 0), school.get("mentee", 0))
            for school_id, school in counts.items()
        ]
