"""What a person is, where: the lines of their main menu, and a coordinator's overview."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import Actor, Role
from bot.services.consent import ConsentService, ConsentStatus
from bot.services.users import MENU_LINES_KEY
from bot.storage.database import read_cache
from bot.storage.models import Membership, Organisation, Programme, User

# Built once: every menu runs it.
_NAMES = (
    select(Membership.id, Organisation.name, Programme.name)
    .join(Organisation, Organisation.id == Membership.organisation_id)
    .outerjoin(Programme, Programme.id == Membership.programme_id)
    .where(Membership.id.in_(bindparam("membership_ids", expanding=True)))
)


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
        cache = read_cache(self.session)
        known = cache.get((MENU_LINES_KEY, actor.user_id)) if cache is not None else None
        if known is not None and all(r.membership_id in known for r in roles):
            return await self._summary_of(actor, roles, known)
        names = {
            membership_id: (org_name, programme_name)
            for membership_id, org_name, programme_name in await self.session.execute(
                _NAMES, {"membership_ids": [r.membership_id for r in roles]}
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

    async def _summary_of(
        self, actor: Actor, roles: list[Role], known: dict[int, tuple[str, str | None, bool, bool]]
    ) -> list[RoleSummary]:
        """`summary` from what the arrival read (no statement): the same lines."""
        # The row, not the snapshot (see ConsentService.statuses): the identity map has it.
        user = await self.session.get(User, actor.user_id)
        is_minor = bool(user.is_minor) if user is not None else bool(actor.person.is_minor)
        result = []
        for role in roles:
            org_name, programme_name, self_given, guardian_given = known[role.membership_id]
            status = ConsentStatus(self_given, is_minor, guardian_given)
            result.append(
                RoleSummary(
                    role=role.role,
                    organisation_name=org_name,
                    programme_name=programme_name if role.programme_id else None,
                    consent_complete=status.complete,
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
