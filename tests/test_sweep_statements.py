"""What the meetings sweep and the curator's `/meeting` pair list cost in SQL does not grow
with the number of pairs (issue #28, «Growth»): 5 pairs or 500, the same statements."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.jobs.digests import queue_digests
from bot.jobs.meetings import run_meeting_jobs
from bot.jobs.municipality import municipal_tick
from bot.jobs.surveys import survey_tick
from bot.services.hub import ServiceSettings
from bot.services.meetings import MeetingJobs
from bot.storage.models import (
    Candidate,
    Meeting,
    Membership,
    Notification,
    Organisation,
    Pair,
    PairMentee,
    Programme,
    SurveyPulse,
    SurveyWave,
    User,
)
from tests.digest_world import working_pair
from tests.meetings_world import meetings_of
from tests.pairs_world import actor, hub_of, make_scene
from tests.test_load_statements import counting

ACTIVATED = datetime(2026, 10, 1, 9, tzinfo=UTC)
_tg = count(7_700_000)


@dataclass
class FixedClock:
    value: datetime

    def now(self) -> datetime:
        return self.value

    def monotonic(self) -> float:
        return 0.0

    async def sleep(self, seconds: float) -> None:
        return None


@dataclass
class World:
    curator_id: int
    pair_ids: list[int]


async def build(sessions: async_sessionmaker[AsyncSession], pairs: int) -> World:
    """A school with `pairs` active pairs (one mentor, one mentee each), activated on
    1 October, with no meeting held since."""
    async with sessions() as session:
        scene = await make_scene(session)
        people = [
            User(telegram_id=next(_tg), full_name=f"{role} {n}", is_minor=role == "Ученик")
            for n in range(pairs)
            for role in ("Наставник", "Ученик")
        ]
        session.add_all(people)
        await session.flush()
        members = [
            Membership(
                user_id=user.id,
                organisation_id=scene.school.id,
                programme_id=scene.programme.id,
                role="mentor" if n % 2 == 0 else "mentee",
                status="active",
                profile={},
            )
            for n, user in enumerate(people)
        ]
        session.add_all(members)
        await session.flush()
        rows = [
            Pair(
                organisation_id=scene.school.id,
                programme_id=scene.programme.id,
                mentor_membership_id=members[2 * n].id,
                status="active",
                activated_at=ACTIVATED,
                created_at=ACTIVATED,
            )
            for n in range(pairs)
        ]
        session.add_all(rows)
        await session.flush()
        session.add_all(
            PairMentee(pair_id=pair.id, mentee_membership_id=members[2 * n + 1].id)
            for n, pair in enumerate(rows)
        )
        await session.commit()
        return World(scene.curator.id, [p.id for p in rows])


async def agree_meetings(
    sessions: async_sessionmaker[AsyncSession], world: World, starts_at: datetime
) -> None:
    """Each pair has an agreed meeting at `starts_at` and a meeting held the day before
    (so no pair is quiet)."""
    async with sessions() as session:
        organisation_id = await session.scalar(
            select(Pair.organisation_id).where(Pair.id == world.pair_ids[0])
        )
        assert organisation_id is not None
        for pair_id in world.pair_ids:
            common = {"organisation_id": organisation_id, "pair_id": pair_id, "kind": "regular"}
            session.add_all(
                [
                    Meeting(
                        **common,
                        status="planned",
                        day=starts_at.date(),
                        starts_at=starts_at,
                        duration_min=45,
                        agreed_at=starts_at - timedelta(days=3),
                    ),
                    Meeting(**common, status="held", day=starts_at.date() - timedelta(days=1)),
                ]
            )
        await session.commit()


async def sweep(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> tuple[Counter[str], Counter[str]]:
    """One tick of the scheduler's job; the statements it sent and the rows it queued."""
    engine = sessions.kw["bind"]
    with counting(engine) as seen:
        await run_meeting_jobs(sessions, clock)
    async with sessions() as session:
        query = select(Notification.kind, func.count()).group_by(Notification.kind)
        kinds = Counter(dict((await session.execute(query)).all()))
    return seen, kinds


async def test_quiet_pair_sweep_statements_do_not_grow_with_pairs(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await build(session_factory, 5)
    large = await build(
        session_factory, 495
    )  # 500 pairs in all (one INSERT: a thousand rows a page)
    # 14 days and more without a meeting: every pair's mentor is nudged, once.
    clock = FixedClock(ACTIVATED + timedelta(days=15))

    first, kinds = await sweep(session_factory, clock)
    assert kinds == Counter({"pair-quiet-nudge": 500})
    again, kinds_again = await sweep(session_factory, clock)
    assert kinds_again == kinds  # nothing twice

    # The same, school by school: the small school alone, then both.
    async with session_factory() as session:
        await session.execute(Notification.__table__.delete())
        await session.execute(
            Pair.__table__.update().where(Pair.id.in_(large.pair_ids)).values(status="paused")
        )
        await session.commit()
    small_first, small_kinds = await sweep(session_factory, clock)
    small_again, _ = await sweep(session_factory, clock)
    assert small_kinds == Counter({"pair-quiet-nudge": 5})
    assert first == small_first, f"5 pairs: {dict(small_first)}; 500 pairs: {dict(first)}"
    assert again == small_again, f"5 pairs: {dict(small_again)}; 500: {dict(again)}"
    assert sum(again.values()) <= 8, again  # nothing due: the reads only, no write


async def test_meeting_reminder_sweep_statements_do_not_grow_with_pairs(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    starts_at = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # 15:00 in Moscow
    clock = FixedClock(starts_at - timedelta(hours=23, minutes=55))  # the 24-hour one is due

    small = await build(session_factory, 5)
    await agree_meetings(session_factory, small, starts_at)
    small_first, small_kinds = await sweep(session_factory, clock)
    small_again, _ = await sweep(session_factory, clock)
    assert small_kinds == Counter({"meeting-reminder-24h": 10})  # mentor and mentee

    large = await build(session_factory, 495)  # 500 pairs in all
    await agree_meetings(session_factory, large, starts_at)
    async with session_factory() as session:
        await session.execute(Notification.__table__.delete())
        await session.commit()
    first, kinds = await sweep(session_factory, clock)
    again, kinds_again = await sweep(session_factory, clock)
    assert kinds == kinds_again == Counter({"meeting-reminder-24h": 1000})
    assert first == small_first, f"5 pairs: {dict(small_first)}; 500 pairs: {dict(first)}"
    assert again == small_again, f"5 pairs: {dict(small_again)}; 500: {dict(again)}"


@pytest.mark.parametrize("pairs", [5, 500])
async def test_sweep_in_one_session_queues_the_same(
    session_factory: async_sessionmaker[AsyncSession], pairs: int
) -> None:
    """`MeetingJobs.tick` in the caller's session queues what the job queues."""
    world = await build(session_factory, pairs)
    async with session_factory() as session:
        result = await MeetingJobs(session, lambda: ACTIVATED + timedelta(days=31)).tick()
        await session.commit()
        rows = list(await session.scalars(select(Notification).order_by(Notification.id)))
    # Day 31: nudge to the mentor, then the curator's two notices, pair by pair.
    assert result.ladder == 3 * pairs
    assert [(r.kind, r.subject) for r in rows[:3]] == [
        ("pair-quiet-nudge", f"pair:{world.pair_ids[0]}"),
        ("pair-quiet-curator", f"pair:{world.pair_ids[0]}"),
        ("pair-quiet-close", f"pair:{world.pair_ids[0]}"),
    ]
    assert rows[0].args["days"] == 31 and rows[0].args["young"] == "no"
    assert rows[0].args["mentees"] == "Ученик 0" and rows[0].period == date(2026, 10, 1).isoformat()
    assert {r.recipient_user_id for r in rows if r.kind != "pair-quiet-nudge"} == {world.curator_id}


async def test_curator_pair_list_statements_do_not_grow_with_pairs(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """The curator's `/meeting` list of pairs, as its getter asks for it on every render."""
    engine = session_factory.kw["bind"]
    seen: dict[int, Counter[str]] = {}
    for pairs in (5, 500):
        world = await build(session_factory, pairs)
        async with session_factory() as session:
            curator = await session.get(User, world.curator_id)
            assert curator is not None
            who = await actor(session, curator)
            service = meetings_of(session, FixedClock(ACTIVATED).now)
            with counting(engine) as seen[pairs]:
                choices = await service.pairs_for(who, "curator")
        assert [c.pair_id for c in choices] == world.pair_ids
        assert choices[-1].mentor_name == f"Наставник {pairs - 1}"
        assert choices[-1].mentee_names == (f"Ученик {pairs - 1}",)
    assert seen[5] == seen[500], f"5 pairs: {dict(seen[5])}; 500 pairs: {dict(seen[500])}"


async def choose_without_answer(
    sessions: async_sessionmaker[AsyncSession], world: World, chosen_at: datetime
) -> None:
    """Each pair's mentee chose its mentor at `chosen_at`; the mentor has not answered."""
    async with sessions() as session:
        rows = await session.execute(
            select(
                Pair.organisation_id,
                Pair.programme_id,
                Pair.mentor_membership_id,
                PairMentee.mentee_membership_id,
            )
            .join(PairMentee, PairMentee.pair_id == Pair.id)
            .where(Pair.id.in_(world.pair_ids))
        )
        session.add_all(
            Candidate(
                organisation_id=org,
                programme_id=programme,
                mentor_membership_id=mentor,
                mentee_membership_id=mentee,
                offered_at=chosen_at,
                answer="chosen",
                chosen_at=chosen_at,
            )
            for org, programme, mentor, mentee in rows
        )
        await session.commit()


@pytest.mark.parametrize("pairs", [5, 500])
async def test_unanswered_choices_expire_in_the_same_statements(
    session_factory: async_sessionmaker[AsyncSession], pairs: int
) -> None:
    """The pairs' sweep: every mentor silent for three days, 5 of them or 500."""
    world = await build(session_factory, pairs)
    chosen_at = ACTIVATED
    await choose_without_answer(session_factory, world, chosen_at)
    engine = session_factory.kw["bind"]
    async with session_factory() as session:
        with counting(engine) as seen:
            expired = await hub_of(session).pairs.expire_overdue(chosen_at + timedelta(days=4))
            await session.commit()
        told = Counter(
            dict(
                (
                    await session.execute(
                        select(Notification.kind, func.count()).group_by(Notification.kind)
                    )
                ).all()
            )
        )
        left = await session.scalar(
            select(func.count()).select_from(Candidate).where(Candidate.answer == "chosen")
        )
    assert expired == pairs and left == 0
    assert told == Counter({"choice-expired": pairs, "choice-expired-curator": pairs})
    # SELECT the choices, their people, the curators; UPDATE them; INSERT the notices.
    assert seen == Counter({"SELECT": 3, "UPDATE": 1, "INSERT": 1}), seen


async def add_schools_with_questionnaires(
    sessions: async_sessionmaker[AsyncSession], schools: int, now: datetime
) -> None:
    """Schools, each with a programme whose pulse and open questionnaire are not due yet."""
    async with sessions() as session:
        orgs = [
            Organisation(kind="school", name=f"Школа {n}", timezone="Asia/Yekaterinburg")
            for n in range(schools)
        ]
        session.add_all(orgs)
        await session.flush()
        programmes = [
            Programme(
                organisation_id=org.id,
                form_key="student_student",
                name="Программа",
                period_start=date(2026, 9, 1),
                period_end=date(2027, 5, 31),
                stage="working",
            )
            for org in orgs
        ]
        session.add_all(programmes)
        await session.flush()
        for programme in programmes:
            session.add_all(
                [
                    SurveyPulse(programme_id=programme.id, enabled=True, first_day=200),
                    SurveyWave(
                        organisation_id=programme.organisation_id,
                        programme_id=programme.id,
                        questionnaire_key="participant",
                        kind="intermediate",
                        deadline=now + timedelta(days=20),
                        created_at=now,
                    ),
                ]
            )
        await session.commit()


async def test_questionnaire_sweep_reads_what_is_due_in_the_same_statements(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """The questionnaires' job with nothing due: 5 schools or 50, the same statements."""
    now = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    settings = ServiceSettings(clock=FixedClock(now))
    engine = session_factory.kw["bind"]
    seen: dict[int, Counter[str]] = {}
    for schools in (5, 45):  # 5, then 50 in all
        await add_schools_with_questionnaires(session_factory, schools, now)
        with counting(engine) as seen[schools]:
            assert await survey_tick(session_factory, settings) == 0
    assert seen[5] == seen[45], f"5 schools: {dict(seen[5])}; 50: {dict(seen[45])}"


async def add_municipality(sessions: async_sessionmaker[AsyncSession], schools: int) -> None:
    """A municipality with its coordinator and `schools` schools, a curator each."""
    async with sessions() as session:
        municipality = Organisation(kind="municipality", name="Район", timezone="Europe/Moscow")
        session.add(municipality)
        await session.flush()
        orgs = [
            Organisation(
                kind="school",
                name=f"Школа {n}",
                timezone="Europe/Moscow",
                parent_id=municipality.id,
            )
            for n in range(schools)
        ]
        people = [User(telegram_id=next(_tg), full_name=f"Куратор {n}") for n in range(schools)]
        coordinator = User(telegram_id=next(_tg), full_name="Координатор")
        session.add_all([*orgs, *people, coordinator])
        await session.flush()
        session.add(
            Membership(
                user_id=coordinator.id,
                organisation_id=municipality.id,
                role="coordinator",
                status="active",
            )
        )
        session.add_all(
            Membership(user_id=user.id, organisation_id=org.id, role="curator", status="active")
            for user, org in zip(people, orgs, strict=True)
        )
        for org in orgs:  # past their set-up: the automatic digests come
            await working_pair(session, org, datetime(2026, 11, 2, tzinfo=UTC))
        await session.commit()


async def test_municipal_sweep_statements_do_not_grow_with_schools(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """The coordinator's digest and the monitoring reminders (the week before the deadline
    of 25 November): 5 schools or 50, the same statements, first run and every run after."""
    clock = FixedClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # Monday 11:00 in Moscow
    engine = session_factory.kw["bind"]
    seen: dict[int, list[Counter[str]]] = {}
    queued: dict[int, list[int]] = {}
    for schools in (5, 50):
        async with session_factory() as session:
            await session.execute(Notification.__table__.delete())
            await session.execute(PairMentee.__table__.delete())
            await session.execute(Pair.__table__.delete())
            await session.execute(Membership.__table__.delete())
            await session.commit()
        await add_municipality(session_factory, schools)
        seen[schools], queued[schools] = [], []
        for _ in range(2):
            with counting(engine) as statements:
                queued[schools].append(await municipal_tick(session_factory, clock))
            seen[schools].append(statements)
    # The coordinator's digest and reminder, and each curator's reminder; then nothing.
    assert queued == {5: [2 + 5, 0], 50: [2 + 50, 0]}
    assert seen[5] == seen[50], f"5 schools: {seen[5]}; 50 schools: {seen[50]}"


async def test_weekly_digest_sweep_statements_do_not_grow_with_schools(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """The curators' weekly digests on Monday morning: 5 schools or 50, the same statements."""
    clock = FixedClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # Monday 11:00 in Moscow
    engine = session_factory.kw["bind"]
    seen: dict[int, list[Counter[str]]] = {}
    queued: dict[int, list[int]] = {}
    for schools in (5, 50):
        async with session_factory() as session:
            await session.execute(Notification.__table__.delete())
            await session.execute(PairMentee.__table__.delete())
            await session.execute(Pair.__table__.delete())
            await session.execute(Membership.__table__.delete())
            await session.commit()
        await add_municipality(session_factory, schools)
        seen[schools], queued[schools] = [], []
        for _ in range(2):
            with counting(engine) as statements:
                queued[schools].append(await queue_digests(session_factory, clock))
            seen[schools].append(statements)
    assert queued == {5: [5, 0], 50: [50, 0]}  # each curator once
    assert seen[5] == seen[50], f"5 schools: {seen[5]}; 50 schools: {seen[50]}"
