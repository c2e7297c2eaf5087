"""Every typed number goes through one reader: hostile figures get the field's hint.

`99999999999999999999` as a time, `1.999…` as a day (OverflowError in `date()`), `²` where
a digit is expected (`"²".isdigit()` is true, `int("²")` raises) crashed handlers before."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.services.errors import InvalidInput
from bot.services.headcounts import parse_count
from bot.services.meetings import clean_clock, clean_day, clean_duration
from bot.services.municipality import parse_deadline
from bot.services.numbers import calendar_day, clock_time, whole_number
from bot.services.pairs import parse_order
from bot.services.questionnaires import Item
from bot.services.quiet import parse_quiet_hours
from bot.services.registration import clean_years
from bot.services.surveys import clean_answer
from tests.harness import Running
from tests.test_flow_meetings import MENTOR_TG, world

TODAY = date(2026, 11, 24)
HOSTILE = [
    "99999999999999999999",
    "1.999999999999999999999",
    "999999999999.1",
    "²",
    "٣",
    "1e9",
    "-5",
    "+5",
    "０１",
    "",
    "   ",
    "1" * 5000,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_reader_of_typed_numbers_answers_a_hint(text: str) -> None:
    readers = [
        lambda t: clean_clock(t),
        lambda t: clean_day(t, TODAY),
        lambda t: clean_duration(t),
        lambda t: parse_count(t),
        lambda t: clean_years(t),
        lambda t: parse_deadline(t),
        lambda t: parse_quiet_hours(f"{t}:00-08:00"),
        lambda t: parse_order(f"45 от {t}.10.2026"),
        lambda t: calendar_day(t, "1", 2026, "x"),
        lambda t: clock_time(t, "00", "x"),
        lambda t: whole_number(t, "x", low=0, high=10),
    ]
    for read in readers:
        with pytest.raises(InvalidInput):
            read(text)


def test_the_reader_keeps_what_people_really_type() -> None:
    assert whole_number(" 12 ", "x", low=0, high=60) == 12
    assert whole_number("1 200", "x", low=0, high=100_000, thousands=True) == 1200
    assert parse_count("12 500") == 12500
    assert clean_clock("7") == time(7, 0)
    assert clean_clock("07.05") == time(7, 5)
    assert clean_day("2026-11-23", TODAY) == date(2026, 11, 23)
    assert clean_day("23/11/26", TODAY) == date(2026, 11, 23)
    assert clean_duration("1:30") == 90
    assert clean_duration("45 мин") == 45
    assert parse_deadline("25.11") == (25, 11)
    with pytest.raises(InvalidInput) as refused:
        whole_number("61", "years", low=0, high=60, limit=60)
    assert refused.value.details == {"limit": 60}
    with pytest.raises(InvalidInput) as refused:
        clean_duration("99:99")
    assert refused.value.code == "meeting-duration" and "limit" in refused.value.details


@pytest.mark.parametrize("text", ["²", "١٠", "99999999999999999999", "0", "11"])
def test_a_scale_answer_is_a_plain_figure_on_the_scale(text: str) -> None:
    item = Item(key="k", type="scale", text_ru="?", text_en="?", max=10)
    with pytest.raises(InvalidInput) as refused:
        clean_answer(item, text)
    assert refused.value.code == "survey-scale"


async def test_a_mentor_typing_hostile_figures_gets_hints_and_loses_nothing(tg: Running) -> None:
    await world(tg, [("m", ["a"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    await mentor.send("/meeting")
    for text in ("1.999999999999999999999", "²", "99999999999999999999"):
        await mentor.send(text)
        assert "Не понял дату" in mentor.messages[-2].plain, mentor.transcript()
    await mentor.press("Вчера")
    await mentor.press("Длительность")
    await mentor.send("99999999999999999999")
    assert "числом минут" in mentor.messages[-2].plain
    await mentor.send("²")
    assert "числом минут" in mentor.messages[-2].plain
    await mentor.send("/meeting")
    await mentor.press("🗓 Планы")
    await mentor.press("🗓 Предложить время")
    await mentor.press("Завтра")
    for text in ("99999999999999999999", "²", "99999999999999999999:00"):
        await mentor.send(text)
        assert "Не понял время" in mentor.messages[-2].plain, mentor.transcript()
    await mentor.send("15:30")
    assert "15:30 — ждём ответа" in mentor.last.plain
    texts = " ".join(m.plain for m in mentor.messages)
    assert "пошло не так" not in texts
