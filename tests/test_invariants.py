"""Invariants the database keeps, not only the code: one live pair per mentee, one live
consent of a kind per person and school, one live curator membership per school, one
answer of a mentee about a meeting.

On every backend the indexes refuse a second live row put in directly (and let it in once
the first one is no longer live). On PostgreSQL two sessions race for real: the second passes
the code's check before the first commits, and only the index stops it — exactly one wins,
the other gets the same polite answer the check gives, never two live rows."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.errors import DomainError
from bot.services.users import Person
from bot.storage.database import create_engine, create_session_factory
from bot.storage.migrate import upgrade_async
from bot.storage.models import (
    Candidate,
    Consent,
    Invite,
    MeetingAttendance,
    Membership,
    Notification,
    Pair,
    PairMentee,
    User,
    utcnow,
)
from tests.databases import TEST_DATABASE_URL, postgres_database
from tests.meetings_world import clock_at, make_pair, meetings_of
from tests.pairs_world import (
    ADMIN_TG,
    Scene,
    actor,
    add_participant,
    add_person,
    hub_of,
    make_scene,
)

MENTOR = {"category": "mentor.student", "competences": "Математика", "times": ["weekend"]}
MENTEE = {"help_topics": ["study"], "school_class": "7А"}


async def people(session: AsyncSession) -> Scene:
    scene = await make_scene(session)
    await add_participant(session, scene, "anna", "mentor", MENTOR, name="Анна Учителева")
    await add_participant(session, scene, "boris", "mentor", MENTOR, name="Борис Помощников")
    await add_participant(session, scene, "vera", "mentor", MENTOR, name="Вера Третьякова")
    await add_participant(session, scene, "kolya", "mentee", MENTEE, name="Коля Петров")
    return scene


async def count(session: AsyncSession, model: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def live_pairs_of(session: AsyncSession, mentee_membership_id: int) -> int:
    return await count(
        session,
        PairMentee,
        PairMentee.mentee_membership_id == mentee_membership_id,
        PairMentee.pair_id.in_(select(Pair.id).where(Pair.status.in_(("proposed", "active")))),
    )


async def new_pair(session: AsyncSession, ids: dict[str, int], mentor: str, status: str) -> int:
    pair = Pair(
        organisation_id=ids["school"],
        programme_id=ids["programme"],
        mentor_membership_id=ids[mentor],
        status=status,
    )
    session.add(pair)
    await session.flush()
    return pair.id


# --- the indexes themselves, on every backend ----------------------------------------------


async def test_a_second_live_pair_for_a_mentee_is_refused_by_the_database(
    session: AsyncSession,
) -> None:
    scene = await people(session)
    await add_participant(session, scene, "lena", "mentee", MENTEE, name="Лена Новикова")
    ids = {key: m.id for key, m in scene.members.items()}
    ids.update(school=scene.school.id, programme=scene.programme.id)
    kolya = ids["kolya"]
    first = await new_pair(session, ids, "anna", "active")
    session.add(PairMentee(pair_id=first, mentee_membership_id=kolya))
    await session.commit()

    second = await new_pair(session, ids, "boris", "proposed")
    await session.commit()
    session.add(PairMentee(pair_id=second, mentee_membership_id=kolya))
    with pytest.raises(IntegrityError):
        await session.flush()
    await session.rollback()

    # The first pair ends: the mentee is free, whoever changed the status and how.
    await session.execute(update(Pair).where(Pair.id == first).values(status="completed"))
    session.add(PairMentee(pair_id=second, mentee_membership_id=kolya))
    await session.commit()
    assert await live_pairs_of(session, kolya) == 1

    # A row put into an ended pair is not live: it takes nobody's place.
    ended = await new_pair(session, ids, "vera", "terminated")
    session.add(PairMentee(pair_id=ended, mentee_membership_id=ids["lena"]))
    await session.commit()
    live = await session.scalar(select(PairMentee.live).where(PairMentee.pair_id == ended))
    assert live is False


async def test_a_second_live_consent_of_a_kind_is_refused_by_the_database(
    session: AsyncSession,
) -> None:
    scene = await people(session)
    kolya, school = scene.users["kolya"].id, scene.school.id  # kolya gave their own consent
    await session.commit()

    def again(given_by: str = "self") -> Consent:
        return Consent(
            subject_user_id=kolya,
            organisation_id=school,
            given_by=given_by,
            text_version="t",
        )

    session.add(again())
    with pytest.raises(IntegrityError):
        await session.flush()
    await session.rollback()

    session.add(again("paper"))  # another kind is another consent
    await session.flush()
    await session.execute(
        update(Consent)
        .where(Consent.subject_user_id == kolya, Consent.given_by == "self")
        .values(withdrawn_at=utcnow())
    )
    session.add(again())  # given again after a withdrawal
    await session.commit()
    assert await count(session, Consent, Consent.subject_user_id == kolya) == 3


async def test_a_second_live_curator_membership_is_refused_by_the_database(
    session: AsyncSession,
) -> None:
    scene = await people(session)
    curator, school, other = scene.curator.id, scene.school.id, scene.other_school.id
    await session.commit()

    def again(status: str = "active") -> Membership:
        return Membership(user_id=curator, organisation_id=school, role="curator", status=status)

    session.add(again("registering"))
    with pytest.raises(IntegrityError):
        await session.flush()
    await session.rollback()

    await session.execute(
        update(Membership)
        .where(Membership.user_id == curator)
        .values(status="withdrawn", ended_at=utcnow())
    )
    session.add(again())  # invited again after leaving
    # and a curator of another school as well
    session.add(Membership(user_id=curator, organisation_id=other, role="curator"))
    await session.commit()
    assert await count(session, Membership, Membership.user_id == curator) == 3


async def test_the_services_turn_the_index_into_their_usual_answer(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a losing racer meets on PostgreSQL, here on one session: the code's check is
    passed (as when the other update has not committed yet) and the index answers."""
    scene = await people(session)
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    await pairs.propose(curator, scene.members["anna"].id, [scene.members["kolya"].id])

    async def not_taken(*_: Any, **__: Any) -> None:
        return None

    monkeypatch.setattr(type(pairs), "_taken", not_taken)
    with pytest.raises(DomainError) as taken:
        await pairs.propose(curator, scene.members["boris"].id, [scene.members["kolya"].id])
    assert taken.value.code == "pairs-mentee-taken"
    assert await live_pairs_of(session, scene.members["kolya"].id) == 1


async def test_a_consent_recorded_twice_is_recorded_once(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = await make_scene(session)
    adult = Person.of(await add_person(session, "Иванова Анна"))
    consent = hub_of(session).consent

    async def nothing_yet(*_: Any, **__: Any) -> list[Consent]:
        return []

    monkeypatch.setattr(type(consent), "_active", nothing_yet)  # the other has not committed
    await consent.give_self(adult, scene.school.id)
    await consent.give_self(adult, scene.school.id)  # a double tap: no error, nothing twice
    assert await count(session, Consent, Consent.subject_user_id == adult.id) == 1


# --- real races on PostgreSQL ---------------------------------------------------------------


@pytest.fixture
async def pg() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    async with postgres_database(TEST_DATABASE_URL) as url:
        await upgrade_async(url)
        engine = create_engine(url)
        try:
            yield create_session_factory(engine)
        finally:
            await engine.dispose()


async def waiting_on_a_lock(factory: async_sessionmaker[AsyncSession]) -> bool:
    async with factory() as s:
        waiting = await s.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return bool(waiting)


Step = Callable[[AsyncSession], Awaitable[Any]]


async def race(factory: async_sessionmaker[AsyncSession], first: Step, second: Step) -> Any:
    """`first` runs and stays uncommitted; `second` starts in its own session (so it passes
    every check that reads, as the first has not committed) and either finishes or waits on
    the first's row; then the first commits. Returns what the second ended with: its result
    (committed) or the DomainError it was refused with (rolled back)."""
    async with factory() as a, factory() as b:
        await first(a)

        async def then() -> Any:
            try:
                result = await second(b)
            except DomainError as refused:
                await b.rollback()
                return refused
            await b.commit()
            return result

        task = asyncio.create_task(then())
        # A wait for a state of PostgreSQL (no event to await), never a timed assertion.
        while not task.done() and not await waiting_on_a_lock(factory):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        await a.commit()
        return await task


async def committed_scene(factory: async_sessionmaker[AsyncSession]) -> tuple[Scene, User]:
    async with factory() as s:
        scene = await people(s)
        second_curator = await add_person(s, "Орлова Нина Сергеевна")
        s.add(
            Membership(
                user_id=second_curator.id,
                organisation_id=scene.school.id,
                role="curator",
                status="active",
            )
        )
        await s.commit()
    return scene, second_curator


async def test_two_curators_racing_to_pair_one_mentee(
    pg: async_sessionmaker[AsyncSession],
) -> None:
    scene, other_curator = await committed_scene(pg)
    kolya = scene.members["kolya"].id

    def propose(curator: User, mentor: str) -> Step:
        async def step(s: AsyncSession) -> Any:
            return await hub_of(s).pairs.propose(
                await actor(s, curator), scene.members[mentor].id, [kolya]
            )

        return step

    outcome = await race(pg, propose(scene.curator, "anna"), propose(other_curator, "boris"))
    assert isinstance(outcome, DomainError) and outcome.code == "pairs-mentee-taken"
    async with pg() as s:
        assert await live_pairs_of(s, kolya) == 1


async def test_a_mentor_accepting_a_chosen_candidate_races_a_curator(
    pg: async_sessionmaker[AsyncSession],
) -> None:
    scene, _ = await committed_scene(pg)
    kolya = scene.members["kolya"].id
    async with pg() as s:
        curator = await actor(s, scene.curator)
        offered = await hub_of(s).pairs.offer(
            curator, kolya, [scene.members["anna"].id, scene.members["boris"].id]
        )
        chosen = next(c for c in offered if c.mentor_membership_id == scene.members["anna"].id)
        await hub_of(s).pairs.choose(await actor(s, scene.users["kolya"]), chosen.id)
        await s.commit()

    async def accept(s: AsyncSession) -> Any:
        return await hub_of(s).pairs.answer(await actor(s, scene.users["anna"]), chosen.id, True)

    async def propose(s: AsyncSession) -> Any:
        return await hub_of(s).pairs.propose(
            await actor(s, scene.curator), scene.members["vera"].id, [kolya]
        )

    outcome = await race(pg, accept, propose)
    assert isinstance(outcome, DomainError) and outcome.code == "pairs-mentee-taken"
    async with pg() as s:
        assert await live_pairs_of(s, kolya) == 1
        candidate = await s.get(Candidate, chosen.id)
        assert candidate is not None and candidate.answer == "accepted"


async def test_one_person_giving_their_consent_twice_at_once(
    pg: async_sessionmaker[AsyncSession],
) -> None:
    async with pg() as s:
        scene = await make_scene(s)
        adult = await add_person(s, "Иванова Анна")
        await s.commit()
    person = Person.of(adult)

    async def give(s: AsyncSession) -> None:
        await hub_of(s).consent.give_self(person, scene.school.id)

    assert await race(pg, give, give) is None  # a double tap: nothing to refuse, nothing twice
    async with pg() as s:
        assert await count(s, Consent, Consent.subject_user_id == adult.id) == 1
        assert (await hub_of(s).consent.status(person, adult.id, scene.school.id)).self_given


async def test_a_parent_confirming_twice_at_once(pg: async_sessionmaker[AsyncSession]) -> None:
    async with pg() as s:
        scene = await make_scene(s)
        child = await add_person(s, "Сидоров Пётр", is_minor=True)
        parent = await add_person(s, "Сидорова Ольга")
        await s.commit()
        request = await hub_of(s).consent.request_guardian(Person.of(child), scene.school.id)
        link = await hub_of(s).consent.open_guardian_link(
            Person.of(parent), request.payload.removeprefix("g-")
        )
        await s.commit()

    async def confirm(s: AsyncSession) -> Any:
        return await hub_of(s).consent.confirm_guardian(Person.of(parent), link.link_id)

    outcome = await race(pg, confirm, confirm)
    assert isinstance(outcome, DomainError) and outcome.code == "guardian-already-confirmed"
    async with pg() as s:
        live = await count(
            s, Consent, Consent.subject_user_id == child.id, Consent.withdrawn_at.is_(None)
        )
        assert live == 1


async def test_one_curator_redeeming_two_invitations_at_once(
    pg: async_sessionmaker[AsyncSession],
) -> None:
    async with pg() as s:
        scene = await make_scene(s)
        admin = await add_person(s, "Админ", telegram_id=ADMIN_TG)
        teacher = await add_person(s, "Лебедева Ирина")
        await s.commit()
        invite = await hub_of(s).invites.create(
            await actor(s, admin), organisation_id=scene.school.id, role="curator", max_uses=2
        )
        await s.commit()
    person = Person.of(teacher)

    async def redeem(s: AsyncSession) -> Any:
        return await hub_of(s).invites.redeem(person, invite.code)

    outcome = await race(pg, redeem, redeem)
    assert outcome.already_member  # the second tap finds the first one's membership
    async with pg() as s:
        mine = Membership.user_id == teacher.id
        assert await count(s, Membership, mine) == 1
        assert (
            await s.scalar(select(Invite.uses_left).where(Invite.id == invite.id)) == 1
        )  # and uses up one place, not two


async def test_a_mentee_answering_yes_and_no_at_once(pg: async_sessionmaker[AsyncSession]) -> None:
    """Two taps on one screen handled by two processes: one answer lands, the other is
    refused — a meeting is never confirmed and then silently turned into «не было»."""
    async with pg() as s:
        scene = await make_scene(s)
        pair = await make_pair(s, scene, "m", ["a"])
        clock = clock_at(2026, 11, 23, 10, 0)
        view = await meetings_of(s, clock).log(
            await actor(s, scene.users["m"]), pair.id, day=date(2026, 11, 23),
            kind="regular", duration_min=45, format="offline",
        )  # fmt: skip
        await s.commit()

    def answer(happened: bool) -> Step:
        async def step(s: AsyncSession) -> Any:
            await meetings_of(s, clock).confirm(
                await actor(s, scene.users["a"]), view.id, happened=happened
            )

        return step

    outcome = await race(pg, answer(True), answer(False))
    assert isinstance(outcome, DomainError) and outcome.code == "meeting-answer-final"
    async with pg() as s:
        row = await s.scalar(select(MeetingAttendance))
        disputed = await count(s, Notification, Notification.kind == "meeting-disputed")
    assert row is not None and (row.confirmed, row.disputed) == (True, False)
    assert disputed == 0
