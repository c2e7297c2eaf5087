"""The first minutes with the bot: greeting, help, language, cancel, and bad input."""

from __future__ import annotations

from tests.fake_telegram import FakeTelegram
from tests.harness import Running


async def test_start_greets_in_russian_and_shows_menu(tg: Running) -> None:
    anna = tg.fake.user(1001, "Анна", language_code="ru")
    await anna.send("/start")
    texts = anna.texts()
    assert "Здравствуйте, Анна" in texts[0]
    assert "Наставник" in texts[0]
    assert "Главное меню" in texts[-1]
    assert "🌐 Язык" in anna.last.buttons()


async def test_start_greets_in_english_for_english_telegram(tg: Running) -> None:
    john = tg.fake.user(1002, "John", language_code="en-GB")
    await john.send("/start")
    assert "Hello, John" in john.texts()[0]


async def test_unknown_language_falls_back_to_default(tg: Running) -> None:
    hans = tg.fake.user(1003, "Hans", language_code="de")
    await hans.send("/start")
    assert "Здравствуйте" in hans.texts()[0]


async def test_language_choice_is_remembered(tg: Running) -> None:
    anna = tg.fake.user(1004, "Анна", language_code="ru")
    await anna.send("/language")
    assert "Выберите язык" in anna.last.body
    await anna.press("English")
    assert "Language saved" in anna.callback_answers[-1]["text"]
    await anna.send("/help")
    assert "What I can do" in anna.last.body
    # Telegram's language_code says ru, the saved choice wins.
    await anna.send("/start")
    assert any("Hello, Анна" in t for t in anna.texts())


async def test_help_lists_commands(tg: Running) -> None:
    anna = tg.fake.user(1005, "Анна")
    await anna.send("/help")
    assert "/language" in anna.last.body and "/cancel" in anna.last.body


async def test_text_where_a_button_is_expected_gets_a_hint(tg: Running) -> None:
    anna = tg.fake.user(1006, "Анна")
    await anna.send("/language")
    await anna.send("английский пожалуйста")
    texts = anna.texts()
    assert any("выберите вариант кнопкой" in t for t in texts)
    # The buttons come again below the hint, nothing is lost.
    assert "English" in anna.last.buttons()


async def test_cancel_leaves_the_dialog(tg: Running) -> None:
    anna = tg.fake.user(1007, "Анна")
    await anna.send("/language")
    await anna.send("/cancel")
    assert any("отменено" in t for t in anna.texts())
    assert "Главное меню" in anna.last.body


async def test_unknown_text_outside_dialogs_is_answered(tg: Running) -> None:
    anna = tg.fake.user(1008, "Анна")
    await anna.send("/start")
    await anna.send("/cancel")
    await anna.send("привет")
    assert "Главное меню" in anna.last.body


async def test_forged_callback_gets_menu_not_error(tg: Running) -> None:
    anna = tg.fake.user(1009, "Анна")
    await anna.send("/start")
    await anna.press_data("aiogd_zzz\x1dnothing", message=anna.last)
    assert anna.callback_answers, "the callback must be answered"
    assert "устарела" in anna.callback_answers[-1]["text"]
    assert "Главное меню" in anna.last.body


async def test_commands_registered_per_language(tg: Running, fake: FakeTelegram) -> None:
    ru = fake.commands_for(language_code="ru")
    en = fake.commands_for(language_code="en")
    assert {c["command"] for c in ru} == {"start", "help", "mydata", "language", "cancel"}
    assert any(c["description"] == "Bot language" for c in en)
    assert any(c["description"] == "Язык бота" for c in ru)


async def test_start_shows_hostile_first_names_as_typed(tg: Running) -> None:
    """Names go into HTML messages escaped by the i18n core, not by hand in each handler."""
    for user_id, name in ((1050, "Маша <3"), (1051, "Tom & Jerry"), (1052, "<b>x</b>")):
        person = tg.fake.user(user_id, name, language_code="ru")
        await person.send("/start")
        seen = [m.plain for m in person.messages if not m.deleted]
        assert f"Здравствуйте, {name}" in seen[0]
        assert "Главное меню" in seen[-1]
