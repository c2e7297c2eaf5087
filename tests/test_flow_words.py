"""What participants read and tap: forged button values, the age first and «ты» for
children, questions that fit the form, no dead ends, commands in any state."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.models import Invite, Membership
from tests.fake_telegram import FakeUser
from tests.harness import Running
from tests.seed import invite, make_school


def intent_prefix(user: FakeUser) -> str:
    """The dialog's intent id from the buttons of the last message (for forged data)."""
    data = str(user.last.inline_buttons()[0][0]["callback_data"])
    return data.split("\x1d", 1)[0]


async def forge(user: FakeUser, data: str) -> None:
    await user.press_data(f"{intent_prefix(user)}\x1d{data}", message=user.last)


async def join(tg: Running, user: FakeUser, role: str, form: str | None) -> None:
    school = await make_school(
        tg.app.session_factory,
        forms=("student_student", "teacher_teacher", "teacher_student", "employer_student"),
    )
    payload = await invite(
        tg.app.session_factory,
        organisation_id=school.school_id,
        role=role,
        programme_id=school.programme_ids[form] if form else None,
    )
    await user.send(f"/start {payload}")


async def profile_of(tg: Running, telegram_id: int) -> dict | None:  # type: ignore[type-arg]
    async with tg.app.session_factory() as session:
        from bot.storage.models import User

        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        assert user is not None
        membership = await session.scalar(select(Membership).where(Membership.user_id == user.id))
        assert membership is not None
        return membership.profile if membership.status == "active" else None


# --- values from buttons prove nothing ----------------------------------------------


async def test_forged_category_and_times_of_a_teacher_mentor_are_refused(tg: Running) -> None:
    anna = tg.fake.user(3101, "Анна")
    await join(tg, anna, "mentor", "teacher_teacher")
    await anna.press("Продолжить ▶️")
    await anna.press("✅ Даю согласие")
    await anna.send("Иванова Анна Сергеевна")
    # A teacher–teacher mentor is not offered «Обучающийся» or «Родитель».
    assert "Обучающийся" not in anna.last.buttons() and "Родитель" not in anna.last.buttons()
    for forged in ("category:mentor.parent", "category:mentor.student", "category:nonsense"):
        await forge(anna, forged)
        assert "Такого варианта нет" in anna.callback_answers[-1]["text"]
        assert "Что про вас подходит" in anna.last.body  # still the same question
    await anna.press("Педагог или специалист")
    await anna.send("Методика")
    await anna.send("Математика")
    assert "Когда вам удобно" in anna.last.body
    await forge(anna, "times:midnight")
    await anna.press("Дальше ▶️")
    assert "Такого варианта нет" in anna.callback_answers[-1]["text"]
    assert "Когда вам удобно" in anna.last.body
    assert await profile_of(tg, 3101) is None


async def test_forged_age_band_of_a_student_mentor_is_refused(tg: Running) -> None:
    kolya = tg.fake.user(3102, "Коля")
    await join(tg, kolya, "mentor", "student_student")
    await kolya.press("Продолжить ▶️")
    await kolya.press("Мне меньше 18")
    await kolya.press("✅ Понятно, продолжаем")
    await kolya.send("Петров Коля")
    # One category fits a student–student mentor: it is not asked.
    assert "Что у тебя хорошо получается" in kolya.last.body
    await kolya.send("Математика")
    await kolya.send("Шахматы")
    await forge(kolya, "ages:99-100")
    await kolya.press("Дальше ▶️")
    assert "Такого варианта нет" in kolya.callback_answers[-1]["text"]
    assert await profile_of(tg, 3102) is None


async def test_a_student_chooses_help_topics_never_a_category(tg: Running) -> None:
    masha = tg.fake.user(3103, "Маша <3")
    await join(tg, masha, "mentee", "student_student")
    assert "Привет" in masha.last.body and "Тебя пригласили" in masha.last.body
    await masha.press("Продолжить ▶️")
    # The age is asked first, before consent.
    assert "тебе уже исполнилось 18" in masha.last.body
    await masha.press("Мне меньше 18")
    consent = masha.last.body
    assert "родител" in consent and "152-ФЗ" not in consent  # a few lines, not the legal text
    await masha.press("✅ Понятно, продолжаем")
    assert "Напиши свои фамилию и имя" in masha.last.body
    await masha.send("Кузнецова Маша")
    assert "В каком ты классе" in masha.last.body
    await masha.send("5а")
    labels = masha.last.buttons()
    assert "Учёба" in labels and "Друзья и общение" in labels
    assert not any("ОВЗ" in b or "поведением" in b or "Трудная" in b for b in labels)
    await forge(masha, "help_topics:student.special_needs")
    await masha.press("Дальше ▶️")
    assert "Такого варианта нет" in masha.callback_answers[-1]["text"]
    assert await profile_of(tg, 3103) is None


async def test_a_forged_category_for_a_student_is_not_even_a_button(tg: Running) -> None:
    petya = tg.fake.user(3104, "Петя")
    await join(tg, petya, "mentee", "student_student")
    await petya.press("Продолжить ▶️")
    await petya.press("Мне меньше 18")
    await petya.press("✅ Понятно, продолжаем")
    await petya.send("Сидоров Пётр")
    await petya.send("7б")
    await forge(petya, "category:student.behaviour")  # no such button on this screen
    await petya.press("Учёба")
    await petya.press("Дальше ▶️")
    await petya.send("Хочу разобраться с дробями")
    await petya.press("выходные")
    await petya.press("Дальше ▶️")
    assert "Проверь" in petya.last.body
    await petya.press("✅ Сохранить")
    profile = await profile_of(tg, 3104)
    assert profile is not None
    assert profile == {
        "school_class": "7Б",
        "help_topics": ["study"],
        "wishes": "Хочу разобраться с дробями",
        "times": ["weekend"],
    }


# --- a link meant for someone else ----------------------------------------------------


async def register_curator(tg: Running, user: FakeUser, organisation_id: int) -> None:
    payload = await invite(tg.app.session_factory, organisation_id=organisation_id, role="curator")
    await user.send(f"/start {payload}")
    await user.press("Продолжить ▶️")
    await user.press("✅ Даю согласие")
    await user.send("Петрова Ольга Ивановна")
    await user.press("✅ Сохранить")


async def curator_invite(
    tg: Running, telegram_id: int, organisation_id: int, programme_id: int
) -> str:
    from bot.services.hub import ServiceHub, ServiceSettings
    from tests.harness import ADMIN_ID

    async with tg.app.session_factory() as session:
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        person = await hub.users.touch(telegram_id, "ru")
        created = await hub.invites.create(
            await hub.access.actor(person),
            organisation_id=organisation_id,
            role="mentor",
            programme_id=programme_id,
        )
        await session.commit()
    return created.payload


async def test_a_curator_opening_their_own_invite_is_told_and_nothing_changes(
    tg: Running,
) -> None:
    school = await make_school(tg.app.session_factory)
    olga = tg.fake.user(3201, "Ольга")
    await register_curator(tg, olga, school.school_id)
    payload = await curator_invite(
        tg, 3201, school.school_id, school.programme_ids["teacher_teacher"]
    )
    await olga.send(f"/start {payload}")
    assert any("предназначена для другого человека" in t for t in olga.texts()[-2:])
    assert "Главное меню" in olga.last.body
    async with tg.app.session_factory() as session:
        invite_row = (await session.scalars(select(Invite).where(Invite.role == "mentor"))).one()
        assert invite_row.uses_left == 1
        roles = set(await session.scalars(select(Membership.role)))
    assert roles == {"curator"}
    # The teacher it was meant for still joins with it.
    teacher = tg.fake.user(3202, "Учитель")
    await teacher.send(f"/start {payload}")
    assert "Добро пожаловать" in teacher.last.body


# --- no dead ends ------------------------------------------------------------------------


async def test_after_choosing_a_language_the_menu_in_that_language(tg: Running) -> None:
    anna = tg.fake.user(3301, "Анна")
    await anna.send("/language")
    await anna.press("English")
    assert "Main menu" in anna.last.body
    assert "🌐 Language" in " ".join(anna.last.buttons())


async def test_back_on_screens_opened_by_commands_returns_to_the_menu(tg: Running) -> None:
    anna = tg.fake.user(3302, "Анна")
    for command in ("/language", "/mydata"):
        await anna.send(command)
        await anna.press("◀️ Назад")
        assert "Главное меню" in anna.last.body, command
        assert anna.last.buttons(), command
    await anna.send("/help")
    await anna.press("◀️ В меню")
    assert "Главное меню" in anna.last.body


async def test_a_child_finishes_on_the_menu_knowing_what_happens_next(tg: Running) -> None:
    masha = tg.fake.user(3303, "Маша")
    await join(tg, masha, "mentee", "student_student")
    await masha.press("Продолжить ▶️")
    await masha.press("Мне меньше 18")
    await masha.send("hello")  # typed text on a button screen: a hint that fits it
    assert "Нажми кнопку «Понятно, продолжаем»" in masha.texts()[-2]
    await masha.press("✅ Понятно, продолжаем")
    await masha.send("Маша")  # a hint spoken to a child
    assert "Напиши фамилию и имя" in masha.texts()[-2]
    await masha.send("Кузнецова Маша")
    await masha.send("/help")  # a command works in the middle of a question
    assert "/mydata" in masha.last.body
    await masha.send("/foo")  # an unknown command is not taken for the class
    assert "Такой команды здесь нет" in masha.texts()[-2]
    await masha.send("5а")
    await masha.press("Дальше ▶️")  # nothing ticked is fine for a student
    await masha.send("Хочу найти друзей")
    await masha.press("выходные")
    await masha.press("Дальше ▶️")
    await masha.press("✅ Сохранить")
    texts = masha.texts()
    assert any("куратор программы подберёт тебе наставника" in t for t in texts)
    assert any("?start=g-" in t for t in texts)
    # Who agrees for her, in words a 12-year-old uses (never «законный представитель»).
    assert any("мама, папа или другой взрослый, который за тебя отвечает" in t for t in texts)
    assert not [t for t in texts if "представител" in t]
    assert "Главное меню" in masha.last.body
    assert "Ждём согласия родителя" in masha.last.body
    await masha.send("/mydata")  # her own data, in «ты», nothing about children
    assert "всё, что бот хранит о тебе" in masha.last.body and "ребён" not in masha.last.body
    await masha.press("Отозвать согласие")
    assert "твои данные удалят" in masha.last.body


async def test_an_adult_consent_screen_is_short_with_the_full_text_one_tap_away(
    tg: Running,
) -> None:
    ivan = tg.fake.user(3304, "Иван", language_code="en")
    await join(tg, ivan, "mentor", "teacher_teacher")
    await ivan.press("Continue ▶️")
    summary = ivan.last.body
    assert "In short" in summary and "152-FZ" not in summary
    assert "✅ I give consent" in ivan.last.buttons()
    await ivan.send("ok")
    assert "Press “✅ I give consent” below" in ivan.texts()[-2]
    await ivan.press("📄 Full consent text")
    assert "152-FZ" in ivan.last.body
    await ivan.press("✅ I give consent")
    assert "surname" in ivan.last.body


# --- /start and /help speak to the person's roles -----------------------------------------


async def test_start_and_help_for_a_curator_and_a_newcomer(tg: Running) -> None:
    school = await make_school(tg.app.session_factory)
    olga = tg.fake.user(3401, "Ольга")
    await register_curator(tg, olga, school.school_id)
    await olga.send("/start")
    greeting = olga.texts()[-2]
    assert "Вы куратор" in greeting and "/programmes" in greeting
    assert "анкет" not in greeting and "встреч" not in greeting  # nothing that does not exist
    await olga.send("/help")
    assert "/programmes" in olga.last.body and "/participants" in olga.last.body
    assert "/organisations" not in olga.last.body

    new = tg.fake.user(3402, "Новичок", language_code="en")
    await new.send("/start")
    greeting = new.texts()[-2]
    assert "invitation link" in greeting and "questionnaire" not in greeting
    await new.send("/help")
    assert "/programmes" not in new.last.body and "/mydata" in new.last.body


async def test_start_for_a_mentor_and_help_for_a_parent(tg: Running) -> None:
    import re

    petya = tg.fake.user(3403, "Петя")
    await join(tg, petya, "mentee", "student_student")
    await petya.press("Продолжить ▶️")
    await petya.press("Мне меньше 18")
    await petya.press("✅ Понятно, продолжаем")
    await petya.send("Сидоров Пётр")
    await petya.send("7б")
    await petya.press("Дальше ▶️")
    await petya.send("Математика")
    await petya.press("выходные")
    await petya.press("Дальше ▶️")
    await petya.press("✅ Сохранить")
    link = next(t for t in petya.texts() if "?start=g-" in t)
    payload = re.search(r"start=(g-[A-Za-z0-9_-]+)", link).group(1)  # type: ignore[union-attr]
    await petya.send("/start")
    assert "Ты в программе" in petya.texts()[-2]

    mother = tg.fake.user(3404, "Мама")
    await mother.send(f"/start {payload}")
    # A short summary with the buttons in view, the full legal text one tap away.
    assert "Сидоров Пётр" in mother.last.body and "152-ФЗ" not in mother.last.body
    await mother.press("📄 Полный текст согласия")
    assert "152-ФЗ" in mother.last.body
    await mother.press("✅ Даю согласие")
    assert "Главное меню" in mother.last.body  # not a dead end after agreeing
    await mother.send("/start")
    assert "согласие за ребёнка" in mother.texts()[-2]
    await mother.send("/help")
    assert "Родитель" in mother.last.body and "Наставник</b>" not in mother.last.body


# --- /mydata: a readable document, and the words for parents and for adults ----------------


def documents(user: FakeUser) -> dict[str, str]:
    return {
        m.document[0]: m.document[1].decode("utf-8")
        for m in user.messages
        if m.document is not None
    }


async def register_teacher_mentee(tg: Running, user: FakeUser, *, english: bool = False) -> None:
    await join(tg, user, "mentee", "teacher_teacher")
    await user.press("Continue ▶️" if english else "Продолжить ▶️")
    await user.press("✅ I give consent" if english else "✅ Даю согласие")
    await user.send("Smirnov Oleg" if english else "Смирнов Олег")
    await user.send("Физика")
    await user.send("2")
    await user.press("Lesson methods" if english else "Методика урока")
    await user.press("Next ▶️" if english else "Дальше ▶️")
    await user.send("ИКТ <и> проекты & олимпиады")
    await user.press("weekends" if english else "выходные")
    await user.press("Next ▶️" if english else "Дальше ▶️")
    await user.press("✅ Save" if english else "✅ Сохранить")


async def test_mydata_sends_a_readable_document_with_labels_not_keys(tg: Running) -> None:
    oleg = tg.fake.user(3501, "Олег")
    await register_teacher_mentee(tg, oleg)
    await oleg.send("/mydata")
    files = documents(oleg)
    assert "mydata.json" in files and "mydata.html" in files
    page = files["mydata.html"]
    assert "Методика урока" in page and "teaching.lessons" not in page
    assert "Наставляемый" in page and "Смирнов Олег" in page
    assert "ИКТ &lt;и&gt; проекты &amp; олимпиады" in page  # typed text stays text
    assert "teaching.lessons" in files["mydata.json"]
    # An adult withdrawing for themself reads nothing about children.
    assert "ребён" not in oleg.last.body and "👪" not in " ".join(oleg.last.buttons())
    await oleg.press("Отозвать согласие")
    assert "Отозвать согласие" in oleg.last.body and "ребён" not in oleg.last.body


async def test_mydata_report_in_english(tg: Running) -> None:
    john = tg.fake.user(3502, "John", language_code="en")
    await register_teacher_mentee(tg, john, english=True)
    await john.send("/mydata")
    page = documents(john)["mydata.html"]
    assert "My data" in page and "Lesson methods" in page and "Mentee" in page
    assert "Методика" not in page


async def test_a_parent_reads_how_to_withdraw_for_the_child(tg: Running) -> None:
    import re

    school = await make_school(tg.app.session_factory)
    olga = tg.fake.user(3503, "Ольга")
    await register_curator(tg, olga, school.school_id)
    petya = tg.fake.user(3504, "Петя")
    payload = await invite(
        tg.app.session_factory,
        organisation_id=school.school_id,
        role="mentee",
        programme_id=school.programme_ids["student_student"],
    )
    await petya.send(f"/start {payload}")
    await petya.press("Продолжить ▶️")
    await petya.press("Мне меньше 18")
    await petya.press("✅ Понятно, продолжаем")
    await petya.send("Сидоров Пётр")
    await petya.send("7б")
    await petya.press("Дальше ▶️")
    await petya.send("Математика")
    await petya.press("выходные")
    await petya.press("Дальше ▶️")
    await petya.press("✅ Сохранить")
    link = next(t for t in petya.texts() if "?start=g-" in t)
    guardian_payload = re.search(r"start=(g-[A-Za-z0-9_-]+)", link).group(1)  # type: ignore[union-attr]
    mother = tg.fake.user(3505, "Мама")
    await mother.send(f"/start {guardian_payload}")
    await mother.press("✅ Даю согласие")

    await mother.send("/mydata")
    assert "отозвать согласие за ребёнка" in mother.last.body
    await mother.press("👪 Согласие за ребёнка")
    await mother.press("Сидоров Пётр — Школа № 7")
    assert "Отозвать согласие за ребёнка: Сидоров Пётр?" in mother.last.body
    await mother.press("Да, отозвать согласие")
    assert any("Согласие за ребёнка отозвано: Сидоров Пётр" in t for t in mother.texts())
    # Back where she came from, with buttons; nothing about children any more.
    assert "Мои данные" in mother.last.body and mother.last.buttons()
    assert "ребён" not in mother.last.body
    assert any("отозвано родителем" in t for t in petya.texts())
    told = [t for t in olga.texts() if "Согласие на обработку данных отозвано" in t]
    assert told and "Сидоров Пётр" in told[-1]
    assert not any("отозвал(а)" in t for t in olga.texts())


# --- the category is the curator's -------------------------------------------------------


async def test_the_curator_sets_a_students_category_and_a_forged_one_is_refused(
    tg: Running,
) -> None:
    school = await make_school(tg.app.session_factory)
    olga = tg.fake.user(3601, "Ольга")
    await register_curator(tg, olga, school.school_id)
    vanya = tg.fake.user(3602, "Ваня")
    payload = await invite(
        tg.app.session_factory,
        organisation_id=school.school_id,
        role="mentee",
        programme_id=school.programme_ids["teacher_student"],
    )
    await vanya.send(f"/start {payload}")
    await vanya.press("Продолжить ▶️")
    await vanya.press("Мне меньше 18")
    await vanya.press("✅ Понятно, продолжаем")
    await vanya.send("Сидоров Ваня")
    await vanya.send("6в")
    await vanya.press("Кружки и спорт")
    await vanya.press("Дальше ▶️")
    await vanya.send("Хочу в футбол")
    await vanya.press("выходные")
    await vanya.press("Дальше ▶️")
    await vanya.press("✅ Сохранить")
    assert not any("ОВЗ" in t or "Категория" in t for t in vanya.texts())

    await olga.send("/participants")
    await olga.press("Сидоров Ваня")
    await olga.press("🏷 Категория наставляемого")
    assert "не указана" in olga.last.body and "только кураторы" in olga.last.body
    await forge(olga, "category:teacher.burnout")  # not a student category
    assert "Такого варианта нет" in olga.callback_answers[-1]["text"]
    await olga.press("ОВЗ")
    assert "Категория сохранена" in olga.callback_answers[-1]["text"]
    assert "Сидоров Ваня" in olga.last.body  # back on the participant's card
    await olga.press("🏷 Категория наставляемого")
    assert "С ограниченными возможностями здоровья" in olga.last.body
    profile = await profile_of(tg, 3602)
    assert profile is not None and profile["category"] == "student.special_needs"
    assert profile["help_topics"] == ["clubs_sport"]


async def test_mydata_holds_meetings_plan_and_fit_and_only_the_parent_reads_the_category(
    tg: Running,
) -> None:
    """A pupil's /mydata holds her meetings with the rating and comment she gave, her plan
    and her fit answer; the category the curator gave her is in her parent's /mydata, not in
    hers, nor in her mentor's."""
    from datetime import date

    from bot.storage.models import (
        Meeting,
        MeetingAttendance,
        Pair,
        PairFit,
        PairMentee,
        PlanItem,
        User,
    )
    from tests.test_flow_delivery import register_minor

    school = await make_school(tg.app.session_factory)
    payload = await invite(
        tg.app.session_factory,
        organisation_id=school.school_id,
        role="mentee",
        programme_id=school.programme_ids["student_student"],
    )
    guardian_payload = await register_minor(tg, 3601, payload, "Лисицына Алиса", "ru")
    mother = tg.fake.user(3602, "Мама")
    await mother.send(f"/start {guardian_payload}")
    await mother.press("✅ Даю согласие")
    mentor_user = tg.fake.user(3603, "Борис")
    async with tg.app.session_factory() as session:
        child = await session.scalar(select(User).where(User.telegram_id == 3601))
        assert child is not None
        child_m = await session.scalar(select(Membership).where(Membership.user_id == child.id))
        assert child_m is not None
        child_m.profile = {**(child_m.profile or {}), "category": "student.low_results"}
        mentor = User(telegram_id=3603, full_name="Сидоров Борис", locale="ru")
        session.add(mentor)
        await session.flush()
        mentor_m = Membership(
            user_id=mentor.id,
            organisation_id=school.school_id,
            programme_id=school.programme_ids["student_student"],
            role="mentor",
            status="active",
        )
        session.add(mentor_m)
        await session.flush()
        pair = Pair(
            organisation_id=school.school_id,
            programme_id=school.programme_ids["student_student"],
            mentor_membership_id=mentor_m.id,
            status="active",
        )
        session.add(pair)
        await session.flush()
        meeting = Meeting(
            organisation_id=school.school_id,
            pair_id=pair.id,
            kind="regular",
            status="held",
            day=date(2026, 11, 20),
            topic="Дроби <и> проценты",
            logged_by_user_id=mentor.id,
        )
        session.add_all([PairMentee(pair_id=pair.id, mentee_membership_id=child_m.id), meeting])
        await session.flush()
        session.add_all(
            [
                MeetingAttendance(
                    meeting_id=meeting.id,
                    mentee_membership_id=child_m.id,
                    confirmed=True,
                    rating=4,
                    comment="Было интересно, но сложно",
                ),
                PlanItem(
                    pair_id=pair.id,
                    mentee_membership_id=child_m.id,
                    kind="goal",
                    title="Подтянуть дроби",
                    created_by_user_id=child.id,
                ),
                PairFit(pair_id=pair.id, mentee_membership_id=child_m.id, answer="fits"),
            ]
        )
        await session.commit()
    category_words = (
        "student.low_results",
        "Демонстрирующие неудовлетворительные",
        "Трудности с учёбой",
    )

    alisa = tg.fake.user(3601)
    await alisa.send("/mydata")
    files = documents(alisa)
    page, exported = files["mydata.html"], files["mydata.json"]
    for text in (page, exported):
        assert "Было интересно, но сложно" in text
        assert "Подтянуть дроби" in text
        for words in category_words:
            assert words not in text
    assert "Встречи" in page and "Дроби &lt;и&gt; проценты" in page
    assert "Моя оценка встречи" in page and "4 из 5" in page
    assert "План развития" in page and "Цель" in page
    assert "Подходит ли наставник" in page and "подходит" in page
    assert "Сидоров Борис" not in page and "Сидоров Борис" not in exported
    assert '"rating": 4' in exported and '"answer": "fits"' in exported

    await mother.send("/mydata")
    files = documents(mother)
    assert "Демонстрирующие неудовлетворительные образовательные результаты" in files["mydata.html"]
    assert "Лисицына Алиса" in files["mydata.html"]
    assert "student.low_results" in files["mydata.json"]
    assert "Было интересно" not in files["mydata.html"]

    await mentor_user.send("/mydata")
    files = documents(mentor_user)
    assert "Дроби &lt;и&gt; проценты" in files["mydata.html"]
    for text in files.values():
        assert "Лисицына" not in text and "Было интересно" not in text and '"rating": 4' not in text
        for words in category_words:
            assert words not in text
