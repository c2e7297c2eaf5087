"""A school with a programme, its curator, mentors and mentees with profiles: the scene
for the pairs, matching and plan tests (built straight in the database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import Actor
from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.users import Person
from bot.storage.models import Consent, Membership, Organisation, Programme, User

ADMIN_TG = 900
SETTINGS = ServiceSettings(admin_ids=frozenset({ADMIN_TG}))

_next_tg = iter(range(6_000_000_001, 6_001_000_000))


def hub_of(session: AsyncSession) -> ServiceHub:
    return ServiceHub(session, SETTINGS)


async def add_person(
    session: AsyncSession,
    name: str,
    *,
    telegram_id: int | None = None,
    is_minor: bool = False,
    locale: str | None = "ru",
) -> User:
    user = User(
        telegram_id=telegram_id if telegram_id is not None else next(_next_tg),
        full_name=name,
        is_minor=is_minor,
        locale=locale,
    )
    session.add(user)
    await session.flush()
    return user


async def give_consent(
    session: AsyncSession, user: User, organisation_id: int, *, complete: bool = True
) -> None:
    session.add(
        Consent(
            subject_user_id=user.id,
            organisation_id=organisation_id,
            given_by="self",
            text_version="t",
        )
    )
    if complete and user.is_minor:
        session.add(
            Consent(
                subject_user_id=user.id,
                organisation_id=organisation_id,
                given_by="guardian",
                text_version="t",
            )
        )
    await session.flush()


@dataclass
class Scene:
    school: Organisation
    programme: Programme
    curator: User
    other_school: Organisation
    other_curator: User
    members: dict[str, Membership] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


async def make_scene(session: AsyncSession, form_key: str = "student_student") -> Scene:
    school = Organisation(kind="school", name="Школа № 7", timezone="Europe/Moscow")
    other = Organisation(kind="school", name="Школа № 9", timezone="Europe/Moscow")
    session.add_all([school, other])
    await session.flush()
    programme = Programme(
        organisation_id=school.id,
        form_key=form_key,
        name="Ученик — ученику",
        period_start=date(2026, 9, 1),
        period_end=date(2027, 5, 31),
        stage="matching",
    )
    session.add(programme)
    curator = await add_person(session, "Кузнецова Вера Павловна")
    other_curator = await add_person(session, "Смирнов Олег Ильич")
    session.add_all(
        [
            Membership(
                user_id=curator.id, organisation_id=school.id, role="curator", status="active"
            ),
            Membership(
                user_id=other_curator.id, organisation_id=other.id, role="curator", status="active"
            ),
        ]
    )
    await session.flush()
    return Scene(school, programme, curator, other, other_curator)


async def add_participant(
    session: AsyncSession,
    scene: Scene,
    key: str,
    role: str,
    profile: dict[str, Any],
    *,
    name: str | None = None,
    is_minor: bool = False,
    consent: bool = True,
    telegram_id: int | None = None,
    locale: str | None = "ru",
) -> Membership:
    user = await add_person(
        session,
        name or f"Участник {key}",
        is_minor=is_minor,
        telegram_id=telegram_id,
        locale=locale,
    )
    membership = Membership(
        user_id=user.id,
        organisation_id=scene.school.id,
        programme_id=scene.programme.id,
        role=role,
        status="active",
        profile=profile,
    )
    session.add(membership)
    await session.flush()
    if consent:
        await give_consent(session, user, scene.school.id)
    scene.members[key] = membership
    scene.users[key] = user
    return membership


async def actor(session: AsyncSession, user: User) -> Actor:
    return await hub_of(session).access.actor(Person.of(user))
