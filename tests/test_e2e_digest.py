"""End-to-end: the real `python -m bot` on the fake Telegram, with its default process pool
of render workers. A curator asks for this week's digest and for the meetings log; the
chart and the workbooks are drawn in the pool's processes and arrive as files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.storage.database import create_engine, create_session_factory
from tests.digest_world import make_digest_world
from tests.e2e import BotProcess, daytime_zone, say, tap, track
from tests.fake_telegram import FakeTelegram

CURATOR_TG = 8401


async def test_a_curator_gets_the_digest_and_a_report_drawn_by_the_bots_workers(
    fake: FakeTelegram, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    bot = BotProcess(fake, tmp_path)
    track(request, bot)
    await bot.start()
    try:
        engine = create_engine(bot.database_url)
        async with create_session_factory(engine)() as session:
            world = await make_digest_world(session)
            world.scene.curator.telegram_id = CURATOR_TG
            world.scene.school.timezone = daytime_zone()  # the real clock: no quiet hours
            await session.commit()
        await engine.dispose()

        curator = fake.user(CURATOR_TG, "Вера")
        await say(curator, "/digest", "Собираю сводку")
        text = await curator.wait_message("Требует внимания", timeout=60)
        assert "Школа № 7" in text.plain
        chart = await curator.wait_message(lambda m: m.photo is not None, timeout=60)
        assert chart.photo is not None and chart.photo.startswith(b"\x89PNG")
        book = await curator.wait_message(lambda m: m.document is not None, timeout=60)
        assert book.document is not None and book.document[0].endswith(".xlsx")
        sheet = load_workbook(io.BytesIO(book.document[1])).active
        assert sheet is not None and sheet.max_row > 1  # a header and the pairs

        await say(curator, "/report", "Выберите отчёт")
        await tap(curator, "Журнал встреч", "Готовлю файл")
        log = await curator.wait_message(
            lambda m: m.document is not None and "Журнал встреч" in m.plain, timeout=60
        )
        assert log.document is not None
        rows = list(load_workbook(io.BytesIO(log.document[1])).active.iter_rows(values_only=True))
        assert rows[0][:3] == ("Дата", "Время", "Программа") and len(rows) > 1
    finally:
        await bot.stop()
    assert "Traceback" not in bot.log()
