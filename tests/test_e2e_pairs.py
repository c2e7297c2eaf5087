"""End-to-end: the real `python -m bot` on the fake Telegram. A curator forms a pair from
the suggestions and starts it; the mentor and the mentee each see it in their menu."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.database import create_engine, create_session_factory
from tests.e2e import BotProcess, daytime_zone, say, tap, track
from tests.fake_telegram import FakeTelegram
from tests.pairs_world import add_participant, make_scene

CURATOR_TG, MENTOR_TG, KID_TG = 8101, 8102, 8103


async def test_a_curator_forms_a_pair_and_both_people_see_it_e2e(
    fake: FakeTelegram, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    bot = BotProcess(fake, tmp_path)
    track(request, bot)
    await bot.start()
    try:
        engine = create_engine(bot.database_url)
        async with create_session_factory(engine)() as session:
            scene = await make_scene(session)
            scene.curator.telegram_id = CURATOR_TG
            # The bot runs on the real clock: a school where it is day now (quiet hours).
            scene.school.timezone = daytime_zone()
            await add_participant(
                session,
                scene,
                "mentor",
                "mentor",
                {"category": "mentor.student", "competences": "Математика", "times": ["weekend"]},
                name="Иванов Пётр",
                telegram_id=MENTOR_TG,
            )
            await add_participant(
                session,
                scene,
                "kid",
                "mentee",
                {"help_topics": ["study"], "school_class": "7Б", "times": ["weekend"]},
                name="Волков Денис",
                is_minor=True,
                telegram_id=KID_TG,
            )
            await session.commit()
        await engine.dispose()

        curator = fake.user(CURATOR_TG, "Вера")
        mentor = fake.user(MENTOR_TG, "Пётр")
        kid = fake.user(KID_TG, "Денис")
        await say(curator, "/pairs", "без пары: 1")
        card = await tap(curator, "🧒 Волков Денис", "Подходящие наставники")
        assert "Иванов Пётр" in card.plain and "совпадает запрос: Учёба" in card.plain
        [suggested] = [b for b in card.buttons() if b.startswith("✅ Иванов Пётр")]
        await tap(curator, suggested, "Предложить пару")
        await tap(curator, "✅ Предложить", "предложена")
        await tap(curator, "▶️ Утвердить и начать работу", "работает")
        # The bot's own sender delivers the news to both, each in their own words.
        await mentor.wait_message("Ваши наставляемые: Волков Денис")
        await kid.wait_message("Твоя пара начала работу! Твой наставник — Иванов Пётр")

        menu = await say(mentor, "/start", "Главное меню")
        assert "ваши наставляемые — Волков Денис" in menu.plain, menu.describe()
        menu = await say(kid, "/start", "Главное меню")
        assert "твой наставник — Иванов Пётр" in menu.plain, menu.describe()
        pair = await tap(kid, "🤝 Моя пара", "Моя пара")
        assert "работает: Иванов Пётр" in pair.buttons(), pair.describe()
    finally:
        await bot.stop()
