"""Registration: the person's name and role profile, stored only after consent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.users import Person
from bot.storage.models import Consent, Membership, Organisation, Programme, User

FULL_NAME_MAX = 120
TEXT_MAX = 500
SHORT_MAX = 100
NAME_PATTERN = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё' .-]*$")
CLASS_PATTERN = re.compile(r"^(1[01]|[1-9])\s*[-–]?\s*[А-Яа-яЁёA-Za-z]?$")

AGE_BANDS = ("10-12", "13-15", "16-18", "adult")
MEETING_TIMES = ("weekday_morning", "weekday_day", "weekday_evening", "weekend")
EXTERNAL_MENTOR_CATEGORIES = (
    "mentor.parent",
    "mentor.alumnus",
    "mentor.employee",
    "mentor.entrepreneur",
    "mentor.teaching_veteran",
)


def clean_full_name(text: str) -> str:
    name = " ".join(text.split())
    if len(name) < 3 or len(name) > FULL_NAME_MAX or " " not in name:
        raise InvalidInput("full-name")
    if not NAME_PATTERN.match(name):
        raise InvalidInput("full-name")
    return name


def clean_class(text: str) -> str:
    value = " ".join(text.split()).upper()
    if not CLASS_PATTERN.match(value):
        raise InvalidInput("school-class")
    return value.replace(" ", "").replace("–", "-")


def clean_years(text: str) -> int:
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or int(value) > 60:
        raise InvalidInput("years")
    return int(value)


def clean_text(text: str, limit: int = TEXT_MAX) -> str:
    value = text.strip()
    if not value:
        raise InvalidInput("text-empty")
    if len(value) > limit:
        raise InvalidInput("text-too-long", limit=limit)
    return value


@dataclass(frozen=True, slots=True)
class Pending:
    """A role the person joined but has not finished registering for."""

    membership_id: int
    organisation_id: int
    organisation_name: str
    programme_id: int | None
    programme_name: str | None
    form_key: str | None
    role: str


class RegistrationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def pending(self, person: Person) -> Pending | None:
        membership = await self.session.scalar(
            select(Membership)
            .where(Membership.user_id == person.id, Membership.status == "registering")
            .order_by(Membership.id.desc())
        )
        return await self._describe(membership) if membership else None

    async def describe(self, person: Person, membership_id: int) -> Pending:
        membership = await self.session.get(Membership, membership_id)
        if membership is None or membership.user_id != person.id:
            raise NotFound()
        return await self._describe(membership)

    async def _describe(self, membership: Membership) -> Pending:
        org = await self.session.get(Organisation, membership.organisation_id)
        programme = (
            await self.session.get(Programme, membership.programme_id)
            if membership.programme_id
            else None
        )
        assert org is not None
        return Pending(
            membership_id=membership.id,
            organisation_id=org.id,
            organisation_name=org.name,
            programme_id=programme.id if programme else None,
            programme_name=programme.name if programme else None,
            form_key=programme.form_key if programme else None,
            role=membership.role,
        )

    async def complete(
        self,
        person: Person,
        membership_id: int,
        *,
        full_name: str,
        is_minor: bool,
        profile: dict[str, Any],
    ) -> None:
        """Save the name and profile. Refused unless the person agreed to processing."""
        membership = await self.session.get(Membership, membership_id)
        if membership is None or membership.user_id != person.id:
            raise NotFound()
        consent = await self.session.scalar(
            select(Consent).where(
                Consent.subject_user_id == person.id,
                Consent.organisation_id == membership.organisation_id,
                Consent.withdrawn_at.is_(None),
            )
        )
        if consent is None:
            raise DomainError("consent-required")
        user = await self.session.get(User, person.id)
        assert user is not None
        user.full_name = clean_full_name(full_name)
        user.is_minor = is_minor
        membership.profile = profile
        membership.status = "active"
        await self.session.flush()
