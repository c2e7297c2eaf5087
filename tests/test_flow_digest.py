"""The curator's weekly digest through the real bot and the fake Telegram: it comes on
Monday at 09:00 local with its text, chart and workbook; a long one splits; a curator reads
only their school; `/digest` asks for it now."""

from __future__ import annotations

import asyncio
import io
import struct
import threading
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from bot.jobs.digest_render import Block, pack
from bot.jobs.digests import queue_digests
from bot.services import charts
from bot.services.errors import AccessDenied, InvalidInput
from bot.services.hub import ServiceHub, ServiceSettings
from bot.storage.models import (
    AuditEntry,
    Candidate,
    Membership,
    Organisation,
    Pair,
    PairMentee,
    Programme,
    User,
)
from tests.clock import FakeClock
from tests.databases import sqlite_url
from tests.digest_world import make_digest_world, working_pair
from tests.fake_telegram import FakeTelegram
from tests.harness import ADMIN_ID, Running, running_bot
from tests.pairs_world import add_participant, make_scene
from tests.seed import make_school
from tests.test_flow_delivery import add_curator

CURATOR_TG = 7001
OTHER_CURATOR_TG = 7002
PNG = b"\x89PNG"
# Monday 23 November 2026, 08:59 in Moscow.
BEFORE_NINE = datetime(2026, 11, 23, 5, 59, tzinfo=UTC)


@pytest.fixture
async def early(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[Running]:
    clock = FakeClock(BEFORE_NINE)
    async with running_bot(fake, sqlite_url(tmp_path), delivery=True, clock=clock) as running:
        yield running


async def seed(tg: Running) -> None:
    async with tg.app.session_factory() as session:
        world = await make_digest_world(session)
        world.scene.curator.telegram_id = CURATOR_TG
        world.scene.other_curator.telegram_id = OTHER_CURATOR_TG
        await session.commit()


async def test_the_curator_gets_the_digest_on_monday_at_nine(early: Running) -> None:
    tg = early
    await seed(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    other = tg.fake.user(OTHER_CURATOR_TG, "Олег")
    assert await queue_digests(tg.app.session_factory, tg.clock) == 0
    await tg.deliver()
    assert curator.messages == []
    tg.clock.advance(minutes=1)  # 09:00 in Moscow
    # Only the school with working pairs: the other is still setting up.
    assert await queue_digests(tg.app.session_factory, tg.clock) == 1
    await tg.deliver()

    texts = [m for m in curator.messages if not m.is_media]
    assert len(texts) == 1
    text = texts[0].plain
    assert text.startswith("📊 Сводка «Школа № 7», неделя 2026-W48")
    assert text.index("Требует внимания") < text.index("📚 Ученик — ученику")
    assert "💤 Давно без встреч: 2 пары" in text
    assert "Наставник M2 — Ученик E2, Ученик E3" in text
    assert "<i>" not in text and "&lt;" not in texts[0].body  # names in italics, once escaped
    assert "🧍 Наставляемые без пары: 1" in text and "Ученик E7" in text
    assert "Активных пар: 4" in text
    assert "Анкета (промежуточная): 1 из 3, срок 25.11" in text
    photo, document = curator.messages[-2], curator.messages[-1]
    assert photo.photo is not None and photo.photo.startswith(PNG)
    # Phone-sized (was 880×495 with 5–6 px text at 360 px): 800 px wide, 10 pt text.
    assert struct.unpack(">II", photo.photo[16:24])[0] == 800
    assert document.document is not None
    name, content = document.document
    assert name == "svodka-2026-W48.xlsx"
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "Программа",
        "Наставник",
        "Наставляемые",
        "Статус",
        "С",
        "Встреч",
        "Последняя встреча",
        "Средняя оценка",
        "План (выполнено/всего)",
        "Подходит ли пара",
        "Внимание",
    ]
    assert len(rows) == 6  # five pairs
    first = rows[1]
    assert first[1:4] == ["Наставник M1", "Ученик E1", "работает"]
    assert first[5] == 6 and first[7] == 3.3 and first[8] == "1/2"
    assert first[9] == "подходит" and first[10] == "низкие оценки"
    assert first[6] is not None and first[6].date() == date(2026, 11, 23)

    # The other school's curator: their school has no pair yet, so no automatic digest.
    assert other.messages == []

    # Later ticks this week queue nothing more.
    tg.clock.advance(hours=5)
    assert await queue_digests(tg.app.session_factory, tg.clock) == 0


async def test_a_long_digest_splits_at_programme_boundaries(tg: Running) -> None:
    async with tg.app.session_factory() as session:
        world = await make_digest_world(session)
        world.scene.curator.telegram_id = CURATOR_TG
        for n in range(30):
            session.add(
                Programme(
                    organisation_id=world.scene.school.id,
                    form_key="student_student",
                    name=f"Программа {n:02d} " + "очень длинное название " * 8,
                    period_start=date(2026, 9, 1),
                    period_end=date(2027, 5, 31),
                )
            )
        for n in range(40):
            await add_participant(
                session, world.scene, f"L{n}", "mentee", {}, name=f"Ученик {n} " + "Я" * 150
            )
        await session.commit()
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/digest")
    parts = [m for m in curator.messages if not m.is_media][1:]  # after «Собираю сводку…»
    assert len(parts) >= 3 and "Сводка «Школа № 7»" in parts[0].plain
    for part in parts:
        assert len(part.body) <= 4096
        # a programme never starts in one message and ends in another
        assert part.plain.count("📚") == part.plain.count("Этап:")
    whole = "\n".join(p.plain for p in parts)
    assert whole.count("📚") == 31
    assert "Наставляемые без пары: 41" in whole and "и ещё 36" in whole


def test_packing_keeps_blocks_whole_and_cuts_only_a_giant() -> None:
    blocks = [Block("a" * 10, ""), Block("b" * 10, "\n"), Block("c" * 10, "\n\n")]
    assert pack(blocks, limit=22) == ["a" * 10 + "\n" + "b" * 10, "c" * 10]
    giant = Block("x" * 30 + "\n" + "y" * 5, "")
    assert pack([giant], limit=12) == ["x" * 12, "x" * 12, "x" * 6 + "\n" + "y" * 5]


async def test_digest_now_for_a_curator_and_a_polite_no_for_others(tg: Running) -> None:
    await seed(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/digest")
    assert curator.messages[0].plain.startswith("⏳ Собираю сводку")
    assert [m.is_media for m in curator.messages[1:]] == [False, True, True]
    # Asked again a minute later: it comes again.
    tg.clock.advance(minutes=1)
    await curator.send("/digest")
    assert len(curator.messages) == 8

    stranger = tg.fake.user(7999, "Пётр")
    await stranger.send("/start")
    await stranger.send("/digest")
    assert "Сводка по школе приходит кураторам" in stranger.last.plain if stranger.last else False
    assert "/start" in stranger.last.plain if stranger.last else False


async def test_digest_asked_at_night_comes_at_once(fake: FakeTelegram, tmp_path: Path) -> None:
    """Quiet hours are for what the bot starts itself: a /digest asked at 23:00 school time
    comes now, while the weekly one waits for the morning."""
    clock = FakeClock(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))  # 23:00 in Moscow
    async with running_bot(fake, sqlite_url(tmp_path), delivery=True, clock=clock) as tg:
        await seed(tg)
        curator = tg.fake.user(CURATOR_TG, "Вера")
        await curator.send("/digest")
        assert curator.messages[0].plain.startswith("⏳ Собираю сводку")
        assert [m.is_media for m in curator.messages[1:]] == [False, True, True]
        assert await queue_digests(tg.app.session_factory, clock) == 1  # the weekly one
        await tg.deliver()
        assert len(curator.messages) == 4
        clock.set(datetime(2026, 11, 24, 5, 0, tzinfo=UTC))  # 08:00
        await tg.deliver()
        assert len(curator.messages) == 7


async def test_the_admin_chooses_the_school_and_a_forged_one_is_refused(tg: Running) -> None:
    await seed(tg)
    admin = tg.fake.user(ADMIN_ID, "Админ")
    await admin.send("/start")
    await admin.send("/digest")
    choice = admin.last
    assert choice is not None and "Сводку какой школы" in choice.plain
    assert "Школа № 7" in choice.buttons() and "Школа № 9" in choice.buttons()
    await admin.press("Школа № 7", message=choice)
    assert any(m.photo for m in admin.messages)
    assert any("Сводка «Школа № 7»" in m.plain for m in admin.messages)

    async with tg.app.session_factory() as session:
        curator = User(telegram_id=7003, full_name="Куратор", is_minor=False, locale="ru")
        session.add(curator)
        await session.flush()
        for school_id in (1, 2):
            session.add(
                Membership(
                    user_id=curator.id, organisation_id=school_id, role="curator", status="active"
                )
            )
        await session.commit()
    two = tg.fake.user(7003, "Куратор")
    await two.send("/digest")
    menu = two.last
    assert menu is not None and len(menu.buttons()) == 2
    before = len(two.messages)
    await two.press_data("digest:3", message=menu)  # the third school is not theirs
    await two.press_data("digest:999", message=menu)  # no such school
    answers = two.callback_answers[-2:]
    assert answers[0]["text"] == answers[1]["text"]
    assert len(two.messages) == before


async def test_a_curator_sets_the_digest_day_and_hour(tg: Running) -> None:
    school = await make_school(tg.app.session_factory, name="Школа Калининграда")
    await add_curator(tg, 3400, school.school_id)
    curator = tg.fake.user(3400)
    await curator.send("/start")
    await curator.press("📋 Программы")
    await curator.press("📊 День сводки")
    assert "понедельник, 9:00" in curator.last.plain if curator.last else False
    await curator.press("Пт")
    await curator.press("15")
    assert curator.last is not None and "пятница, 15:00" in curator.last.plain
    assert "✅ Пт" in curator.last.buttons() and "✅ 15" in curator.last.buttons()
    assert "Сводка будет приходить: пятница, 15:00" in curator.callback_answers[-1]["text"]
    # Values outside the presets are refused by the service, like typed text.
    async with tg.app.session_factory() as session:
        org = await session.get(Organisation, school.school_id)
        assert org is not None and (org.digest_weekday, org.digest_hour) == (4, 15)
        changes = await session.scalar(
            select(func.count()).where(AuditEntry.action == "digest.schedule.set")
        )
        assert changes == 2
        hub = ServiceHub(session, ServiceSettings())
        actor = await hub.access.actor(await hub.users.touch(3400, "ru"))
        with pytest.raises(InvalidInput):
            await hub.digests.set_schedule(actor, school.school_id, weekday=4, hour=23)
        with pytest.raises(InvalidInput):
            await hub.digests.set_schedule(actor, school.school_id, weekday=7, hour=9)
        with pytest.raises(AccessDenied):
            await hub.digests.set_schedule(actor, school.school_id + 100, weekday=1, hour=9)


async def test_a_curator_whose_role_ended_before_sending_gets_nothing(tg: Running) -> None:
    await seed(tg)
    async with tg.app.session_factory() as session:
        other_school = await session.scalar(
            select(Organisation).where(Organisation.name == "Школа № 9")
        )
        assert other_school is not None
        await working_pair(session, other_school, datetime(2026, 11, 2, tzinfo=UTC))
        await session.commit()
    curator = tg.fake.user(CURATOR_TG, "Вера")
    other = tg.fake.user(OTHER_CURATOR_TG, "Олег")
    async with tg.app.session_factory() as session:
        membership = await session.scalar(
            select(Membership).where(Membership.role == "curator").order_by(Membership.id)
        )
        assert membership is not None
        membership.status = "withdrawn"
        await session.commit()
    assert await queue_digests(tg.app.session_factory, tg.clock) == 1  # the other school's
    async with tg.app.session_factory() as session:
        membership = await session.scalar(
            select(Membership).where(Membership.role == "curator").order_by(Membership.id)
        )
        assert membership is not None
        membership.status = "active"  # queued now, ended again before it is sent
        await session.commit()
    assert await queue_digests(tg.app.session_factory, tg.clock) == 1
    async with tg.app.session_factory() as session:
        membership = await session.scalar(
            select(Membership).where(Membership.role == "curator").order_by(Membership.id)
        )
        assert membership is not None
        membership.status = "withdrawn"
        await session.commit()
    await tg.deliver()
    assert curator.messages == []
    assert other.messages  # the other school's curator got theirs


async def test_the_bot_keeps_answering_while_a_digest_is_drawn(
    tg: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chart is drawn off the event loop: a slow drawing (here 1.5 s, blocking) holds
    up only the digest; someone pressing /start meanwhile is answered before it arrives."""
    started, finished = threading.Event(), threading.Event()
    draw = charts.render_png

    def slow_png(chart: charts.BarChart) -> bytes:
        started.set()
        time.sleep(1.5)
        finished.set()
        return draw(chart)

    monkeypatch.setattr(charts, "render_png", slow_png)
    await seed(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    asking = asyncio.create_task(curator.send("/digest"))
    assert await asyncio.to_thread(started.wait, 10)
    passer_by = tg.fake.user(7998, "Пётр")
    starting = asyncio.create_task(passer_by.send("/start"))
    for _ in range(1000):
        if passer_by.messages:
            break
        await asyncio.sleep(0.01)
    assert passer_by.messages and not finished.is_set()  # answered while still drawing
    await asyncio.gather(asking, starting)
    photo = next(m for m in curator.messages if m.photo is not None)
    assert passer_by.messages[0].seq < photo.seq


async def test_no_weekly_digest_while_the_school_sets_up_and_choosing_is_not_unpaired(
    early: Running,
) -> None:
    """Monday 09:00 comes in the middle of the set-up (two mentees choosing among offered
    mentors, no pair yet): no automatic digest. `/digest` still comes at once, and lists
    the two as choosing, not «без пары». A pair starts on Tuesday: the first weekly digest
    comes the next Monday, not late this week."""
    tg = early
    async with tg.app.session_factory() as session:
        scene = await make_scene(session)
        scene.curator.telegram_id = CURATOR_TG
        mentor = await add_participant(session, scene, "M", "mentor", {}, name="Наставник Анна")
        mentees = []
        for key in ("E1", "E2"):
            mentee = await add_participant(session, scene, key, "mentee", {}, name=f"Ученик {key}")
            mentees.append(mentee.id)
            session.add(
                Candidate(
                    organisation_id=scene.school.id,
                    programme_id=scene.programme.id,
                    mentee_membership_id=mentee.id,
                    mentor_membership_id=mentor.id,
                )
            )
        school_id, programme_id, mentor_id = scene.school.id, scene.programme.id, mentor.id
        await session.commit()
    curator = tg.fake.user(CURATOR_TG, "Вера")
    tg.clock.advance(minutes=1)  # Monday 09:00 in Moscow: the school's digest moment
    assert await queue_digests(tg.app.session_factory, tg.clock) == 0
    await tg.deliver()
    assert curator.messages == []

    await curator.send("/digest")
    asked = [m for m in curator.messages if not m.is_media][-1].plain
    assert "🤔 Выбирают наставника из предложенных: 2" in asked
    assert "Ученик E1; Ученик E2" in asked and "без пары" not in asked

    tg.clock.advance(days=1)  # Tuesday: the first pair starts working
    async with tg.app.session_factory() as session:
        pair = Pair(
            organisation_id=school_id,
            programme_id=programme_id,
            mentor_membership_id=mentor_id,
            status="active",
            activated_at=tg.clock.now(),
        )
        session.add(pair)
        await session.flush()
        session.add(PairMentee(pair_id=pair.id, mentee_membership_id=mentees[0]))
        await session.execute(
            update(Candidate)
            .where(Candidate.mentee_membership_id == mentees[0])
            .values(answer="accepted")
        )
        await session.commit()
    seen = len(curator.messages)
    assert await queue_digests(tg.app.session_factory, tg.clock) == 0  # not this week
    tg.clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))  # the next Monday, 09:00
    assert await queue_digests(tg.app.session_factory, tg.clock) == 1
    await tg.deliver()
    [weekly] = [m for m in curator.messages[seen:] if not m.is_media]
    assert weekly.plain.startswith("📊 Сводка «Школа № 7», неделя 2026-W49")
    assert "Активных пар: 1" in weekly.plain
    assert "🤔 Выбирают наставника из предложенных: 1" in weekly.plain
    assert "Ученик E2" in weekly.plain and "без пары" not in weekly.plain
