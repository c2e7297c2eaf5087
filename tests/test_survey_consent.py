"""A minor is asked nothing until a parent has consented — the rule that gates pairing
(`consent.takes_part`) — and gets the open questionnaire once the parent has."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.consent import may_take_part, taking_part
from bot.services.hub import ServiceHub, ServiceSettings
from bot.storage.models import Membership, Pair, PairMentee, SurveyPulse, SurveyResponse
from tests.harness import ADMIN_ID
from tests.seed import admin_actor
from tests.survey_seed import Recorder, add_person, at, launch, school_with, survey_service


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def __call__(self) -> datetime:
        return self.current


async def rows_of(sessions: async_sessionmaker[AsyncSession], user_id: int) -> list[int]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(SurveyResponse.wave_id).where(SurveyResponse.user_id == user_id)
            )
        )


async def parent_consents(
    sessions: async_sessionmaker[AsyncSession], child_tg: int, school_id: int
) -> None:
    """The child forwards the link; a parent opens it and confirms."""
    async with sessions() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        child = await hub.users.touch(child_tg, "ru")
        request = await hub.consent.request_guardian(child, school_id)
        parent = await hub.users.touch(child_tg + 1000, "ru")
        opened = await hub.consent.open_guardian_link(parent, request.payload.removeprefix("g-"))
        await hub.consent.confirm_guardian(parent, opened.link_id)
        await session.commit()


async def test_no_questionnaire_for_a_minor_until_a_parent_consents(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    school, programme_id = await school_with(session_factory, "student_student")
    mentor = await add_person(
        session_factory, 6001, "Мария Наставник", school_id=school.school_id, role="mentor",
        programme_id=programme_id,
    )  # fmt: skip
    consented = await add_person(
        session_factory, 6002, "Оля Ученица", school_id=school.school_id, role="mentee",
        programme_id=programme_id, minor=True,
    )  # fmt: skip
    child = await add_person(
        session_factory, 6003, "Петя Ученик", school_id=school.school_id, role="mentee",
        programme_id=programme_id, minor=True, parent_consent=False,
    )  # fmt: skip
    clock = Clock(at(2027, 5, 1, 9))
    recorder = Recorder()
    async with session_factory() as session:  # the pulse is due too (day 242)
        session.add(SurveyPulse(programme_id=programme_id, enabled=True))
        await session.commit()

    wave_id = await launch(
        session_factory, programme_id, "exit", date(2027, 5, 20), recorder=recorder, now=clock
    )

    invited = sorted(q["recipient_user_id"] for q in recorder.queued)
    assert invited == sorted([mentor, consented])
    assert await rows_of(session_factory, child) == []

    async def tick() -> list[tuple[str, int]]:
        async with session_factory() as session:
            await survey_service(session, recorder, clock).tick()
            await session.commit()
        queued = [(q["kind"], q["recipient_user_id"]) for q in recorder.queued]
        recorder.queued.clear()
        return queued

    recorder.queued.clear()
    clock.current = at(2027, 5, 17, 9)  # three days before: reminders and the pulse
    queued = await tick()
    assert {(k, u) for k, u in queued if k == "survey-reminder"} == {
        ("survey-reminder", mentor),
        ("survey-reminder", consented),
    }
    assert sorted(u for k, u in queued if k == "survey-invite") == sorted([mentor, consented])
    assert child not in {u for _, u in queued}
    assert await rows_of(session_factory, child) == []
    async with session_factory() as session:
        surveys = survey_service(session, now=clock)
        assert await surveys.open_for(child) == []
        assert await surveys.open_count(child) == 0
        # The same rule the pairing gate uses, for one person and for many.
        assert not await may_take_part(session, child, school.school_id)
        assert await taking_part(session, school.school_id, [mentor, consented, child]) == {
            mentor,
            consented,
        }

    await parent_consents(session_factory, 6003, school.school_id)

    # The next tick gives the child both open waves (the exit one and the pulse), once.
    queued = await tick()
    assert queued == [("survey-invite", child), ("survey-invite", child)]
    assert await tick() == []
    waves = await rows_of(session_factory, child)
    assert len(waves) == 2 and wave_id in waves
    async with session_factory() as session:
        surveys = survey_service(session, now=clock)
        assert [o.kind for o in await surveys.open_for(child)] == ["exit", "pulse"]
        assert await surveys.open_count(child) == 2
        assert await may_take_part(session, child, school.school_id)


async def test_a_closed_wave_or_one_for_chosen_pairs_is_not_given_later(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    school, programme_id = await school_with(session_factory, "student_student")
    mentor = await add_person(
        session_factory, 6101, "Мария Наставник", school_id=school.school_id, role="mentor",
        programme_id=programme_id,
    )  # fmt: skip
    mentee = await add_person(
        session_factory, 6102, "Оля Ученица", school_id=school.school_id, role="mentee",
        programme_id=programme_id,
    )  # fmt: skip
    child = await add_person(
        session_factory, 6103, "Петя Ученик", school_id=school.school_id, role="mentee",
        programme_id=programme_id, minor=True, parent_consent=False,
    )  # fmt: skip
    clock = Clock(at(2027, 5, 1, 9))
    recorder = Recorder()
    await launch(
        session_factory, programme_id, "entry", date(2027, 5, 3), recorder=recorder, now=clock
    )
    async with session_factory() as session:
        members = {
            m.user_id: m.id
            for m in await session.scalars(
                select(Membership).where(Membership.programme_id == programme_id)
            )
        }
        pair = Pair(
            organisation_id=school.school_id,
            programme_id=programme_id,
            mentor_membership_id=members[mentor],
            status="active",
        )
        session.add(pair)
        await session.flush()
        session.add(PairMentee(pair_id=pair.id, mentee_membership_id=members[mentee]))
        await session.commit()
        pair_id = pair.id
    async with session_factory() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        await survey_service(session, recorder, clock).launch(
            await admin_actor(hub), programme_id, "exit", date(2027, 5, 20), pair_ids=[pair_id]
        )
        await session.commit()
    assert sorted(q["recipient_user_id"] for q in recorder.queued) == sorted(
        [mentor, mentee, mentor, mentee]
    )
    await parent_consents(session_factory, 6103, school.school_id)
    recorder.queued.clear()
    clock.current = at(2027, 5, 4, 9)  # the entry wave closed yesterday
    async with session_factory() as session:
        await survey_service(session, recorder, clock).tick()
        await session.commit()
    # Neither the closed wave nor the one for the chosen pair (the child is in no pair).
    assert [q for q in recorder.queued if q["kind"] == "survey-invite"] == []
    assert await rows_of(session_factory, child) == []
