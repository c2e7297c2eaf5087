"""A minor is asked nothing until a parent has consented — the rule that gates pairing
(`consent.takes_part`) — and gets the open questionnaire once the parent has."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.jobs.surveys import survey_tick
from bot.services.consent import may_take_part, taking_part
from bot.services.hub import ServiceHub, ServiceSettings
from bot.storage.models import (
    Consent,
    Membership,
    Organisation,
    Pair,
    PairMentee,
    SurveyPulse,
    SurveyResponse,
    User,
)
from tests.harness import ADMIN_ID, Running
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


async def test_the_gate_and_the_consent_shown_to_people_agree(session: AsyncSession) -> None:
    """What menus and lists show as «consent complete» is what the gate lets through, for
    every mix of consents an adult or a minor can have (withdrawn ones count for nothing)."""
    school = Organisation(kind="school", name="Школа", timezone="Europe/Moscow")
    session.add(school)
    await session.flush()
    hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
    kinds = ("self", "guardian", "paper")
    cases = []
    for minor in (False, True, None):
        for mask in range(2 ** len(kinds)):
            given = [k for n, k in enumerate(kinds) if mask >> n & 1]
            user = User(full_name="Кто-то", is_minor=minor)
            session.add(user)
            await session.flush()
            for kind in given:
                session.add(
                    Consent(
                        subject_user_id=user.id,
                        organisation_id=school.id,
                        given_by=kind,
                        text_version="t",
                    )
                )
            session.add(  # a withdrawn one of every kind: never counts
                Consent(
                    subject_user_id=user.id,
                    organisation_id=school.id,
                    given_by="paper",
                    text_version="t",
                    withdrawn_at=at(2026, 11, 1),
                )
            )
            cases.append((user.id, minor, given))
    await session.flush()
    admin = await admin_actor(hub)
    allowed = await taking_part(session, school.id, [u for u, _, _ in cases])
    for user_id, minor, given in cases:
        shown = (await hub.consent.status(admin, user_id, school.id)).complete
        assert (user_id in allowed) == shown, (minor, given)
        assert await may_take_part(session, user_id, school.id) == shown, (minor, given)
    # An adult (or age unknown): own or paper, 6 of 8 mixes; a minor: paper, or own and a
    # parent's, 5 of 8.
    assert len(allowed) == 6 + 5 + 6


async def test_a_child_gets_the_open_questionnaire_once_the_parent_consents_in_the_bot(
    tg: Running,
) -> None:
    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "student_student")
    await add_person(
        sessions, 6201, "Петя Ученик", school_id=school.school_id, role="mentee",
        programme_id=programme_id, minor=True, parent_consent=False,
    )  # fmt: skip
    await add_person(
        sessions, 6202, "Лена Ученица", school_id=school.school_id, role="mentee",
        programme_id=programme_id, minor=True,
    )  # fmt: skip
    await add_person(sessions, 6203, "Ольга Куратор", school_id=school.school_id, role="curator")
    async with sessions() as session:  # they joined before the wave (the bot's clock is fake)
        await session.execute(
            update(Membership).values(created_at=tg.clock.now() - timedelta(days=1))
        )
        await session.commit()
    petya, lena = tg.fake.user(6201, "Петя"), tg.fake.user(6202, "Лена")
    olga = tg.fake.user(6203, "Ольга")
    await olga.send("/surveys")
    await olga.press("Программа student_student")
    await olga.press("➕ Запустить анкету")
    await olga.press("Итоговая (участники)")
    await olga.press("7 дн.")
    assert any("приглашено 1" in t for t in olga.texts())
    await tg.deliver()
    assert "📝 Начать анкету" in lena.last.buttons()
    assert not petya.messages  # no invitation
    await petya.send("/survey")
    assert "Сейчас нет анкет, которые ждут ответа." in petya.last.plain

    async with sessions() as session:  # Petya forwards the link to his mother
        hub = ServiceHub(session, ServiceSettings())
        request = await hub.consent.request_guardian(
            await hub.users.touch(6201, "ru"), school.school_id
        )
        await session.commit()
    mother = tg.fake.user(6204, "Мама")
    await mother.send(f"/start {request.payload}")
    await mother.press("✅ Даю согласие")
    assert any("Согласие сохранено" in t for t in mother.texts())

    # the next tick
    await survey_tick(sessions, ServiceSettings.from_settings(tg.settings, tg.clock))
    await tg.deliver()
    invite = next(m for m in reversed(petya.messages) if "📝 Начать анкету" in m.buttons())
    await petya.press("📝 Начать анкету", message=invite)
    assert "Вопрос 1 / " in petya.last.plain
