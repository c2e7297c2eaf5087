"""Answering a questionnaire through the real dispatcher: every item type, the summary,
Submit, bad input on each type, and resuming after a restart of the bot."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.storage.models import SurveyAnswer, SurveyResponse
from tests.clock import DAYTIME
from tests.databases import sqlite_url
from tests.fake_telegram import FakeTelegram, FakeUser
from tests.harness import Running, running_bot
from tests.survey_seed import add_person, launch, school_with

COUNTER = re.compile(r"Вопрос (\d+) / (\d+)")
SOON = DAYTIME.date() + timedelta(days=10)  # the test bot's clock


async def answer_current(user: FakeUser) -> str:
    """Answer whatever is on screen in the simplest valid way; returns the item's kind."""
    buttons = user.last.buttons()
    if "7" in buttons:
        await user.press("7")
        return "scale"
    if "4" in buttons and "5" in buttons:
        await user.press("4")
        return "scale5"
    if "Да" in buttons:
        await user.press("Да")
        return "yes_no"
    if "Готово →" in buttons:
        options = [b for b in buttons if b not in _NAV and not b.startswith("✅")]
        await user.press(options[0])
        await user.press("Готово →")
        return "multi"
    options = [b for b in buttons if b not in _NAV]
    if options:
        await user.press(options[0])
        return "single"
    await user.send("Мой ответ")
    return "text"


_NAV = {
    "← Назад",
    "Пропустить →",
    "⏸ Продолжить позже",
    "« В меню",
    "Готово →",
}


async def run_to_summary(user: FakeUser) -> list[str]:
    kinds = []
    seen_numbers = []
    for _ in range(40):
        match = COUNTER.search(user.last.body)
        if match is None:
            break
        seen_numbers.append(int(match.group(1)))
        kinds.append(await answer_current(user))
    assert seen_numbers[0] == 1 and seen_numbers == sorted(seen_numbers)
    return kinds


async def test_mentee_answers_every_type_and_submits(tg: Running) -> None:
    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "student_student")
    await add_person(
        sessions,
        3001,
        "Петя Ученик",
        school_id=school.school_id,
        role="mentee",
        programme_id=programme_id,
        minor=True,
    )
    await launch(sessions, programme_id, "exit", SOON)
    petya = tg.fake.user(3001, "Петя")
    await petya.send("/survey")
    first = petya.last.body
    assert "Анкета наставляемого: итоги" in first
    assert "Вопрос 1 / " in first
    assert "Был ли у тебя наставник" in first  # «ты» for a child
    kinds = await run_to_summary(petya)
    assert {"scale", "yes_no", "multi", "text"} <= set(kinds)
    body = petya.last.body
    assert "Проверь перед отправкой" in body  # «ты» for a child
    assert "7 из 10" in body and "Мой ответ" in body
    # The form's extras are there, the other form's are not.
    assert "в жизни школы" in body and "войти в коллектив" not in body
    await petya.press("✅ Отправить")
    assert "Ответы отправлены" in petya.last.body
    async with sessions() as session:
        response = await session.scalar(select(SurveyResponse))
        assert response is not None and response.submitted_at is not None
        answers = {
            a.item_key: a
            for a in await session.scalars(
                select(SurveyAnswer).where(SurveyAnswer.response_id == response.id)
            )
        }
    assert answers["effectiveness"].number == 7
    assert answers["met_before"].text == "yes"
    assert answers["met_before_where"].text == "Мой ответ"  # the condition held
    assert answers["focus"].text == "study"
    # Final: the questionnaire does not open again for editing.
    await petya.send("/survey")
    assert "нет анкет" in petya.last.body


async def test_curator_conditions_single_and_multi_choice(tg: Running) -> None:
    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "teacher_teacher")
    await add_person(sessions, 3101, "Ольга Куратор", school_id=school.school_id, role="curator")
    await launch(sessions, programme_id, "conditions", SOON)
    olga = tg.fake.user(3101, "Ольга")
    await olga.send("/survey")
    assert "условия программы" in olga.last.body
    kinds = await run_to_summary(olga)
    assert {"single", "multi", "scale", "yes_no"} <= set(kinds)
    await olga.press("✅ Отправить")
    assert "Ответы отправлены" in olga.last.body


async def test_bad_input_on_every_item_type(tg: Running) -> None:
    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "teacher_teacher")
    await add_person(sessions, 3201, "Ольга Куратор", school_id=school.school_id, role="curator")
    await launch(sessions, programme_id, "conditions", SOON)
    olga = tg.fake.user(3201, "Ольга")
    await olga.send("/survey")
    # yes/no: typed text gets a hint, the question comes again.
    await olga.send("да, конечно")
    assert any("кнопкой под вопросом" in t for t in olga.texts())
    assert "Вопрос 1 / " in olga.last.body
    await olga.press("Нет")
    # A 1–10 scale is two rows of buttons.
    assert olga.last.button_rows()[:2] == [
        ["1", "2", "3", "4", "5"],
        ["6", "7", "8", "9", "10"],
    ]
    # scale: out of range and not a number get the range; a typed digit is accepted.
    await olga.send("11")
    assert "Нужно число от 1 до 10" in olga.texts()[-2]
    await olga.send("много")
    assert "Вопрос 2 / " in olga.last.body
    await olga.send("6")
    assert "Вопрос 3 / " in olga.last.body
    await olga.press("5")
    await olga.press("Да")
    # single choice: typing is not choosing.
    assert "Как поощряются" in olga.last.body
    await olga.send("премия")
    assert "Вопрос 5 / " in olga.last.body
    assert "кнопкой под вопросом" in olga.texts()[-2]
    await olga.press("Другое")
    # text (the condition on «Другое» held): a photo or an over-long text get a hint.
    assert "Как именно?" in olga.last.body
    await olga.send_photo(b"\x89PNG fake")
    assert "текстом" in olga.texts()[-2]
    await olga.send("x" * 1001)
    assert "Слишком длинный ответ (1001" in olga.texts()[-2]
    await olga.send("Подарки")
    # multi choice: «Done» with nothing chosen on a required item.
    assert "Как участники узнают" in olga.last.body
    await olga.press("Готово →")
    assert "хотя бы один" in olga.callback_answers[-1]["text"]
    assert "Как участники узнают" in olga.last.body
    await olga.press("Стенд")
    assert "✅ Стенд" in olga.last.buttons()
    await olga.press("Готово →")
    # optional: Skip is offered; a required one had none.
    assert "Пропустить →" in olga.last.buttons()
    await olga.press("Пропустить →")
    assert "Проверка перед отправкой" in olga.last.body
    # Back from the summary returns to the last item, answers are kept.
    await olga.press("← Назад")
    assert "Что ещё важно" in olga.last.body
    await olga.press("← Назад")
    assert "Сейчас отмечено" not in olga.last.body  # multi shows its ticks instead
    assert "✅ Стенд" in olga.last.buttons()


async def test_a_child_gets_every_hint_with_ty(tg: Running) -> None:
    """Bad input, the scale hint, Skip and the summary speak to a child with «ты»."""
    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "student_student")
    await add_person(
        sessions,
        3002,
        "Вася Ученик",
        school_id=school.school_id,
        role="mentee",
        programme_id=programme_id,
        minor=True,
    )
    await launch(sessions, programme_id, "exit", SOON)
    vasya = tg.fake.user(3002, "Вася")
    await vasya.send("/survey")
    # yes/no: typed text.
    await vasya.send("ага")
    assert "Здесь ответь кнопкой под вопросом." in vasya.texts()[-2]
    await vasya.press("Нет")
    seen_scale = seen_multi = seen_text = seen_skip = False
    for _ in range(40):
        body = vasya.last.body
        if COUNTER.search(body) is None:
            break
        buttons = vasya.last.buttons()
        if "7" in buttons and not seen_scale:
            assert "Нажми число от 1 до 10 (или напиши его)." in body
            await vasya.send("11")
            assert "нажми кнопку или напиши цифру" in vasya.texts()[-2]
            seen_scale = True
        if "Готово →" in buttons and not seen_multi:
            assert "Можешь выбрать несколько вариантов, потом нажми «Готово»." in body
            seen_multi = True
        if "Пропустить →" in buttons:
            assert "Если не хочешь отвечать, нажми «Пропустить →»." in body
            seen_skip = True
        if not [b for b in buttons if b not in _NAV] and not seen_text:
            assert "Напиши ответ сообщением." in body
            await vasya.send_photo(b"\x89PNG fake")
            assert "Здесь напиши ответ текстом" in vasya.texts()[-2]
            seen_text = True
        await answer_current(vasya)
    assert seen_scale and seen_multi and seen_text and seen_skip
    assert "Проверь перед отправкой" in vasya.last.body
    await vasya.press("⏸ Продолжить позже")
    assert "Продолжить можешь командой /survey" in vasya.callback_answers[-1]["text"]


async def test_resume_after_restart(fake: FakeTelegram, tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    async with running_bot(fake, url) as tg:
        sessions = tg.app.session_factory
        school, programme_id = await school_with(sessions, "teacher_teacher")
        await add_person(
            sessions,
            3301,
            "Анна Молодая",
            school_id=school.school_id,
            role="mentee",
            programme_id=programme_id,
        )
        await launch(sessions, programme_id, "entry", SOON)
        anna = fake.user(3301, "Анна")
        await anna.send("/survey")
        await anna.press("Нет")  # met before? (the «where» item is then not asked)
        await anna.press("8")
        assert "Вопрос 3 / " in anna.last.body
    async with running_bot(fake, url) as tg:
        # The menu's button continues where she stopped...
        await anna.send("/start")
        await anna.press("📝 Анкеты ждут ответа: 1")
        await anna.press("📝 Анкета наставляемого: на входе")
        assert "Вопрос 3 / " in anna.last.body
        # ...and so does /survey.
        await anna.send("/survey")
        assert "Вопрос 3 / " in anna.last.body
        await anna.press("← Назад")
        assert "Сейчас отмечено: 8 из 10" in anna.last.body


async def test_mydata_holds_my_own_answers_and_nobody_elses(tg: Running) -> None:
    from tests.test_surveys import answer_all

    sessions = tg.app.session_factory
    school, programme_id = await school_with(sessions, "student_student")
    await add_person(
        sessions,
        3011,
        "Петя Ученик",
        school_id=school.school_id,
        role="mentee",
        programme_id=programme_id,
        minor=True,
    )
    lena = await add_person(
        sessions,
        3012,
        "Лена Ученица",
        school_id=school.school_id,
        role="mentee",
        programme_id=programme_id,
        minor=True,
    )
    await launch(sessions, programme_id, "exit", SOON)
    await answer_all(sessions, lena, {"met_before": "yes", "met_before_where": "Секрет Лены"})
    petya = tg.fake.user(3011, "Петя")
    await petya.send("/survey")
    await run_to_summary(petya)
    await petya.press("✅ Отправить")
    await petya.send("/mydata")
    [report] = [m for m in petya.messages if m.document and m.document[0] == "mydata.html"]
    assert report.document is not None
    page = report.document[1].decode()
    assert "Мои анкеты" in page
    assert "Анкета наставляемого: итоги" in page
    assert "Отправлена: " in page
    assert "Был ли у тебя наставник" in page  # the question in the child's wording
    assert "7 из 10" in page and "Мой ответ" in page
    assert "Секрет Лены" not in page
    [exported] = [m for m in petya.messages if m.document and m.document[0] == "mydata.json"]
    assert exported.document is not None
    assert "Секрет Лены" not in exported.document[1].decode()
    assert "Твои ответы на анкеты (1)" in petya.last.body
