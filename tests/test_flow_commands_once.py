"""A person's command list is sent to Telegram when it changes, not on every /start."""

from __future__ import annotations

from tests.harness import Running


def chat_command_calls(tg: Running, chat_id: int) -> list[object]:
    return [
        c
        for c in tg.fake.calls_of("setMyCommands")
        if "chat" in str(c.params.get("scope")) and str(chat_id) in str(c.params.get("scope"))
    ]


async def test_repeated_start_sets_the_commands_once(tg: Running) -> None:
    anna = tg.fake.user(1301, "Анна", language_code="ru")
    await anna.send("/start")
    await anna.send("/start")
    await anna.send("/start")
    assert len(chat_command_calls(tg, anna.id)) == 1
    names = [c["command"] for c in tg.fake.commands_visible_to(anna)]
    assert "start" in names and "help" in names
    # Every /start still greets and shows the menu.
    assert sum("Здравствуйте, Анна" in t for t in anna.texts()) == 3


async def test_a_new_language_sets_the_commands_again(tg: Running) -> None:
    anna = tg.fake.user(1302, "Анна", language_code="ru")
    await anna.send("/start")
    before = tg.fake.commands_visible_to(anna)
    await anna.send("/language")
    await anna.press("English")
    await anna.send("/start")
    after = tg.fake.commands_visible_to(anna)
    assert len(chat_command_calls(tg, anna.id)) == 2
    assert [c["command"] for c in after] == [c["command"] for c in before]
    assert after != before  # the descriptions are in English now


async def test_a_failed_call_is_tried_again_on_the_next_start(tg: Running) -> None:
    anna = tg.fake.user(1303, "Анна", language_code="ru")
    tg.fake.fail_next("setMyCommands", error_code=400)
    await anna.send("/start")
    assert tg.fake.commands_for(scope={"type": "chat", "chat_id": anna.id}) == []
    await anna.send("/start")
    assert len(chat_command_calls(tg, anna.id)) == 2
    assert "help" in [c["command"] for c in tg.fake.commands_visible_to(anna)]
