"""What a menu costs in SQL does not grow with the number of schools or participants."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.memberships import RoleSummary, SchoolCounts
from bot.storage.models import Consent, Membership, Organisation, User


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[Counter[str]]:
    """Statements sent to the database, by their first word."""
    seen: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen[statement.split(None, 1)[0].upper()] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def seed(session: AsyncSession, telegram_id: int, schools: int, participants: int) -> None:
    """A coordinator of a municipality with `schools` schools, who is also a mentor in each,
    and `participants` mentors and mentees spread over the schools."""
    coordinator = User(telegram_id=telegram_id, is_minor=False, full_name="Координатор")
    municipality = Organisation(kind="municipality", name=f"Район {telegram_id}", timezone="UTC")
    session.add_all([coordinator, municipality])
    await session.flush()
    orgs = [
        Organisation(kind="school", name=f"Школа {n}", timezone="UTC", parent_id=municipality.id)
        for n in range(schools)
    ]
    session.add_all(orgs)
    await session.flush()
    session.add(
        Membership(
            user_id=coordinator.id,
            organisation_id=municipality.id,
            role="coordinator",
            status="active",
        )
    )
    for n, org in enumerate(orgs):
        session.add(
            Membership(
                user_id=coordinator.id, organisation_id=org.id, role="mentor", status="active"
            )
        )
        if n % 2:
            session.add(
                Consent(
                    subject_user_id=coordinator.id,
                    organisation_id=org.id,
                    given_by="self",
                    text_version="t",
                )
            )
    people = [User(is_minor=n % 3 == 0) for n in range(participants)]
    session.add_all(people)
    await session.flush()
    for n, person in enumerate(people):
        org = orgs[n % schools]
        session.add(
            Membership(
                user_id=person.id,
                organisation_id=org.id,
                role="mentee" if n % 2 else "mentor",
                status="active",
            )
        )
        session.add(
            Consent(
                subject_user_id=person.id, organisation_id=org.id, given_by="self", text_version="t"
            )
        )
    await session.commit()


async def menu_queries(
    sessions: async_sessionmaker[AsyncSession], telegram_id: int
) -> tuple[Counter[str], list[RoleSummary], list[SchoolCounts]]:
    """The person arrives and their main menu is put together, as the menu getter does."""
    engine = sessions.kw["bind"]
    async with sessions() as session:
        with counting(engine) as seen:
            hub = ServiceHub(session, ServiceSettings())
            arrival = await hub.users.arrive(telegram_id, "ru")
            actor = await hub.access.actor(arrival.person, arrival.memberships)
            await hub.registration.pending(arrival.person)
            await hub.consent.guarded_children(arrival.person)
            summary = await hub.memberships.summary(actor)
            overview = await hub.memberships.coordinator_overview(actor)
            await session.commit()
    return seen, summary, overview


async def test_menu_statements_do_not_grow_with_schools_and_participants(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        await seed(session, 810_001, schools=5, participants=20)
        await seed(session, 810_002, schools=200, participants=500)

    small, small_summary, small_overview = await menu_queries(session_factory, 810_001)
    large, large_summary, large_overview = await menu_queries(session_factory, 810_002)

    assert len(large_summary) == 201 and len(large_overview) == 200
    assert sum(s.mentors + s.mentees for s in large_overview) == 500 + 200  # + the coordinator
    assert [s.consent_complete for s in large_summary if s.role == "mentor"][:4] == [
        False,
        True,
        False,
        True,
    ]
    assert len(small_summary) == 6 and len(small_overview) == 5
    assert large == small, f"5 schools: {dict(small)}; 200 schools: {dict(large)}"
