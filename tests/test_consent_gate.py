"""Until consent is complete a participant cannot be put in a pair."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError
from bot.services.hub import ServiceHub, ServiceSettings
from bot.storage.models import Organisation, User


async def test_minor_blocked_until_guardian_or_paper(session: AsyncSession) -> None:
    school = Organisation(kind="school", name="Школа", timezone="Europe/Moscow")
    child = User(telegram_id=5001, full_name="Сидоров Пётр", is_minor=True)
    adult = User(telegram_id=5002, full_name="Иванова Анна", is_minor=False)
    session.add_all([school, child, adult])
    await session.flush()
    hub = ServiceHub(session, ServiceSettings())
    child_person = await hub.users.touch(5001, "ru")
    adult_person = await hub.users.touch(5002, "ru")

    with pytest.raises(DomainError) as refused:
        await hub.consent.require_complete(adult_person.id, school.id)
    assert refused.value.code == "consent-incomplete"
    await hub.consent.give_self(adult_person, school.id)
    await hub.consent.require_complete(adult_person.id, school.id)

    await hub.consent.give_self(child_person, school.id)
    with pytest.raises(DomainError):
        await hub.consent.require_complete(child_person.id, school.id)
    request = await hub.consent.request_guardian(child_person, school.id)
    parent = await hub.users.touch(5003, "ru")
    opened = await hub.consent.open_guardian_link(parent, request.payload.removeprefix("g-"))
    assert opened.child_name == "Сидоров Пётр"
    await hub.consent.confirm_guardian(parent, opened.link_id)
    await hub.consent.require_complete(child_person.id, school.id)
