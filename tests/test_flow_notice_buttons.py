"""Buttons under notifications open the screen they are about, in one tap: the mentor's
«Встреча состоялась?», the mentee's question about a logged meeting, a questionnaire's
invitation, the pair-activated notice and the curator's day-30 offer. Each opener checks
access again: a stale or forged button gets a polite alert and the menu."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.jobs.meetings import run_meeting_jobs
from bot.storage.models import Meeting, Programme
from tests.fake_telegram import FakeUser, SentMessage
from tests.harness import Running
from tests.survey_seed import add_person, school_with
from tests.test_flow_meetings import MENTEE_TG, MENTOR2_TG, MENTOR_TG, world
from tests.test_flow_pairs import CURATOR_TG as PAIRS_CURATOR_TG
from tests.test_flow_pairs import KID_TG, SPORT_TG, scene_in
from tests.test_flow_pairs import MENTOR_TG as PAIRS_MENTOR_TG

STALE = "Эта кнопка устарела"


def with_button(user: FakeUser, label: str) -> SentMessage:
    found = [m for m in user.messages if any(label in b for b in m.buttons())]
    assert found, [m.describe() for m in user.messages]
    return found[-1]


def data_of(message: SentMessage, label: str) -> str:
    for row in message.inline_buttons():
        for button in row:
            if label in str(button.get("text")):
                return str(button["callback_data"])
    raise AssertionError(message.describe())


async def test_the_mentor_logs_a_planned_meeting_from_the_question(tg: Running) -> None:
    w = await world(tg, [("m", ["a"]), ("m2", ["b"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    other = tg.fake.user(MENTOR2_TG, "Наставник 2")
    tg.fake.user(MENTEE_TG, "Ученик")
    async with tg.app.session_factory() as session:
        now = tg.clock.now()
        meeting = Meeting(
            organisation_id=w.scene.school.id,
            pair_id=w.pair_ids[0],
            kind="planning",
            status="planned",
            day=(now - timedelta(hours=2)).astimezone(ZoneInfo("Europe/Moscow")).date(),
            starts_at=now - timedelta(hours=2),
            duration_min=60,
            format="online",
            agreed_at=now - timedelta(days=1),
        )
        session.add(meeting)
        await session.commit()
    await run_meeting_jobs(tg.app.session_factory, tg.clock)
    await tg.deliver()
    question = with_button(mentor, "📝 Записать встречу")
    assert "состоялась?" in question.plain
    data = data_of(question, "📝 Записать встречу")
    # Another pair's mentor with the same button: refused, politely, with the menu.
    await other.send("/start")
    await other.press_data(data, message=other.last)
    assert STALE in other.callback_answers[-1]["text"]
    assert "Главное меню" in other.last.plain
    # The mentor: one tap to the question, one to log it as planned.
    await mentor.press("📝 Записать встречу", message=question)
    assert "Встреча состоялась?" in mentor.last.plain
    await mentor.press("✅ Да, как планировали")
    assert "Встреча записана" in mentor.last.plain
    # Answered: the same button (kept from an older copy of the chat) is stale now.
    await mentor.press_data(data, message=question)
    assert STALE in mentor.callback_answers[-1]["text"]
    assert "Главное меню" in mentor.last.plain


async def test_the_mentee_answers_about_a_logged_meeting_from_the_notice(tg: Running) -> None:
    await world(tg, [("m", ["a"])], minor=True)
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    await mentor.send("/meeting")
    await mentor.press("Сегодня")
    await mentor.press("✅ Организационная · 45 мин · очно")
    await tg.deliver()
    notice = with_button(mentee, "✅ Ответить про встречу")
    data = data_of(notice, "Ответить")
    await mentee.press("✅ Ответить про встречу", message=notice)
    assert "Она была?" in mentee.last.plain
    # The mentor cannot open the mentee's question with a forged button.
    await mentor.press_data(data, message=mentor.last)
    assert STALE in mentor.callback_answers[-1]["text"]


async def test_a_questionnaire_starts_from_its_invitation(tg: Running) -> None:
    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "student_student")
    await add_person(
        sessions,
        3301,
        "Петя Ученик",
        school_id=school.school_id,
        role="mentee",
        programme_id=programme_id,
        minor=True,
    )
    await add_person(
        sessions,
        3302,
        "Лена Ученица",
        school_id=school.school_id,
        role="mentee",
        programme_id=programme_id,
        minor=True,
    )
    await add_person(sessions, 3303, "Ольга Куратор", school_id=school.school_id, role="curator")
    petya = tg.fake.user(3301, "Петя")
    lena = tg.fake.user(3302, "Лена")
    olga = tg.fake.user(3303, "Ольга")
    await olga.send("/surveys")
    await olga.press("Программа student_student")
    await olga.press("➕ Запустить анкету")
    await olga.press("Итоговая (участники)")
    await olga.press("7 дн.")
    await tg.deliver()
    invite = with_button(petya, "📝 Начать анкету")
    data = data_of(invite, "Начать анкету")
    await petya.press("📝 Начать анкету", message=invite)
    assert "Вопрос 1 / " in petya.last.plain
    # Lena's own button opens her questionnaire; Petya's data in her chat does not.
    await lena.send("/start")
    await lena.press_data(data, message=lena.last)
    assert STALE in lena.callback_answers[-1]["text"]
    await lena.press_data("open:survey:999999", message=lena.last)
    assert STALE in lena.callback_answers[-1]["text"]


async def test_the_pair_notice_opens_my_pair_and_the_day_30_offer_opens_the_pairs_card(
    tg: Running,
) -> None:
    await scene_in(tg)
    curator = tg.fake.user(PAIRS_CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("🧒 Коля Петров")
    await curator.press("✅ Анна Учителева · 82")
    await curator.press("✅ Предложить")
    await curator.press("▶️ Утвердить и начать работу")
    await tg.deliver()
    kid = tg.fake.user(KID_TG)
    notice = with_button(kid, "🤝 Открыть «Моя пара»")
    data = data_of(notice, "Моя пара")
    await kid.press("🤝 Открыть «Моя пара»", message=notice)
    assert "Анна Учителева" in kid.last.plain
    assert any("оглашени" in b for b in kid.last.buttons())  # the agreement to accept
    # Somebody outside the pair: the same answer as for a pair that does not exist.
    mentor = tg.fake.user(PAIRS_MENTOR_TG)
    sport = tg.fake.user(SPORT_TG, "Игорь")
    await sport.send("/start")
    await sport.press_data(data, message=sport.last)
    await sport.press_data("open:pair:424242", message=sport.last)
    assert sport.callback_answers[-1]["text"] == sport.callback_answers[-2]["text"]
    assert STALE in sport.callback_answers[-1]["text"]
    assert with_button(mentor, "🤝 Открыть «Моя пара»")

    # 30 quiet days: the curator is offered to close or re-pair, one tap to the pair's card.
    async with tg.app.session_factory() as session:
        programme = await session.scalar(select(Programme))
        assert programme is not None and (programme.quiet_pair_days or 14) == 14
    for _ in range(3):
        tg.clock.advance(days=15)
        await run_meeting_jobs(tg.app.session_factory, tg.clock)
        await tg.deliver()
    offer = with_button(curator, "🤝 Открыть пару")
    data = data_of(offer, "Открыть пару")
    await curator.press("🤝 Открыть пару", message=offer)
    body = curator.last.plain
    assert "Анна Учителева" in body and "Коля Петров" in body
    buttons = curator.last.buttons()
    assert any("Заменить наставника" in b or "Завершить" in b or "Прекратить" in b for b in buttons)
    # A mentee with the curator's button: refused.
    await kid.press_data(data, message=kid.last)
    assert STALE in kid.callback_answers[-1]["text"]
