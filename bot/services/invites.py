"""Invitations: a deep link that carries organisation, programme and role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.codes import hash_code, is_payload, new_code
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.users import Person
from bot.storage.models import Invite, Membership, Organisation, Programme, utcnow

INVITE_PREFIX = "i-"
MAX_USES = 500


@dataclass(frozen=True, slots=True)
class CreatedInvite:
    id: int
    code: str  # shown once; only the hash is kept
    payload: str  # what goes after ?start=
    role: str
    organisation_id: int
    programme_id: int | None
    max_uses: int
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Joined:
    membership_id: int
    organisation_id: int
    organisation_name: str
    programme_id: int | None
    programme_name: str | None
    role: str
    already_member: bool


class InviteService:
    def __init__(
        self, session: AsyncSession, access: AccessService, audit: AuditService, ttl_days: int
    ) -> None:
        self.session = session
        self.access = access
        self.audit = audit
        self.ttl_days = ttl_days

    async def create(
        self,
        actor: Actor,
        *,
        organisation_id: int,
        role: str,
        programme_id: int | None = None,
        max_uses: int = 1,
        ttl_days: int | None = None,
    ) -> CreatedInvite:
        """Admins invite coordinators (municipality) and curators (school);
        curators invite mentors and mentees into a programme of their school."""
        await self._may_invite(actor, role, organisation_id, programme_id)
        org = await self.session.get(Organisation, organisation_id)
        if org is None:
            raise NotFound()
        if not 1 <= max_uses <= MAX_USES:
            raise InvalidInput("invite-uses")
        if role == "coordinator" and org.kind != "municipality":
            raise InvalidInput("invite-wrong-organisation")
        if role == "curator" and org.kind != "school":
            raise InvalidInput("invite-wrong-organisation")
        if role in ("mentor", "mentee"):
            await self._check_programme(actor, role, org, programme_id)
        code = new_code()
        expires_at = utcnow() + timedelta(days=ttl_days or self.ttl_days)
        invite = Invite(
            code_hash=hash_code(code),
            organisation_id=org.id,
            programme_id=programme_id if role in ("mentor", "mentee") else None,
            role=role,
            max_uses=max_uses,
            uses_left=max_uses,
            expires_at=expires_at,
            created_by_user_id=actor.user_id,
        )
        self.session.add(invite)
        await self.session.flush()
        await self.audit.record(
            actor.user_id,
            "invite.create",
            organisation_id=org.id,
            object_type="invite",
            object_id=invite.id,
            role=role,
            max_uses=max_uses,
        )
        return CreatedInvite(
            id=invite.id,
            code=code,
            payload=INVITE_PREFIX + code,
            role=role,
            organisation_id=org.id,
            programme_id=invite.programme_id,
            max_uses=max_uses,
            expires_at=expires_at,
        )

    async def _may_invite(
        self, actor: Actor, role: str, organisation_id: int, programme_id: int | None
    ) -> None:
        """Who may invite comes first: a forged id is refused alike, whether it exists or not."""
        if role in ("coordinator", "curator"):
            await self.access.require_admin(actor, f"invite:{role}")
        elif role in ("mentor", "mentee"):
            await self.access.require_curator(
                actor,
                organisation_id,
                f"invite:{role}",
                object_type="programme",
                object_id=programme_id,
            )
        else:
            raise InvalidInput("invite-role")

    async def _check_programme(
        self, actor: Actor, role: str, org: Organisation, programme_id: int | None
    ) -> None:
        """A mentor's or mentee's invite goes into a programme of the curator's own school."""
        programme = await self.session.get(Programme, programme_id) if programme_id else None
        # Another school's programme, or none: the same refusal, the same audit row.
        await self.access.require_curator(
            actor,
            programme.organisation_id if programme else None,
            f"invite:{role}",
            object_type="programme",
            object_id=programme_id,
        )
        if programme is None:
            raise NotFound()
        if programme.organisation_id != org.id:
            raise await self.access.deny(
                actor,
                f"invite:{role}",
                target_organisation_id=programme.organisation_id,
                object_type="programme",
                object_id=programme_id,
            )

    async def redeem(self, person: Person, code: str) -> Joined:
        """Use one place of the invite and give the person the role it carries.

        Raises DomainError with code invite-unknown, invite-expired or invite-used.
        """
        if not is_payload(code):
            raise DomainError("invite-unknown")
        invite = await self.session.scalar(
            select(Invite).where(Invite.code_hash == hash_code(code))
        )
        if invite is None or invite.revoked_at is not None:
            raise DomainError("invite-unknown")
        org = await self.session.get(Organisation, invite.organisation_id)
        programme = (
            await self.session.get(Programme, invite.programme_id) if invite.programme_id else None
        )
        assert org is not None
        if await self._not_for(person, invite):
            # The curator's own link, or a staff member opening a participant link of their
            # own school: it is meant for someone else, and nothing is used up.
            raise DomainError("invite-not-for-you")
        existing = await self.session.scalar(self._live_membership(person, invite))
        if existing is not None:
            # Opening one's own link again is not an error and uses nothing up.
            return self._joined(existing, org, programme, already=True)
        if invite.expires_at <= utcnow():
            raise DomainError("invite-expired")
        membership = Membership(
            user_id=person.id,
            organisation_id=invite.organisation_id,
            programme_id=invite.programme_id,
            role=invite.role,
            status="registering",
        )
        # The same person's other update may be joining right now (a second tap, another
        # process): the database's index keeps their membership one.
        same_membership = self._live_membership(person, invite)
        invite_id, role = invite.id, invite.role
        try:
            async with self.session.begin_nested():
                # One statement takes a place, so two people racing for the last one cannot
                # both win.
                taken = await self.session.execute(
                    update(Invite)
                    .where(Invite.id == invite_id, Invite.uses_left > 0)
                    .values(uses_left=Invite.uses_left - 1)
                )
                if taken.rowcount != 1:  # type: ignore[attr-defined]
                    raise DomainError("invite-used")
                self.session.add(membership)
        except IntegrityError:
            # The other update made it a moment ago: theirs stands, no place is used here.
            existing = await self.session.scalar(same_membership)
            if existing is None:
                raise
            return self._joined(existing, org, programme, already=True)
        await self.audit.record(
            person.id,
            "invite.redeem",
            organisation_id=org.id,
            object_type="invite",
            object_id=invite_id,
            role=role,
        )
        return self._joined(membership, org, programme, already=False)

    @staticmethod
    def _live_membership(person: Person, invite: Invite) -> Select[Membership]:
        # Plain values: the query is built before the invite's row may be expired.
        organisation_id, role, programme_id = (
            invite.organisation_id,
            invite.role,
            invite.programme_id,
        )
        return select(Membership).where(
            Membership.user_id == person.id,
            Membership.organisation_id == organisation_id,
            Membership.role == role,
            Membership.programme_id.is_(None)
            if programme_id is None
            else Membership.programme_id == programme_id,
            Membership.status != "withdrawn",
        )

    async def _not_for(self, person: Person, invite: Invite) -> bool:
        if invite.created_by_user_id == person.id:
            return True
        if invite.role not in ("mentor", "mentee"):
            return False
        staff = await self.session.scalar(
            select(Membership.id)
            .where(
                Membership.user_id == person.id,
                Membership.organisation_id == invite.organisation_id,
                Membership.role == "curator",
                Membership.status == "active",
            )
            .limit(1)
        )
        return staff is not None

    @staticmethod
    def _joined(
        membership: Membership, org: Organisation, programme: Programme | None, *, already: bool
    ) -> Joined:
        return Joined(
            membership_id=membership.id,
            organisation_id=org.id,
            organisation_name=org.name,
            programme_id=programme.id if programme else None,
            programme_name=programme.name if programme else None,
            role=membership.role,
            already_member=already,
        )
