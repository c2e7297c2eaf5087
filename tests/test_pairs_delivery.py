"""Pair notices reach people through the outbox and the one sender, in their language,
with «ты» for a child: a pair starting, a mentor chosen, the reminder after two days and
the timeout after three that returns the mentee to the curator."""

from __future__ import annotations

from sqlalchemy import select

from bot.jobs.pairs import expire_choices
from bot.storage.models import Membership, Notification
from tests.harness import Running
from tests.pairs_world import add_person
from tests.test_flow_pairs import CURATOR_TG, KID_TG, MENTOR_TG, scene_in


async def test_both_sides_are_told_when_the_pair_starts(tg: Running) -> None:
    await scene_in(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("🧒 Коля Петров")
    await curator.press("✅ Анна Учителева · 82")
    await curator.press("✅ Предложить")
    await curator.press("▶️ Утвердить и начать работу")
    await tg.deliver()
    kid = tg.fake.user(KID_TG)
    mentor = tg.fake.user(MENTOR_TG)
    assert any("Куратор подобрал тебе наставника: Анна Учителева" in t for t in kid.texts())
    assert any("Твоя пара начала работу! Твой наставник — Анна Учителева" in t for t in kid.texts())
    assert any("Ваши наставляемые: Коля Петров" in t for t in mentor.texts())
    assert any("организационной встрече" in t for t in mentor.texts())
    assert not any("Пара начала работу" in t for t in curator.texts()[:-1])
    async with tg.app.session_factory() as session:
        rows = list(await session.scalars(select(Notification)))
    assert {r.kind for r in rows} == {"pair-proposed", "pair-active"}
    assert {r.status for r in rows} == {"sent"}


async def test_the_chosen_mentor_is_reminded_then_the_choice_expires(tg: Running) -> None:
    scene = await scene_in(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("🧒 Коля Петров")
    await curator.press("🗳 Предложить 2–3 на выбор")
    await curator.press("Анна Учителева · 82")
    await curator.press("Игорь Спортов · 30")
    await curator.press("Готово")
    kid = tg.fake.user(KID_TG)
    await tg.deliver()
    assert any("Куратор подобрал тебе наставников (2)" in t for t in kid.texts())
    await kid.send("/start")
    await kid.press("🤝 Моя пара")
    await kid.press("🗳 Выбрать наставника")
    await kid.press("Выбрать: Анна Учителева")
    await tg.deliver()
    mentor = tg.fake.user(MENTOR_TG)
    assert any("Коля Петров выбрал(а) вас наставником" in t for t in mentor.texts())
    assert not any("Напоминание" in t for t in mentor.texts())

    tg.clock.advance(days=2, minutes=1)
    await tg.deliver()
    assert "⏰ Напоминание: Коля Петров ждёт вашего ответа" in mentor.texts()[-1]

    tg.clock.advance(days=1)
    assert await expire_choices(tg.app.session_factory, tg.app.clock, tg.settings) == 1
    await tg.deliver()
    assert any("Анна Учителева не ответил(а) за 3 дня" in t for t in curator.texts())
    assert "Куратор предложит тебе других" in kid.texts()[-1]
    assert scene.programme.id  # the mentee is back without a pair:
    await curator.send("/pairs")
    assert "без пары: 2" in curator.last.body


async def test_the_schools_other_curators_hear_what_a_curator_did(tg: Running) -> None:
    scene = await scene_in(tg)
    second_tg = 7_700_000_001
    async with tg.app.session_factory() as session:
        second = await add_person(session, "Орлова Нина Петровна", telegram_id=second_tg)
        session.add(
            Membership(
                user_id=second.id,
                organisation_id=scene.school.id,
                role="curator",
                status="active",
            )
        )
        await session.commit()
    other = tg.fake.user(second_tg, "Нина")
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("🧒 Коля Петров")
    await curator.press("✅ Анна Учителева · 82")
    await curator.press("✅ Предложить")
    await curator.press("▶️ Утвердить и начать работу")
    await tg.deliver()
    assert not any("Коллеги изменили пары" in t for t in other.texts())  # gathered a while
    tg.clock.advance(minutes=11)
    await tg.deliver()
    texts = [t for t in other.texts() if "Коллеги изменили пары" in t]
    assert texts == [
        "🤝 Коллеги изменили пары за этот час (1):\n"
        "• Кузнецова Вера Павловна утвердил(а) пару в «Ученик — ученику»: "
        "Анна Учителева → Коля Петров"
    ]
    # The curator who acted is not told of their own action.
    assert not any("пару в «" in t for t in curator.texts())
    # A school's curators only: the other school's curator hears nothing.
    async with tg.app.session_factory() as session:
        told = list(
            await session.scalars(
                select(Notification.recipient_user_id).where(
                    Notification.kind == "pair-changed-curator"
                )
            )
        )
    assert set(told) == {second.id}
