"""Joining by invite: registration for each role, consent, a guardian, bad codes."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from bot.storage.models import Consent, Invite, Membership, User, utcnow
from tests.fake_telegram import FakeUser
from tests.harness import Running
from tests.seed import invite, make_school


async def walk_to_name(user: FakeUser, payload: str, *, minor: bool | None = None) -> None:
    await user.send(f"/start {payload}")
    assert "Добро пожаловать" in user.last.body or "Привет" in user.last.body
    await user.press("Продолжить ▶️")
    if minor is not None:  # the age comes first, before consent
        assert "18" in user.last.body
        await user.press("Мне меньше 18" if minor else "Мне уже 18")
    if minor:
        assert "родител" in user.last.body
        await user.press("✅ Понятно, продолжаем")
    else:
        assert "Согласие на обработку персональных данных" in user.last.body
        await user.press("✅ Даю согласие")
    assert "фамилию, имя" in user.last.body or "фамилию и имя" in user.last.body


async def test_curator_joins_and_gets_curator_commands(tg: Running) -> None:
    school = await make_school(tg.app.session_factory)
    payload = await invite(tg.app.session_factory, organisation_id=school.school_id, role="curator")
    olga = tg.fake.user(2001, "Ольга")
    await walk_to_name(olga, payload)
    await olga.send("Петрова Ольга Ивановна")
    assert "Проверьте" in olga.last.body and "Петрова Ольга Ивановна" in olga.last.body
    await olga.press("✅ Сохранить")
    assert any("Вы зарегистрированы" in t for t in olga.texts())
    commands = {c["command"] for c in tg.fake.commands_visible_to(olga)}
    assert {"programmes", "participants", "mydata"} <= commands
    await olga.send("/start")
    assert "📋" in " ".join(olga.last.buttons())


async def test_student_minor_needs_guardian_then_parent_confirms(tg: Running) -> None:
    school = await make_school(tg.app.session_factory)
    payload = await invite(
        tg.app.session_factory,
        organisation_id=school.school_id,
        role="mentee",
        programme_id=school.programme_ids["student_student"],
    )
    petya = tg.fake.user(2002, "Петя")
    await walk_to_name(petya, payload, minor=True)
    await petya.send("Сидоров Пётр")
    assert "классе" in petya.last.body
    await petya.send("седьмой")  # not a class: a hint, and the question stays
    assert any("номер класса" in t for t in petya.texts())
    await petya.send("7б")
    await petya.press("Учёба")
    await petya.press("Дальше ▶️")
    await petya.send("Хочу лучше понимать математику")
    # The mentee's convenient times: the same list as the mentors'.
    assert "Когда тебе удобно встречаться" in petya.last.body
    await petya.press("выходные")
    await petya.press("Дальше ▶️")
    assert "7Б" in petya.last.body
    await petya.press("✅ Сохранить")
    link_message = next(t for t in petya.texts() if "?start=g-" in t)
    guardian_payload = re.search(r"start=(g-[A-Za-z0-9_-]+)", link_message).group(1)  # type: ignore[union-attr]

    mother = tg.fake.user(2003, "Мама", language_code="ru")
    await mother.send(f"/start {guardian_payload}")
    assert "Сидоров Пётр" in mother.last.body
    await mother.press("✅ Даю согласие")
    assert any("Спасибо" in t or "подтвержд" in t.lower() for t in mother.texts())
    assert any("родител" in t.lower() for t in petya.texts()[-2:])
    async with tg.app.session_factory() as session:
        kinds = set(await session.scalars(select(Consent.given_by)))
    assert kinds == {"self", "guardian"}
    # The link cannot be reused by someone else.
    stranger = tg.fake.user(2004, "Чужой")
    await stranger.send(f"/start {guardian_payload}")
    assert "не найдена" in stranger.last.body or "не найдена" in " ".join(stranger.texts())


async def test_mentor_registration_with_choices_and_back(tg: Running) -> None:
    school = await make_school(tg.app.session_factory)
    payload = await invite(
        tg.app.session_factory,
        organisation_id=school.school_id,
        role="mentor",
        programme_id=school.programme_ids["teacher_teacher"],
    )
    anna = tg.fake.user(2005, "Анна", language_code="en")
    await anna.send(f"/start {payload}")
    await anna.press("Русский")  # language chosen in the first step
    await anna.press("Продолжить ▶️")
    await anna.press("✅ Даю согласие")
    await anna.send("Иванова Анна Сергеевна")
    await anna.press("Педагог или специалист")
    await anna.send("Методика, классное руководство")
    await anna.press("◀️ Назад")  # back to the competences question
    assert "сильны" in anna.last.body
    await anna.send("Методика преподавания")
    await anna.send("Математика")
    # A teacher–teacher mentor is not asked about mentee ages: the times come next.
    assert "Когда вам удобно" in anna.last.body
    await anna.press("Дальше ▶️")  # nothing ticked: a hint, still here
    assert anna.callback_answers[-1]["show_alert"] is True
    await anna.press("будни, вечер")
    await anna.press("Дальше ▶️")
    assert "Сколько наставляемых вы готовы вести одновременно? Обычно — 3." in anna.last.body
    assert anna.last.button_rows()[0] == ["1", "2", "3", "4", "5"]
    await anna.press("2")
    summary = anna.last.body
    assert "Методика преподавания" in summary and "будни, вечер" in summary
    assert "<b>Сколько наставляемых</b>: 2" in summary
    await anna.press("✅ Сохранить")
    async with tg.app.session_factory() as session:
        membership = await session.scalar(select(Membership).where(Membership.role == "mentor"))
        assert membership is not None and membership.status == "active"
        assert membership.profile["times"] == ["weekday_evening"]
        assert membership.profile["capacity"] == 2
        assert "ages" not in membership.profile
        user = await session.get(User, membership.user_id)
        assert user is not None and user.full_name == "Иванова Анна Сергеевна"
        assert user.locale == "ru"


async def test_declining_consent_stores_nothing(tg: Running) -> None:
    school = await make_school(tg.app.session_factory)
    payload = await invite(tg.app.session_factory, organisation_id=school.school_id, role="curator")
    ivan = tg.fake.user(2006, "Иван")
    await ivan.send(f"/start {payload}")
    await ivan.press("Продолжить ▶️")
    await ivan.press("Отказаться")
    async with tg.app.session_factory() as session:
        assert list(await session.scalars(select(Consent))) == []
        user = await session.scalar(select(User).where(User.telegram_id == 2006))
        assert user is not None and user.full_name is None
    # Changing one's mind: the menu offers to continue.
    await ivan.send("/start")
    assert "✍️ Продолжить регистрацию" in ivan.last.buttons()


async def test_used_expired_and_forged_codes(tg: Running) -> None:
    school = await make_school(tg.app.session_factory)
    payload = await invite(tg.app.session_factory, organisation_id=school.school_id, role="curator")
    first, second = tg.fake.user(2007, "Первый"), tg.fake.user(2008, "Второй")
    await first.send(f"/start {payload}")
    await second.send(f"/start {payload}")
    assert any("уже использована" in t for t in second.texts())

    expired = await invite(tg.app.session_factory, organisation_id=school.school_id, role="curator")
    async with tg.app.session_factory() as session:
        await session.execute(update(Invite).values(expires_at=utcnow()))
        await session.commit()
    late = tg.fake.user(2009, "Опоздавший")
    await late.send(f"/start {expired}")
    assert any("истёк" in t for t in late.texts())

    forger = tg.fake.user(2010, "Хакер")
    await forger.send("/start i-AAAAAAAAAAAAAAAAAAAAAAAA")
    await forger.send("/start hello")
    assert sum("не найдена" in t for t in forger.texts()) == 2


async def test_double_tap_on_agree_records_one_consent(tg: Running) -> None:
    school = await make_school(tg.app.session_factory)
    payload = await invite(tg.app.session_factory, organisation_id=school.school_id, role="curator")
    ivan = tg.fake.user(2011, "Иван")
    await ivan.send(f"/start {payload}")
    await ivan.press("Продолжить ▶️")
    consent_message = ivan.last
    _, button = ivan.find_button("✅ Даю согласие", message=consent_message)
    await ivan.press("✅ Даю согласие", message=consent_message)
    # The second tap of a double tap arrives with the same (now stale) button.
    await ivan.press_data(button["callback_data"], message=consent_message)
    async with tg.app.session_factory() as session:
        assert len(list(await session.scalars(select(Consent)))) == 1
    assert "фамилию" in ivan.last.body or "устарела" in ivan.callback_answers[-1].get("text", "")


async def test_menu_shows_role_and_waiting_consent(tg: Running) -> None:
    school = await make_school(tg.app.session_factory)
    payload = await invite(
        tg.app.session_factory,
        organisation_id=school.school_id,
        role="mentee",
        programme_id=school.programme_ids["student_student"],
    )
    masha = tg.fake.user(2012, "Маша")
    await walk_to_name(masha, payload, minor=True)
    await masha.send("Кузнецова Мария")
    await masha.send("5а")
    await masha.press("Друзья и общение")
    await masha.press("Дальше ▶️")
    await masha.send("Подружиться с одноклассниками")
    await masha.press("выходные")
    await masha.press("Дальше ▶️")
    await masha.press("✅ Сохранить")
    await masha.send("/start")
    menu = masha.last.body
    assert "Школа № 7" in menu and "student_student" in menu
    assert "Ждём согласия родителя" in menu


async def test_coordinator_sees_counts_of_their_schools(tg: Running) -> None:
    school = await make_school(tg.app.session_factory)
    payload = await invite(
        tg.app.session_factory, organisation_id=school.municipality_id, role="coordinator"
    )
    nina = tg.fake.user(2013, "Нина")
    await nina.send(f"/start {payload}")
    # A municipality is not a school.
    assert "Вас пригласили: " in nina.last.plain and "в школу" not in nina.last.plain
    await walk_to_name(nina, payload)
    await nina.send("Орлова Нина Павловна")
    await nina.press("✅ Сохранить")
    await nina.send("/start")
    # Totals in the menu; the line per school is on a screen of its own.
    assert "Школ: 1 · наставников: 0 · наставляемых: 0" in nina.last.body
    await nina.press("🏫 Школы муниципалитета")
    assert "Школа № 7: наставников — 0, наставляемых — 0" in nina.last.body


async def test_over_long_answer_gets_a_hint_with_the_limit(tg: Running) -> None:
    school = await make_school(tg.app.session_factory)
    payload = await invite(
        tg.app.session_factory,
        organisation_id=school.school_id,
        role="mentee",
        programme_id=school.programme_ids["teacher_teacher"],
    )
    oleg = tg.fake.user(2014, "Олег")
    await walk_to_name(oleg, payload)
    await oleg.send("Смирнов Олег")
    await oleg.send("Физика")
    await oleg.send("2")
    await oleg.press("Дальше ▶️")  # no help topic ticked: own words on the next step
    await oleg.send("а" * 600)
    assert any("до 500 символов" in t for t in oleg.texts()), oleg.texts()[-2:]
    assert "помощи наставника" in oleg.last.body  # still on the same question
    await oleg.send("Хочу освоить ИКТ")
    assert "Когда вам удобно встречаться" in oleg.last.body
    await oleg.press("будни, день")
    await oleg.press("Дальше ▶️")
    assert "Проверьте" in oleg.last.body
