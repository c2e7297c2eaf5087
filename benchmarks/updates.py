"""How fast the bot handles updates, beside the floor of what aiogram + SQLite can do.

Run from the repository root:  .venv/bin/python benchmarks/updates.py [--people N]

A realistic mix of updates — commands, menu navigation, dialog steps with typed text,
button presses — goes through the project's real dispatcher (bot.factory), on a fresh
SQLite database with the bot's own settings, with a Bot whose session answers at once (in
process, no HTTP). In the same run, the floor: a bare aiogram Dispatcher answering each of
the same updates plus one SQLAlchemy INSERT+COMMIT on the same SQLite settings. People act
at the same time (each one's steps in order), like a class opening the bot together.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, Message, Update, User
from sqlalchemy import Column, Integer, MetaData, String, Table, insert

from bot.config import Settings
from bot.factory import create_application, create_bot
from bot.services.hub import ServiceHub, ServiceSettings
from bot.storage.database import create_engine
from bot.storage.migrate import upgrade_async
from tests.statements import statements_and_transactions

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
BOT_ID = 123456
ADMIN_ID = 900
FLOOR_ROUNDS = 3


# --------------------------------------------------------------------------- a Bot API in process
@dataclass
class Chat:
    """What one person sees: the bot's messages in their private chat."""

    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


class InstantSession(BaseSession):
    """Answers every Bot API call at once with what Telegram would return."""

    def __init__(self) -> None:
        super().__init__()
        self.chats: dict[int, Chat] = {}
        self.calls: Counter[str] = Counter()

    def chat(self, chat_id: int) -> Chat:
        return self.chats.setdefault(chat_id, Chat())

    async def close(self) -> None:
        pass

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 (aiogram's signature)
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    def _message(self, chat_id: int, message_id: int, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Наставник"},
            **body,
        }

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "GetMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "Наставник", "username": "b_bot"}
        chat_id = params.get("chat_id")
        if name in ("SendMessage", "SendDocument", "SendPhoto"):
            chat = self.chat(int(chat_id))  # type: ignore[arg-type]
            body: dict[str, Any] = {"text": params.get("text") or params.get("caption") or ""}
            markup = params.get("reply_markup")
            if markup is not None and hasattr(markup, "inline_keyboard"):
                body["reply_markup"] = markup.model_dump(exclude_none=True)
            message = self._message(int(chat_id), next(chat.ids), body)  # type: ignore[arg-type]
            chat.messages[message["message_id"]] = message
            return message
        if name in ("EditMessageText", "EditMessageReplyMarkup", "EditMessageCaption"):
            chat = self.chat(int(chat_id))  # type: ignore[arg-type]
            message_id = int(params["message_id"])
            message = chat.messages.setdefault(
                message_id,
                self._message(int(chat_id), message_id, {"text": ""}),  # type: ignore[arg-type]
            )
            if "text" in params and params["text"] is not None:
                message["text"] = params["text"]
            markup = params.get("reply_markup")
            if markup is not None and hasattr(markup, "inline_keyboard"):
                message["reply_markup"] = markup.model_dump(exclude_none=True)
            elif "reply_markup" in message and name != "EditMessageCaption":
                message.pop("reply_markup")
            return message
        if name == "DeleteMessage":
            self.chat(int(chat_id)).messages.pop(int(params["message_id"]), None)  # type: ignore[arg-type]
        return True

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        name = type(method).__name__
        self.calls[name] += 1
        params = {key: getattr(method, key) for key in type(method).model_fields}
        result = self._result(name, params)
        if name == "GetMe":
            return User.model_validate(result, context={"bot": bot})  # type: ignore[return-value]
        if isinstance(result, dict):
            return Message.model_validate(result, context={"bot": bot})  # type: ignore[return-value]
        return result  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- people
class Person:
    """One person in their private chat: types, presses buttons by label."""

    update_ids = itertools.count(1)

    def __init__(self, user_id: int, session: InstantSession, feed: Feed) -> None:
        self.id = user_id
        self.session = session
        self.feed = feed
        self.log: list[dict[str, Any]] = []
        self.missed: list[str] = []

    def _user(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": "Ольга", "language_code": "ru"}

    async def send(self, text: str) -> None:
        message: dict[str, Any] = {
            "message_id": 10_000 + next(self.update_ids),
            "date": int(time.time()),
            "chat": {"id": self.id, "type": "private", "first_name": "Ольга"},
            "from": self._user(),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        await self._update({"update_id": next(self.update_ids), "message": message})

    async def press(self, *labels: str) -> None:
        """Press the first button (newest message first) whose label holds one of `labels`."""
        chat = self.session.chat(self.id)
        for message in sorted(chat.messages.values(), key=lambda m: -m["message_id"]):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
            for label in labels:
                for button in (b for row in rows for b in row):
                    if label in button.get("text", "") and button.get("callback_data"):
                        await self._update(
                            {
                                "update_id": next(self.update_ids),
                                "callback_query": {
                                    "id": str(next(self.update_ids)),
                                    "from": self._user(),
                                    "message": message,
                                    "chat_instance": str(self.id),
                                    "data": button["callback_data"],
                                },
                            }
                        )
                        return
        self.missed.append(labels[0])

    async def _update(self, raw: dict[str, Any]) -> None:
        self.log.append(raw)
        await self.feed(raw)


Feed = Callable[[dict[str, Any]], Awaitable[None]]


async def scenario(person: Person, invite_payload: str) -> None:
    """A curator's first minutes: join by invite, register, look around, change language."""
    await person.send(f"/start {invite_payload}")
    await person.press("Продолжить")
    await person.press("Даю согласие")
    await person.send("Петрова Ольга Ивановна")  # typed text in a dialog
    await person.press("Сохранить")
    await person.send("/start")
    await person.press("Программы")  # menu navigation
    await person.press("Назад")
    await person.press("Участники")
    await person.press("Назад")
    await person.send("/help")
    await person.send("/language")
    await person.press("English")
    await person.send("/start")
    await person.press("Language", "Язык")
    await person.press("Русский")
    await person.send("что тут можно сделать?")  # typed text outside a dialog
    await person.press("Мои данные")
    await person.press("Назад")
    await person.send("/start")


# --------------------------------------------------------------------------- counting statements
# --------------------------------------------------------------------------- the two runs
def settings_for(url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        database_url=url,
        admin_ids=str(ADMIN_ID),
        redis_url=None,
        log_level="WARNING",
        # What is measured is handling, not Telegram's limits: the send budget stays out of it.
        send_rate_per_second=1000,
        send_seconds_per_chat=0,
    )


async def invites_for(settings: Settings, app: Any, count: int) -> list[str]:
    """A school with a programme, and one curator invitation per person."""
    hub_settings = ServiceSettings(admin_ids=frozenset({ADMIN_ID}))
    async with app.session_factory() as session:
        hub = ServiceHub(session, hub_settings)
        admin = await hub.access.actor(await hub.users.touch(ADMIN_ID, "ru"))
        municipality = await hub.organisations.create(
            admin, kind="municipality", name="Район", timezone="Europe/Moscow"
        )
        school = await hub.organisations.create(
            admin,
            kind="school",
            name="Школа № 7",
            timezone="Europe/Moscow",
            parent_id=municipality.id,
        )
        await hub.programmes.create(
            admin,
            school_id=school.id,
            name="Учитель – учитель",
            form_key="teacher_teacher",
            period_start=date(2026, 9, 1),
            period_end=date(2027, 5, 31),
        )
        payloads = []
        for _ in range(count):
            created = await hub.invites.create(
                admin, organisation_id=school.id, role="curator", programme_id=None, max_uses=1
            )
            payloads.append(created.payload)
        await session.commit()
    return payloads


async def run_real(
    folder: Path, people: int, warmup: int
) -> tuple[float, int, Counter[str], list[list[dict[str, Any]]], int]:
    url = f"sqlite+aiosqlite:///{folder / 'bot.db'}"
    await upgrade_async(url)
    settings = settings_for(url)
    app = create_application(settings)
    session = InstantSession()
    try:
        bot = create_bot(settings, session=session)
    except TypeError:  # an older create_bot, without `session` (to compare with a past commit)
        bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    dp = app.dispatcher

    async def feed(raw: dict[str, Any]) -> None:
        await dp.feed_update(bot, Update.model_validate(raw, context={"bot": bot}))

    await dp.emit_startup(bot=bot, dispatcher=dp, bots=[bot])
    payloads = await invites_for(settings, app, warmup + people)
    try:
        # Warm-up: caches (SQL compilation, Fluent, pydantic) filled, as in a running bot.
        warm = [Person(500_000 + n, session, feed) for n in range(warmup)]
        await asyncio.gather(*(scenario(p, payloads[n]) for n, p in enumerate(warm)))
        crowd = [Person(600_000 + n, session, feed) for n in range(people)]
        with statements_and_transactions(app.engine) as seen:
            started = time.perf_counter()
            await asyncio.gather(*(scenario(p, payloads[warmup + n]) for n, p in enumerate(crowd)))
            elapsed = time.perf_counter() - started
        missed = sum(len(p.missed) for p in crowd)
        if missed:
            first = next(p for p in crowd if p.missed)
            print("missed:", first.missed, file=sys.stderr)
        updates = sum(len(p.log) for p in crowd)
        return elapsed, updates, seen, [p.log for p in crowd], missed
    finally:
        await dp.emit_shutdown(bot=bot, dispatcher=dp, bots=[bot])
        await app.close()


async def run_floor(folder: Path, logs: list[list[dict[str, Any]]]) -> tuple[float, int]:
    """Bare aiogram: answer each update, plus one INSERT+COMMIT, same SQLite settings."""
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'floor.db'}")
    metadata = MetaData()
    table = Table(
        "seen", metadata, Column("id", Integer, primary_key=True), Column("kind", String(16))
    )
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    bot = Bot(
        TOKEN, session=InstantSession(), default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )
    dp = Dispatcher()

    async def save(kind: str) -> None:
        async with engine.connect() as conn:
            await conn.execute(insert(table).values(kind=kind))
            await conn.commit()

    @dp.message(F.text)
    async def on_message(message: Message) -> None:
        await save("message")
        await message.answer("ok")

    @dp.callback_query()
    async def on_callback(callback: CallbackQuery) -> None:
        await save("callback")
        await callback.answer()

    async def replay(log: list[dict[str, Any]]) -> None:
        for raw in log:
            await dp.feed_update(bot, Update.model_validate(raw, context={"bot": bot}))

    try:
        await replay(logs[0])  # warm-up
        rounds = []
        for _ in range(FLOOR_ROUNDS):  # it is short: the median of a few rounds
            started = time.perf_counter()
            await asyncio.gather(*(replay(log) for log in logs))
            rounds.append(time.perf_counter() - started)
    finally:
        await engine.dispose()
    return statistics.median(rounds), sum(len(log) for log in logs)


async def main(people: int, warmup: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiogram").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="nastavnik-bench-") as tmp:
        folder = Path(tmp)
        real_s, real_n, seen, logs, missed = await run_real(folder, people, warmup)
        floor_s, floor_n = await run_floor(folder, logs)
    real_rate = real_n / real_s
    floor_rate = floor_n / floor_s
    ratio = real_rate / floor_rate
    print(f"{'':34}{'updates':>10}{'seconds':>10}{'updates/s':>12}")
    print(f"{'bot (real dispatcher)':34}{real_n:>10}{real_s:>10.2f}{real_rate:>12.0f}")
    print(f"{'floor (aiogram + INSERT/COMMIT)':34}{floor_n:>10}{floor_s:>10.2f}{floor_rate:>12.0f}")
    print(f"{'ratio bot / floor':34}{ratio:>32.2f}")
    print()
    print("SQL statements per update (bot):")
    total = sum(seen.values())
    for kind, count in sorted(seen.items(), key=lambda kv: -kv[1]):
        print(f"  {kind:<10}{count / real_n:>8.2f}")
    print(f"  {'total':<10}{total / real_n:>8.2f}")
    if missed:
        print(f"\nwarning: {missed} button(s) of the scenario were not found (texts changed?)")
    print(
        f"\nsummary: bot {real_rate:.0f} updates/s, floor {floor_rate:.0f} updates/s, "
        f"ratio {ratio:.2f}, {total / real_n:.1f} SQL statements per update "
        f"({people} people at once, {real_n} updates)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20, help="people acting at once")
    parser.add_argument("--warmup", type=int, default=5, help="people before the timed run")
    args = parser.parse_args()
    asyncio.run(main(args.people, args.warmup))
