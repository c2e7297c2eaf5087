"""Consent to personal data processing (152-ФЗ): the person's own, a guardian's for a
minor, or a signed paper marked by the curator. Until it is complete the participant
takes no part: no pair, no questionnaire, no invitation or reminder (`takes_part`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.codes import hash_code, is_payload, new_code
from bot.services.consent_rule import takes_part
from bot.services.errors import DomainError, NotFound
from bot.services.users import GUARDED_KEY, Person
from bot.storage.database import read_cache
from bot.storage.models import Consent, GuardianLink, Membership, Organisation, User, utcnow

# Bump when the consent text in locales/*/consent.ftl changes in substance.
CONSENT_TEXT_VERSION = "2026-11"
GUARDIAN_PREFIX = "g-"
GUARDIAN_LINK_DAYS = 14
# Paper consent is marked only for a live participant's membership.
PAPER_ROLES = ("mentor", "mentee")
PAPER_STATUSES = ("active", "registering")


@dataclass(frozen=True, slots=True)
class ConsentStatus:
    self_given: bool
    guardian_needed: bool
    guardian_given: bool  # a guardian confirmed in the bot, or the curator marked paper

    @property
    def complete(self) -> bool:
        return self.self_given and (not self.guardian_needed or self.guardian_given)


async def may_take_part(session: AsyncSession, user_id: int, organisation_id: int) -> bool:
    """`takes_part` for one person (one query)."""
    return bool(await session.scalar(select(takes_part(user_id, organisation_id))))


async def taking_part(
    session: AsyncSession, organisation_id: int, user_ids: Iterable[int]
) -> set[int]:
    """`takes_part` for many people of one school (one query)."""
    wanted = set(user_ids)
    if not wanted:
        return set()
    rows = await session.scalars(
        select(User.id).where(User.id.in_(wanted), takes_part(User.id, organisation_id))
    )
    return set(rows)


@dataclass(frozen=True, slots=True)
class PaperMark:
    user_id: int
    recorded: bool  # False: consent was complete already (e.g. a second tap), nothing changed


@dataclass(frozen=True, slots=True)
class GuardianRequest:
    payload: str
    expires_at: datetime


# Built once: every menu runs them.
_GUARDED = select(GuardianLink).where(
    GuardianLink.guardian_user_id == bindparam("guardian_user_id"),
    GuardianLink.confirmed_at.is_not(None),
)
_STATUSES = select(Consent.organisation_id, Consent.given_by).where(
    Consent.subject_user_id == bindparam("subject_user_id"),
    Consent.organisation_id.in_(bindparam("organisation_ids", expanding=True)),
    Consent.withdrawn_at.is_(None),
)


@dataclass(frozen=True, slots=True)
class GuardianInvitation:
    """What a guardian sees when they open the link: about whom, in which school."""

    link_id: int
    child_name: str
    school_name: str
    organisation_id: int
    child_user_id: int
    already_confirmed: bool


class ConsentService:
    def __init__(self, session: AsyncSession, access: AccessService, audit: AuditService) -> None:
        self.session = session
        self.access = access
        self.audit = audit

    async def _add(
        self, subject_user_id: int, organisation_id: int, given_by: str, marked_by: int
    ) -> bool:
        """Record a consent; False when a live one of this kind is there already. The
        callers look first, but another update may be recording the same consent right
        now: the database's index (one live consent of a kind) decides."""
        try:
            async with self.session.begin_nested():
                self.session.add(
                    Consent(
                        subject_user_id=subject_user_id,
                        organisation_id=organisation_id,
                        given_by=given_by,
                        marked_by_user_id=marked_by,
                        text_version=CONSENT_TEXT_VERSION,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def _invitation(self, link: GuardianLink) -> GuardianInvitation | None:
        """What the link is about, or None when the child is gone (anonymised)."""
        child = await self.session.get(User, link.minor_user_id)
        school = await self.session.get(Organisation, link.organisation_id)
        if child is None or school is None or child.anonymised_at is not None:
            return None
        return GuardianInvitation(
            link_id=link.id,
            child_name=child.full_name or "",
            school_name=school.name,
            organisation_id=school.id,
            child_user_id=child.id,
            already_confirmed=link.confirmed_at is not None,
        )

    async def _active(self, user_id: int, organisation_id: int) -> list[Consent]:
        rows = await self.session.scalars(
            select(Consent).where(
                Consent.subject_user_id == user_id,
                Consent.organisation_id == organisation_id,
                Consent.withdrawn_at.is_(None),
            )
        )
        return list(rows)

    async def status(
        self, viewer: Actor | Person, user_id: int, organisation_id: int
    ) -> ConsentStatus:
        """A person's consent in a school, told to that person or to a curator of the school
        (anyone else is refused and audited)."""
        viewer_id = viewer.user_id if isinstance(viewer, Actor) else viewer.id
        allowed = viewer_id == user_id or (
            isinstance(viewer, Actor) and viewer.is_curator_of(organisation_id)
        )
        if not allowed:
            actor = viewer if isinstance(viewer, Actor) else await self.access.actor(viewer)
            raise await self.access.deny(
                actor,
                "consent.status",
                object_type="user",
                object_id=user_id,
                target_organisation_id=organisation_id,
            )
        return await self._status(user_id, organisation_id)

    async def _status(self, user_id: int, organisation_id: int) -> ConsentStatus:
        user = await self.session.get(User, user_id)
        consents = await self._active(user_id, organisation_id)
        kinds = {c.given_by for c in consents}
        return ConsentStatus(
            self_given="self" in kinds or "paper" in kinds,
            guardian_needed=bool(user and user.is_minor),
            guardian_given=bool(kinds & {"guardian", "paper"}),
        )

    async def statuses(
        self, person: Person, organisation_ids: Iterable[int]
    ) -> dict[int, ConsentStatus]:
        """`status` in each of these organisations, in one query."""
        wanted = set(organisation_ids)
        kinds: dict[int, set[str]] = {org_id: set() for org_id in wanted}
        if wanted:
            rows = await self.session.execute(
                _STATUSES, {"subject_user_id": person.id, "organisation_ids": list(wanted)}
            )
            for org_id, given_by in rows:
                kinds[org_id].add(given_by)
        # The row, not the snapshot: registration may have just recorded the age in this
        # update (the identity map makes this free when the row is loaded already).
        user = await self.session.get(User, person.id)
        is_minor = bool(user.is_minor) if user is not None else bool(person.is_minor)
        return {
            org_id: ConsentStatus(
                self_given="self" in given or "paper" in given,
                guardian_needed=is_minor,
                guardian_given=bool(given & {"guardian", "paper"}),
            )
            for org_id, given in kinds.items()
        }

    async def require_complete(self, user_id: int, organisation_id: int) -> None:
        """The gate before pairing: raises DomainError("consent-incomplete") until consent
        is complete (a minor's also needs a guardian's or a paper one): `takes_part`."""
        if not await may_take_part(self.session, user_id, organisation_id):
            raise DomainError("consent-incomplete")

    async def give_self(self, person: Person, organisation_id: int) -> None:
        if any(c.given_by == "self" for c in await self._active(person.id, organisation_id)):
            return  # a double tap gives nothing twice
        await self._add(person.id, organisation_id, "self", person.id)

    async def request_guardian(self, person: Person, organisation_id: int) -> GuardianRequest:
        """A fresh link for the minor to forward to a parent; older unused links stop working."""
        old = await self.session.scalars(
            select(GuardianLink).where(
                GuardianLink.minor_user_id == person.id,
                GuardianLink.organisation_id == organisation_id,
                GuardianLink.confirmed_at.is_(None),
            )
        )
        for link in old:
            await self.session.delete(link)
        code = new_code()
        expires_at = utcnow() + timedelta(days=GUARDIAN_LINK_DAYS)
        self.session.add(
            GuardianLink(
                minor_user_id=person.id,
                organisation_id=organisation_id,
                code_hash=hash_code(code),
                expires_at=expires_at,
            )
        )
        await self.session.flush()
        return GuardianRequest(payload=GUARDIAN_PREFIX + code, expires_at=expires_at)

    async def open_guardian_link(self, guardian: Person, code: str) -> GuardianInvitation:
        """Raises DomainError guardian-link-unknown / guardian-link-expired / guardian-self."""
        link = (
            await self.session.scalar(
                select(GuardianLink).where(GuardianLink.code_hash == hash_code(code))
            )
            if is_payload(code)
            else None
        )
        if link is None:
            raise DomainError("guardian-link-unknown")
        if link.minor_user_id == guardian.id:
            raise DomainError("guardian-self")
        if link.confirmed_at is not None and link.guardian_user_id != guardian.id:
            raise DomainError("guardian-link-unknown")
        if link.confirmed_at is None and link.expires_at <= utcnow():
            raise DomainError("guardian-link-expired")
        invitation = await self._invitation(link)
        if invitation is None:
            raise DomainError("guardian-link-unknown")
        return invitation

    async def describe_link(self, guardian: Person, link_id: int) -> GuardianInvitation:
        """The child and school behind a guardian link, for the person who opened it by its
        code: refused (as unknown) for the child themself and, once confirmed, for anyone
        but the guardian who confirmed it."""
        link = await self.session.get(GuardianLink, link_id)
        if (
            link is None
            or link.minor_user_id == guardian.id
            or (link.confirmed_at is not None and link.guardian_user_id != guardian.id)
        ):
            raise DomainError("guardian-link-unknown")
        invitation = await self._invitation(link)
        if invitation is None:
            raise DomainError("guardian-link-unknown")
        return invitation

    async def confirm_guardian(self, guardian: Person, link_id: int) -> GuardianInvitation:
        link = await self.session.get(GuardianLink, link_id)
        if link is None:
            raise DomainError("guardian-link-unknown")
        if link.minor_user_id == guardian.id:
            raise DomainError("guardian-self")
        if link.confirmed_at is None:
            if link.expires_at <= utcnow():
                raise DomainError("guardian-link-expired")
            if not await self._add(
                link.minor_user_id, link.organisation_id, "guardian", guardian.id
            ):
                # Confirmed a moment ago, in another update (a second tap, another parent).
                raise DomainError("guardian-already-confirmed")
            link.confirmed_at = utcnow()
            link.guardian_user_id = guardian.id
            await self.audit.record(
                guardian.id,
                "consent.guardian",
                organisation_id=link.organisation_id,
                object_type="user",
                object_id=link.minor_user_id,
            )
        elif link.guardian_user_id != guardian.id:
            raise DomainError("guardian-link-unknown")
        invitation = await self._invitation(link)
        if invitation is None:
            raise DomainError("guardian-link-unknown")
        return invitation

    async def mark_paper(self, actor: Actor, membership_id: int) -> PaperMark:
        """The curator received a signed paper consent for a live participant (a mentor or
        mentee who is registering or active — not one who left or was anonymised).
        Idempotent: when consent is already complete nothing is recorded and
        `recorded` is False, so the caller does not tell the participant twice."""
        membership = await self.access.load_curated(
            actor, Membership, membership_id, "consent.paper"
        )
        user = await self.session.get(User, membership.user_id)
        if (
            membership.role not in PAPER_ROLES
            or membership.status not in PAPER_STATUSES
            or user is None
            or user.anonymised_at is not None
        ):
            raise NotFound()
        existing = await self._active(membership.user_id, membership.organisation_id)
        kinds = {c.given_by for c in existing}
        complete = "paper" in kinds or (
            "self" in kinds and (not user.is_minor or "guardian" in kinds)
        )
        if complete:
            return PaperMark(user_id=membership.user_id, recorded=False)
        if not await self._add(
            membership.user_id, membership.organisation_id, "paper", actor.user_id
        ):
            # Another curator marked it at the same moment: recorded once, told once.
            return PaperMark(user_id=membership.user_id, recorded=False)
        await self.audit.record(
            actor.user_id,
            "consent.paper",
            organisation_id=membership.organisation_id,
            object_type="membership",
            object_id=membership.id,
        )
        return PaperMark(user_id=membership.user_id, recorded=True)

    async def guarded_children(self, guardian: Person) -> list[GuardianInvitation]:
        """The minors whose consent this person confirmed (they may withdraw it)."""
        cache = read_cache(self.session)
        key = (GUARDED_KEY, guardian.id)  # `()` put there by the arrival: no links
        if cache is not None and key in cache:
            return list(cache[key])
        links = await self.session.scalars(_GUARDED, {"guardian_user_id": guardian.id})
        result = []
        for link in list(links):
            invitation = await self._invitation(link)
            if invitation is not None:
                result.append(invitation)
        if cache is not None:
            cache[key] = tuple(result)
        return result
