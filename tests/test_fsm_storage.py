"""Dialog state is kept in the database (or Redis) and survives a new storage instance."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.audit import AuditService
from bot.services.personal_data import PersonalDataService
from bot.storage.database import create_engine, create_session_factory
from bot.storage.fsm import DIALOG_STATE_TTL, SQLStorage, current_session, expire_dialog_state
from bot.storage.models import DialogState, utcnow
from tests.databases import TEST_REDIS_URL, redis_prefix


class Form(StatesGroup):
    name = State()


KEY = StorageKey(bot_id=1, chat_id=10, user_id=10)
DIALOG_KEY = StorageKey(bot_id=1, chat_id=10, user_id=10, destiny="aiogd_stack")


@pytest.fixture(params=["sql", "redis"])
async def storage(
    request: pytest.FixtureRequest, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[BaseStorage]:
    if request.param == "sql":
        yield SQLStorage(session_factory)
        return
    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set")
    async with redis_prefix(TEST_REDIS_URL) as prefix:
        storage = RedisStorage.from_url(
            TEST_REDIS_URL, key_builder=DefaultKeyBuilder(prefix=prefix, with_destiny=True)
        )
        yield storage
        await storage.close()


async def test_state_and_data_round_trip(storage: BaseStorage) -> None:
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    await storage.set_state(KEY, Form.name)
    await storage.set_data(KEY, {"name": "Анна", "nested": {"ids": [1, 2]}})
    assert await storage.get_state(KEY) == "Form:name"
    assert await storage.get_data(KEY) == {"name": "Анна", "nested": {"ids": [1, 2]}}
    assert await storage.update_data(KEY, {"age": 12}) == {
        "name": "Анна",
        "nested": {"ids": [1, 2]},
        "age": 12,
    }


async def test_destinies_are_separate(storage: BaseStorage) -> None:
    await storage.set_data(KEY, {"a": 1})
    await storage.set_data(DIALOG_KEY, {"stack": ["x"]})
    assert await storage.get_data(KEY) == {"a": 1}
    assert await storage.get_data(DIALOG_KEY) == {"stack": ["x"]}


async def test_clearing_forgets_everything(storage: BaseStorage) -> None:
    await storage.set_state(KEY, "Form:name")
    await storage.set_data(KEY, {"a": 1})
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_rejects_non_dict_data(storage: BaseStorage) -> None:
    from aiogram.exceptions import DataNotDictLikeError

    with pytest.raises(DataNotDictLikeError):
        await storage.set_data(KEY, [1, 2])  # type: ignore[arg-type]


async def test_sql_state_survives_a_new_engine(migrated_url: str) -> None:
    """What a restart looks like: a new process opens the same database."""
    first = create_engine(migrated_url)
    await SQLStorage(create_session_factory(first)).set_state(KEY, "Form:name")
    await SQLStorage(create_session_factory(first)).set_data(KEY, {"step": 2})
    await first.dispose()
    second = create_engine(migrated_url)
    try:
        storage = SQLStorage(create_session_factory(second))
        assert await storage.get_state(KEY) == "Form:name"
        assert await storage.get_data(KEY) == {"step": 2}
    finally:
        await second.dispose()


async def test_sql_storage_in_an_updates_session(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """Inside an update the rows are read once and cached; the cache never hands out the
    same dict twice, and a rollback forgets what it cached."""
    storage = SQLStorage(session_factory)
    await storage.set_data(DIALOG_KEY, {"stack": ["x"]})
    async with session_factory() as session:
        token = current_session.set(session)
        try:
            data = await storage.get_data(DIALOG_KEY)
            data["stack"].append("y")  # changed in place, as aiogram-dialog does
            assert await storage.get_data(DIALOG_KEY) == {"stack": ["x"]}
            await storage.set_data(DIALOG_KEY, data)
            await storage.set_state(KEY, "Form:name")
            assert await storage.get_data(DIALOG_KEY) == {"stack": ["x", "y"]}
            await session.rollback()
            assert await storage.get_data(DIALOG_KEY) == {"stack": ["x"]}
            assert await storage.get_state(KEY) is None
            await storage.set_data(DIALOG_KEY, {"stack": ["z"]})
            await session.commit()
        finally:
            current_session.reset(token)
    assert await storage.get_data(DIALOG_KEY) == {"stack": ["z"]}


async def test_old_dialog_state_expires_a_chat_at_a_time(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    now = utcnow()
    old = now - DIALOG_STATE_TTL - timedelta(days=1)
    async with session_factory() as session:
        session.add_all(
            [
                DialogState(key="fsm:1:10:10:default", state="A:a", updated_at=old),
                DialogState(key="fsm:1:10:10:aiogd:stack:", data={"s": 1}, updated_at=old),
                # Chat 20 is still in use: its untouched stack stays with its fresh context.
                DialogState(key="fsm:1:20:20:aiogd:stack:", data={"s": 2}, updated_at=old),
                DialogState(key="fsm:1:20:20:aiogd:context:X", data={"c": 2}, updated_at=now),
            ]
        )
        await session.commit()
    assert await expire_dialog_state(session_factory) == 2
    async with session_factory() as session:
        keys = set(await session.scalars(select(DialogState.key)))
    assert keys == {"fsm:1:20:20:aiogd:stack:", "fsm:1:20:20:aiogd:context:X"}


def test_rows_know_whose_they_are() -> None:
    row = DialogState(key="fsm:1:-100500:-100500:aiogd:stack:<70001>")
    assert (row.chat_id, row.user_id) == (-100500, 70001)
    row = DialogState(key="fsm:1:-100500:5:70002:default")  # a topic in a group
    assert (row.chat_id, row.user_id) == (-100500, 70002)


async def test_withdrawal_finds_a_persons_rows_by_owner(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    storage = SQLStorage(session_factory)
    group_stack = StorageKey(bot_id=1, chat_id=-100, user_id=-100, destiny="aiogd:stack:<70001>")
    await storage.set_data(group_stack, {"intents": ["a"]})
    await storage.set_data(StorageKey(bot_id=1, chat_id=70001, user_id=70001), {"typed": "x"})
    await storage.set_data(StorageKey(bot_id=1, chat_id=170001, user_id=170001), {"other": 1})
    async with session_factory() as session:
        gone = await PersonalDataService(session, AuditService(session)).forget_dialog_state(70001)
        await session.commit()
    assert gone == 2
    assert await storage.get_data(group_stack) == {}
    assert await storage.get_data(StorageKey(bot_id=1, chat_id=170001, user_id=170001)) == {
        "other": 1
    }
