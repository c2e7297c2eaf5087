"""Staff flows: the admin's organisations, the curator's programmes and participants."""

from __future__ import annotations

import csv
import io
import logging
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.storage.models import (
    AuditEntry,
    Consent,
    Invite,
    Membership,
    Organisation,
    Programme,
    User,
)
from tests.fake_telegram import FakeUser, SentMessage
from tests.harness import ADMIN_ID, Running
from tests.seed import make_school

LINK_RE = re.compile(r"https://t\.me/nastavnik_test_bot\?start=(i-[A-Za-z0-9_-]+)")


# --- helpers ------------------------------------------------------------------------


async def add_school(tg: Running, name: str, timezone: str = "Europe/Moscow") -> int:
    async with tg.app.session_factory() as session:
        school = Organisation(kind="school", name=name, timezone=timezone)
        session.add(school)
        await session.commit()
        return school.id


async def add_user(
    tg: Running, telegram_id: int, *, full_name: str | None = None, locale: str | None = None
) -> int:
    async with tg.app.session_factory() as session:
        user = User(telegram_id=telegram_id, full_name=full_name, locale=locale)
        session.add(user)
        await session.commit()
        return user.id


async def add_membership(
    tg: Running,
    user_id: int,
    organisation_id: int,
    role: str,
    *,
    programme_id: int | None = None,
    status: str = "active",
) -> int:
    async with tg.app.session_factory() as session:
        membership = Membership(
            user_id=user_id,
            organisation_id=organisation_id,
            programme_id=programme_id,
            role=role,
            status=status,
        )
        session.add(membership)
        await session.commit()
        return membership.id


async def add_programme(tg: Running, school_id: int, name: str) -> int:
    async with tg.app.session_factory() as session:
        programme = Programme(
            organisation_id=school_id,
            form_key="teacher_teacher",
            name=name,
            period_start=date(2026, 9, 1),
            period_end=date(2027, 5, 31),
        )
        session.add(programme)
        await session.commit()
        return programme.id


async def curator_of(tg: Running, telegram_id: int, school_id: int) -> FakeUser:
    user_id = await add_user(tg, telegram_id)
    await add_membership(tg, user_id, school_id, "curator")
    return tg.fake.user(telegram_id, "Куратор")


def links_in(user: FakeUser) -> list[str]:
    return [m.group(1) for text in user.texts() for m in LINK_RE.finditer(text)]


def callback_data(message: SentMessage, label: str) -> str:
    for row in message.inline_buttons():
        for button in row:
            if button.get("text") == label:
                return str(button["callback_data"])
    raise AssertionError(f"no button {label!r} in {message.describe()}")


async def invites(tg: Running) -> list[Invite]:
    async with tg.app.session_factory() as session:
        return list(await session.scalars(select(Invite).order_by(Invite.id)))


# --- organisations (admin) -------------------------------------------------------------


async def test_admin_creates_municipality_and_school_and_invites_a_curator(tg: Running) -> None:
    admin = tg.fake.user(ADMIN_ID, "Админ")
    await admin.send("/start")
    await admin.press("🏫 Организации")
    assert "Пока нет ни одной организации" in admin.last.body

    await admin.press("➕ Муниципалитет")
    assert "Новый муниципалитет" in admin.last.body
    await admin.send("Городской округ Тверь")
    assert "часовой пояс" in admin.last.body
    await admin.press("Москва (UTC+3)")
    assert "Городской округ Тверь" in admin.last.body
    assert "Москва (UTC+3)" in admin.last.body
    assert "Пригласить координатора" in admin.last.buttons()

    await admin.press("◀️ Назад")
    assert "🏛 Городской округ Тверь" in admin.last.buttons()
    await admin.press("➕ Школа")
    await admin.press("🏛 Городской округ Тверь")
    await admin.send("Школа <№ 5> & лицей")
    await admin.press("Екатеринбург (UTC+5)")
    view = admin.last
    # The name is escaped for HTML and shown as typed.
    assert "Школа &lt;№ 5&gt; &amp; лицей" in view.body
    assert "Школа <№ 5> & лицей" in view.plain
    assert "Муниципалитет: Городской округ Тверь" in view.plain
    assert "Пригласить куратора" in view.buttons()

    await admin.press("Пригласить куратора")
    window = admin.last
    assert "Ссылка-приглашение готова" in window.body
    forwardable = admin.messages[-2]
    assert LINK_RE.search(forwardable.body), forwardable.describe()
    assert not forwardable.inline_buttons()
    payload = LINK_RE.search(window.body)
    assert payload and payload.group(1) in forwardable.body
    assert "куратор" in window.body

    async with tg.app.session_factory() as session:
        school = await session.scalar(select(Organisation).where(Organisation.kind == "school"))
        assert school is not None
        assert school.timezone == "Asia/Yekaterinburg"
        assert school.parent_id is not None
    [invite] = await invites(tg)
    assert (invite.role, invite.max_uses, invite.organisation_id) == ("curator", 1, school.id)

    # Back from the invitation returns to the organisation.
    await admin.press("◀️ Назад")
    assert "Пригласить куратора" in admin.last.buttons()


async def test_non_admin_does_not_see_staff_buttons(tg: Running) -> None:
    anna = tg.fake.user(1101, "Анна")
    await anna.send("/start")
    buttons = anna.last.buttons()
    assert "🏫 Организации" not in buttons
    assert "📋 Программы" not in buttons
    assert "👥 Участники" not in buttons


async def test_a_staff_command_without_the_role_answers_in_one_line_and_shows_the_menu(
    tg: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    stranger = tg.fake.user(1102, "Незнакомец")
    await stranger.send("/start")
    menu = stranger.last.plain
    expected = {
        "/organisations": "Администратор",
        "/programmes": "Администратор, Куратор",
        "/participants": "Куратор",
        "/pairs": "Куратор",
        "/surveys": "Администратор, Куратор",
    }
    for command, roles in expected.items():
        sent = len(stranger.messages)
        await stranger.send(command)
        told, shown = stranger.messages[sent:]
        assert told.plain == (
            f"{command} — команда для роли: {roles}. Что можете вы — в меню ниже."
        ), stranger.transcript()
        assert shown.plain == menu  # their own menu, not a staff screen
    chat = stranger.transcript()
    for staff_screen in ("Пригласите участников", "Создайте программу", "Выберите школу"):
        assert staff_screen not in chat
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_the_admin_still_opens_every_schools_programmes(tg: Running) -> None:
    await make_school(tg.app.session_factory)
    admin = tg.fake.user(ADMIN_ID, "Админ")
    await admin.send("/start")
    listed = tg.fake.commands_for(scope={"type": "chat", "chat_id": ADMIN_ID})
    assert "programmes" in [c["command"] for c in listed]
    await admin.send("/programmes")
    assert "🏫 Школа № 7" in admin.last.buttons(), admin.transcript()


async def test_organisation_name_too_long_gets_a_hint_and_stays(tg: Running) -> None:
    admin = tg.fake.user(ADMIN_ID, "Админ")
    await admin.send("/start")
    await admin.press("🏫 Организации")
    await admin.press("➕ Муниципалитет")
    await admin.send("Я" * 201)
    assert any("от 2 до 200 символов" in t for t in admin.texts())
    assert "Новый муниципалитет" in admin.last.body  # the same question again
    await admin.send("Ok")
    assert "часовой пояс" in admin.last.body
    # Typing where a button is expected gets the hint, the buttons come again.
    await admin.send("Москва")
    assert any("выберите вариант кнопкой" in t for t in admin.texts())
    assert "Москва (UTC+3)" in admin.last.buttons()
    async with tg.app.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Organisation)) == 0


# --- programmes (curator) ----------------------------------------------------------------


async def test_curator_creates_a_programme_and_invites_mentor_and_mentees(tg: Running) -> None:
    school_id = await add_school(tg, "Школа № 1")
    curator = await curator_of(tg, 1201, school_id)
    await curator.send("/start")
    assert "🏫 Организации" not in curator.last.buttons()
    await curator.press("📋 Программы")
    # One school: straight to its programmes.
    assert "Программ пока нет" in curator.last.body
    assert "Школа № 1" in curator.last.body

    await curator.press("➕ Новая программа")
    await curator.send("Молодые учителя 2026/27")
    assert "форму наставничества" in curator.last.body
    await curator.press("Учитель – учитель")
    assert "срок программы" in curator.last.body
    [academic] = [b for b in curator.last.buttons() if b.startswith("Этот учебный год")]
    assert re.fullmatch(r"Этот учебный год \(01\.09\.\d{4}–31\.05\.\d{4}\)", academic)
    assert any(b.startswith("Календарный год") for b in curator.last.buttons())
    await curator.press(academic)
    view = curator.last.body
    assert "Молодые учителя 2026/27" in view
    assert "Учитель – учитель" in view
    assert "Подготовка условий" in view

    await curator.press("Пригласить наставника")
    await curator.press("Личная ссылка (1 человек)")
    assert "Ссылка-приглашение готова" in curator.last.body
    assert "наставник" in curator.last.body
    await curator.press("◀️ Назад")
    await curator.press("Пригласить наставляемого")
    await curator.press("Общая ссылка (до 30 человек)")
    assert "до 30 человек" in curator.last.body
    assert len(set(links_in(curator))) == 2

    mentor, mentee = await invites(tg)
    async with tg.app.session_factory() as session:
        programme = await session.scalar(select(Programme))
    assert programme is not None
    assert (mentor.role, mentor.max_uses, mentor.programme_id) == ("mentor", 1, programme.id)
    assert (mentee.role, mentee.max_uses, mentee.programme_id) == ("mentee", 30, programme.id)

    # Back from the list leaves the dialog: there is no school to choose.
    await curator.press("◀️ Назад")
    await curator.press("◀️ Назад")
    await curator.press("◀️ Назад")
    assert "Главное меню" in curator.last.body


async def test_forged_programme_id_of_another_school_is_refused_and_audited(tg: Running) -> None:
    own_school = await add_school(tg, "Своя школа")
    other_school = await add_school(tg, "Чужая школа")
    await add_programme(tg, own_school, "Своя программа")
    foreign = await add_programme(tg, other_school, "Чужая программа")
    curator = await curator_of(tg, 1301, own_school)
    await curator.send("/start")
    await curator.press("📋 Программы")
    menu = curator.last
    real = callback_data(menu, "Своя программа")
    prefix, _, _ = real.rpartition(":")
    await curator.press_data(f"{prefix}:{foreign}", message=menu)

    assert "нет доступа" in curator.callback_answers[-1]["text"]
    assert "Чужая программа" not in "\n".join(curator.texts())
    async with tg.app.session_factory() as session:
        denied = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))
        )
    assert denied and denied[-1].details["attempted"] == "programme.view"


async def test_curator_uploads_a_list_and_gets_links_back(tg: Running) -> None:
    school_id = await add_school(tg, "Школа № 7")
    await add_programme(tg, school_id, "Учитель — учитель")
    curator = await curator_of(tg, 1401, school_id)
    await curator.send("/start")
    await curator.press("📋 Программы")
    await curator.press("Учитель — учитель")
    await curator.press("📥 Загрузить список")
    assert "Класс или предмет" in curator.last.body
    await curator.send("вот список")  # the only button is «Назад»: the hint asks for the file
    assert "Пришлите файл со списком" in curator.texts()[-2]
    assert not any("выберите вариант кнопкой" in t for t in curator.texts())

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["ФИО", "Роль", "Класс или предмет", "Категория", "Контакты"])
    writer.writerow(["Иванова Мария Петровна", "наставник", "математика", "", "+7 900 000-00-00"])
    writer.writerow(["Петров Пётр", "наставляемый", "физика", "", ""])
    writer.writerow(["", "наставляемый", "химия", "", ""])
    await curator.send_document("list.csv", out.getvalue().encode("utf-8"))

    document = next(m for m in reversed(curator.messages) if m.document is not None)
    assert document.document is not None
    filename, content = document.document
    assert filename == "invites.xlsx"
    assert "Создано 2 приглашения" in document.body
    assert "строка 4: нет ФИО" in document.body
    assert len(document.body) <= 1024
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    links = [str(row[6]) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(links) == 2 and all(LINK_RE.fullmatch(link) for link in links)
    # The programme view comes back below the file.
    assert "Пригласить наставника" in curator.last.buttons()
    assert len(await invites(tg)) == 2


async def test_too_large_upload_is_refused_before_download(tg: Running) -> None:
    school_id = await add_school(tg, "Школа № 8")
    await add_programme(tg, school_id, "Программа")
    curator = await curator_of(tg, 1402, school_id)
    await curator.send("/start")
    await curator.press("📋 Программы")
    await curator.press("Программа")
    await curator.press("📥 Загрузить список")
    await curator.send_document("big.csv", b"x" * (2 * 1024 * 1024 + 1))
    assert any("Файл слишком большой" in t for t in curator.texts())
    assert not tg.fake.calls_of("getFile")
    assert "Класс или предмет" in curator.last.body


# --- participants (curator) --------------------------------------------------------------


async def test_curator_marks_paper_consent_and_the_participant_is_told(tg: Running) -> None:
    school_id = await add_school(tg, "Школа № 3")
    programme_id = await add_programme(tg, school_id, "Ученик — ученик")
    pupil_id = await add_user(tg, 1502, full_name="Сидоров Ваня", locale="en")
    membership_id = await add_membership(
        tg, pupil_id, school_id, "mentee", programme_id=programme_id, status="registering"
    )
    pupil = tg.fake.user(1502, "Ваня", language_code="ru")
    curator = await curator_of(tg, 1501, school_id)

    await curator.send("/start")
    await curator.press("👥 Участники")
    assert "✍️ Сидоров Ваня — наставляемый" in curator.last.buttons()
    await curator.press("✍️ Сидоров Ваня — наставляемый")
    assert "Ученик — ученик" in curator.last.body
    assert "регистрируется" in curator.last.body
    await curator.press("📝 Отметить бумажное согласие")
    # Nothing is recorded before the curator confirms.
    assert "Отметить бумажное согласие для Сидоров Ваня?" in curator.last.plain
    assert not pupil.texts()
    await curator.press("Да, отметить")

    # The participant hears it in their own language (saved choice: English).
    assert any("paper consent was received" in t for t in pupil.texts()), pupil.transcript()
    assert "Бумажное согласие отмечено" in curator.callback_answers[-1]["text"]
    assert "✅ получено" in curator.last.body
    assert "📝 Отметить бумажное согласие" not in curator.last.buttons()
    async with tg.app.session_factory() as session:
        consent = await session.scalar(select(Consent).where(Consent.subject_user_id == pupil_id))
        marked = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "consent.paper")
        )
    assert consent is not None and consent.given_by == "paper"
    assert marked is not None and marked.object_id == membership_id


async def test_paper_consent_for_a_participant_who_blocked_the_bot(tg: Running) -> None:
    school_id = await add_school(tg, "Школа № 4")
    pupil_id = await add_user(tg, 1602, full_name="Блок Боб")
    await add_membership(tg, pupil_id, school_id, "mentor", status="registering")
    pupil = tg.fake.user(1602, "Боб")
    pupil.block()
    curator = await curator_of(tg, 1601, school_id)
    await curator.send("/start")
    await curator.press("👥 Участники")
    await curator.press("✍️ Блок Боб — наставник")
    await curator.press("📝 Отметить бумажное согласие")
    await curator.press("Да, отметить")
    # The notice goes out after the commit; Telegram answers 403 then.
    assert "отмечено" in curator.callback_answers[-1]["text"]
    assert "✅ получено" in curator.last.body
    async with tg.app.session_factory() as session:
        user = await session.get(User, pupil_id)
        assert user is not None and user.reachable is False
    # The curator hears of it in one summary, once it gathered for a while.
    assert not any("заблокировал" in t for t in curator.texts())
    tg.clock.advance(minutes=11)
    await tg.deliver()
    summary = curator.texts()[-1]
    assert "Блок Боб" in summary and "заблокировал бота" in summary, curator.transcript()


async def test_forged_participant_of_another_school_is_refused(tg: Running) -> None:
    own_school = await add_school(tg, "Своя")
    other_school = await add_school(tg, "Чужая")
    own_pupil = await add_user(tg, 1702, full_name="Свой Ученик")
    other_pupil = await add_user(tg, 1703, full_name="Чужой Ученик")
    await add_membership(tg, own_pupil, own_school, "mentee", status="active")
    foreign = await add_membership(tg, other_pupil, other_school, "mentee", status="active")
    curator = await curator_of(tg, 1701, own_school)
    await curator.send("/start")
    await curator.press("👥 Участники")
    menu = curator.last
    assert not any("Чужой" in b for b in menu.buttons())
    real = callback_data(menu, "✍️ Свой Ученик — наставляемый")
    prefix, _, _ = real.rpartition(":")
    await curator.press_data(f"{prefix}:{foreign}", message=menu)
    assert "нет доступа" in curator.callback_answers[-1]["text"]
    async with tg.app.session_factory() as session:
        attempts = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))
        )
    assert attempts and attempts[-1].details["attempted"] == "participant.view"


async def test_curator_of_two_schools_chooses_the_school(tg: Running) -> None:
    first = await add_school(tg, "Первая школа")
    second = await add_school(tg, "Вторая школа")
    await add_programme(tg, second, "Программа второй")
    curator = await curator_of(tg, 1901, first)
    async with tg.app.session_factory() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 1901))
        assert user is not None
    await add_membership(tg, user.id, second, "curator")
    await curator.send("/start")
    await curator.press("📋 Программы")
    assert {"🏫 Первая школа", "🏫 Вторая школа"} <= set(curator.last.buttons())
    await curator.press("🏫 Вторая школа")
    assert "Программа второй" in curator.last.buttons()
    await curator.press("◀️ Назад")
    assert "🏫 Первая школа" in curator.last.buttons()
