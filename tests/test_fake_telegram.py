"""Tests of the fake Telegram server itself, driven by a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
import struct
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
)

from tests.fake_telegram import FakeTelegram, FakeUser, SentMessage
from tests.fake_telegram.html_check import EntityParseError, parse_html


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data) for text, data in row]
            for row in rows
        ]
    )


async def _close(bot: Bot) -> None:
    # AiohttpSession.close() sleeps 250 ms for TLS shutdown; plain HTTP does not need it.
    session = bot.session
    assert isinstance(session, AiohttpSession)
    client = session._session
    if client is not None and not client.closed:
        await client.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


def _make_bot(fake: FakeTelegram, token: str | None = None, **kwargs: Any) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    return Bot(token or fake.token, session=session, **kwargs)


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    instance = _make_bot(fake, default=DefaultBotProperties(parse_mode="HTML"))
    yield instance
    await _close(instance)


@pytest.fixture
def alice(fake: FakeTelegram) -> FakeUser:
    return fake.user(1001, "Alice", username="alice")


# ------------------------------------------------------------------------------ basics
async def test_get_me_and_calls_log(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == fake.bot_id == 123456
    assert me.username == "nastavnik_test_bot"
    assert me.is_bot
    [call] = fake.calls_of("getMe")
    assert call.ok and call.error is None and call.result["id"] == 123456


async def test_wrong_token_is_unauthorized(fake: FakeTelegram) -> None:
    intruder = _make_bot(fake, token="42:wrong-token")
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await intruder.get_me()
    finally:
        await _close(intruder)
    assert fake.calls[-1].error == "Unauthorized"


async def test_unknown_method_is_404(fake: FakeTelegram) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{fake.base_url}/bot{fake.token}/sendTeleport") as resp,
    ):
        assert resp.status == 404
        assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_user_is_same_object_per_id(fake: FakeTelegram) -> None:
    assert fake.user(5, "A") is fake.user(5)
    assert fake.user(5).first_name == "A"


# ------------------------------------------------------------------------------ messages
async def test_send_edit_delete_lifecycle(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    sent = await bot.send_message(
        alice.id, "<b>Привет</b>, Alice", reply_markup=_keyboard([("Да", "yes")])
    )
    assert sent.text == "Привет, Alice"
    assert sent.entities is not None and sent.entities[0].type == "bold"
    assert sent.html_text == "<b>Привет</b>, Alice"
    assert sent.reply_markup is not None

    last = alice.last
    assert isinstance(last, SentMessage)
    assert last.text == "<b>Привет</b>, Alice"
    assert last.plain == "Привет, Alice"
    assert last.parse_mode == "HTML"
    assert last.buttons() == ["Да"]

    edited = await bot.edit_message_text(text="Пока", chat_id=alice.id, message_id=sent.message_id)
    assert isinstance(edited, Message) and edited.text == "Пока"
    assert last.edits == 1 and last.body == "Пока"
    assert last.buttons() == []  # editMessageText without reply_markup drops the keyboard
    assert last.history == ["<b>Привет</b>, Alice"]

    with pytest.raises(TelegramBadRequest, match="message is not modified: specified new"):
        await bot.edit_message_text(text="Пока", chat_id=alice.id, message_id=sent.message_id)

    assert await bot.delete_message(alice.id, sent.message_id)
    assert last.deleted and alice.last is None and alice.texts() == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(alice.id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=alice.id, message_id=sent.message_id)


async def test_not_modified_compares_rendered_content(bot: Bot, alice: FakeUser) -> None:
    sent = await bot.send_message(alice.id, "<b>x</b>")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="<strong>x</strong>", chat_id=alice.id, message_id=sent.message_id
        )
    await bot.edit_message_text(text="<i>x</i>", chat_id=alice.id, message_id=sent.message_id)


async def test_edit_reply_markup(bot: Bot, alice: FakeUser) -> None:
    sent = await bot.send_message(alice.id, "menu", reply_markup=_keyboard([("A", "a")]))
    await bot.edit_message_reply_markup(
        chat_id=alice.id, message_id=sent.message_id, reply_markup=_keyboard([("B", "b")])
    )
    assert alice.messages[0].buttons() == ["B"]
    await bot.edit_message_reply_markup(chat_id=alice.id, message_id=sent.message_id)
    assert alice.messages[0].buttons() == []
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=alice.id, message_id=sent.message_id)


async def test_users_own_message_cannot_be_edited_but_can_be_deleted(
    fake: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    await alice.send("hello")
    own_id = fake.updates[-1]["message"]["message_id"]
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text(text="x", chat_id=alice.id, message_id=own_id)
    assert await bot.delete_message(alice.id, own_id)


async def test_unknown_chat(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999, "hi")


# ------------------------------------------------------------------------------ limits
@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "message text is empty"),
        ("   \n ", "message text is empty"),
        ("<b></b>", "message text is empty"),
        ("x" * 4097, "message is too long"),
        ("<b>x", "can't parse entities: Can't find end tag corresponding to start tag \"b\""),
        (
            "<blink>x</blink>",
            'can\'t parse entities: Unsupported start tag "blink" at byte offset 0',
        ),
        ("1 < 2", 'can\'t parse entities: Unsupported start tag "" at byte offset 2'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("AT&T", "can't parse entities: Character '&' at byte offset 2"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<br/>", 'Unsupported start tag "br/"'),
    ],
)
async def test_text_limits_and_html_errors(
    bot: Bot, alice: FakeUser, text: str, error: str
) -> None:
    with pytest.raises(TelegramBadRequest) as info:
        await bot.send_message(alice.id, text)
    assert error in info.value.message
    assert info.value.message.startswith("Bad Request: ")
    assert alice.messages == []


async def test_length_counts_visible_text(bot: Bot, alice: FakeUser) -> None:
    text = "<b>" + "я" * 4096 + "</b>"
    await bot.send_message(alice.id, text)
    assert len(alice.messages[0].plain) == 4096


async def test_html_allowed_markup(bot: Bot, alice: FakeUser) -> None:
    text = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del><span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler>'
        '<a href="https://example.com/?a=1&amp;b=2">l</a><code>c</code>'
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote expandable>q</blockquote><blockquote>r</blockquote>"
        '&lt;&gt;&amp;&quot;&#65;&#x42;<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    sent = await bot.send_message(alice.id, text)
    assert sent.text is not None and sent.text.endswith('<>&"AB👍')
    kinds = [e.type for e in sent.entities or []]
    assert "text_link" in kinds and "pre" in kinds and "expandable_blockquote" in kinds
    pre = next(e for e in sent.entities or [] if e.type == "pre")
    assert pre.language == "python"
    link = next(e for e in sent.entities or [] if e.type == "text_link")
    assert link.url == "https://example.com/?a=1&b=2"


def test_html_entity_offsets_are_utf16() -> None:
    parsed = parse_html("😀 <b>жир</b>")
    assert parsed.text == "😀 жир"
    assert parsed.entities == [{"type": "bold", "offset": 3, "length": 3}]
    with pytest.raises(EntityParseError, match="byte offset 5"):
        parse_html("😀 <x>")
    assert parse_html("AT&T", strict_ampersand=False).text == "AT&T"


async def test_caption_limit(bot: Bot, alice: FakeUser) -> None:
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_document(alice.id, BufferedInputFile(b"data", "a.txt"), caption="c" * 1025)
    sent = await bot.send_document(alice.id, BufferedInputFile(b"data", "a.txt"), caption="ok")
    with pytest.raises(TelegramBadRequest, match="MEDIA_CAPTION_TOO_LONG"):
        await bot.edit_message_caption(
            chat_id=alice.id, message_id=sent.message_id, caption="c" * 1025
        )
    await bot.edit_message_caption(chat_id=alice.id, message_id=sent.message_id, caption="new")
    assert alice.last is not None and alice.last.caption == "new"
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text(text="x", chat_id=alice.id, message_id=sent.message_id)


@pytest.mark.parametrize(
    ("button", "error"),
    [
        (InlineKeyboardButton(text="x", callback_data="d" * 65), "BUTTON_DATA_INVALID"),
        (InlineKeyboardButton(text="x", callback_data="ж" * 33), "BUTTON_DATA_INVALID"),
        (InlineKeyboardButton(text="x", callback_data=""), "BUTTON_DATA_INVALID"),
        (InlineKeyboardButton(text="x"), "Text buttons are unallowed in the inline keyboard"),
        (
            InlineKeyboardButton(text="x", callback_data="a", url="https://e.com"),
            "exactly one of the optional fields",
        ),
        (InlineKeyboardButton(text="", callback_data="a"), "Text must be non-empty"),
    ],
)
async def test_inline_keyboard_validation(
    bot: Bot, alice: FakeUser, button: InlineKeyboardButton, error: str
) -> None:
    markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.send_message(alice.id, "kbd", reply_markup=markup)
    await bot.send_message(alice.id, "kbd", reply_markup=_keyboard([("ok", "d" * 64)]))


async def test_edit_message_media(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    sent = await bot.send_message(alice.id, "text first", reply_markup=_keyboard([("A", "a")]))
    png = _png(4, 4)
    await bot.edit_message_media(
        media=InputMediaPhoto(media=BufferedInputFile(png, "p.png"), caption="<b>pic</b>"),
        chat_id=alice.id,
        message_id=sent.message_id,
        reply_markup=_keyboard([("B", "b")]),
    )
    message = alice.messages[0]
    assert message.photo == png and message.text is None and message.plain == "pic"
    assert message.buttons() == ["B"] and message.edits == 1
    media_param = fake.calls_of("editMessageMedia")[0].params["media"]
    assert media_param["media"].content == png


async def test_raw_json_requests_and_webhook(fake: FakeTelegram, alice: FakeUser) -> None:
    url = f"{fake.base_url}/bot{fake.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/sendMessage", json={"chat_id": alice.id, "text": "raw"}) as r:
            body = await r.json()
        assert body["ok"] and body["result"]["text"] == "raw"
        await alice.send("queued")
        async with http.post(f"{url}/setWebhook", json={"url": "https://x.example/hook"}) as r:
            assert (await r.json())["result"] is True
        async with http.get(f"{url}/getUpdates") as r:
            assert r.status == 409
        async with http.get(f"{url}/getWebhookInfo") as r:
            info = (await r.json())["result"]
        assert info["url"] == "https://x.example/hook" and info["pending_update_count"] == 1
        async with http.get(f"{url}/deleteWebhook?drop_pending_updates=true") as r:
            assert (await r.json())["result"] is True
    assert fake.pending_updates == []
    assert fake.internal_errors == []


# ------------------------------------------------------------------------------ errors
async def test_blocked_user_gets_403(bot: Bot, alice: FakeUser) -> None:
    sent = await bot.send_message(alice.id, "before")
    alice.block()
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(alice.id, "hi")
    with pytest.raises(TelegramForbiddenError):
        await bot.edit_message_text(text="x", chat_id=alice.id, message_id=sent.message_id)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(alice.id, "typing")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_document(alice.id, BufferedInputFile(b"x", "x.txt"))
    with pytest.raises(AssertionError, match="blocked the bot"):
        await alice.send("/start")
    alice.unblock()
    await bot.send_message(alice.id, "after")
    assert alice.texts() == ["before", "after"]


async def test_fail_next_injects_retry_after(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    fake.fail_next("sendMessage", retry_after=7, times=2)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as info:
            await bot.send_message(alice.id, "hi")
        assert info.value.retry_after == 7
        assert "Too Many Requests: retry after 7" in info.value.message
    await bot.send_message(alice.id, "hi")
    assert [c.ok for c in fake.calls_of("sendMessage")] == [False, False, True]
    assert alice.texts() == ["hi"]

    fake.fail_next("getMe", error_code=500)
    with pytest.raises(TelegramServerError):
        await bot.get_me()
    fake.fail_next("sendMessage", error_code=403)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(alice.id, "hi")


# ------------------------------------------------------------------------------ commands
async def test_commands_scopes_and_languages(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    default = [BotCommand(command="start", description="Начать")]
    english = [BotCommand(command="start", description="Start")]
    personal = [BotCommand(command="admin", description="Админка")]
    await bot.set_my_commands(default)
    await bot.set_my_commands(english, language_code="en")
    await bot.set_my_commands(personal, scope=BotCommandScopeChat(chat_id=alice.id))

    assert fake.commands_for() == [{"command": "start", "description": "Начать"}]
    assert fake.commands_for(language_code="en")[0]["description"] == "Start"
    assert fake.commands_for(scope={"type": "chat", "chat_id": alice.id})[0]["command"] == "admin"
    assert fake.commands_for(scope={"type": "all_private_chats"}) == []
    assert ('{"type":"default"}', "en") in fake.commands

    got = await bot.get_my_commands(language_code="en")
    assert [c.description for c in got] == ["Start"]

    assert fake.commands_visible_to(alice)[0]["command"] == "admin"
    bob = fake.user(2002, "Bob", language_code="en")
    assert fake.commands_visible_to(bob)[0]["description"] == "Start"

    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=alice.id))
    assert fake.commands_visible_to(alice)[0]["description"] == "Начать"
    await bot.set_my_commands(default, scope=BotCommandScopeAllPrivateChats())
    assert fake.commands_for(scope={"type": "all_private_chats"}) != []

    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])


async def test_menu_button_and_chat_action(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    from aiogram.types import MenuButtonCommands

    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert fake.menu_buttons[None] == {"type": "commands"}
    assert await bot.send_chat_action(alice.id, "typing")
    assert alice.chat_actions == ["typing"]


# ------------------------------------------------------------------------------ getUpdates
async def test_get_updates_offset_and_long_poll(
    fake: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    await alice.send("/start deep")
    [first] = await bot.get_updates(timeout=0)
    assert first.message is not None and first.message.text == "/start deep"
    entity = (first.message.entities or [])[0]
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 6)
    assert first.message.from_user is not None and first.message.from_user.username == "alice"

    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [first.update_id]  # not confirmed yet

    poll = asyncio.create_task(bot.get_updates(offset=first.update_id + 1, timeout=5))
    await fake.wait_polling()
    assert fake.pending_updates == []  # the offset confirmed the first update
    started = time.monotonic()
    await alice.send("second")
    got = await poll
    assert time.monotonic() - started < 1.0
    assert [u.message.text for u in got if u.message] == ["second"]

    empty_started = time.monotonic()
    assert await bot.get_updates(offset=got[-1].update_id + 1, timeout=1) == []
    assert time.monotonic() - empty_started >= 0.9


async def test_get_updates_limit_and_conflict(
    fake: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    for i in range(3):
        await alice.send(f"m{i}")
    assert len(await bot.get_updates(limit=2)) == 2
    await bot.get_updates(offset=-1)  # negative offset keeps the last update only
    assert [u["message"]["text"] for u in fake.pending_updates] == ["m2"]

    await bot.get_updates(offset=fake.pending_updates[-1]["update_id"] + 1)
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_polling()
    second = asyncio.create_task(bot.get_updates(timeout=5))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await first
    await alice.send("wake up")
    assert [u.message.text for u in await second if u.message] == ["wake up"]


# ------------------------------------------------------------------------------ flow mode
def _demo_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(
            "Выберите роль",
            reply_markup=_keyboard([("Ученик", "role:student"), ("Наставник", "role:mentor")]),
        )

    @router.callback_query(F.data.startswith("role:"))
    async def role(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.answer("Принято")
        await query.message.edit_text(f"Роль: <b>{query.data}</b>")

    @router.callback_query()
    async def other(query: CallbackQuery) -> None:
        await query.answer("Неизвестная кнопка", show_alert=True)

    @router.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        assert message.document is not None
        data = await bot.download(message.document.file_id)
        assert data is not None
        await message.answer_document(
            BufferedInputFile(data.read().upper(), "reply.txt"), caption="готово"
        )

    return router


async def test_update_sink_flow(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    dp = Dispatcher()
    dp.include_router(_demo_router())
    fake.update_sink = lambda update: dp.feed_raw_update(bot, update)

    await alice.send("/start")
    menu = alice.last
    assert menu is not None and menu.body == "Выберите роль"
    assert menu.button_rows() == [["Ученик", "Наставник"]]

    await alice.press("Настав")  # substring match
    assert menu.plain == "Роль: role:mentor" and menu.edits == 1
    assert alice.callback_answers[-1]["text"] == "Принято"
    assert fake.unanswered_callbacks() == []
    assert fake.pending_updates == []  # nothing queued in sink mode

    await alice.press_data("forged", message=menu)
    assert alice.callback_answers[-1] == {
        "callback_query_id": alice.callback_answers[-1]["callback_query_id"],
        "text": "Неизвестная кнопка",
        "show_alert": True,
        "url": None,
        "cache_time": None,
    }


async def test_document_upload_and_bot_document(
    fake: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    dp = Dispatcher()
    dp.include_router(_demo_router())
    fake.update_sink = lambda update: dp.feed_raw_update(bot, update)

    await alice.send_document("plan.txt", b"hello plan", caption="мой план")
    uploaded = fake.updates[-1]["message"]["document"]
    assert uploaded["file_name"] == "plan.txt" and uploaded["mime_type"] == "text/plain"
    assert fake.files[uploaded["file_id"]] == b"hello plan"
    assert fake.calls_of("getFile")[0].ok

    reply = alice.last
    assert reply is not None
    assert reply.document == ("reply.txt", b"HELLO PLAN")
    assert reply.caption == "готово" and reply.body == "готово"
    assert reply.file_id is not None and fake.files[reply.file_id] == b"HELLO PLAN"
    upload = fake.calls_of("sendDocument")[0].params["document"]
    assert upload.filename == "reply.txt"

    # the bot can re-send a stored file by its file_id
    again = await bot.send_document(alice.id, reply.file_id)
    assert again.document is not None and again.document.file_id == reply.file_id


async def test_send_photo(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    png = _png(3, 2)
    sent = await bot.send_photo(
        alice.id, BufferedInputFile(png, "chart.png"), caption="<i>график</i>"
    )
    assert sent.photo is not None
    assert (sent.photo[-1].width, sent.photo[-1].height) == (3, 2)
    assert sent.caption == "график"
    assert alice.last is not None and alice.last.photo == png
    file = await bot.get_file(sent.photo[-1].file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == png
    with pytest.raises(TelegramBadRequest, match="file must be non-empty"):
        await bot.send_photo(alice.id, BufferedInputFile(b"", "empty.png"))
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(alice.id, "no-such-file-id")


async def test_callback_query_answered_twice(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    answered: list[str] = []

    async def sink(update: dict[str, Any]) -> None:
        query_id = update["callback_query"]["id"]
        answered.append(query_id)
        await bot.answer_callback_query(query_id, text="ok")

    await bot.send_message(alice.id, "q", reply_markup=_keyboard([("Go", "go")]))
    fake.update_sink = sink
    await alice.press("Go")
    with pytest.raises(TelegramBadRequest, match="query is too old and response timeout expired"):
        await bot.answer_callback_query(answered[0])
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("nonsense")


async def test_press_errors(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    fake.update_sink = _ignore
    await bot.send_message(alice.id, "old", reply_markup=_keyboard([("Да", "old-yes")]))
    await bot.send_message(
        alice.id, "new", reply_markup=_keyboard([("Да, точно", "a"), ("Да, конечно", "b")])
    )
    with pytest.raises(AssertionError, match="no inline button 'Нет'") as info:
        await alice.press("Нет")
    assert "Да, точно" in str(info.value)
    await alice.press("Да")  # exact match in the older message wins over substrings
    assert fake.updates[-1]["callback_query"]["data"] == "old-yes"
    with pytest.raises(AssertionError, match="ambiguous"):
        await alice.press("Да,")
    await alice.press("точно")
    assert fake.updates[-1]["callback_query"]["data"] == "a"

    url_markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Site", url="https://example.com")]]
    )
    await bot.send_message(alice.id, "link", reply_markup=url_markup)
    with pytest.raises(AssertionError, match="not a callback button"):
        await alice.press("Site")


async def _ignore(update: dict[str, Any]) -> None:
    return None


async def test_copy_message(fake: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    bob = fake.user(2002, "Bob")
    await alice.send("от Алисы")
    own_id = fake.updates[-1]["message"]["message_id"]
    copied = await bot.copy_message(bob.id, alice.id, own_id)
    assert bob.last is not None and bob.last.message_id == copied.message_id
    assert bob.texts() == ["от Алисы"]


# ------------------------------------------------------------------------------ end-to-end
async def test_polling_end_to_end(fake: FakeTelegram, alice: FakeUser) -> None:
    bot = _make_bot(fake, default=DefaultBotProperties(parse_mode="HTML"))
    dp = Dispatcher()
    dp.include_router(_demo_router())
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=5)
    )
    try:
        await fake.wait_polling()
        await alice.send("/start")
        menu = await alice.wait_message("Выберите роль")
        await alice.press("Ученик", message=menu)
        edited = await alice.wait_message(lambda m: "Роль" in m.plain)
        assert edited is menu and menu.plain == "Роль: role:student"
        await fake.wait_idle()
        assert alice.callback_answers[-1]["text"] == "Принято"
        assert fake.pending_updates == []  # everything fetched and confirmed
        with pytest.raises(AssertionError, match="no bot message"):
            await alice.wait_message("never", timeout=0.2)
    finally:
        await dp.stop_polling()
        await polling
        await _close(bot)
