"""Nothing is lost under load: many people at once, Telegram answering slowly, SQLite."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from aiogram.types import TelegramObject, Update
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.middlewares.database import DatabaseMiddleware, commit_before_telegram, unit_of_work
from bot.services.errors import AccessDenied
from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.users import UserService
from bot.storage.database import create_engine
from bot.storage.models import AuditEntry, User
from bot.storage.sqlite_driver import OneHopConnection
from tests.databases import sqlite_url
from tests.fake_telegram import FakeTelegram, FakeUser
from tests.harness import running_bot

PEOPLE = 50
SLOW_TELEGRAM_SECONDS = 0.3


async def test_fifty_people_at_once_on_a_slow_telegram_lose_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with (
        FakeTelegram(latency=SLOW_TELEGRAM_SECONDS) as fake,
        running_bot(fake, sqlite_url(tmp_path)) as tg,
    ):
        people = [fake.user(30_000 + n, f"Участник {n}") for n in range(PEOPLE)]

        async def walk(person: FakeUser) -> None:
            await person.send("/start")
            await person.send("/language")
            await person.press("English")  # a dialog step that writes
            await person.send("/help")

        await asyncio.gather(*(walk(person) for person in people))

        async with tg.app.session_factory() as session:
            rows = await session.execute(
                select(User.telegram_id, User.locale).where(
                    User.telegram_id.in_([p.id for p in people])
                )
            )
            saved = {telegram_id: locale for telegram_id, locale in rows}
    assert saved == {p.id: "en" for p in people}
    for person in people:
        texts = person.texts() + [str(a.get("text")) for a in person.callback_answers]
        assert not [t for t in texts if "пошло не так" in t or "went wrong" in t], (
            person.transcript()
        )
        assert "Language saved" in person.callback_answers[-1]["text"]
        assert "What I can do" in person.last.body, person.transcript()
    assert "database is locked" not in caplog.text
    assert "failed" not in caplog.text


async def test_a_refusal_rolls_back_the_update_and_keeps_its_audit_row(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        person = await UserService(session).touch(777_001, "ru")
        await session.commit()

    async def forged_admin_action(_event: TelegramObject, data: dict[str, Any]) -> None:
        hub = ServiceHub(data["session"], ServiceSettings())
        await hub.users.set_locale(person.id, "en")  # the update's other write
        actor = await hub.access.actor(person)
        await hub.access.require_admin(actor, "organisation.create")

    with pytest.raises(AccessDenied):
        await DatabaseMiddleware(session_factory)(forged_admin_action, Update(update_id=1), {})

    async with session_factory() as session:
        assert await session.scalar(select(User.locale).where(User.id == person.id)) is None
        denied = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))
        )
    assert [(d.actor_user_id, d.details["attempted"]) for d in denied] == [
        (person.id, "organisation.create")
    ]


async def test_savepoints_do_not_commit_or_lose_the_outer_transaction(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    # A savepoint released inside a transaction that had only read so far: rolling the
    # outer transaction back takes the savepoint's row with it.
    async with session_factory() as session:
        await session.scalar(select(User.id).limit(1))
        async with session.begin_nested():
            session.add(User(telegram_id=777_101))
        await session.rollback()
    # A savepoint rolled back (a duplicate): the outer transaction's row is still committed.
    async with session_factory() as session:
        session.add(User(telegram_id=777_102))
        await session.flush()
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                session.add(User(telegram_id=777_102))
        await session.commit()
    async with session_factory() as session:
        rows = await session.scalars(
            select(User.telegram_id).where(User.telegram_id.in_([777_101, 777_102]))
        )
        assert list(rows) == [777_102]


async def test_the_one_trip_sqlite_cursor_behaves_like_the_driver(tmp_path: Path) -> None:
    """Rows, RETURNING, rowcount, lastrowid and errors as SQLAlchemy expects them."""
    engine = create_engine(sqlite_url(tmp_path))
    try:
        async with engine.begin() as conn:
            raw = await conn.get_raw_connection()
            assert isinstance(raw.dbapi_connection, OneHopConnection)
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
            many = await conn.execute(
                text("INSERT INTO t (v) VALUES (:v)"), [{"v": "a"}, {"v": "b"}]
            )
            assert many.rowcount == 2
            one = await conn.execute(text("INSERT INTO t (v) VALUES ('c')"))
            assert one.lastrowid == 3
            returned = await conn.execute(text("INSERT INTO t (v) VALUES ('d') RETURNING id, v"))
            assert returned.all() == [(4, "d")]
            updated = await conn.execute(text("UPDATE t SET v = v || '!' WHERE id > 2"))
            assert updated.rowcount == 2
            with pytest.raises(IntegrityError):
                await conn.execute(text("INSERT INTO t (v) VALUES ('a')"))
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT v FROM t ORDER BY id"))
            assert rows.scalars().all() == ["a", "b", "c!", "d!"]
    finally:
        await engine.dispose()


async def test_a_busy_database_is_retried_only_before_telegram_was_told_anything(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    busy = OperationalError("BEGIN IMMEDIATE", None, Exception("database is locked"))
    attempts: list[int] = []

    async def busy_once(_event: TelegramObject, data: dict[str, Any]) -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise busy
        data["session"].add(User(telegram_id=777_201))
        return "handled"

    middleware = DatabaseMiddleware(session_factory)
    assert await middleware(busy_once, Update(update_id=1), {}) == "handled"
    assert len(attempts) == 2

    async def busy_after_a_message(_event: TelegramObject, data: dict[str, Any]) -> None:
        attempts.append(1)
        data["session"].add(User(telegram_id=777_202))
        await commit_before_telegram(data["session"])  # what a Bot API call does first
        raise busy

    attempts.clear()
    with pytest.raises(OperationalError):
        await middleware(busy_after_a_message, Update(update_id=2), {})
    assert len(attempts) == 1  # not run twice: the person was already answered once

    async with session_factory() as session:
        saved = await session.scalars(
            select(User.telegram_id).where(User.telegram_id.in_([777_201, 777_202]))
        )
        assert sorted(saved) == [777_201, 777_202]


async def test_a_job_outside_updates_does_not_hold_the_database_while_telegram_answers(
    tmp_path: Path,
) -> None:
    """A job's unit of work commits before each Bot API call: an update arriving while
    Telegram is slow to answer the job is handled at once."""
    async with (
        FakeTelegram(latency=SLOW_TELEGRAM_SECONDS) as fake,
        running_bot(fake, sqlite_url(tmp_path)) as tg,
    ):
        anna = fake.user(30_500, "Анна")
        async with unit_of_work(tg.app.session_factory) as session:
            session.add(User(telegram_id=30_501, locale="ru"))
            await session.flush()  # the job holds SQLite's write lock now
            job_message = asyncio.create_task(tg.bot.send_message(anna.id, "digest"))
            await asyncio.sleep(0)  # the job's Bot API call begins: the lock is released
            await anna.send("/language")
            await anna.press("English")
            await job_message
        async with tg.app.session_factory() as session:
            locales = dict(
                (tid, loc)
                for tid, loc in await session.execute(
                    select(User.telegram_id, User.locale).where(
                        User.telegram_id.in_([30_500, 30_501])
                    )
                )
            )
    assert locales == {30_500: "en", 30_501: "ru"}
