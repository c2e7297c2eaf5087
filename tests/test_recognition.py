"""Recognition at the end of a programme: the right mentor and pair are nominated, once;
the curator accepts or ignores through the buttons; a forged id or another school's
curator is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.jobs.recognition import run_recognition
from bot.services.errors import AccessDenied
from bot.services.recognition import Candidate, RecognitionService, best, score
from bot.storage.models import Membership, Notification, Programme, Recognition, SurveyWave
from tests.harness import Running
from tests.pairs_world import SETTINGS, actor, hub_of
from tests.reports_world import CURATOR_TG, OTHER_CURATOR_TG, ReportsWorld, make_world


async def seed(tg: Running) -> ReportsWorld:
    async with tg.app.session_factory() as session:
        world = await make_world(session)
        await session.commit()
    return world


async def run(tg: Running) -> int:
    return await run_recognition(
        tg.app.session_factory, tg.clock, SETTINGS.questionnaires, SETTINGS.catalog
    )


async def rows(session: AsyncSession) -> list[Recognition]:
    return list(await session.scalars(select(Recognition).order_by(Recognition.id)))


def test_the_score_weighs_meetings_ratings_and_growth() -> None:
    assert score(4, 4, 5.0, 3.0) == 100.0
    assert score(2, 4, 3.0, None) == 35.0  # 20 + 15 + 0
    assert score(0, 0, None, -1.0) == 0.0
    winner = best(
        [
            Candidate("membership:1", "A", 3, 4.0, 0.5),
            Candidate("membership:2", "B", 1, 5.0, 3.0),
            Candidate("membership:3", "C", 0, 5.0, 3.0),  # no meeting held: not nominated
        ]
    )
    # A: 40 + 22.5 + 5 = 67.5; B: 13.3 + 30 + 30 = 73.3
    assert winner is not None and winner.subject == "membership:2" and winner.score == 73.3
    assert best([Candidate("pair:1", "x", 0, None, None)]) is None


async def test_nothing_before_the_programme_ends(tg: Running) -> None:
    await seed(tg)
    assert await run(tg) == 0
    async with tg.app.session_factory() as session:
        assert await rows(session) == []


async def test_the_curator_gets_both_nominations_once_and_accepts_one(tg: Running) -> None:
    world = await seed(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    async with tg.app.session_factory() as session:
        await session.execute(
            update(Programme)
            .where(Programme.id == world.scene.programme.id)
            .values(stage="completion")
        )
        await session.commit()
    assert await run(tg) == 2
    assert await run(tg) == 0  # not twice
    await tg.deliver()
    async with tg.app.session_factory() as session:
        made = await rows(session)
        assert [(r.kind, r.subject, r.accepted) for r in made] == [
            ("mentor-of-year", f"membership:{world.scene.members['m'].id}", None),
            ("best-pair", f"pair:{world.pair1.id}", None),
        ]
        # m: 3 meetings (the most), mean rating 4.67, growth +3 → 40 + 27.5 + 30
        assert made[0].score == 97.5
        sent = await session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.kind.like("recognition-%"))
        )
        assert sent == 2  # one curator, two nominations
    messages = [m for m in curator.messages if "Номинация" in m.plain]
    assert len(messages) == 2
    mentor_note = messages[0]
    assert "Наставник года" in mentor_note.plain and "Наставник m" in mentor_note.plain
    assert "Встреч проведено: 3" in mentor_note.plain and "4.7 из 5" in mentor_note.plain
    assert "+3.0" in mentor_note.plain and "98 из 100" in mentor_note.plain
    assert mentor_note.buttons() == ["✅ Принять", "Пропустить"]
    assert "Наставник m — Ученик a" in messages[1].plain

    await curator.press("✅ Принять", message=mentor_note)
    assert any("принята" in m.plain for m in curator.messages[-3:])
    await curator.press("Пропустить", message=messages[1])
    # The buttons went with the answer; an old copy of the button changes nothing.
    best_pair = made[1].id
    await curator.press_data(f"open:recognition-accept:{best_pair}", message=messages[1])
    assert any("уже пропущена" in m.plain for m in curator.messages[-3:])
    async with tg.app.session_factory() as session:
        answered = await rows(session)
        assert [r.accepted for r in answered] == [True, False]
        assert all(r.answered_by_user_id == world.scene.curator.id for r in answered)
        assert all(r.answered_at is not None for r in answered)


async def test_a_programme_whose_period_ended_is_looked_at_once(tg: Running) -> None:
    world = await seed(tg)
    async with tg.app.session_factory() as session:
        await session.execute(
            update(Programme)
            .where(Programme.organisation_id == world.school2.id)
            .values(period_end=date(2026, 11, 1))
        )
        await session.commit()
    assert await run(tg) == 0  # the school's programme has no meetings: nobody nominated
    assert await run(tg) == 0
    async with tg.app.session_factory() as session:
        marks = await rows(session)
        assert [(r.kind, r.organisation_id) for r in marks] == [("checked", world.school2.id)]


async def test_a_forged_id_or_another_schools_curator_is_refused(tg: Running) -> None:
    world = await seed(tg)
    async with tg.app.session_factory() as session:
        await session.execute(
            update(Programme)
            .where(Programme.id == world.scene.programme.id)
            .values(stage="completion")
        )
        await session.commit()
    await run(tg)
    async with tg.app.session_factory() as session:
        nomination = (await rows(session))[0]
        hub = hub_of(session)
        stranger = await actor(session, world.scene.other_curator)
        service = RecognitionService(session, hub.access, hub.audit, tg.clock.now)
        for forged in (nomination.id, 10**9):
            with pytest.raises(AccessDenied):
                await service.answer(stranger, forged, True)
    # Through the bot: the same polite stale-button answer, nothing recorded.
    other = tg.fake.user(OTHER_CURATOR_TG, "Смирнов")
    await other.send("/start")
    menu = other.last
    assert menu is not None
    await other.press_data(f"open:recognition-accept:{nomination.id}", message=menu)
    await other.press_data("open:recognition-accept:999999", message=menu)
    answers = other.callback_answers[-2:]
    assert answers[0]["text"] == answers[1]["text"] and answers[0]["text"]
    async with tg.app.session_factory() as session:
        assert (await rows(session))[0].accepted is None


async def test_a_curator_who_is_the_nominee_neither_reads_nor_answers_it(tg: Running) -> None:
    """The nominated mentor m also curates the school: the two nominations (m, and m's pair)
    go to the other curator only, and m cannot accept them."""
    world = await seed(tg)
    async with tg.app.session_factory() as session:
        m = world.scene.members["m"]
        session.add(
            Membership(
                user_id=m.user_id,
                organisation_id=world.scene.school.id,
                role="curator",
                status="active",
            )
        )
        await session.execute(
            update(Programme)
            .where(Programme.id == world.scene.programme.id)
            .values(stage="completion")
        )
        await session.commit()
    assert await run(tg) == 2
    async with tg.app.session_factory() as session:
        recipients = set(
            await session.scalars(
                select(Notification.recipient_user_id).where(
                    Notification.kind.like("recognition-%")
                )
            )
        )
        assert m.user_id not in recipients and recipients
        hub = hub_of(session)
        person = await hub.users.get(m.user_id)
        assert person is not None
        nominee = await hub.access.actor(person)
        service = RecognitionService(session, hub.access, hub.audit, tg.clock.now)
        for nomination in await rows(session):
            with pytest.raises(AccessDenied):
                await service.answer(nominee, nomination.id, True)


async def test_completion_with_the_exit_questionnaire_still_running_waits_for_it(
    tg: Running,
) -> None:
    world = await seed(tg)
    async with tg.app.session_factory() as session:
        session.add(
            SurveyWave(
                organisation_id=world.scene.school.id,
                programme_id=world.scene.programme.id,
                questionnaire_key="participant",
                kind="exit",
                deadline=tg.clock.now() + timedelta(days=10),
            )
        )
        await session.execute(
            update(Programme)
            .where(Programme.id == world.scene.programme.id)
            .values(stage="completion")
        )
        await session.commit()
    assert await run(tg) == 0  # the growth behind a nomination is not known yet
    tg.clock.advance(days=11)
    assert await run(tg) == 2
