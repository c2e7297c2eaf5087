"""A school's participants as its curator sees them: who joined which programme, where
each person stands (registering, waiting for a parent, ready), and how many personal
invitations are still unused. A fixed number of queries, whatever the school's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import PARTICIPANT_ROLES, AccessService, Actor
from bot.services.consent import ConsentService, ConsentStatus
from bot.services.errors import NotFound
from bot.storage.models import Consent, Invite, Membership, Programme, User, utcnow

LISTED_STATUSES = ("active", "registering")

#: Where a participant stands, those needing attention first.
STATES = ("guardian", "registering", "ready")


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

    @property
    def state(self) -> str:
        """guardian (a parent has still to agree) | registering | ready."""
        consent = self.consent
        if consent.self_given and consent.guardian_needed and not consent.guardian_given:
            return "guardian"
        if self.status == "active" and consent.complete:
            return "ready"
        return "registering"


@dataclass(frozen=True, slots=True)
class ProgrammeSummary:
    programme_id: int
    name: str
    counts: dict[str, int]  # by state
    invited: int  # personal invitations not used yet (and still valid)


@dataclass(frozen=True, slots=True)
class SchoolParticipants:
    participants: list[ParticipantView]  # those needing attention first, then by name
    programmes: list[ProgrammeSummary]  # every programme of the school, newest first


def consent_statuses(
    consents: list[tuple[int, str]], minors: dict[int, bool]
) -> dict[int, ConsentStatus]:
    """Consent of each user from their active consent rows (user id, given_by)."""
    kinds: dict[int, set[str]] = defaultdict(set)
    for user_id, given_by in consents:
        kinds[user_id].add(given_by)
    return {
        user_id: ConsentStatus(
            self_given=bool(kinds[user_id] & {"self", "paper"}),
            guardian_needed=is_minor,
            guardian_given=bool(kinds[user_id] & {"guardian", "paper"}),
        )
        for user_id, is_minor in minors.items()
    }


class ParticipantService:
    def __init__(
        self, session: AsyncSession, access: AccessService, consent: ConsentService
    ) -> None:
        self.session = session
        self.access = access
        self.consent = consent

    @staticmethod
    def _view(
        membership: Membership, user: User, programme: Programme | None, consent: ConsentStatus
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
            consent=consent,
        )

    async def _consents(self, school_id: int, users: list[User]) -> dict[int, ConsentStatus]:
        """One query for the consents of all the listed people of the school (the
        school's active consents: no list of ids, however many people there are)."""
        rows: list[tuple[int, str]] = []
        if users:
            result = await self.session.execute(
                select(Consent.subject_user_id, Consent.given_by).where(
                    Consent.organisation_id == school_id,
                    Consent.withdrawn_at.is_(None),
                )
            )
            rows = [(user_id, given_by) for user_id, given_by in result]
        return consent_statuses(
            rows,
            {u.id: bool(u.is_minor) for u in users},
        )

    async def list_for_school(
        self, actor: Actor, school_id: int, programme_id: int | None = None
    ) -> list[ParticipantView]:
        """Mentors and mentees of the school (joined or registering), optionally of one
        programme: those needing attention first (waiting for a parent, registering),
        then by name."""
        await self.access.require_curator(actor, school_id, "participant.list")
        query = (
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
        if programme_id is not None:
            query = query.where(Membership.programme_id == programme_id)
        rows = [(m, u, p) for m, u, p in await self.session.execute(query)]
        consents = await self._consents(school_id, list({u.id: u for _m, u, _p in rows}.values()))
        views = [self._view(m, u, p, consents[u.id]) for m, u, p in rows]
        # A stable sort keeps the names in order within each state.
        return sorted(views, key=lambda v: STATES.index(v.state))

    async def overview(self, actor: Actor, school_id: int) -> SchoolParticipants:
        """The list and, for every programme, counts by state and the personal
        invitations nobody has used yet: four queries in all."""
        everyone = await self.list_for_school(actor, school_id)
        programmes = list(
            await self.session.scalars(
                select(Programme)
                .where(Programme.organisation_id == school_id)
                .order_by(Programme.period_start.desc(), Programme.id)
            )
        )
        unused = await self.session.execute(
            select(Invite.programme_id, func.sum(Invite.uses_left))
            .where(
                Invite.organisation_id == school_id,
                Invite.programme_id.is_not(None),
                Invite.max_uses == 1,
                Invite.uses_left > 0,
                Invite.revoked_at.is_(None),
                Invite.expires_at > utcnow(),
            )
            .group_by(Invite.programme_id)
        )
        invited = {programme_id: count for programme_id, count in unused}
        counts: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
        for view in everyone:
            counts[view.programme_id][view.state] += 1
        return SchoolParticipants(
            participants=everyone,
            programmes=[
                ProgrammeSummary(
                    programme_id=p.id,
                    name=p.name,
                    counts=counts[p.id],
                    invited=int(invited.get(p.id) or 0),
                )
                for p in programmes
            ],
        )

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
        consent = await self.consent.status(actor, user.id, membership.organisation_id)
        return self._view(membership, user, programme, consent)
