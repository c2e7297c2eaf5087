"""End to end: the real `python -m bot` against the fake Telegram, driven as people would.

Starting the bot costs seconds (importing aiogram alone takes most of them), so the tests
share one bot process and one database, each with its own people and schools; only the
restart test runs a bot of its own.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from openpyxl import Workbook, load_workbook

from tests.e2e import (
    LINK_RE,
    ROOT,
    BotProcess,
    Database,
    base_env,
    callback_data,
    command_names,
    daytime_zone,
    link_in,
    say,
    tap,
    track,
    wait_callback_answer,
)
from tests.fake_telegram import FakeTelegram, FakeUser, SentMessage

pytestmark = pytest.mark.asyncio(loop_scope="module")

STAFF_COMMANDS = {"organisations", "programmes", "participants"}
STAFF_BUTTONS = {"🏫 Организации", "📋 Программы", "👥 Участники"}


# --- fixtures ----------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_bot(
    shared_fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BotProcess]:
    process = BotProcess(shared_fake, tmp_path_factory.mktemp("e2e"))
    await process.start()
    try:
        yield process
    finally:
        await process.stop()


@pytest_asyncio.fixture(loop_scope="module")
async def bot(shared_bot: BotProcess, request: pytest.FixtureRequest) -> BotProcess:
    """The shared bot; its log goes into the report of a failed test."""
    track(request, shared_bot)
    await shared_bot.fake.wait_idle()
    return shared_bot


@pytest.fixture
def fake(bot: BotProcess) -> FakeTelegram:
    return bot.fake


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def db(shared_bot: BotProcess) -> AsyncIterator[Database]:
    database = Database(shared_bot.database_url)
    try:
        yield database
    finally:
        await database.close()


# --- walking the registration -------------------------------------------------------------


@dataclass(eq=False)
class Person:
    user: FakeUser
    full_name: str


async def open_invite(user: FakeUser, payload: str, school: str) -> None:
    await user.send(f"/start {payload}")
    welcome = await user.wait_message("Добро пожаловать")
    assert school in welcome.plain, welcome.describe()
    await tap(user, "Продолжить ▶️", "Согласие на обработку персональных данных")


async def agree(user: FakeUser, then: str) -> None:
    await tap(user, "✅ Даю согласие", then)


async def save(person: Person, role_name: str) -> None:
    user = person.user
    summary = user.last
    assert summary is not None and "Проверьте, всё ли верно" in summary.plain, user.transcript()
    assert person.full_name in summary.plain, summary.describe()
    done = await tap(user, "✅ Сохранить", "Готово! Вы зарегистрированы")
    assert role_name.lower() in done.plain.lower(), done.describe()


async def register_staff(person: Person, payload: str, school: str, role_name: str) -> None:
    """Coordinators and curators: consent, name, save."""
    user = person.user
    await open_invite(user, payload, school)
    await agree(user, "Напишите фамилию, имя")
    await say(user, person.full_name, "Проверьте, всё ли верно")
    await save(person, role_name)


async def register_mentor(person: Person, payload: str, school: str) -> None:
    user = person.user
    await open_invite(user, payload, school)
    await agree(user, "Напишите фамилию, имя")
    await say(user, person.full_name, "Что про вас подходит")
    await tap(user, "Педагог или специалист", "В чём вы сильны")
    await say(user, "Методика преподавания, классное руководство", "Ваш предмет или интересы")
    # A teacher–teacher mentor is not asked about mentee ages.
    await say(user, "Математика", "Когда вам удобно встречаться")
    for slot in ("будни, утро", "будни, вечер"):
        await tap(user, slot, f"✓ {slot}")  # the button shows it is ticked
    await tap(user, "Дальше ▶️", "Сколько наставляемых вы готовы вести")
    summary = await tap(user, "4", "Проверьте, всё ли верно")
    for shown in ("будни, утро, будни, вечер", "Педагог или специалист", "наставляемых: 4"):
        assert shown in summary.plain, summary.describe()
    await save(person, "Наставник")


async def register_teacher_mentee(person: Person, payload: str, school: str) -> None:
    user = person.user
    await open_invite(user, payload, school)
    await agree(user, "Напишите фамилию, имя")
    await say(user, person.full_name, "Какой предмет вы преподаёте")
    await say(user, "Физика", "Сколько лет вы работаете")
    # A teacher says what they want help with: never a label about themself.
    await say(user, "1", "С чем вам хотелось бы помощи")
    await tap(user, "Методика урока", "✓ Методика урока")
    await tap(user, "Дальше ▶️", "С чем вам хотелось бы помощи наставника")
    await say(user, "Дисциплина на уроках", "Когда вам удобно встречаться")
    await tap(user, "будни, день", "✓ будни, день")
    await tap(user, "Дальше ▶️", "Проверьте, всё ли верно")
    await save(person, "Наставляемый")


async def register_student_mentee(
    person: Person, payload: str, school: str, *, minor: bool
) -> None:
    user = person.user
    # A school student: «ты» and the age first, before consent.
    await user.send(f"/start {payload}")
    welcome = await user.wait_message("Тебя пригласили")
    assert school in welcome.plain, welcome.describe()
    await tap(user, "Продолжить ▶️", "тебе уже исполнилось 18")
    if minor:
        await tap(user, "Мне меньше 18", "только если согласится твой родитель")
        await tap(user, "✅ Понятно, продолжаем", "Напиши свои фамилию и имя")
        await say(user, person.full_name, "В каком ты классе")
    else:
        await tap(user, "Мне уже 18", "Согласие на обработку персональных данных")
        await agree(user, "Напишите фамилию, имя")
        await say(user, person.full_name, "В каком вы классе")
    # A student says what they want help with; no sensitive category to choose.
    topics = await say(user, "7Б" if minor else "11А", "С чем")
    assert not any("ОВЗ" in b or "Трудная" in b for b in topics.buttons()), topics.describe()
    await tap(user, "Учёба", "✓ Учёба")
    await tap(user, "Дальше ▶️", "своими словами")
    await say(user, "Хочу подготовиться к олимпиаде", "удобно встречаться")
    await tap(user, "выходные", "✓ выходные")
    summary = await tap(user, "Дальше ▶️", "всё ли верно")
    assert person.full_name in summary.plain, summary.describe()
    done = await tap(user, "✅ Сохранить", "Готово!")
    assert "наставляемый" in done.plain.lower(), done.describe()


async def open_menu(user: FakeUser) -> list[str]:
    await user.send("/start")
    # The menu with its buttons (an older menu loses its buttons when the new one comes).
    menu = await user.wait_message(lambda m: "Главное меню" in m.plain and bool(m.buttons()))
    return [*menu.buttons(), menu.plain]


# --- 1. settings -----------------------------------------------------------------------------


async def run_without_settings(tmp_path: Path, **env: str) -> tuple[int, str]:
    """`python -m bot` from an empty folder, so that no developer's .env interferes."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=base_env(PYTHONPATH=str(ROOT), **env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError("the bot did not exit without settings within 60 s") from None
    assert process.returncode is not None
    return process.returncode, stderr.decode(errors="replace")


async def test_missing_or_malformed_token_is_one_line(tmp_path: Path) -> None:
    # Both at once: each start costs seconds of imports.
    missing, malformed = await asyncio.gather(
        run_without_settings(tmp_path), run_without_settings(tmp_path, BOT_TOKEN="abc")
    )
    for what, (code, stderr) in {"no BOT_TOKEN": missing, "BOT_TOKEN=abc": malformed}.items():
        lines = stderr.strip().splitlines()
        assert code != 0, f"{what}: exit code 0; stderr:\n{stderr}"
        assert "Traceback" not in stderr, f"{what}:\n{stderr}"
        assert len(lines) == 1, f"{what}: expected one line on stderr, got:\n{stderr}"
        assert "BOT_TOKEN" in lines[0], f"{what}: {lines[0]}"


# --- 2. greeting -----------------------------------------------------------------------------


async def test_start_greets_in_russian_and_registers_commands(fake: FakeTelegram) -> None:
    anna = fake.user(1001, "Анна", language_code="ru")
    await anna.send("/start")
    await anna.wait_message("Здравствуйте, Анна")
    menu = await anna.wait_message("Главное меню")
    assert "🌐 Язык" in menu.buttons(), menu.describe()
    assert "не участвуете" in menu.plain, menu.describe()
    ru = fake.commands_for(language_code="ru")
    en = fake.commands_for(language_code="en")
    assert {"start", "help", "mydata", "language", "cancel"} <= command_names(ru), ru
    assert any(c["description"] == "Язык бота" for c in ru), ru
    assert any(c["description"] == "Bot language" for c in en), en
    assert command_names(fake.commands_visible_to(anna)) & STAFF_COMMANDS == set()


# --- 3. restart in the middle of dialogs -------------------------------------------------------


async def test_restart_keeps_half_finished_dialogs(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    async with FakeTelegram() as fake:
        bot = BotProcess(fake, tmp_path)
        track(request, bot)
        await bot.start()
        try:
            db = Database(bot.database_url)
            try:
                seeded = await db.seed_school("Школа № 21", municipality="Округ Рестарт")
                invite = await db.invite(organisation_id=seeded.school_id, role="curator")
            finally:
                await db.close()

            admin = fake.user(900, "Админ", language_code="ru")
            await admin.send("/language")
            choose = await admin.wait_message("Выберите язык")
            oleg = Person(fake.user(2002, "Олег", language_code="ru"), "Петров Олег Ильич")
            await open_invite(oleg.user, invite.payload, "Школа № 21")
            await agree(oleg.user, "Напишите фамилию, имя")
            await fake.wait_idle()

            await bot.restart()

            answers = len(admin.callback_answers)
            await admin.press("English", message=choose)
            answer = await wait_callback_answer(fake, admin, answers)
            assert "Language saved" in (answer.get("text") or ""), answer
            await say(admin, "/help", "What I can do")

            await say(oleg.user, oleg.full_name, "Проверьте, всё ли верно")
            await save(oleg, "куратор")
        finally:
            await bot.stop()


# --- 4. joining by invite, every role ----------------------------------------------------------


async def admin_creates(
    fake: FakeTelegram,
    admin: FakeUser,
    kind_button: str,
    name: str,
    invite_button: str,
    parent: str | None = None,
) -> str:
    """Through the admin's dialog: a new organisation, then an invitation; returns the payload."""
    if parent is None:
        await tap(admin, kind_button, "Новый муниципалитет")
    else:
        await tap(admin, kind_button, "К какому муниципалитету")
        await tap(admin, f"🏛 {parent}", "Напишите её название")
    await say(admin, name, "часовой пояс")
    view = await tap(admin, "Москва", invite_button)
    assert name in view.plain, view.describe()
    await admin.press(invite_button)
    sent = await admin.wait_message("Приглашение в программу")
    await admin.wait_message("Ссылка-приглашение готова")
    bot_name, payload = link_in(sent)
    assert bot_name == fake.bot_username
    assert payload.startswith("i-"), payload
    return payload


async def test_joining_by_invite_for_every_role(fake: FakeTelegram, db: Database) -> None:
    admin = fake.user(900, "Админ", language_code="ru")
    buttons = await open_menu(admin)
    assert "🏫 Организации" in buttons, buttons
    assert "organisations" in command_names(fake.commands_visible_to(admin))

    await tap(admin, "🏫 Организации", "Организации")
    coordinator_link = await admin_creates(
        fake, admin, "➕ Муниципалитет", "Городской округ Тверь", "Пригласить координатора"
    )
    await tap(admin, "◀️ Назад", "Пригласить координатора")
    await tap(admin, "◀️ Назад", "Выберите организацию")
    curator_link = await admin_creates(
        fake,
        admin,
        "➕ Школа",
        "МБОУ СОШ № 5 г. Твери",
        "Пригласить куратора",
        parent="Городской округ Тверь",
    )

    school = "МБОУ СОШ № 5 г. Твери"
    coordinator = Person(fake.user(3101, "Ольга"), "Соколова Ольга Викторовна")
    await register_staff(coordinator, coordinator_link, "Городской округ Тверь", "координатор")
    curator = Person(fake.user(3102, "Ирина"), "Кузнецова Ирина Павловна")
    await register_staff(curator, curator_link, school, "куратор")

    # The curator's programmes and invitations: straight through the services.
    school_id = await db.organisation_id(school)
    teachers = await db.programme(school_id, "teacher_teacher")
    mentor_invite = await db.invite(organisation_id=school_id, role="mentor", programme_id=teachers)
    teacher_invite = await db.invite(
        organisation_id=school_id, role="mentee", programme_id=teachers
    )
    students = await db.programme(school_id, "student_student")
    student_invite = await db.invite(
        organisation_id=school_id, role="mentee", programme_id=students
    )

    mentor = Person(fake.user(3103, "Пётр"), "Иванов Пётр Сергеевич")
    await register_mentor(mentor, mentor_invite.payload, school)
    teacher = Person(fake.user(3104, "Мария"), "Орлова Мария Андреевна")
    await register_teacher_mentee(teacher, teacher_invite.payload, school)
    student = Person(fake.user(3105, "Денис"), "Волков Денис Игоревич")
    await register_student_mentee(student, student_invite.payload, school, minor=False)
    await fake.wait_idle()

    # Right after registration the Telegram command menu fits the role...
    expected_staff = {
        coordinator: set(),
        curator: {"programmes", "participants"},
        mentor: set(),
        teacher: set(),
        student: set(),
    }
    for person, staff in expected_staff.items():
        visible = command_names(fake.commands_visible_to(person.user))
        assert visible & STAFF_COMMANDS == staff, f"{person.full_name}: {sorted(visible)}"
        assert {"start", "help", "mydata"} <= visible, f"{person.full_name}: {sorted(visible)}"
    # ...and so does the main menu.
    menus = {person: await open_menu(person.user) for person in expected_staff}
    for person, shown in menus.items():
        assert not any("не участвуете" in s for s in shown), f"{person.full_name}: {shown}"
        assert "🔐 Мои данные" in shown, f"{person.full_name}: {shown}"
    assert {"📋 Программы", "👥 Участники"} <= set(menus[curator]), menus[curator]
    for person in (coordinator, mentor, teacher, student):
        assert not STAFF_BUTTONS & set(menus[person]), f"{person.full_name}: {menus[person]}"


# --- 5. a minor and their parent -----------------------------------------------------------


async def test_minor_gets_a_link_for_the_parent(fake: FakeTelegram, db: Database) -> None:
    seeded = await db.seed_school(
        "Лицей № 2",
        municipality="Округ Лицейский",
        forms=("student_student",),
        timezone=daytime_zone(),  # the child hears of the parent only outside quiet hours
    )
    invite = await db.invite(
        organisation_id=seeded.school_id,
        role="mentee",
        programme_id=seeded.programmes["student_student"],
    )
    alisa = Person(fake.user(3201, "Алиса"), "Смирнова Алиса Олеговна")
    await register_student_mentee(alisa, invite.payload, "Лицей № 2", minor=True)
    await alisa.user.wait_message("нет 18 лет")
    forward = await alisa.user.wait_message("t.me/")
    bot_name, payload = link_in(forward)
    assert bot_name == fake.bot_username
    assert payload.startswith("g-"), payload

    mother = fake.user(3202, "Елена")
    consent = await say(mother, f"/start {payload}", "Согласие родителя")
    assert alisa.full_name in consent.plain, consent.describe()
    assert "Лицей № 2" in consent.plain, consent.describe()
    await tap(mother, "✅ Даю согласие", "Спасибо! Согласие сохранено")
    await alisa.user.wait_message("Твой родитель подтвердил согласие")

    child_id = await db.user_id(alisa.user.id)

    async def guardian_consent() -> bool:
        return any(
            row["subject_user_id"] == child_id
            and row["given_by"] == "guardian"
            and row["withdrawn_at"] is None
            for row in await db.rows("consent")
        )

    await db.eventually(guardian_consent, "a Consent row with given_by='guardian'")


# --- 6. used, expired, forged -------------------------------------------------------------------


async def test_used_expired_and_forged_codes(fake: FakeTelegram, db: Database) -> None:
    seeded = await db.seed_school(
        "Гимназия № 3", municipality="Округ Гимназический", forms=("student_student",)
    )
    programme = seeded.programmes["student_student"]
    single = await db.invite(
        organisation_id=seeded.school_id, role="mentee", programme_id=programme
    )
    expired = await db.invite(
        organisation_id=seeded.school_id, role="mentee", programme_id=programme
    )
    await db.expire_invite(expired.id)

    first = fake.user(3301, "Первый")
    await say(first, f"/start {single.payload}", "Тебя пригласили")

    second = fake.user(3302, "Второй")
    await say(second, f"/start {single.payload}", "уже использована")
    await second.wait_message("Главное меню")

    late = fake.user(3303, "Поздний")
    await say(late, f"/start {expired.payload}", "истёк")
    await late.wait_message("Главное меню")

    forger = fake.user(3304, "Подделка")
    await say(forger, "/start i-AAAAAAAAAAAAAAAAAAAAAAAA", "не найдена")
    await forger.wait_message("Главное меню")
    await say(forger, "/start hello", "не найдена")
    await forger.wait_message("Главное меню")
    assert not any("пошло не так" in t for u in (second, late, forger) for t in u.texts())


# --- 7. /mydata and withdrawal ------------------------------------------------------------------


async def test_mydata_and_withdrawal_leave_nothing(fake: FakeTelegram, db: Database) -> None:
    seeded = await db.seed_school(
        "Школа № 12", municipality="Округ Двенадцатый", forms=("teacher_teacher",)
    )
    curator_invite = await db.invite(organisation_id=seeded.school_id, role="curator")
    mentee_invite = await db.invite(
        organisation_id=seeded.school_id,
        role="mentee",
        programme_id=seeded.programmes["teacher_teacher"],
    )
    curator = Person(fake.user(3401, "Вера"), "Кузьмина Вера Петровна")
    await register_staff(curator, curator_invite.payload, "Школа № 12", "куратор")
    telegram_id = 731904526
    zoya = Person(fake.user(telegram_id, "Зоя"), "Белова Зоя Фёдоровна")
    await register_teacher_mentee(zoya, mentee_invite.payload, "Школа № 12")

    needles = [zoya.full_name, str(telegram_id)]
    assert await db.find_everywhere(needles), "the scan below must see a registered person"

    await zoya.user.send("/mydata")
    report = await zoya.user.wait_message(
        lambda m: m.document is not None and m.document[0] == "mydata.html"
    )
    assert report.document is not None
    assert "Методика урока" in report.document[1].decode()  # labels, not keys
    document = await zoya.user.wait_message(
        lambda m: m.document is not None and m.document[0] == "mydata.json"
    )
    assert document.document is not None
    filename, content = document.document
    assert filename == "mydata.json"
    exported = json.loads(content)
    assert zoya.full_name in content.decode(), exported
    await zoya.user.wait_message("Файлы выше")

    await tap(zoya.user, "Отозвать согласие", "Отозвать согласие на обработку")
    await tap(zoya.user, "Да, отозвать согласие", "Согласие отозвано")
    told = await curator.user.wait_message("Согласие на обработку данных отозвано")
    assert zoya.full_name in told.plain and "Школа № 12" in told.plain, told.describe()
    await fake.wait_idle()

    async def nothing_left() -> bool:
        return not await db.find_everywhere(needles)

    try:
        await db.eventually(nothing_left, "withdrawal")
    except AssertionError:
        left = "\n".join(await db.find_everywhere(needles))
        raise AssertionError(f"after withdrawal the database still holds:\n{left}") from None


# --- 8. the curator's list upload ---------------------------------------------------------------


def participants_xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["ФИО", "Роль", "Класс или предмет", "Категория", "Контакты"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def curator_opens_programme(curator: Person, programme: str) -> None:
    """/programmes (one school: straight to its list), then the programme."""
    listing = await say(curator.user, "/programmes", "Программы наставничества")
    assert programme in listing.buttons(), listing.describe()
    await tap(curator.user, programme, "Пригласить наставника")


async def test_bulk_import_with_bad_rows_e2e(fake: FakeTelegram, db: Database) -> None:
    school = "Школа № 14"
    seeded = await db.seed_school(school, municipality="Округ Загрузочный")
    programme = "Учителя 2026 — загрузка"
    programme_id = await db.programme(seeded.school_id, "teacher_teacher", name=programme)
    curator_invite = await db.invite(organisation_id=seeded.school_id, role="curator")
    curator = Person(fake.user(3501, "Нина"), "Громова Нина Сергеевна")
    await register_staff(curator, curator_invite.payload, school, "куратор")

    await curator_opens_programme(curator, programme)
    await tap(curator.user, "📥 Загрузить список", "Класс или предмет")
    content = participants_xlsx(
        [
            ["Иванова Мария Петровна", "наставник", "математика", "", "+7 900 000-00-00"],
            ["", "наставляемый", "химия", "", ""],  # row 3: no name
            ["Петров Пётр Ильич", "наставляемый", "физика", "", ""],
            ["Сидоров Олег Иванович", "директор", "", "", ""],  # row 5: unknown role
            ["Орлова Анна Викторовна", "наставляемый", "история", "", "anna@example.org"],
        ]
    )
    await curator.user.send_document("список.xlsx", content)
    answer = await curator.user.wait_message(lambda m: m.document is not None)
    assert answer.document is not None
    filename, result = answer.document
    assert filename == "invites.xlsx", answer.describe()

    caption = answer.plain or answer.body
    assert "Создано 3 приглашения" in caption, caption
    assert "2 строки с ошибками" in caption, caption
    assert "строка 3: нет ФИО" in caption, caption
    assert "строка 5: роль должна быть" in caption, caption
    assert len(caption) <= 1024
    # The programme view comes back below the file.
    await curator.user.wait_message(shows_buttons("📥 Загрузить список"))

    workbook = load_workbook(io.BytesIO(result))
    invites_sheet, errors_sheet = workbook.worksheets
    assert (invites_sheet.title, errors_sheet.title) == ("Приглашения", "Ошибки")
    invited = list(invites_sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1]) for row in invited] == [
        (2, "Иванова Мария Петровна"),
        (4, "Петров Пётр Ильич"),
        (6, "Орлова Анна Викторовна"),
    ], invited
    payloads = []
    for row in invited:
        found = LINK_RE.fullmatch(str(row[6]))
        assert found, row
        assert found["bot"] == fake.bot_username == "nastavnik_test_bot", row
        assert found["payload"].startswith("i-"), row
        payloads.append(found["payload"])
    assert len(set(payloads)) == 3, payloads
    failed = list(errors_sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in failed] == [3, 5], failed
    assert failed[0][2] == "нет ФИО", failed
    assert "директор" in str(failed[1][1]), failed
    assert "наставник" in str(failed[1][2]), failed

    # The invitations are in the database, for this programme, one use each.
    async def three_invites() -> bool:
        rows = [r for r in await db.rows("invite") if r["programme_id"] == programme_id]
        return sorted(r["role"] for r in rows) == ["mentee", "mentee", "mentor"]

    await db.eventually(three_invites, "three invites for the programme")
    invites = [r for r in await db.rows("invite") if r["programme_id"] == programme_id]
    assert all(r["max_uses"] == 1 for r in invites), invites

    # A returned link works for a new person.
    newcomer = fake.user(3502, "Пётр")
    welcome = await say(newcomer, f"/start {payloads[1]}", "Добро пожаловать")
    assert school in welcome.plain, welcome.describe()


def shows_buttons(label: str) -> Callable[[SentMessage], bool]:
    return lambda m: label in m.buttons()


# --- 9. a forged programme id of another school --------------------------------------------------


async def test_forged_callback_against_another_school_e2e(fake: FakeTelegram, db: Database) -> None:
    schools: dict[str, tuple[int, str, int, Person]] = {}
    for key, name, municipality, programme, telegram_id, first, full in (
        ("a", "Школа № 15", "Округ Своих", "Своя программа А", 3601, "Лидия", "Кравцова Лидия"),
        ("b", "Школа № 16", "Округ Чужих", "Тайная программа Б", 3602, "Борис", "Белов Борис"),
    ):
        seeded = await db.seed_school(name, municipality=municipality)
        programme_id = await db.programme(seeded.school_id, "teacher_teacher", name=programme)
        invite = await db.invite(organisation_id=seeded.school_id, role="curator")
        curator = Person(fake.user(telegram_id, first), full)
        await register_staff(curator, invite.payload, name, "куратор")
        schools[key] = (seeded.school_id, programme, programme_id, curator)
    _, own_name, own_id, curator_a = schools["a"]
    _, foreign_name, foreign_id, _ = schools["b"]
    user = curator_a.user

    listing = await say(user, "/programmes", "Программы наставничества")
    assert own_name in listing.buttons(), listing.describe()
    assert foreign_name not in listing.buttons(), listing.describe()
    real = callback_data(listing, own_name)
    prefix, _, shown_id = real.rpartition(":")
    assert shown_id == str(own_id), real  # the programme id is the last part

    answers = len(user.callback_answers)
    await user.press_data(f"{prefix}:{foreign_id}", message=listing)
    answer = await wait_callback_answer(fake, user, answers)
    await fake.wait_idle()
    told = [answer.get("text") or "", *user.texts()]
    assert any("нет доступа" in t for t in told), f"{answer}\n{user.transcript()}"

    seen = [
        *user.texts(),
        *(m.plain for m in user.messages),
        *(b for m in user.messages for b in m.buttons()),
        *(str(a.get("text") or "") for a in user.callback_answers),
    ]
    assert not any(foreign_name in s for s in seen), user.transcript()
    # The list is still there and still only A's own programme.
    assert foreign_name not in (user.last.buttons() if user.last else []), user.transcript()

    a_user_id = await db.user_id(user.id)

    async def denied_audited() -> bool:
        for row in await db.rows("audit_log"):
            details = row["details"]
            if isinstance(details, str):
                details = json.loads(details)
            if (
                row["action"] == "denied"
                and row["actor_user_id"] == a_user_id
                and details.get("attempted") == "programme.view"
            ):
                return True
        return False

    try:
        await db.eventually(denied_audited, "an audit_log row with action 'denied'")
    except AssertionError:
        rows = [r for r in await db.rows("audit_log") if r["action"] == "denied"]
        raise AssertionError(f"no 'denied' audit row for curator A; denied rows: {rows}") from None
