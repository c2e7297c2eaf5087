"""Recognition at the end of a programme: each tick, the programmes that ended or reached
the completion stage get their nominations (once), and the curators are told."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.catalog import Catalog
from bot.services.clock import Clock
from bot.services.outbox import Outbox, wake_after_commit
from bot.services.questionnaires import QuestionnaireCatalog
from bot.services.recognition import choose, due_programmes, record
from bot.storage.database import reading
from bot.storage.models import Recognition

log = logging.getLogger(__name__)

RECOGNITION_EVERY = timedelta(minutes=10)


async def run_recognition(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    questionnaires: QuestionnaireCatalog,
    catalog: Catalog,
) -> int:
    """One pass; each programme is read without the write lock (who wins, who is told),
    then its nominations are written in a short transaction of their own. Returns
    nominations made."""
    async with reading(sessions) as session:
        due = [(p.id, school) for p, school in await due_programmes(session, clock.now())]
    made = 0
    for programme_id, school in due:
        # One programme that fails (its data, a bug) must not hold up the others.
        try:
            async with reading(sessions) as session:
                # Looked at again: another process may have.
                current = {p.id: p for p, _ in await due_programmes(session, clock.now())}.get(
                    programme_id
                )
                if current is None:
                    continue
                chosen = await choose(session, current, school, questionnaires, catalog)
            async with sessions() as session:
                looked_at = await session.scalar(
                    select(exists().where(Recognition.programme_id == programme_id))
                )
                if looked_at:  # another process nominated it meanwhile
                    continue
                made += await record(session, Outbox(session, clock), current, school, chosen)
                await session.commit()
                wake_after_commit(session)
        except Exception:
            log.exception(
                "recognition: programme %s failed; the next pass tries again", programme_id
            )
    if made:
        log.info("recognition: %s nominations made", made)
    return made


def add_recognition_job(
    scheduler: AsyncIOScheduler,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    questionnaires: QuestionnaireCatalog,
    catalog: Catalog,
) -> None:
    async def run() -> None:
        await run_recognition(sessions, clock, questionnaires, catalog)

    scheduler.add_job(
        run,
        "interval",
        seconds=RECOGNITION_EVERY.total_seconds(),
        id="recognition",
        coalesce=True,
        max_instances=1,
        next_run_time=datetime.now(UTC),
        misfire_grace_time=None,
    )
