"""The municipality's services: headcounts (access, validation, audit, who lacks them), the
monitoring deadline, the weekly digest's schedule in two time zones, the reminder steps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied, InvalidInput
from bot.services.headcounts import HeadcountService, parse_count
from bot.services.municipality import (
    DIGEST_KIND,
    REMINDER_KIND,
    MunicipalityService,
    iso_week,
    next_deadline,
    parse_deadline,
    queue_deadline_reminders,
    queue_digests,
)
from bot.storage.models import AuditEntry, Headcount, Notification
from tests.clock import FakeClock
from tests.municipal_world import Municipal, build_municipal
from tests.pairs_world import actor, hub_of


def headcounts(session: AsyncSession, clock: FakeClock) -> HeadcountService:
    hub = hub_of(session)
    return HeadcountService(session, hub.access, hub.audit, clock)


def municipality(session: AsyncSession, clock: FakeClock) -> MunicipalityService:
    hub = hub_of(session)
    return MunicipalityService(session, hub.access, hub.audit, clock)


async def notes(session: AsyncSession, kind: str) -> list[Notification]:
    return list(
        await session.scalars(
            select(Notification).where(Notification.kind == kind).order_by(Notification.id)
        )
    )


@pytest.mark.parametrize("text", ["", "много", "-1", "100001", "1.5", "١٢", "1e3", "0x10"])
def test_a_headcount_is_a_whole_number_up_to_100000(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_count(text)


def test_a_headcount_may_have_spaces_between_thousands() -> None:
    assert parse_count("1 200") == 1200
    assert parse_count(" 0 ") == 0
    assert parse_count("100000") == 100_000


@pytest.mark.parametrize(
    ("text", "expected"), [("25.11", (25, 11)), ("1/9", (1, 9)), ("31 12", (31, 12))]
)
def test_a_deadline_is_a_day_and_a_month(text: str, expected: tuple[int, int]) -> None:
    assert parse_deadline(text) == expected


@pytest.mark.parametrize("text", ["31.02", "29.02", "0.11", "25.13", "25", "завтра", "25.11.2026"])
def test_a_deadline_every_year_has(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_deadline(text)


def test_the_next_deadline_and_the_iso_week() -> None:
    assert next_deadline(date(2026, 11, 23), 25, 11) == date(2026, 11, 25)
    assert next_deadline(date(2026, 11, 25), 25, 11) == date(2026, 11, 25)
    assert next_deadline(date(2026, 11, 26), 25, 11) == date(2027, 11, 25)
    assert iso_week(date(2026, 11, 23)) == "2026-W48"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"


async def test_headcounts_curators_of_the_school_only_and_audited(session: AsyncSession) -> None:
    world = await build_municipal(session)
    clock = FakeClock()
    service = headcounts(session, clock)
    curator = await actor(session, world.users["curator"])
    curator2 = await actor(session, world.users["curator2"])
    school2 = world.schools["2"].id
    with pytest.raises(AccessDenied):
        await service.get(curator, school2)
    with pytest.raises(AccessDenied):  # a forged id: the same refusal
        await service.get(curator, 999_999)
    with pytest.raises(AccessDenied):
        await service.set(
            curator, school2, year=2026, students_10_18=1, teachers=1, young_teachers=0
        )
    with pytest.raises(InvalidInput):
        await service.set(
            curator2, school2, year=2026, students_10_18=-1, teachers=1, young_teachers=0
        )
    with pytest.raises(InvalidInput):
        await service.set(
            curator2, school2, year=2020, students_10_18=1, teachers=1, young_teachers=0
        )
    with pytest.raises(InvalidInput):
        await service.set(
            curator2, school2, year=2026, students_10_18=1, teachers=1, young_teachers=2
        )
    assert (
        list(await session.scalars(select(Headcount).where(Headcount.organisation_id == school2)))
        == []
    )
    saved = await service.set(
        curator2, school2, year=2026, students_10_18=300, teachers=30, young_teachers=5
    )
    assert saved.complete
    again = await service.set(
        curator2, school2, year=2026, students_10_18=310, teachers=30, young_teachers=5
    )
    assert (await service.get(curator2, school2)).students_10_18 == again.students_10_18 == 310
    audit = list(
        await session.scalars(select(AuditEntry).where(AuditEntry.action == "headcount.set"))
    )
    assert len(audit) == 2 and audit[-1].details["students_10_18"] == 310


async def test_the_coordinator_sees_which_schools_lack_headcounts(session: AsyncSession) -> None:
    world = await build_municipal(session)
    clock = FakeClock()
    coordinator = await actor(session, world.users["coordinator"])
    other = await actor(session, world.users["other_coordinator"])
    service = municipality(session, clock)
    view = await service.view(coordinator, world.municipality.id)
    assert view.missing == ("Школа № 2",) and view.schools == 2 and view.deadline == "25.11"
    with pytest.raises(AccessDenied):
        await service.view(other, world.municipality.id)
    with pytest.raises(AccessDenied):
        await service.set_deadline(other, world.municipality.id, 1, 12)
    with pytest.raises(InvalidInput):
        await service.set_deadline(coordinator, world.municipality.id, 30, 2)
    assert await service.set_deadline(coordinator, world.municipality.id, 20, 11) == "20.11"
    assert (await service.view(coordinator, world.municipality.id)).deadline == "20.11"


async def test_the_digest_schedule_in_two_time_zones(session: AsyncSession) -> None:
    world = await build_municipal(session)  # Omsk (UTC+6) and Krasnoyarsk (UTC+7)
    # Monday 08:30 in Omsk, 09:30 in Krasnoyarsk: only Krasnoyarsk's is due.
    clock = FakeClock(datetime(2026, 11, 23, 2, 30, tzinfo=UTC))
    assert await queue_digests(session, clock) == 1
    [first] = await notes(session, DIGEST_KIND)
    assert first.recipient_user_id == world.users["other_coordinator"].id
    assert first.period == "2026-W48"
    clock.advance(minutes=30)  # 09:00 in Omsk
    assert await queue_digests(session, clock) == 1
    assert await queue_digests(session, clock) == 0  # once per week
    clock.advance(days=3)  # later that week: nothing new
    assert await queue_digests(session, clock) == 0
    clock.set(datetime(2026, 11, 30, 2, 59, tzinfo=UTC))  # next Monday, 08:59 in Omsk
    assert await queue_digests(session, clock) == 1
    clock.advance(minutes=1)
    assert await queue_digests(session, clock) == 1
    periods = sorted(n.period for n in await notes(session, DIGEST_KIND))
    assert periods == ["2026-W48", "2026-W48", "2026-W49", "2026-W49"]


async def test_a_municipality_sets_its_digest_day_and_hour(session: AsyncSession) -> None:
    world = await build_municipal(session)
    world.municipality.digest_weekday, world.municipality.digest_hour = 2, 15  # Wed 15:00
    world.other_municipality.digest_weekday = 4  # Friday
    await session.flush()
    clock = FakeClock(datetime(2026, 11, 25, 8, 59, tzinfo=UTC))  # Wednesday 14:59 in Omsk
    assert await queue_digests(session, clock) == 0
    clock.advance(minutes=1)
    assert await queue_digests(session, clock) == 1


async def test_reminder_steps_and_who_gets_them(session: AsyncSession) -> None:
    world: Municipal = await build_municipal(session)
    world.other_municipality.monitoring_day = 1  # 1 November: long past for it
    await session.flush()
    clock = FakeClock(datetime(2026, 11, 17, 6, 0, tzinfo=UTC))  # 8 days before 25.11
    assert await queue_deadline_reminders(session, clock) == 0
    clock.advance(days=1)  # 18.11, 12:00 in Omsk
    # The coordinator (the municipality's report) and one curator per school.
    assert await queue_deadline_reminders(session, clock) == 3
    assert await queue_deadline_reminders(session, clock) == 0
    rows = await notes(session, REMINDER_KIND)
    assert {(n.recipient_user_id, n.args["organisation_id"]) for n in rows} == {
        (world.users["coordinator"].id, world.municipality.id),
        (world.users["curator"].id, world.schools["1"].id),
        (world.users["curator2"].id, world.schools["2"].id),
    }
    assert {n.period for n in rows} == {"2026-d7"}
    clock.advance(days=5)  # 23.11: still the 7-day step, sent already
    assert await queue_deadline_reminders(session, clock) == 0
    clock.advance(days=1)  # 24.11
    assert await queue_deadline_reminders(session, clock) == 3
    clock.advance(days=1)  # the deadline itself: nothing more
    assert await queue_deadline_reminders(session, clock) == 0
    clock.advance(days=2)
    assert await queue_deadline_reminders(session, clock) == 0
    assert {n.period for n in await notes(session, REMINDER_KIND)} == {"2026-d7", "2026-d1"}
    assert timedelta(0) < clock.now() - datetime(2026, 11, 25, tzinfo=UTC)


def test_the_monitoring_report_is_about_the_year_just_finished_until_the_deadline() -> None:
    from datetime import date

    from bot.jobs.municipality import monitoring_year

    # 25 November: from September to the deadline, 2025/26; after it, the year in progress.
    assert monitoring_year(date(2026, 9, 1), 25, 11) == 2025
    assert monitoring_year(date(2026, 11, 25), 25, 11) == 2025
    assert monitoring_year(date(2026, 11, 26), 25, 11) == 2026
    assert monitoring_year(date(2027, 3, 1), 25, 11) == 2026
    assert monitoring_year(date(2027, 8, 31), 25, 11) == 2026
    # A spring deadline (31 May) is about the year in progress.
    assert monitoring_year(date(2026, 10, 1), 31, 5) == 2026
    assert monitoring_year(date(2027, 5, 31), 31, 5) == 2026
