"""What a mentor or a mentee reads about where they are now (issue #22): the greeting and
the menu move with the programme, the notice that offers a choice carries the button that
opens it, and a mentor with several pairs accepts the same agreement once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.storage.models import (
    Base,
    Meeting,
    Pair,
    PairMentee,
    Programme,
    SurveyResponse,
    SurveyWave,
)
from tests.fake_telegram import FakeUser
from tests.harness import Running
from tests.pairs_world import Scene, add_participant
from tests.test_flow_pairs import (
    CURATOR_TG,
    KID_TG,
    MENTOR_TG,
    OTHER_TG,
    SPORT_TG,
    active_pair,
    scene_in,
)

SVETA_TG = 7111


async def rows(tg: Running, model: Any) -> list[Any]:
    async with tg.app.session_factory() as session:
        return list(await session.scalars(select(model).order_by(*model.__mapper__.primary_key)))


async def test_a_mentor_with_two_pairs_accepts_the_same_agreement_once(tg: Running) -> None:
    scene = await scene_in(tg)
    async with tg.app.session_factory() as session:
        scene.school = await session.merge(scene.school)
        scene.programme = await session.merge(scene.programme)
        await add_participant(
            session, scene, "sveta", "mentee", {}, name="Света Котова", telegram_id=SVETA_TG
        )
        await session.commit()
    with_masha = await active_pair(tg, scene, "anna", "masha")
    with_sveta = await active_pair(tg, scene, "anna", "sveta")
    with_kolya = await active_pair(tg, scene, "anna", "kolya")  # a child: another text

    mentor = tg.fake.user(MENTOR_TG, "Анна")
    await mentor.send("/start")
    await mentor.press("🤝 Моя пара")
    await mentor.press("работает: Маша Сидорова")
    await mentor.press("✅ Принимаю соглашение")
    assert "сразу для всех ваших пар с этим соглашением: 2" in mentor.callback_answers[-1]["text"]
    assert "Соглашение принято" in mentor.last.body

    # The other adult's pair has the same text: accepted with it, in its own row.
    accepted = {p.id: p.mentor_accepted_at is not None for p in await rows(tg, Pair)}
    assert accepted == {with_masha: True, with_sveta: True, with_kolya: False}
    await mentor.press("◀️ Назад")
    await mentor.press("работает: Света Котова")
    assert "✅ Соглашение принято." in mentor.last.body
    assert "✅ Принимаю соглашение" not in mentor.last.buttons()
    # The pair with a child has the child's agreement: it is accepted on its own.
    await mentor.press("◀️ Назад")
    await mentor.press("работает: Коля Петров")
    assert "✅ Принимаю соглашение" in mentor.last.buttons()
    await mentor.press("✅ Принимаю соглашение")
    assert mentor.callback_answers[-1]["text"] == "Спасибо! Соглашение принято."
    assert all(p.mentor_accepted_at is not None for p in await rows(tg, Pair))
    assert all(link.accepted_at is None for link in await rows(tg, PairMentee))


async def greeting(user: FakeUser) -> tuple[str, str]:
    """/start: the greeting, and the main menu sent after it."""
    await user.send("/start")
    texts = user.texts()
    assert "Главное меню" in texts[-1] or "Main menu" in texts[-1], user.transcript()
    return texts[-2], texts[-1]


async def change(tg: Running, *statements: Any) -> None:
    async with tg.app.session_factory() as session:
        for statement in statements:
            if isinstance(statement, Base):
                session.add(statement)
            else:
                await session.execute(statement)
        await session.commit()


async def test_the_greeting_and_the_menu_move_with_the_programme(tg: Running) -> None:
    """A child mentee and an adult mentor read where they are now and the one next step, from
    «waiting for a pair» to «programme finished», in the greeting and in the menu alike."""
    scene = await scene_in(tg)
    kid = tg.fake.user(KID_TG, "Коля")
    mentor = tg.fake.user(MENTOR_TG, "Анна")
    curator = tg.fake.user(CURATOR_TG, "Вера")

    # Nobody has a pair yet.
    hello, menu = await greeting(kid)
    line = "🙋 Ты в программе «Ученик — ученику»: куратор подберёт тебе наставника"
    assert line in hello and line in menu
    hello, menu = await greeting(mentor)
    line = "🤝 Вы наставник в программе «Ученик — ученику»: куратор составляет пары"
    assert line in hello and line in menu

    # The curator offers two mentors: the child is choosing.
    await curator.send("/pairs")
    await curator.press("🧒 Коля Петров")
    await curator.press("🗳 Предложить 2–3 на выбор")
    await curator.press("Анна Учителева · 82")
    await curator.press("Игорь Спортов · 30")
    await curator.press("Готово")
    hello, menu = await greeting(kid)
    line = "Куратор предложил тебе наставников в программе «Ученик — ученику». Дальше: выбери"
    assert line in hello and line in menu
    assert "подберёт тебе наставника" not in hello
    assert "🗳 Выбрать наставника" in kid.last.buttons()  # the button the text names
    await kid.press("🤝 Моя пара")
    assert "Наставники на выбор: Анна Учителева, Игорь Спортов" in kid.last.body
    assert "нет пары" not in kid.last.body
    await kid.press("🗳 Выбрать наставника")
    await kid.press("Выбрать: Анна Учителева")

    # The child waits for the chosen mentor, who has an answer to give.
    hello, menu = await greeting(kid)
    line = "Ты выбрал(а) наставника: Анна Учителева. Дальше: ждём ответа наставника"
    assert line in hello and line in menu
    hello, menu = await greeting(mentor)
    line = "📨 Вас выбрали наставником: Коля Петров. Дальше: ответьте в «🤝 Моя пара»."
    assert line in hello and line in menu
    assert "составляет пары" not in hello + menu
    await mentor.press("🤝 Моя пара")
    await mentor.press("📨 Ответить: Коля Петров")
    await mentor.press("✅ Согласен(на)")

    # A proposed pair: the curator approves it.
    hello, menu = await greeting(kid)
    line = "🤝 предложена: твой наставник — Анна Учителева. Дальше: куратор утвердит пару."
    assert line in hello and line in menu
    [pair] = await rows(tg, Pair)
    await change(tg, update(Pair).values(status="active", activated_at=tg.clock.now()))

    # A working pair: the agreement first.
    hello, menu = await greeting(kid)
    assert "🤝 работает: твой наставник — Анна Учителева. Дальше: прими соглашение" in hello
    await kid.press("🤝 Моя пара")
    await kid.press("работает: Анна Учителева")
    await kid.press("✅ Принимаю соглашение")
    hello, menu = await greeting(kid)
    line = "🤝 работает: твой наставник — Анна Учителева. Дальше: договоритесь о первой встрече."
    assert line in hello and line in menu
    hello, menu = await greeting(mentor)
    line = "ваши наставляемые — Коля Петров. Дальше: примите соглашение о сотрудничестве"
    assert line in hello and line in menu
    await mentor.press("🤝 Моя пара")
    await mentor.press("работает: Коля Петров")
    await mentor.press("✅ Принимаю соглашение")
    hello, menu = await greeting(mentor)
    line = "ваши наставляемые — Коля Петров. Дальше: договоритесь об организационной встрече."
    assert line in hello and line in menu

    # They have met: the next meeting, not «организационной».
    first = meeting(tg, scene, pair.id, status="held", days=-2, agreed=True)
    await change(tg, first)
    hello, menu = await greeting(mentor)
    line = "ваши наставляемые — Коля Петров. Дальше: договоритесь о следующей встрече."
    assert line in hello and line in menu
    assert "организационной" not in hello + menu

    # An agreed meeting ahead: its date and time in the school's zone (Moscow, UTC+3).
    proposed = meeting(tg, scene, pair.id, status="planned", days=3, agreed=False)
    agreed = meeting(tg, scene, pair.id, status="planned", days=2, agreed=True)
    await change(tg, proposed, agreed)
    hello, menu = await greeting(kid)
    line = "твой наставник — Анна Учителева. Следующая встреча — 25.11 09:30 (время школы)."
    assert line in hello and line in menu
    await kid.press("🤝 Моя пара")
    await kid.press("работает: Анна Учителева")
    assert "Следующая встреча — 25.11 09:30 (время школы)." in kid.last.body

    # A questionnaire to answer: its count, and the button the line names.
    await change(tg, *await questionnaire(tg, scene, "kolya"))
    hello, menu = await greeting(kid)
    line = "📝 Анкеты ждут твоего ответа: 1. Дальше: кнопка «📝 Анкеты ждут ответа»."
    assert line in hello and line in menu
    assert "📝 Анкеты ждут ответа: 1" in kid.last.buttons()

    # The programme reaches its completion stage: the final meeting, then finished.
    await change(tg, update(Programme).values(stage="completion"))
    hello, menu = await greeting(mentor)
    line = "ваши наставляемые — Коля Петров. Программа подходит к концу. Дальше: итоговая встреча"
    assert line in hello and line in menu
    assert "Дальше: договоритесь" not in hello + menu
    done = {"status": "completed", "ended_at": tg.clock.now(), "end_reason": "goal_reached"}
    await change(tg, update(Pair).values(**done))
    hello, menu = await greeting(kid)
    line = "🤝 завершена: твой наставник — Анна Учителева. Работа пары завершена. Спасибо!"
    assert line in hello and line in menu
    assert "Следующая встреча" not in hello + menu


async def test_a_completed_pair_and_a_mentor_without_pairs_read_finished(tg: Running) -> None:
    scene = await scene_in(tg)
    pair_id = await active_pair(tg, scene, "anna", "masha")
    await change(
        tg,
        update(Pair)
        .where(Pair.id == pair_id)
        .values(status="completed", ended_at=tg.clock.now(), end_reason="goal_reached"),
    )
    masha = tg.fake.user(OTHER_TG, "Маша")
    hello, menu = await greeting(masha)
    line = "🤝 завершена: ваш наставник — Анна Учителева. Работа пары завершена. Спасибо за работу!"
    assert line in hello and line in menu
    assert "подберёт вам наставника" not in hello

    await change(tg, update(Programme).values(stage="completion"))
    sport = tg.fake.user(SPORT_TG, "Игорь")
    hello, menu = await greeting(sport)
    line = "🏁 Программа «Ученик — ученику» завершена. Спасибо за участие!"
    assert line in hello and line in menu
    assert "составляет пары" not in hello


async def test_an_english_mentee_reads_the_steps_in_english(tg: Running) -> None:
    scene = await scene_in(tg)
    async with tg.app.session_factory() as session:
        scene.school = await session.merge(scene.school)
        scene.programme = await session.merge(scene.programme)
        await add_participant(
            session, scene, "tom", "mentee", {}, name="Tom Smith", telegram_id=7112, locale="en"
        )
        await session.commit()
    tom = tg.fake.user(7112, "Tom", language_code="en")
    hello, menu = await greeting(tom)
    line = "🙋 You are in «Ученик — ученику»: the curator will find you a mentor"
    assert line in hello and line in menu
    await active_pair(tg, scene, "anna", "tom")
    hello, menu = await greeting(tom)
    line = "🤝 working: your mentor — Анна Учителева. Next: accept the cooperation agreement"
    assert line in hello and line in menu


async def test_the_choice_notice_button_opens_the_choice(tg: Running) -> None:
    await scene_in(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("Маша Сидорова")
    await curator.press("🗳 Предложить 2–3 на выбор")
    await curator.press("Анна Учителева")
    await curator.press("Игорь Спортов")
    await curator.press("Готово")
    await tg.deliver()
    masha = tg.fake.user(OTHER_TG, "Маша")
    notice = masha.last
    assert "Куратор предложил вам наставников (2)" in notice.body
    assert "/start" not in notice.body
    assert notice.buttons() == ["🗳 Выбрать наставника"]  # the button the text names
    [[button]] = notice.inline_buttons()
    await masha.press("🗳 Выбрать наставника", message=notice)
    assert "Выберите наставника." in masha.last.body
    assert "Выбрать: Анна Учителева" in masha.last.buttons()
    await masha.press("Выбрать: Игорь Спортов")
    # Once chosen, the same button shows the choice made, with nothing more to pick.
    await masha.press_data(str(button["callback_data"]), message=notice)
    assert "Вы выбрали: Игорь Спортов. Ждём ответа наставника." in masha.last.body
    assert not [b for b in masha.last.buttons() if b.startswith("Выбрать: ")]
    # Someone else's choice does not open either (the id is checked on the server).
    kid = tg.fake.user(KID_TG, "Коля")
    await kid.send("/start")
    await kid.press_data(str(button["callback_data"]), message=kid.last)
    assert "Главное меню" in kid.last.body and "Выбрать: " not in " ".join(kid.last.buttons())


def meeting(
    tg: Running, scene: Scene, pair_id: int, *, status: str, days: int, agreed: bool
) -> Meeting:
    at = tg.clock.now() + timedelta(days=days)
    return Meeting(
        organisation_id=scene.school.id,
        pair_id=pair_id,
        kind="organisational",
        status=status,
        day=at.date(),
        starts_at=at,
        duration_min=45,
        agreed_at=tg.clock.now() if agreed else None,
    )


async def questionnaire(tg: Running, scene: Scene, key: str) -> list[Any]:
    async with tg.app.session_factory() as session:
        wave = SurveyWave(
            organisation_id=scene.school.id,
            programme_id=scene.programme.id,
            questionnaire_key="participant",
            kind="entry",
            deadline=tg.clock.now() + timedelta(days=7),
        )
        session.add(wave)
        await session.flush()
        session.add(
            SurveyResponse(
                wave_id=wave.id,
                user_id=scene.members[key].user_id,
                role="mentee",
                questionnaire="mentee_entry",
            )
        )
        await session.commit()
    return []
