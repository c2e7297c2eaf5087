"""Setting the scene for tests through the same services the bot uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.access import Actor
from bot.services.hub import ServiceHub, ServiceSettings
from tests.harness import ADMIN_ID


@dataclass
class School:
    municipality_id: int
    school_id: int
    programme_ids: dict[str, int]  # form key -> programme id


async def admin_actor(hub: ServiceHub) -> Actor:
    person = await hub.users.touch(ADMIN_ID, "ru")
    return await hub.access.actor(person)


async def make_school(
    sessions: async_sessionmaker[AsyncSession],
    name: str = "Школа № 7",
    forms: tuple[str, ...] = ("student_student", "teacher_teacher", "teacher_student"),
) -> School:
    settings = ServiceSettings(admin_ids=frozenset({ADMIN_ID}))
    async with sessions() as session:
        hub = ServiceHub(session, settings)
        admin = await admin_actor(hub)
        municipality = await hub.organisations.create(
            admin, kind="municipality", name="Рыбновский район", timezone="Europe/Moscow"
        )
        school = await hub.organisations.create(
            admin,
            kind="school",
            name=name,
            timezone="Europe/Moscow",
            parent_id=municipality.id,
        )
        programmes = {}
        for form in forms:
            programme = await hub.programmes.create(
                admin,
                school_id=school.id,
                name=f"Программа {form}",
                form_key=form,
                period_start=date(2026, 9, 1),
                period_end=date(2027, 5, 31),
            )
            programmes[form] = programme.id
        await session.commit()
    return School(municipality.id, school.id, programmes)


async def invite(
    sessions: async_sessionmaker[AsyncSession],
    *,
    organisation_id: int,
    role: str,
    programme_id: int | None = None,
    max_uses: int = 1,
) -> str:
    """An invitation created by the admin; returns the deep-link payload."""
    settings = ServiceSettings(admin_ids=frozenset({ADMIN_ID}))
    async with sessions() as session:
        hub = ServiceHub(session, settings)
        created = await hub.invites.create(
            await admin_actor(hub),
            organisation_id=organisation_id,
            role=role,
            programme_id=programme_id,
            max_uses=max_uses,
        )
        await session.commit()
    return created.payload
