"""End-to-end helpers: the real `python -m bot` as a subprocess against the fake Bot API.

`BotProcess` starts, stops (SIGTERM, exit code 0 expected) and restarts the bot on one
SQLite file; its log is kept in a file and attached to the report of a failed test
(the `pytest_runtest_makereport` hook below, registered by `track`).
Setup that the bot's own UI does not cover yet goes straight through the services on
the same database file, exactly as the bot would write it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services.access import Actor
from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.invites import CreatedInvite
from bot.storage.database import create_engine, create_session_factory
from bot.storage.models import Invite, Organisation, utcnow
from tests.fake_telegram import FakeTelegram, FakeUser, SentMessage
from tests.harness import ADMIN_ID, TOKEN

ROOT = Path(__file__).resolve().parents[1]
STOP_TIMEOUT = 20.0
START_TIMEOUT = 60.0  # a busy machine starts Python slowly: a wait, not a target
# Only what a Python process needs from the developer's environment: never their
# BOT_TOKEN, DATABASE_URL, REDIS_URL or anything else the bot reads.
KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "VIRTUAL_ENV")
LINK_RE = re.compile(r"https://t\.me/(?P<bot>[A-Za-z0-9_]+)\?start=(?P<payload>[A-Za-z0-9_-]+)")

_STASH_PROCESSES = pytest.StashKey[list["BotProcess"]]()


def base_env(**values: str) -> dict[str, str]:
    env = {k: os.environ[k] for k in KEPT_ENV if k in os.environ}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(values)
    return env


def daytime_zone() -> str:
    """A time zone where it is about noon now: the real process runs on the real clock, and
    nothing reaches a minor in quiet hours."""
    offset = (12 - datetime.now(UTC).hour) % 24
    if offset > 12:
        offset -= 24
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def sqlite_file_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'bot.db'}"


class BotProcess:
    """`python -m bot` on a fake Telegram; one log file across restarts."""

    def __init__(self, fake: FakeTelegram, folder: Path) -> None:
        self.fake = fake
        self.database_url = sqlite_file_url(folder)
        self.log_path = folder / "bot.log"
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    def env(self) -> dict[str, str]:
        return base_env(
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=self.fake.base_url,
            DATABASE_URL=self.database_url,
            ADMIN_IDS=str(ADMIN_ID),
            LOG_LEVEL="INFO",
            # Empty means "no Redis" to the bot, and a developer's .env cannot switch it on.
            REDIS_URL="",
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 80) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    async def start(self) -> None:
        assert self.process is None, "the bot is already running"
        self.starts += 1
        polls_before = len(self.fake.calls_of("getUpdates"))
        with self.log_path.open("a") as log:
            log.write(f"----- start #{self.starts} -----\n")
            log.flush()
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=ROOT,
                env=self.env(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        try:
            await self._wait_started(polls_before)
        except BaseException:
            await self.kill()
            raise

    async def _wait_started(self, polls_before: int) -> None:
        # A poll of the previous process may still hang in the fake: wait for a poll of
        # this one (it terminates the old one), so that no update goes to a dead process.
        assert self.process is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while not (len(self.fake.calls_of("getUpdates")) > polls_before and self.fake.is_polling):
            if self.process.returncode is not None:
                raise AssertionError(
                    f"the bot exited with {self.process.returncode} at start; log:\n"
                    + self.log_tail()
                )
            if loop.time() > deadline:
                raise AssertionError(
                    f"the bot did not start polling within {START_TIMEOUT}s; log:\n"
                    + self.log_tail()
                )
            await self.fake.wait_change(0.05)
        await self.fake.wait_polling()
        await self.fake.wait_idle()

    async def stop(self) -> None:
        """SIGTERM; the bot must exit by itself with code 0 within STOP_TIMEOUT."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise AssertionError(
                f"the bot did not stop within {STOP_TIMEOUT}s of SIGTERM; log:\n" + self.log_tail()
            ) from None
        assert code == 0, f"the bot exited with code {code} on SIGTERM; log:\n{self.log_tail()}"

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def kill(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()


def track(request: pytest.FixtureRequest, bot: BotProcess) -> None:
    """Attach this bot's log to the report of the test if it fails."""
    plugins = request.config.pluginmanager
    this_module = sys.modules[__name__]
    if not plugins.is_registered(this_module):
        plugins.register(this_module, "tests.e2e")  # for pytest_runtest_makereport below
    request.node.stash.setdefault(_STASH_PROCESSES, []).append(bot)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        for bot in item.stash.get(_STASH_PROCESSES, []):
            report.sections.append((f"bot log ({report.when})", bot.log() or "(empty)"))
    return report


# --- waiting for what the user sees ---------------------------------------------------


async def wait_for(
    fake: FakeTelegram, check: Callable[[], bool], what: str, within: float = 10.0
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not within {within}s")
        await fake.wait_change(0.1)


async def wait_callback_answer(
    fake: FakeTelegram, user: FakeUser, since: int, within: float = 10.0
) -> dict[str, Any]:
    """The first answer to a button press after `since` answers were counted."""
    await wait_for(
        fake,
        lambda: len(user.callback_answers) > since,
        f"no answer to {user!r}'s button press; chat:\n{user.transcript()}",
        within,
    )
    return user.callback_answers[since]


GREETING = "Здравствуйте, "


def greetings(fake: FakeTelegram, user: FakeUser) -> int:
    """Greetings the bot sent into the user's chat (edits and deletions aside)."""
    return sum(
        1
        for call in fake.calls_of("sendMessage")
        if call.ok
        and str(call.params.get("chat_id")) == str(user.id)
        and f"{GREETING}{user.first_name}" in str(call.params.get("text", ""))
    )


def update_of(fake: FakeTelegram, user: FakeUser) -> int:
    """The id of the one message update the user sent."""
    (update_id,) = [
        u["update_id"]
        for u in fake.updates
        if u.get("message", {}).get("from", {}).get("id") == user.id
    ]
    return int(update_id)


def link_in(message: SentMessage) -> tuple[str, str]:
    """(bot username, payload) of the first t.me deep link in the message."""
    found = LINK_RE.search(message.plain or message.body)
    assert found, f"no t.me link in {message.describe()}"
    return found["bot"], found["payload"]


def shows(expect: str) -> Callable[[SentMessage], bool]:
    """A message whose text or one of whose buttons holds `expect`."""
    return lambda m: expect in m.plain or expect in m.body or any(expect in b for b in m.buttons())


async def say(user: FakeUser, message: str, expect: str) -> SentMessage:
    """Type a message; return the bot's first answer that shows `expect`."""
    await user.send(message)
    return await user.wait_message(shows(expect))


async def tap(user: FakeUser, label: str, expect: str) -> SentMessage:
    """Press a button; return the bot's first answer (or edit) that shows `expect`."""
    await user.press(label)
    return await user.wait_message(shows(expect))


def callback_data(message: SentMessage, label: str) -> str:
    """The callback_data of the inline button labelled exactly `label`."""
    for row in message.inline_buttons():
        for button in row:
            if button.get("text") == label:
                return str(button["callback_data"])
    raise AssertionError(f"no button {label!r} in {message.describe()}")


def command_names(commands: list[dict[str, Any]]) -> set[str]:
    return {c["command"] for c in commands}


# --- setup straight in the database ----------------------------------------------------


@dataclass
class Seeded:
    municipality_id: int
    school_id: int
    school_name: str
    programmes: dict[str, int]  # form key -> programme id


class Database:
    """The bot's SQLite file, opened from the test with the bot's own services."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: AsyncEngine = create_engine(url)
        self.sessions = create_session_factory(self.engine)

    async def close(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def admin(self) -> AsyncIterator[tuple[ServiceHub, Actor]]:
        """Services acting as the administrator (Telegram id ADMIN_ID); commits on exit."""
        async with self.sessions() as session:
            hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
            person = await hub.users.touch(ADMIN_ID, "ru")
            yield hub, await hub.access.actor(person)
            await session.commit()

    async def seed_school(
        self,
        school_name: str,
        *,
        municipality: str,
        forms: tuple[str, ...] = (),
        timezone: str | None = None,
    ) -> Seeded:
        """A municipality, a school in it and a programme of each form, made by the admin.
        The school's zone is one where it is day now (`daytime_zone()`) unless a test names
        one: the bot runs on the real clock, and quiet hours would hold its messages."""
        timezone = timezone or daytime_zone()
        async with self.admin() as (hub, actor):
            parent = await hub.organisations.create(
                actor, kind="municipality", name=municipality, timezone="Europe/Moscow"
            )
            school = await hub.organisations.create(
                actor,
                kind="school",
                name=school_name,
                timezone="Europe/Moscow",
                parent_id=parent.id,
            )
            if timezone != school.timezone:
                # Straight into the row: a test may need a zone the bot offers no school
                # (daytime_zone() is any UTC offset where it is day now).
                row = await hub.session.get(Organisation, school.id)
                assert row is not None
                row.timezone = timezone
        programmes = {form: await self.programme(school.id, form) for form in forms}
        return Seeded(parent.id, school.id, school.name, programmes)

    async def programme(self, school_id: int, form: str, *, name: str | None = None) -> int:
        """A programme of this form in the school, running now; returns its id."""
        today = date.today()
        async with self.admin() as (hub, actor):
            programme = await hub.programmes.create(
                actor,
                school_id=school_id,
                name=name or f"Программа {form}",
                form_key=form,
                period_start=today - timedelta(days=30),
                period_end=today + timedelta(days=300),
            )
            return programme.id

    async def invite(
        self,
        *,
        organisation_id: int,
        role: str,
        programme_id: int | None = None,
        max_uses: int = 1,
    ) -> CreatedInvite:
        async with self.admin() as (hub, actor):
            return await hub.invites.create(
                actor,
                organisation_id=organisation_id,
                role=role,
                programme_id=programme_id,
                max_uses=max_uses,
            )

    async def expire_invite(self, invite_id: int) -> None:
        async with self.sessions() as session:
            await session.execute(
                update(Invite)
                .where(Invite.id == invite_id)
                .values(expires_at=utcnow() - timedelta(days=1))
            )
            await session.commit()

    async def rows(self, table: str) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            result = await conn.execute(text(f'SELECT * FROM "{table}"'))
            return [dict(row._mapping) for row in result]

    async def tables(self) -> list[str]:
        async with self.engine.connect() as conn:
            return await conn.run_sync(lambda sync: inspect(sync).get_table_names())

    async def find_everywhere(self, needles: list[str]) -> list[str]:
        """Every cell of every table that holds one of `needles` (also JSON-escaped)."""
        forms = {n for needle in needles for n in (needle, json.dumps(needle)[1:-1])}
        hits = []
        for table in await self.tables():
            for row in await self.rows(table):
                for column, value in row.items():
                    if value is None:
                        continue
                    shown = (
                        value.decode(errors="replace") if isinstance(value, bytes) else str(value)
                    )
                    for needle in forms:
                        if needle in shown:
                            hits.append(f"{table}.{column} = {shown[:200]!r} (has {needle!r})")
        return hits

    async def eventually(
        self, check: Callable[[], Awaitable[bool]], what: str, within: float = 5.0
    ) -> None:
        """The bot commits an update after its last answer: give it a moment."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not await check():
            if loop.time() > deadline:
                raise AssertionError(f"{what}: not within {within}s")
            await asyncio.sleep(0.05)

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.engine.connect() as conn:
            return (await conn.execute(text(sql), params)).scalar()

    async def organisation_id(self, name: str) -> int:
        found = await self.scalar("SELECT id FROM organisation WHERE name = :name", name=name)
        assert found is not None, f"no organisation named {name!r} in the database"
        return int(found)

    async def user_id(self, telegram_id: int) -> int:
        found = await self.scalar(
            "SELECT id FROM user_account WHERE telegram_id = :tid", tid=telegram_id
        )
        assert found is not None, f"no user with Telegram id {telegram_id} in the database"
        return int(found)
