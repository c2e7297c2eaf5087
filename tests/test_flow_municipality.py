"""Through the fake Telegram: a curator enters the school's headcounts; the coordinator's
weekly digest arrives as text, a chart and an XLSX of their municipality only; the
coordinator sets the monitoring deadline and curators and coordinator are reminded 7 days
and 1 day before, with the monitoring report of what each may see attached."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.jobs.municipality import municipal_tick
from bot.jobs.render import RenderContext
from bot.jobs.report_registry import REPORTS, ReportRequest
from bot.services.municipality import queue_digests
from bot.storage.models import AuditEntry, Headcount, Organisation, Pair
from tests.fake_telegram.user import FakeUser, SentMessage
from tests.harness import Running
from tests.municipal_world import Municipal, build_municipal

COORDINATOR, CURATOR, OTHER_COORDINATOR, CURATOR2 = 801, 802, 803, 804
PNG = b"\x89PNG"


async def seed(tg: Running) -> Municipal:
    async with tg.app.session_factory() as session:
        world = await build_municipal(session)
        await session.commit()
    return world


def sheets(message: SentMessage) -> dict[str, list[list[Any]]]:
    assert message.document is not None, message.describe()
    book = load_workbook(io.BytesIO(message.document[1]))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def chat(user: FakeUser) -> list[SentMessage]:
    return [m for m in user.messages if not m.deleted]


def reminders(user: FakeUser) -> list[SentMessage]:
    """The deadline reminders and their reports (not the weekly digests)."""
    return [
        m
        for m in chat(user)
        if "До срока" in m.plain or (m.document and m.document[0].startswith("monitoring-"))
    ]


def recent(user: FakeUser, count: int = 2) -> str:
    """What the user just read: a hint comes with the same question shown again below it."""
    return "\n".join(m.plain for m in chat(user)[-count:])


async def headcounts(tg: Running, school_id: int) -> list[Headcount]:
    async with tg.app.session_factory() as session:
        return list(
            await session.scalars(select(Headcount).where(Headcount.organisation_id == school_id))
        )


async def test_a_curator_enters_headcounts_and_a_bad_value_gets_a_hint(tg: Running) -> None:
    world = await seed(tg)
    curator = tg.fake.user(CURATOR2, "Орлов Пётр")
    await curator.send("/start")
    await curator.press("📋 Программы")
    await curator.press("👥 Численность")
    assert curator.last is not None
    view = curator.last.plain
    assert "Школа № 2" in view and "2026/2027" in view and "не указано" in view
    await curator.press("✏️ Ввести численность")
    await curator.send("много")
    assert "от 0 до 100" in recent(curator) and "Ничего не сохранено" in recent(curator)
    await curator.send("100001")
    assert "от 0 до 100" in recent(curator)
    await curator.send("1 200")
    assert "Сколько в школе педагогов" in recent(curator, 1)
    await curator.send("-5")
    assert "от 0 до 100" in recent(curator)
    await curator.send("80")
    assert "молодых педагогов" in recent(curator, 1)
    await curator.send("81")
    assert "не может быть больше, чем всех педагогов (80)" in recent(curator)
    assert await headcounts(tg, world.schools["2"].id) == []  # nothing half-saved
    await curator.send("6")
    texts = [m.plain for m in chat(curator)[-2:]]
    assert "Численность сохранена: 1\xa0200 обучающихся, 80 педагогов, из них 6 молодых" in texts[0]
    assert "1\xa0200" in texts[1] and "◀️ Назад" in chat(curator)[-1].buttons()
    [row] = await headcounts(tg, world.schools["2"].id)
    assert (row.year, row.students_10_18, row.teachers, row.young_teachers) == (2026, 1200, 80, 6)
    async with tg.app.session_factory() as session:
        audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "headcount.set"))
    assert audit is not None and audit.organisation_id == world.schools["2"].id


async def test_the_coordinators_weekly_digest(tg: Running) -> None:
    await seed(tg)
    coordinator = tg.fake.user(COORDINATOR, "Черкасова Мария")
    other = tg.fake.user(OTHER_COORDINATOR, "Куулар Лариса")
    async with tg.app.session_factory() as session:
        # Monday 12:30 in Omsk and 13:30 in Krasnoyarsk: both digests are due.
        assert await queue_digests(session, tg.clock) == 2
        assert await queue_digests(session, tg.clock) == 0  # once a week
        await session.commit()
    await tg.deliver()
    messages = chat(coordinator)
    assert [bool(m.text) for m in messages] == [True, False, False]
    text = messages[0].plain
    assert "Усть-Ишимский район" in text and "2026-W48" in text
    assert "Школа № 1" in text and "Школа № 2" in text and "Лицей" not in text
    assert "наставляемые 2 (2,0 %), наставники 1 (1,0 %)" in text
    assert "молодые наставляемые 1 (25,0 %), наставники 1 (5,0 %)" in text
    assert "Удовлетворённость: 89 из 100 · вход → выход: +3,0" in text
    assert "наставляемые 1 (нет численности)" in text  # school 2
    assert "Нет численности на этот учебный год: Школа № 2" in text
    assert messages[1].photo is not None and messages[1].photo.startswith(PNG)
    assert messages[2].document is not None
    assert messages[2].document[0] == "pokazateli-2026-W48.xlsx"
    book = sheets(messages[2])
    assert list(book) == ["Показатели", "По формам", "Наставники по категориям"]
    main = book["Показатели"]
    assert main[0][:6] == [
        "Школа",
        "Обучающихся 10–18 лет",
        "Ученики-наставляемые",
        "Доля наставляемых, %",
        "Ученики-наставники",
        "Доля наставников, %",
    ]
    columns = main[0]
    rows = {r[0]: dict(zip(columns, r, strict=True)) for r in main[1:]}
    assert list(rows) == ["Школа № 1", "Школа № 2", "Итого"]
    assert rows["Школа № 1"]["Доля молодых педагогов, %"] == 25.0
    assert rows["Школа № 1"]["Встреч проведено"] == 3
    assert rows["Школа № 1"]["Удовлетворённость (0–100)"] == 89
    assert rows["Школа № 2"]["Обучающихся 10–18 лет"] is None
    assert rows["Школа № 2"]["Доля наставляемых, %"] is None
    assert rows["Итого"]["Ученики-наставляемые"] == 3
    assert rows["Итого"]["Пар и групп"] == 4
    assert book["По формам"][1:] == [
        ["Школа № 1", "Ученик – ученик", 1],
        ["Школа № 1", "Учитель – учитель", 2],
        ["Школа № 2", "Ученик – ученик", 1],
        ["Итого", "Ученик – ученик", 2],
        ["Итого", "Учитель – учитель", 2],
    ]
    assert ["Школа № 2", "без категории", 1] in book["Наставники по категориям"]
    # The other municipality's coordinator sees nothing of this one.
    theirs = chat(other)
    assert "Лицей № 3" in theirs[0].plain and "Школа № 1" not in theirs[0].plain
    assert [r[0] for r in sheets(theirs[2])["Показатели"][1:]] == ["Лицей № 3", "Итого"]
    assert chat(tg.fake.user(CURATOR, "Кузнецова Вера")) == []  # curators get their own


async def test_a_long_digest_splits_at_school_boundaries() -> None:
    from bot.jobs.municipality import split_blocks

    blocks = ["title"] + [f"🏫 <b>Школа {n}</b>\n" + "x" * 300 for n in range(40)]
    messages = split_blocks(blocks)
    assert len(messages) > 1 and all(len(m) <= 4096 for m in messages)
    assert "\n\n".join(messages) == "\n\n".join(blocks)  # nothing cut or lost
    assert all(m.startswith(("title", "🏫")) for m in messages)


async def test_deadline_reminders_7_and_1_day_before_with_the_report(tg: Running) -> None:
    await seed(tg)
    coordinator = tg.fake.user(COORDINATOR, "Черкасова Мария")
    curator = tg.fake.user(CURATOR, "Кузнецова Вера")
    curator2 = tg.fake.user(CURATOR2, "Орлов Пётр")
    other = tg.fake.user(OTHER_COORDINATOR, "Куулар Лариса")
    await coordinator.send("/start")
    await coordinator.press("📊 Показатели и мониторинг")
    view = coordinator.last.plain if coordinator.last else ""
    assert "Усть-Ишимский район" in view and "25.11" in view
    assert "Нет численности на этот учебный год (1): Школа № 2" in view
    await coordinator.press("📅 Срок мониторинга")
    await coordinator.send("31.02")
    assert "Пришлите день и месяц" in recent(coordinator)  # a hint
    await coordinator.send("10.12")
    assert any("Срок мониторинга: 10.12" in m.plain for m in chat(coordinator)[-2:])
    # The other municipality keeps the default (25.11): its 7-day reminder is due now.
    people = (coordinator, curator, curator2)

    async def tick_at(moment: datetime) -> None:
        tg.clock.set(moment)
        await municipal_tick(tg.app.session_factory, tg.clock)
        await tg.deliver()

    await tick_at(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    assert reminders(other)[0].plain.startswith("⏰ До срока")
    assert "осталось 7 дней — 25.11.2026" in reminders(other)[0].plain
    assert all(reminders(u) == [] for u in people)
    # 3 December, 08:00 in Omsk: 7 days before 10.12, but before the digest hour (09:00).
    await tick_at(datetime(2026, 12, 3, 2, 0, tzinfo=UTC))
    assert all(reminders(u) == [] for u in people)
    await tick_at(datetime(2026, 12, 3, 3, 5, tzinfo=UTC))
    for user in people:
        reminder, report = reminders(user)
        assert "До срока мониторинга наставничества осталось 7 дней — 10.12.2026" in (
            reminder.plain
        )
        # Before an autumn deadline: the school year just finished (2025/26).
        assert report.document is not None and report.document[0] == "monitoring-2025.xlsx"
    # Each sees the report of what they may see: the coordinator every school, a curator
    # their own school only.
    assert [r[0] for r in sheets(reminders(coordinator)[1])["Показатели"][1:]] == [
        "Школа № 1",
        "Школа № 2",
        "Итого",
    ]
    assert [r[0] for r in sheets(reminders(curator)[1])["Показатели"][1:]] == [
        "Школа № 1",
        "Итого",
    ]
    assert [r[0] for r in sheets(reminders(curator2)[1])["Показатели"][1:]] == [
        "Школа № 2",
        "Итого",
    ]
    await tick_at(datetime(2026, 12, 4, 3, 5, tzinfo=UTC))
    assert all(len(reminders(u)) == 2 for u in people)  # once
    await tick_at(datetime(2026, 12, 9, 4, 0, tzinfo=UTC))
    for user in people:
        assert len(reminders(user)) == 4
        assert "остался 1 день — 10.12.2026" in reminders(user)[2].plain
        assert reminders(user)[3].document is not None
    await tick_at(datetime(2026, 12, 10, 4, 0, tzinfo=UTC))
    assert all(len(reminders(u)) == 4 for u in people)


async def test_the_monitoring_report_rechecks_access(tg: Running) -> None:
    world = await seed(tg)
    async with tg.app.session_factory() as session:
        ids = {k: u.id for k, u in world.users.items()}
        await session.commit()
    assert tg.jobs is not None
    ctx: RenderContext = tg.jobs.sender.renderer.context
    build = REPORTS["monitoring"]
    school1, school2 = world.schools["1"].id, world.schools["2"].id
    municipality = world.municipality.id

    async def rows(user: str, org: int) -> list[str] | None:
        part = await build(ctx, ReportRequest("monitoring", org, ids[user]), "ru")
        if part.file is None:
            assert "больше недоступен" in part.text
            return None
        book = load_workbook(io.BytesIO(part.file))
        return [str(r[0].value) for r in book.worksheets[0].iter_rows(min_row=2)]

    assert await rows("curator", school1) == ["Школа № 1", "Итого"]
    assert await rows("curator", school2) is None
    assert await rows("curator", municipality) is None
    assert await rows("coordinator", municipality) == ["Школа № 1", "Школа № 2", "Итого"]
    assert await rows("coordinator", school2) == ["Школа № 2", "Итого"]
    assert await rows("other_coordinator", municipality) is None
    assert await rows("other_coordinator", school1) is None


async def test_no_coordinators_digest_before_any_school_has_a_pair(tg: Running) -> None:
    """A municipality whose schools are still setting up (no pair has started) gets no
    weekly digest; the first comes at the first digest moment after a pair started."""
    world = await seed(tg)
    coordinator = tg.fake.user(COORDINATOR, "Черкасова Мария")
    async with tg.app.session_factory() as session:
        schools = select(Organisation.id).where(Organisation.parent_id == world.municipality.id)
        await session.execute(
            update(Pair)
            .where(Pair.organisation_id.in_(schools))
            .values(status="proposed", activated_at=None)
        )
        # Monday 12:30 in Omsk: its moment has come, but no school has a pair yet.
        assert await queue_digests(session, tg.clock) == 1  # the other municipality's
        first = world.pairs["group"].id
        await session.execute(
            update(Pair)
            .where(Pair.id == first)
            .values(status="active", activated_at=tg.clock.now())
        )
        assert await queue_digests(session, tg.clock) == 0  # after this week's moment
        await session.commit()
    await tg.deliver()
    assert chat(coordinator) == []
    tg.clock.advance(days=7)
    async with tg.app.session_factory() as session:
        assert await queue_digests(session, tg.clock) == 2
        await session.commit()
    await tg.deliver()
    text = chat(coordinator)[0].plain
    assert "Усть-Ишимский район" in text and "2026-W49" in text
