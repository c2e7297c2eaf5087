"""Rich notifications (a text, a picture and files, built at send time) and buttons under
notifications that open the screen they are about."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from aiogram_dialog import DialogManager
from openpyxl import load_workbook
from sqlalchemy.exc import OperationalError

from bot.handlers.open import OPENERS, register_opener
from bot.handlers.start import show_menu
from bot.jobs.parts import Part
from bot.jobs.render import RICH, RenderContext, register_rich
from bot.services import offload
from bot.services.charts import BarChart, Series, render_png
from bot.services.outbox import Delivery
from bot.services.workbook import Sheet, write_workbook
from tests import test_delivery
from tests.harness import Running
from tests.test_delivery import World, paper

PNG = b"\x89PNG"
world = test_delivery.world  # the same fixture: a sender against the fake Telegram


@pytest.fixture
def rich_kind() -> Iterator[str]:
    async def build(ctx: RenderContext, delivery: Delivery, locale: str) -> list[Part]:
        args = delivery.items[0].args
        chart = await offload.off_loop(
            render_png, BarChart("Встречи", ["1", "2"], [Series("всего", [1, 3])])
        )
        book = await offload.off_loop(
            write_workbook, [Sheet("Пары", ["Наставник", "Встреч"], [[args["name"], 4]])]
        )
        return [
            Part(text=ctx.get("stale-button", locale)),
            Part(file=chart, filename="chart.png", as_photo=True),
            Part(text="<b>xlsx</b>", file=book, filename="pairs.xlsx"),
        ]

    register_rich("test-rich", build)
    yield "test-rich"
    RICH.pop("test-rich", None)


async def test_a_rich_notification_arrives_as_text_picture_and_workbook(
    world: World, rich_kind: str
) -> None:
    user = await world.person(701, "Орлова Вера")
    await world.enqueue(
        kind=rich_kind, subject="x", recipient_user_id=user, args={"name": "=Маша <3"}
    )
    offload.configure(0)
    await world.sender().drain()
    chat = world.fake.user(701).messages
    assert [bool(m.text) for m in chat] == [True, False, False]
    assert chat[1].photo is not None and chat[1].photo.startswith(PNG)
    assert chat[2].document is not None
    name, content = chat[2].document
    assert name == "pairs.xlsx" and chat[2].plain == "xlsx"
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Наставник", "Встреч"],
        ["=Маша <3", 4],  # typed text stays text, never a formula
    ]
    assert await world.statuses() == {"sent": 1}


async def test_a_builder_that_fails_ends_the_row_failed(world: World) -> None:
    async def broken(ctx: RenderContext, delivery: Delivery, locale: str) -> list[Part]:
        raise KeyError("programme")

    register_rich("test-broken", broken)
    try:
        user = await world.person(702, "Орлова Вера")
        await world.enqueue(kind="test-broken", subject="x", recipient_user_id=user)
        await world.sender().drain()
    finally:
        RICH.pop("test-broken", None)
    assert world.fake.user(702).messages == []
    assert await world.statuses() == {"failed:render": 1}


async def test_buttons_asked_for_by_a_notification_are_under_its_text(world: World) -> None:
    user = await world.person(703, "Smith John", locale="en")
    buttons = [[{"label": "menu-language", "open": "thing", "id": 42}]]
    await world.enqueue(**paper(user, args={"_buttons": buttons}))
    await world.sender().drain()
    message = world.fake.user(703).messages[0]
    assert "paper consent was received" in message.plain
    assert message.reply_markup == {
        "inline_keyboard": [[{"text": "🌐 Language", "callback_data": "open:thing:42"}]]
    }


async def test_the_process_pool_draws_off_the_event_loop() -> None:
    offload.configure(1)
    try:
        png = await offload.off_loop(render_png, BarChart("t", ["a"], [Series("s", [2])]))
    finally:
        offload.shutdown()
        offload.configure(0)
    assert png.startswith(PNG)


async def test_an_open_button_checks_access_and_a_stale_one_gets_a_polite_answer(
    tg: Running,
) -> None:
    opened: list[int] = []

    async def opener(manager: DialogManager, target_id: int) -> bool:
        if target_id != 7:  # what a service would say: not yours, or gone
            return False
        opened.append(target_id)
        await show_menu(manager)
        return True

    register_opener("test-thing", opener)
    try:
        user = tg.fake.user(704, "Вера")
        await user.send("/start")
        menu = user.last
        assert menu is not None
        await user.press_data("open:test-thing:7", message=menu)
        await user.press_data("open:test-thing:8", message=menu)
        await user.press_data("open:nothing:7", message=menu)
        await user.press_data("open:test-thing:x'--", message=menu)
        await user.press_data("open:test-thing:99999999999", message=menu)  # not an id
    finally:
        OPENERS.pop("test-thing", None)
    assert opened == [7]
    answers: list[Any] = user.callback_answers[-5:]
    assert answers[0].get("text") in (None, "")
    for answer in answers[1:]:
        assert answer["text"] == answers[1]["text"] and answer["text"]
    assert "меню" in user.last.plain.lower() if user.last else False


def test_a_control_character_typed_into_a_name_does_not_break_the_workbook() -> None:
    book = write_workbook([Sheet("Пары", ["ФИО"], [["Маша\x0b Петрова\x00"]])])
    sheet = load_workbook(io.BytesIO(book)).active
    assert sheet is not None and sheet["A2"].value == "Маша Петрова"


async def test_a_builder_that_fails_for_a_moment_is_tried_again(world: World) -> None:
    calls: list[int] = []

    async def flaky(ctx: RenderContext, delivery: Delivery, locale: str) -> list[Part]:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT", None, Exception("database is locked"))
        return [Part(text="готово")]

    register_rich("test-flaky", flaky)
    try:
        user = await world.person(705, "Орлова Вера")
        await world.enqueue(kind="test-flaky", subject="x", recipient_user_id=user)
        await world.sender().drain(follow=60)
    finally:
        RICH.pop("test-flaky", None)
    assert [m.plain for m in world.fake.user(705).messages] == ["готово"]
    assert len(calls) == 2 and await world.statuses() == {"sent": 1}
