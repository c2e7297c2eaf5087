"""Every scheduled job over a municipality of 5,000 pairs on SQLite: time, statements and the
longest time SQLite's write lock is held.

Run from the repository root:  .venv/bin/python benchmarks/sweeps.py
    [--schools 50] [--pairs 5000] [--meetings 100000] [--answers 20000]

The municipality is the one of benchmarks/digests.py (its `build_world`), with work that is
due on top: 1,000 pairs quiet for 30 days (the whole quiet-pair ladder is due), 500 agreed
meetings in the next two days (reminders) and 500 in the last two weeks not yet answered
(«Встреча состоялась?»), 500 mentors who left a mentee's choice unanswered for four days,
a pulse questionnaire due in every programme and ten programmes at their completion stage.
Each job runs twice at the same moment, as the scheduler runs it: the first run queues what
is due, the second (every tick after it) finds nothing new. For each run: wall time, SQL
statements (also with a tenth of the pairs and the rest, to show whether they grow), the write
transactions, and the longest of them — from the moment a transaction took the
write lock (BEGIN IMMEDIATE, bot.storage.database) to the moment its connection went back to
the pool after COMMIT or ROLLBACK. Prints a table and one summary line.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, insert, select, update

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.digests import NOW, World, build_world  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.factory import service_settings  # noqa: E402
from bot.jobs.digests import queue_digests  # noqa: E402
from bot.jobs.meetings import run_meeting_jobs  # noqa: E402
from bot.jobs.municipality import municipal_tick  # noqa: E402
from bot.jobs.pairs import expire_choices  # noqa: E402
from bot.jobs.recognition import run_recognition  # noqa: E402
from bot.jobs.surveys import survey_tick  # noqa: E402
from bot.storage.database import create_engine, create_session_factory  # noqa: E402
from bot.storage.models import (  # noqa: E402
    Candidate,
    Meeting,
    Membership,
    Pair,
    PairMentee,
    Programme,
    SurveyPulse,
)

HOLDS = "nastavnik.holds_writer_lock"  # bot.storage.database._Writer marks the connection


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)


async def add_due_work(url: str, world: World, quiet: int, planned: int, chosen: int) -> None:
    """What is due at NOW on top of the digests' world (bulk statements)."""
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    async with sessions() as session:
        pairs = (
            await session.execute(
                select(Pair.id, Pair.organisation_id, Pair.programme_id, Pair.mentor_membership_id)
                .where(Pair.status == "active")
                .order_by(Pair.id)
            )
        ).all()
        # Quiet pairs: no held meeting in the last 30 days, activated long before.
        quiet_ids = [p.id for p in pairs[:quiet]]
        await session.execute(
            delete(Meeting).where(
                Meeting.pair_id.in_(quiet_ids), Meeting.day > (NOW - timedelta(days=30)).date()
            )
        )
        # Agreed meetings ahead (reminders) and past ones not answered (the held question).
        rows: list[dict[str, Any]] = []
        for n, pair in enumerate(pairs[quiet : quiet + 2 * planned]):
            ahead = n < planned
            starts = (
                NOW + timedelta(minutes=30 + (n * 47) % (47 * 60))
                if ahead
                else NOW - timedelta(hours=2 + (n * 5) % (13 * 24))
            )
            rows.append(
                {
                    "organisation_id": pair.organisation_id,
                    "pair_id": pair.id,
                    "kind": "regular",
                    "status": "planned",
                    "day": starts.date(),
                    "starts_at": starts,
                    "duration_min": 45,
                    "format": "offline",
                    "agreed_at": NOW - timedelta(days=3),
                    "created_at": NOW - timedelta(days=3),
                    "updated_at": NOW - timedelta(days=3),
                }
            )
        await session.execute(insert(Meeting), rows)
        # Mentees who chose a mentor four days ago, without an answer.
        mentee_of = dict(
            (
                await session.execute(
                    select(PairMentee.pair_id, PairMentee.mentee_membership_id).where(
                        PairMentee.pair_id.in_([p.id for p in pairs[-chosen:]])
                    )
                )
            ).all()
        )
        await session.execute(
            insert(Candidate),
            [
                {
                    "organisation_id": p.organisation_id,
                    "programme_id": p.programme_id,
                    "mentee_membership_id": mentee_of[p.id],
                    "mentor_membership_id": p.mentor_membership_id,
                    "offered_at": NOW - timedelta(days=5),
                    "answer": "chosen",
                    "chosen_at": NOW - timedelta(days=4),
                }
                for p in pairs[-chosen:]
            ],
        )
        # A pulse questionnaire due in every programme; ten programmes being completed.
        programmes = list(await session.scalars(select(Programme.id).order_by(Programme.id)))
        await session.execute(
            insert(SurveyPulse),
            [
                {"programme_id": p, "enabled": True, "first_day": 30, "every_days": 60}
                for p in programmes
            ],
        )
        await session.execute(
            update(Programme).where(Programme.id.in_(programmes[:10])).values(stage="completion")
        )
        # A coordinator for the municipality (the curators are the world's).
        await session.execute(
            insert(Membership),
            [
                {
                    "user_id": 1,
                    "organisation_id": world.municipality_id,
                    "role": "coordinator",
                    "status": "active",
                    "profile": {},
                    "created_at": NOW - timedelta(days=200),
                }
            ],
        )
        await session.commit()
    await engine.dispose()


@dataclass
class Run:
    seconds: float
    statements: int
    longest_lock_ms: float
    write_transactions: int


@dataclass(frozen=True)
class Job:
    name: str
    every: str
    run: Callable[[Any, FixedClock, Settings], Awaitable[Any]]


def _settings(url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token="123456:BENCH-token-abcdefghijklmnopqrstuvwxyz",
        database_url=url,
        redis_url=None,
    )


async def _surveys(sessions: Any, clock: FixedClock, settings: Settings) -> Any:
    return await survey_tick(sessions, service_settings(settings, clock))


async def _recognition(sessions: Any, clock: FixedClock, settings: Settings) -> Any:
    prepared = service_settings(settings, clock)
    return await run_recognition(sessions, clock, prepared.questionnaires, prepared.catalog)


JOBS = [
    Job(
        "meetings: reminders, «Встреча состоялась?», quiet pairs",
        "30 s",
        lambda s, c, _: run_meeting_jobs(s, c),
    ),
    Job("pairs: unanswered choices", "15 min", expire_choices),
    Job("questionnaires: reminders and pulses", "5 min", _surveys),
    Job("curators' weekly digests", "5 min", lambda s, c, _: queue_digests(s, c)),
    Job(
        "municipality: digests, monitoring reminders", "5 min", lambda s, c, _: municipal_tick(s, c)
    ),
    Job("recognition at a programme's end", "10 min", _recognition),
]


async def measure(url: str, runs: int) -> dict[str, list[Run]]:
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    statements = [0]
    started: dict[int, float] = {}
    holds: list[float] = []

    def count(*_: Any) -> None:
        statements[0] += 1

    def begin(connection: Any) -> None:  # after the engine's own listener took the lock
        if connection.info.get(HOLDS):
            started[id(connection.connection.dbapi_connection)] = time.perf_counter()

    def checkin(dbapi_connection: Any, _record: Any) -> None:
        t0 = started.pop(id(dbapi_connection), None)
        if t0 is not None:
            holds.append(time.perf_counter() - t0)

    sync = engine.sync_engine
    event.listen(sync, "before_cursor_execute", count)
    event.listen(sync, "begin", begin)
    event.listen(sync.pool, "checkin", checkin)
    settings = _settings(url)
    clock = FixedClock(NOW)
    results: dict[str, list[Run]] = {}
    try:
        for job in JOBS:
            for _ in range(runs):
                statements[0] = 0
                holds.clear()
                t0 = time.perf_counter()
                await job.run(sessions, clock, settings)
                elapsed = time.perf_counter() - t0
                results.setdefault(job.name, []).append(
                    Run(elapsed, statements[0], max(holds, default=0.0) * 1000, len(holds))
                )
    finally:
        await engine.dispose()
    return results


async def run(args: argparse.Namespace) -> None:
    sizes = {
        "small": argparse.Namespace(  # the same schools and programmes, a tenth of the rest
            **{k: v if k == "schools" else max(v // 10, 1) for k, v in vars(args).items()}
        ),
        "full": args,
    }
    results: dict[str, dict[str, list[Run]]] = {}
    worlds: dict[str, World] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size, a in sizes.items():
            url = f"sqlite+aiosqlite:///{Path(folder) / f'{size}.sqlite3'}"
            worlds[size] = await build_world(url, a.schools, a.pairs, a.meetings, a.answers)
            await add_due_work(url, worlds[size], a.quiet, a.planned, a.chosen)
            results[size] = await measure(url, 2)
    world, small = worlds["full"], worlds["small"]
    header = (
        "job (every)",
        "run",
        "time (s)",
        f"statements ({small.pairs} → {world.pairs} pairs)",
        "write transactions",
        "longest write lock (ms)",
    )
    table = [
        (
            f"{job.name} ({job.every})",
            "first" if n == 0 else "next",
            f"{r.seconds:.2f}",
            f"{results['small'][job.name][n].statements} → {r.statements}",
            str(r.write_transactions),
            f"{r.longest_lock_ms:.0f}",
        )
        for job in JOBS
        for n, r in enumerate(results["full"][job.name])
    ]
    print(
        f"{world.pairs} pairs, {world.meetings} meetings, {len(world.school_ids)} schools; "
        f"due: {args.quiet} quiet pairs, {args.planned} + {args.planned} agreed meetings, "
        f"{args.chosen} unanswered choices, {len(world.school_ids) * 2} pulses; "
        f"world built in {world.built_s:.0f} s"
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in table:
        print("| " + " | ".join(row) + " |")
    every = [r for runs in results["full"].values() for r in runs]
    longest = max(every, key=lambda r: r.longest_lock_ms)
    busiest = max(every, key=lambda r: r.statements)
    steady = results["full"][JOBS[0].name][-1]
    print(
        f"SUMMARY sweeps: {world.pairs} pairs on SQLite: the longest write lock "
        f"{longest.longest_lock_ms:.0f} ms, at most {busiest.statements} statements in one run; "
        f"the meetings sweep every 30 s: {steady.seconds:.2f} s and {steady.statements} "
        f"statements once nothing new is due"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--pairs", type=int, default=5000)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--quiet", type=int, default=1000)
    parser.add_argument("--planned", type=int, default=500)
    parser.add_argument("--chosen", type=int, default=500)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
