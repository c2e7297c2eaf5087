"""Delivery seen through the real dispatcher: who hears what, when, in which language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import func, select

from bot.services.errors import AccessDenied
from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.outbox import SCHOOL_SUMMARY_GATHER
from bot.storage.models import AuditEntry, Membership, Notification, Organisation, User
from tests.clock import FakeClock
from tests.databases import sqlite_url
from tests.fake_telegram import FakeTelegram
from tests.harness import ADMIN_ID, Running, running_bot
from tests.seed import invite, make_school
from tests.test_flow_joining import walk_to_name


async def add_curator(tg: Running, telegram_id: int, school_id: int, locale: str = "ru") -> None:
    async with tg.app.session_factory() as session:
        user = User(telegram_id=telegram_id, full_name="Куратор Ольга", locale=locale)
        session.add(user)
        await session.flush()
        session.add(
            Membership(user_id=user.id, organisation_id=school_id, role="curator", status="active")
        )
        await session.commit()
    tg.fake.user(telegram_id, "Ольга")


async def register_minor(tg: Running, telegram_id: int, payload: str, name: str, lang: str) -> str:
    """A pupil registers; returns the payload of the link for their parent."""
    pupil = tg.fake.user(telegram_id, name.split()[-1], language_code=lang)
    await walk_to_name(pupil, payload, minor=True)
    await pupil.send(name)
    await pupil.send("7б")
    await pupil.press("Учёба")
    await pupil.press("Дальше ▶️")
    await pupil.send("Хочу лучше понимать математику")
    await pupil.press("выходные")
    await pupil.press("Дальше ▶️")
    await pupil.press("✅ Сохранить")
    link = next(t for t in pupil.texts() if "?start=g-" in t)
    return re.search(r"start=(g-[A-Za-z0-9_-]+)", link).group(1)  # type: ignore[union-attr]


async def test_the_child_hears_of_the_parent_in_their_own_language_and_the_curator_in_a_summary(
    tg: Running,
) -> None:
    school = await make_school(tg.app.session_factory)
    await add_curator(tg, 3000, school.school_id)
    payload = await invite(
        tg.app.session_factory,
        organisation_id=school.school_id,
        role="mentee",
        programme_id=school.programme_ids["student_student"],
        max_uses=5,
    )
    guardian_payload = await register_minor(tg, 3001, payload, "Сидоров Пётр", "ru")
    await register_minor(tg, 3002, payload, "Кузнецова Мария", "ru")
    # The child speaks English: the mother acts in Russian, the child reads English.
    async with tg.app.session_factory() as session:
        child = await session.scalar(select(User).where(User.telegram_id == 3001))
        assert child is not None
        child.locale = "en"
        await session.commit()
    mother = tg.fake.user(3003, "Мама", language_code="ru")
    await mother.send(f"/start {guardian_payload}")
    await mother.press("✅ Даю согласие")
    assert "Your parent has confirmed the consent" in tg.fake.user(3001).texts()[-1]

    curator = tg.fake.user(3000)
    assert curator.texts() == []  # no message per registration
    tg.clock.advance(seconds=SCHOOL_SUMMARY_GATHER.total_seconds())
    await tg.deliver()
    (summary,) = curator.texts()
    assert "Зарегистрировались 2 участника" in summary
    assert "Сидоров Пётр" in summary and "Кузнецова Мария" in summary
    assert "Родитель подтвердил согласие за 1 участника: Сидоров Пётр" in summary


async def test_a_withdrawal_tells_the_curator_and_says_goodbye_to_the_child(tg: Running) -> None:
    school = await make_school(tg.app.session_factory)
    await add_curator(tg, 3100, school.school_id, locale="en")
    payload = await invite(
        tg.app.session_factory,
        organisation_id=school.school_id,
        role="mentee",
        programme_id=school.programme_ids["student_student"],
    )
    guardian_payload = await register_minor(tg, 3101, payload, "Петров Ваня", "ru")
    mother = tg.fake.user(3102, "Мама")
    await mother.send(f"/start {guardian_payload}")
    await mother.press("✅ Даю согласие")
    await mother.send("/start")
    await mother.press("👪 Согласие за ребёнка")
    await mother.press(next(b for b in mother.last.buttons() if "Петров Ваня" in b))
    await mother.press("Да, отозвать согласие")
    child = tg.fake.user(3101)
    assert "отозвано родителем" in child.texts()[-1]
    curator = tg.fake.user(3100)
    assert any("Петров Ваня" in t and "was withdrawn" in t for t in curator.texts())
    async with tg.app.session_factory() as session:
        rows = list(await session.scalars(select(Notification)))
    assert {r.status for r in rows} <= {"sent", "skipped"}
    assert all(r.chat_id is None and r.args == {} for r in rows if r.status != "pending")


async def test_at_night_the_child_waits_for_the_morning(fake: FakeTelegram, tmp_path) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2026, 11, 23, 19, 30, tzinfo=UTC))  # 22:30 in Moscow
    async with running_bot(fake, sqlite_url(tmp_path), delivery=True, clock=clock) as tg:
        school = await make_school(tg.app.session_factory)
        payload = await invite(
            tg.app.session_factory,
            organisation_id=school.school_id,
            role="mentee",
            programme_id=school.programme_ids["student_student"],
        )
        guardian_payload = await register_minor(tg, 3201, payload, "Ночной Костя", "ru")
        mother = fake.user(3202, "Мама")
        await mother.send(f"/start {guardian_payload}")
        await mother.press("✅ Даю согласие")
        child = fake.user(3201)
        assert not any("родитель подтвердил" in t for t in child.texts())
        clock.set(datetime(2026, 11, 24, 5, 0, tzinfo=UTC))  # 08:00
        await tg.deliver()
        assert "Твой родитель подтвердил согласие" in child.texts()[-1]


async def test_a_withdrawal_at_the_childs_night_waits_for_the_morning_of_her_school(
    fake: FakeTelegram, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The issue's case: the mother withdraws at 02:14 of the night in Vladivostok (19:14 in
    Moscow, the default zone). The goodbye has no school and the child's membership is
    withdrawn by then: she still hears it at 08:00 of her school, not at once."""
    clock = FakeClock(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))  # 13:00 in Vladivostok
    async with running_bot(fake, sqlite_url(tmp_path), delivery=True, clock=clock) as tg:
        school = await make_school(tg.app.session_factory)
        async with tg.app.session_factory() as session:
            org = await session.get(Organisation, school.school_id)
            assert org is not None
            org.timezone = "Asia/Vladivostok"
            await session.commit()
        payload = await invite(
            tg.app.session_factory,
            organisation_id=school.school_id,
            role="mentee",
            programme_id=school.programme_ids["student_student"],
        )
        guardian_payload = await register_minor(tg, 3301, payload, "Ночная Лиза", "ru")
        mother = fake.user(3302, "Мама")
        await mother.send(f"/start {guardian_payload}")
        await mother.press("✅ Даю согласие")
        child = fake.user(3301)
        assert "Твой родитель подтвердил согласие" in child.texts()[-1]
        heard = len(child.texts())

        clock.set(datetime(2026, 11, 23, 16, 14, tzinfo=UTC))  # 02:14 in Vladivostok
        await mother.send("/start")
        await mother.press("👪 Согласие за ребёнка")
        await mother.press(next(b for b in mother.last.buttons() if "Ночная Лиза" in b))
        await mother.press("Да, отозвать согласие")
        assert len(child.texts()) == heard
        clock.set(datetime(2026, 11, 23, 21, 59, tzinfo=UTC))  # 07:59
        await tg.deliver()
        assert len(child.texts()) == heard
        clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))  # 08:00
        await tg.deliver()
        assert "отозвано родителем" in child.texts()[-1]


async def test_admin_and_curator_edit_quiet_hours_and_a_mentor_cannot(tg: Running) -> None:
    school = await make_school(tg.app.session_factory, name="Школа Камчатки")
    async with tg.app.session_factory() as session:
        org = await session.get(Organisation, school.school_id)
        assert org is not None
        org.timezone = "Asia/Kamchatka"
        await session.commit()
    admin = tg.fake.user(ADMIN_ID, "Админ")
    await admin.send("/start")
    await admin.press("🏫 Организации")
    await admin.press(next(b for b in admin.last.buttons() if "Школа Камчатки" in b))
    await admin.press("🌙 Тихие часы")
    assert "21:00–08:00" in admin.last.body and "Asia/Kamchatka" in admin.last.body
    await admin.send("поздно")
    assert any("21:00-08:00" in t for t in admin.texts()[-2:])
    await admin.send("22:30-07:15")
    assert any("Тихие часы сохранены: 22:30–07:15" in t for t in admin.texts())

    await add_curator(tg, 3300, school.school_id)
    curator = tg.fake.user(3300)
    await curator.send("/start")
    await curator.press("📋 Программы")
    await curator.press("🌙 Тихие часы")
    assert "22:30–07:15" in curator.last.body
    await curator.press("↩️ По умолчанию (21:00–08:00)")
    async with tg.app.session_factory() as session:
        org = await session.get(Organisation, school.school_id)
        assert org is not None and (org.quiet_start, org.quiet_end) == (time(21), time(8))
        changes = await session.scalar(
            select(func.count()).where(AuditEntry.action == "quiet_hours.set")
        )
        assert changes == 2
        # A mentor of the school may not change them (the rule is on the server).
        mentor = User(telegram_id=3301, full_name="Наставник Игорь")
        session.add(mentor)
        await session.flush()
        session.add(Membership(user_id=mentor.id, organisation_id=school.school_id, role="mentor"))
        await session.commit()
        hub = ServiceHub(session, ServiceSettings())
        actor = await hub.access.actor(await hub.users.touch(3301, "ru"))
        with pytest.raises(AccessDenied):
            await hub.quiet_hours.set(actor, school.school_id, time(0), time(0))
