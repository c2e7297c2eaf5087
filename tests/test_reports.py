"""/report through the real dispatcher and the fake Telegram: each report arrives as one
XLSX that opens, with the hand-checked columns and rows; a coordinator sees their own
municipality's schools only; a participant is politely refused; a double tap makes one
file; access is checked again when the file is built."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.commands import commands_for_roles
from bot.services.errors import AccessDenied
from bot.services.outbox import Outbox
from bot.services.report_kinds import REPORT_KEYS
from bot.services.reports import (
    ReportService,
    load_meetings,
    load_people,
    load_surveys,
    report_scope,
)
from bot.storage.models import (
    Membership,
    Notification,
    Organisation,
    SurveyAnswer,
    SurveyResponse,
)
from tests.clock import FakeClock
from tests.databases import sqlite_url
from tests.fake_telegram import FakeTelegram, FakeUser
from tests.fake_telegram.user import SentMessage
from tests.harness import ADMIN_ID, Running, running_bot
from tests.meetings_world import make_pair
from tests.pairs_world import SETTINGS, hub_of
from tests.reports_world import (
    COORDINATOR_TG,
    CURATOR_TG,
    MENTEE_TG,
    OTHER_CURATOR_TG,
    ReportsWorld,
    at,
    make_world,
    meeting,
)
from tests.test_load_statements import counting

OUR_REPORTS = ("mentors", "mentees", "meetings", "surveys")
TITLES = {
    "mentors": "База наставников",
    "mentees": "База наставляемых",
    "meetings": "Журнал встреч",
    "surveys": "Итоги анкет",
}


def world_coordinator(world: ReportsWorld) -> int:
    return world.coordinator_id


async def seed(tg: Running) -> ReportsWorld:
    async with tg.app.session_factory() as session:
        world = await make_world(session)
        await session.commit()
    return world


def documents(user: FakeUser) -> list[SentMessage]:
    return [m for m in user.messages if m.document is not None]


def sheets(message: SentMessage) -> dict[str, list[list[Any]]]:
    assert message.document is not None
    book = load_workbook(io.BytesIO(message.document[1]))
    return {
        ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets
    }


def table(rows: list[list[Any]]) -> list[dict[str, Any]]:
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


async def ask(user: FakeUser, title: str) -> SentMessage:
    """/report → the report's button → the one document that arrives."""
    before = len(documents(user))
    await user.send("/report")
    await user.press(title)
    assert any("Готовлю файл" in m.plain for m in user.messages[-3:])
    new = documents(user)[before:]
    assert len(new) == 1, [m.describe() for m in user.messages[-5:]]
    return new[0]


async def test_a_curator_gets_each_report_as_one_workbook(tg: Running) -> None:
    await seed(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/report")
    assert "Выберите отчёт" in curator.last.plain if curator.last else False
    for key in OUR_REPORTS:
        assert TITLES[key] in curator.last.buttons() if curator.last else False

    mentors = await ask(curator, "База наставников")
    assert mentors.document is not None and mentors.document[0].endswith(".xlsx")
    assert "База наставников" in mentors.plain and "Школа № 7" in mentors.plain
    assert "\n" not in mentors.plain  # a one-line caption
    [rows] = sheets(mentors).values()
    assert rows[0][:4] == ["ФИО", "Контакты", "Категория наставника", "Компетенции"]
    by_name = {r["ФИО"]: r for r in table(rows)}
    assert set(by_name) == {"Наставник m", "Наставник m2"}  # not the other schools' mentors
    m = by_name["Наставник m"]
    assert m["Категория наставника"] == "Обучающийся"
    assert m["Компетенции"] == "математика" and m["Интересы"] == "шахматы"
    assert m["Контакты"] == "tg://user?id=8305"
    assert m["Наставляемые"] == "Ученик a"
    assert m["Встреч проведено"] == 3
    assert m["План развития: выполнено"] == "1/2"
    assert m["Средняя оценка встреч (1–5)"] == 4.67
    assert m["Изменение наставляемых вход→выход"] == 3
    m2 = by_name["Наставник m2"]
    assert m2["Наставляемые"] == "Ученик b, (выбывший участник)"
    assert m2["Встреч проведено"] == 1 and m2["Средняя оценка встреч (1–5)"] == 2.5

    mentees = await ask(curator, "База наставляемых")
    [rows] = sheets(mentees).values()
    by_name = {r["ФИО"]: r for r in table(rows)}
    assert set(by_name) == {"Ученик a", "Ученик b", "(выбывший участник)"}
    a = by_name["Ученик a"]
    assert a["Класс"] == "7Б" and a["Педагогический стаж, лет"] is None
    assert a["Запрос"] == "Учёба"
    assert a["Категория наставляемого"] == "Трудности с учёбой"
    assert a["Наставник"] == "Наставник m" and a["Встреч проведено"] == 3
    assert a["Изменение вход→выход"] == 3 and a["Средняя оценка встреч (1–5)"] == 4.67
    assert by_name["Ученик b"]["Изменение вход→выход"] == 1
    gone = by_name["(выбывший участник)"]
    assert gone["Контакты"] in (None, "") and gone["Класс"] in (None, "")
    assert gone["Статус"] == "согласие отозвано, данные обезличены"

    log = await ask(curator, "Журнал встреч")
    [rows] = sheets(log).values()
    assert rows[0][:3] == ["Дата", "Время", "Программа"]
    meetings = table(rows)
    assert len(meetings) == 5
    assert [r["Статус встречи"] for r in meetings].count("состоялась") == 4
    planned = next(r for r in meetings if r["Статус встречи"] == "запланирована")
    assert planned["Время"] == "15:30"  # the school's local time
    first = meetings[0]
    assert first["Пара (наставник — наставляемые)"] == "Наставник m — Ученик a"
    assert first["Тип встречи"] == "Организационная" and first["Формат"] == "очно"
    assert first["Оценки"] == "Ученик a: 5"
    assert first["Комментарии для куратора"] == "Ученик a: Спасибо!"
    assert first["Подтвердили наставляемые"] == "1/1" and first["Оспорена"] == "нет"
    group = next(r for r in meetings if "m2" in r["Пара (наставник — наставляемые)"])
    assert group["Комментарии для куратора"] in (None, "")  # the withdrawn one's comment is gone
    assert "секрет" not in str(rows)
    assert group["Оценки"] == "Ученик b: 3; (выбывший участник): 2"

    surveys = await ask(curator, "Итоги анкет")
    book = sheets(surveys)
    assert len(book) == 4
    items = table(next(iter(book.values())))
    comfort = next(
        r for r in items if r["Пункт"] == "Общение с наставником" and r["Роль"] == "наставляемый"
    )
    assert comfort["Программа"] == "Ученик — ученику"
    assert (comfort["Среднее на входе"], comfort["Среднее на выходе"]) == (5.0, 7.0)
    raw = table(list(book.values())[3])
    assert {r["Участник"] for r in raw} == {"Ученик a", "Ученик b"}
    assert len(raw) == 6  # one row per response per item


async def test_the_questionnaire_report_speaks_the_readers_language(tg: Running) -> None:
    """«Итоги анкет»: yes/no and choices as words, items by their short titles, the time
    an answer was sent in the school's zone (its column says so)."""
    world = await seed(tg)
    async with tg.app.session_factory() as session:
        school = await session.get(Organisation, world.scene.school.id)
        assert school is not None
        school.timezone = "Asia/Novosibirsk"  # UTC+7: 12:00 UTC is 19:00 there
        response = await session.scalar(
            select(SurveyResponse).where(SurveyResponse.questionnaire == "mentee_entry").limit(1)
        )
        assert response is not None
        session.add_all(
            [
                SurveyAnswer(response_id=response.id, item_key="met_before", text="yes"),
                SurveyAnswer(response_id=response.id, item_key="focus", text="study,career"),
            ]
        )
        await session.commit()
    curator = tg.fake.user(CURATOR_TG, "Вера")
    book = sheets(await ask(curator, "Итоги анкет"))
    items = table(next(iter(book.values())))
    assert "Общение с наставником" in {r["Пункт"] for r in items}
    assert not {r["Пункт"] for r in items} & {"comfort", "settle_in"}
    people = table(list(book.values())[1])
    assert "Общение с наставником" in {r["Пункт"] for r in people}
    assert not {r["Пункт"] for r in people} & {"comfort", "effectiveness"}
    raw = table(list(book.values())[3])
    assert "Отправлено (время школы)" in list(book.values())[3][0]
    by_key = {r["Пункт"]: r for r in raw}  # the raw answers keep the item's key
    assert by_key["met_before"]["Ответ"] == "да"
    assert by_key["focus"]["Ответ"] == "Учёба, Профессия"
    assert {r["Отправлено (время школы)"] for r in raw} == {"2026-11-20 19:00"}


async def test_the_mentees_base_keeps_class_and_teaching_experience_apart(tg: Running) -> None:
    world = await seed(tg)
    async with tg.app.session_factory() as session:
        # Ученик b as a young teacher: no class, 0 years of experience (not an empty cell).
        await session.execute(
            update(Membership)
            .where(Membership.id == world.scene.members["b"].id)
            .values(profile={"years": 0, "subject": "физика"})
        )
        await session.commit()
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/report")
    by_name = {
        r["ФИО"]: r
        for r in table(next(iter(sheets(await ask(curator, "База наставляемых")).values())))
    }
    assert (by_name["Ученик a"]["Класс"], by_name["Ученик a"]["Педагогический стаж, лет"]) == (
        "7Б",
        None,
    )
    teacher = by_name["Ученик b"]
    assert teacher["Класс"] in (None, "") and teacher["Педагогический стаж, лет"] == 0


async def test_a_double_tap_makes_one_file(tg: Running) -> None:
    await seed(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/report")
    menu = curator.last
    assert menu is not None
    await curator.press("Журнал встреч", message=menu)
    await curator.press("📄 Другой отчёт")
    await curator.press("Журнал встреч")
    assert len(documents(curator)) == 1
    async with tg.app.session_factory() as session:
        rows = list(
            await session.scalars(select(Notification).where(Notification.kind == "report"))
        )
    assert len(rows) == 1
    # Asked for now: if it cannot go out within a day (the bot down), it is not sent late.
    assert rows[0].expires_at is not None
    assert rows[0].expires_at - rows[0].created_at == timedelta(days=1)


async def test_a_coordinator_gets_their_municipality_only(tg: Running) -> None:
    world = await seed(tg)
    coordinator = tg.fake.user(COORDINATOR_TG, "Иванова")
    await coordinator.send("/report")
    assert coordinator.last is not None
    # One municipality: straight to the reports.
    assert "Город N" in coordinator.last.plain
    mentors = await ask(coordinator, "База наставников")
    [rows] = sheets(mentors).values()
    assert rows[0][0] == "Школа"
    schools = {(r["Школа"], r["ФИО"]) for r in table(rows)}
    assert schools == {
        ("Школа № 7", "Наставник m"),
        ("Школа № 7", "Наставник m2"),
        ("Лицей № 2", "Сидорова Анна"),
    }
    assert "Чужой" not in str(rows) and "Школа № 9" not in str(rows)
    # The meetings log keeps the ratings; the mentees' comments are the school curator's.
    log = await ask(coordinator, "Журнал встреч")
    [rows] = sheets(log).values()
    first = next(
        r for r in table(rows) if r["Пара (наставник — наставляемые)"].startswith("Наставник m —")
    )
    assert first["Оценки"] == "Ученик a: 5"
    assert "Спасибо!" not in str(rows)
    # The curator's classification of mentees is the curator's too.
    mentees = await ask(coordinator, "База наставляемых")
    [rows] = sheets(mentees).values()
    assert {r["Категория наставляемого"] for r in table(rows)} <= {None, ""}
    assert "Трудности с учёбой" not in str(rows)
    # A forged id (the other municipality, its school, a missing one) is refused alike.
    async with tg.app.session_factory() as session:
        hub = hub_of(session)
        person = await hub.users.get(world_coordinator(world))
        assert person is not None
        actor = await hub.access.actor(person)
        service = ReportService(session, hub.access, hub.outbox, tg.clock)
        for forged in (world.other_municipality.id, world.scene.other_school.id, 10**9):
            with pytest.raises(AccessDenied):
                await service.request(actor, forged, "mentors", REPORT_KEYS)
        assert [t.name for t in await service.targets(actor)] == ["Город N"]
        # Their municipality's school, one by one, is theirs too.
        assert (await service.target(actor, world.school2.id)).name == "Лицей № 2"


async def test_a_participant_is_refused_politely(tg: Running) -> None:
    await seed(tg)
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    await mentee.send("/report")
    texts = [m.plain for m in mentee.messages]
    assert any("кураторы школ и координаторы. Твоя пара" in t for t in texts)  # «ты»: a child
    assert mentee.last is not None and mentee.last.buttons()  # the menu: a way on
    assert documents(mentee) == []


async def test_access_is_checked_again_when_the_file_is_built(tg: Running) -> None:
    world = await seed(tg)
    stranger = tg.fake.user(OTHER_CURATOR_TG, "Смирнов")
    async with tg.app.session_factory() as session:
        # Queued for the other school's curator as if they had asked (they may not).
        other = world.scene.other_curator.id
        await Outbox(session, tg.clock).enqueue(
            kind="report",
            subject="report:mentors:x",
            recipient_user_id=other,
            args={"report": "mentors", "organisation_id": world.scene.school.id},
        )
        await session.commit()
    await tg.deliver()
    assert documents(stranger) == []
    assert "нет доступа" in stranger.messages[-1].plain

    # A curator whose role ended after the tap gets no file either.
    curator = tg.fake.user(CURATOR_TG, "Вера")
    async with tg.app.session_factory() as session:
        await Outbox(session, tg.clock).enqueue(
            kind="report",
            subject="report:mentors:y",
            recipient_user_id=world.scene.curator.id,
            args={"report": "mentors", "organisation_id": world.scene.school.id},
        )
        await session.execute(
            update(Membership)
            .where(Membership.user_id == world.scene.curator.id, Membership.role == "curator")
            .values(status="withdrawn")
        )
        await session.commit()
    await tg.deliver()
    assert documents(curator) == []
    assert "нет доступа" in curator.messages[-1].plain


def test_report_is_in_the_staff_command_lists() -> None:
    assert "report" in commands_for_roles({"curator"})
    assert "report" in commands_for_roles({"coordinator"})
    assert "report" not in commands_for_roles({"mentor", "mentee"})
    assert list(REPORT_KEYS)[:4] == list(OUR_REPORTS) or set(OUR_REPORTS) <= set(REPORT_KEYS)


async def _statements(session: AsyncSession, world: ReportsWorld) -> int:
    assert isinstance(session.bind, AsyncEngine)
    scope = await report_scope(session, 0, True, world.municipality.id)
    assert scope is not None
    q, c = SETTINGS.questionnaires, SETTINGS.catalog
    with counting(session.bind) as seen:
        await load_people(session, scope, q, c, viewer_user_id=1)
        await load_meetings(session, scope, q, c, viewer_user_id=1)
        await load_surveys(session, scope, q, c, "ru", at(23), viewer_user_id=1)
    return sum(seen.values())


async def test_statements_do_not_grow_with_people_pairs_or_meetings(
    session: AsyncSession,
) -> None:
    world = await make_world(session)
    await session.flush()
    before = await _statements(session, world)
    scene = world.scene
    for n in range(4):  # more pairs, mentees, meetings, ratings and answers
        pair = await make_pair(session, scene, f"x{n}", [f"y{n}", f"z{n}"])
        marks = [(scene.members[f"y{n}"], 4, "ok"), (scene.members[f"z{n}"], 5, None)]
        await meeting(session, pair, date(2026, 11, 3), marks)
        await meeting(session, pair, date(2026, 11, 10), marks)
    await session.flush()
    assert await _statements(session, world) == before


async def test_an_admin_chooses_the_organisation_first(tg: Running) -> None:
    await seed(tg)
    admin = tg.fake.user(ADMIN_ID, "Админ")
    await admin.send("/report")
    assert admin.last is not None and "По какой организации" in admin.last.plain
    assert "🏫 Лицей № 2" in admin.last.buttons()
    await admin.press("🏫 Лицей № 2")
    assert admin.last is not None and "Лицей № 2" in admin.last.plain
    await admin.press("База наставников")
    [document] = documents(admin)
    [rows] = sheets(document).values()
    assert [r["ФИО"] for r in table(rows)] == ["Сидорова Анна"]
    await admin.press("◀️ В меню")


async def test_a_report_asked_at_night_comes_at_once(fake: FakeTelegram, tmp_path: Path) -> None:
    """Quiet hours are for what the bot starts itself: a file asked for at 23:00 school
    time comes now."""
    clock = FakeClock(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))  # 23:00 in Moscow
    async with running_bot(fake, sqlite_url(tmp_path), delivery=True, clock=clock) as tg:
        await seed(tg)
        curator = tg.fake.user(CURATOR_TG, "Вера")
        journal = await ask(curator, "Журнал встреч")
        assert journal.document is not None and journal.document[0].endswith(".xlsx")
