"""A school's participants as its curator sees them: who joined which programme and
whether their consent is complete."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import PARTICIPANT_ROLES, AccessService, Actor
from bot.services.consent import ConsentService, ConsentStatus
from bot.services.errors import NotFound
from bot.storage.models import Membership, Programme, User

LISTED_STATUSES = ("active", "registering")


@dataclass(frozen=True, slots=True)
class ParticipantView:
    membership_id: int
    user_id: int
    organisation_id: int
    full_name: str | None  # None until the person consented and gave it
    role: str  # mentor | mentee
    status: str  # registering | active
    programme_id: int | None
    programme_name: str | None
    consent: ConsentStatus


class ParticipantService:
    def __init__(
        self, session: AsyncSession, access: AccessService, consent: ConsentService
    ) -> None:
        self.session = session
        self.access = access
        self.consent = consent

    async def _view(
        self, actor: Actor, membership: Membership, user: User, programme: Programme | None
    ) -> ParticipantView:
        return ParticipantView(
            membership_id=membership.id,
            user_id=user.id,
            organisation_id=membership.organisation_id,
            full_name=user.full_name,
            role=membership.role,
            status=membership.status,
            programme_id=programme.id if programme else None,
            programme_name=programme.name if programme else None,
            consent=await self.consent.status(actor, user.id, membership.organisation_id),
        )

    async def list_for_school(self, actor: Actor, school_id: int) -> list[ParticipantView]:
        """Mentors and mentees of the school (joined or registering), by name."""
        await self.access.require_curator(actor, school_id, "participant.list")
        rows = await self.session.execute(
            select(Membership, User, Programme)
            .join(User, User.id == Membership.user_id)
            .outerjoin(Programme, Programme.id == Membership.programme_id)
            .where(
                Membership.organisation_id == school_id,
                Membership.role.in_(PARTICIPANT_ROLES),
                Membership.status.in_(LISTED_STATUSES),
                User.anonymised_at.is_(None),
            )
            .order_by(User.full_name, Membership.id)
        )
        return [await self._view(actor, m, u, p) for m, u, p in rows]

    async def get(self, actor: Actor, membership_id: int) -> ParticipantView:
        """Refuses (and audits) a participant of another school, whatever the client sent."""
        membership = await self.session.get(Membership, membership_id)
        await self.access.require_curator(
            actor,
            membership.organisation_id if membership else None,
            "participant.view",
            object_type="membership",
            object_id=membership_id,
        )
        user = await self.session.get(User, membership.user_id) if membership else None
        if (
            membership is None
            or membership.role not in PARTICIPANT_ROLES
            or user is None
            or user.anonymised_at is not None
            or membership.status not in LISTED_STATUSES
        ):
            raise NotFound()
        programme = (
            await self.session.get(Programme, membership.programme_id)
            if membership.programme_id
            else None
        )
        return await self._view(actor, membership, user, programme)
