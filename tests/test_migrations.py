"""Every migration goes up and down cleanly, one step at a time (the "stairway")."""

from __future__ import annotations

import asyncio

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.storage.database import create_engine
from bot.storage.migrate import alembic_config, downgrade, upgrade
from bot.storage.models import Base


def _revisions(url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_stairway(database_url: str) -> None:
    revisions = _revisions(database_url)
    assert revisions, "no migrations found"
    previous = "base"
    for revision in revisions:
        await asyncio.to_thread(upgrade, database_url, revision)
        await asyncio.to_thread(downgrade, database_url, previous)
        await asyncio.to_thread(upgrade, database_url, revision)
        previous = revision
    tables = await _tables(database_url) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)
    await asyncio.to_thread(downgrade, database_url, "base")
    assert await _tables(database_url) <= {"alembic_version"}


async def test_models_match_migrations(database_url: str) -> None:
    """A model change without its migration fails here (autogenerate finds a difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    await asyncio.to_thread(upgrade, database_url, "head")
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
    finally:
        await engine.dispose()
    assert diff == []


async def test_dialog_state_rows_get_their_owner_on_upgrade(database_url: str) -> None:
    """0002 fills the owner columns of the rows already there, so withdrawal finds them."""
    from sqlalchemy import text

    await asyncio.to_thread(upgrade, database_url, "0001")
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO dialog_state (key, state, data, updated_at) VALUES "
                    "('fsm:1:70001:70001:aiogd:stack:', NULL, '{}', CURRENT_TIMESTAMP), "
                    "('fsm:1:-100:-100:aiogd:stack:<70002>', NULL, '{}', CURRENT_TIMESTAMP)"
                )
            )
        await asyncio.to_thread(upgrade, database_url, "head")
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT key, chat_id, user_id FROM dialog_state ORDER BY key")
            )
            owners = {key: (chat, user) for key, chat, user in rows}
    finally:
        await engine.dispose()
    assert owners == {
        "fsm:1:70001:70001:aiogd:stack:": (70001, 70001),
        "fsm:1:-100:-100:aiogd:stack:<70002>": (-100, 70002),
    }
