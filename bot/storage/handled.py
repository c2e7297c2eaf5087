"""Which Telegram updates were handled already (the `handled_update` table)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import HandledUpdate, utcnow

# Telegram keeps an undelivered update for a day; a row is kept a little longer than that.
HANDLED_UPDATE_TTL = timedelta(days=2)

_TABLE = cast(Table, HandledUpdate.__table__)
# One statement per dialect, built once: the ids go in as parameters.
_MARK: dict[str, Any] = {
    "postgresql": pg_insert(_TABLE).on_conflict_do_nothing(),
    "sqlite": sqlite_insert(_TABLE).on_conflict_do_nothing(),
}


async def mark_handled(session: AsyncSession, bot_id: int, update_id: int) -> bool:
    """Record the update in the session's transaction; False when it was recorded before
    (handled already, or being handled right now: the insert then waits for that
    transaction and finds its row). One statement."""
    # On the session's connection (its transaction): a row the ORM never reads needs no
    # ORM step, and it changes nothing the update's read cache holds.
    connection = await session.connection()
    statement = _MARK[connection.dialect.name]
    result = await connection.execute(
        statement, {"bot_id": bot_id, "update_id": update_id, "handled_at": utcnow()}
    )
    return bool(getattr(result, "rowcount", 0))


async def expire_handled_updates(
    session_factory: async_sessionmaker[AsyncSession],
    older_than: timedelta = HANDLED_UPDATE_TTL,
) -> int:
    """Forget the updates handled more than `older_than` ago (one statement, by index).
    Called at start-up and once a day (bot.__main__). Returns how many rows went."""
    cutoff = utcnow() - older_than
    async with session_factory() as session, session.begin():
        result = await session.execute(
            delete(HandledUpdate).where(HandledUpdate.handled_at < cutoff)
        )
    return int(getattr(result, "rowcount", 0) or 0)
