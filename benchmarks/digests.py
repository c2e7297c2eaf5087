"""The weekly digests at a municipality's scale on SQLite: data, statements, rendering, memory.

Run from the repository root:  .venv/bin/python benchmarks/digests.py
    [--schools 50] [--pairs 5000] [--meetings 100000] [--answers 20000] [--workers 2]

Generates (bulk inserts) a municipality of 50 schools with 5,000 pairs, 100,000 held
meetings with each mentee's confirmation and rating, plans, fit answers and 20,000
questionnaire answers; then measures each step (time and SQL statements) on this world and
on one ten times smaller, to show the statements do not grow with the data. Then it renders
every school's digest (text, PNG chart, XLSX) through the process pool of
bot/services/offload.py, and reports peak memory (this process and the largest worker).
Prints a table and one summary line.

A step is a `Step(name, fn)`: `async def fn(session, world, now)` computing what one kind of
digest needs for every school; the coordinator's indicators are one of them.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import create_core
from bot.jobs.digest_render import digest_chart, digest_sheet, digest_texts
from bot.jobs.municipality import indicator_chart, indicator_sheets
from bot.jobs.render import RenderContext
from bot.services import indicators as ind
from bot.services import offload
from bot.services.catalog import Catalog, load_catalog
from bot.services.charts import render_png, render_tall_png
from bot.services.clock import SYSTEM_CLOCK
from bot.services.digests import DigestService, SchoolDigest
from bot.services.questionnaires import QuestionnaireCatalog, load_questionnaires
from bot.services.workbook import write_workbook
from bot.storage.database import create_engine, create_session_factory
from bot.storage.migrate import upgrade_async
from bot.storage.models import (
    Consent,
    Meeting,
    MeetingAttendance,
    Membership,
    Organisation,
    Pair,
    PairFit,
    PairMentee,
    PlanItem,
    Programme,
    SurveyAnswer,
    SurveyResponse,
    SurveyWave,
    User,
)

NOW = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)  # Monday 09:30 in Moscow
ZONES = ("Europe/Kaliningrad", "Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok")
FORMS = ("student_student", "teacher_teacher")
CHUNK = 5_000


@dataclass(frozen=True)
class World:
    municipality_id: int
    school_ids: list[int]
    pairs: int
    meetings: int
    answers: int
    built_s: float


async def _bulk(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(model), rows[start : start + CHUNK])


async def build_world(
    url: str, schools: int, pairs: int, meetings: int, answers: int, seed: int = 18
) -> World:
    """A municipality: each school a curator and two programmes; pairs spread evenly, one
    mentor and one mentee each, plus a tenth as many mentees without a pair; meetings over
    the last 20 weeks; a questionnaire wave per programme whose responses hold `answers`."""
    started = time.perf_counter()
    await upgrade_async(url)
    rnd = random.Random(seed)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    created = NOW - timedelta(days=200)
    async with sessions() as session:
        municipality = Organisation(kind="municipality", name="Район", timezone="Asia/Omsk")
        session.add(municipality)
        await session.flush()
        school_ids = [municipality.id + 1 + n for n in range(schools)]
        orgs: list[dict[str, Any]] = [
            {
                "id": municipality.id + 1 + n,
                "kind": "school",
                "parent_id": municipality.id,
                "name": f"Школа № {n + 1}",
                "timezone": ZONES[n % len(ZONES)],
                "created_at": created,
            }
            for n in range(schools)
        ]
        await _bulk(session, Organisation, orgs)
        programmes = [
            {
                "id": 1 + n,
                "organisation_id": school_ids[n // 2],
                "form_key": FORMS[n % 2],
                "name": f"Программа {n + 1}",
                "period_start": date(2026, 9, 1),
                "period_end": date(2027, 5, 31),
                "stage": "working",
                "created_at": created,
            }
            for n in range(schools * 2)
        ]
        await _bulk(session, Programme, programmes)

        unpaired = max(pairs // 10, 1)
        people = schools + 2 * pairs + unpaired  # curators, mentors and mentees, unpaired
        await _bulk(
            session,
            User,
            [
                {
                    "id": 1 + i,
                    "telegram_id": 10_000 + i,
                    "full_name": f"Участник {i:05d}",
                    "is_minor": i % 3 == 0,
                    "reachable": i % 97 != 0,
                    "created_at": created,
                    "last_seen_at": created,
                }
                for i in range(people)
            ],
        )
        memberships: list[dict[str, Any]] = []
        consents: list[dict[str, Any]] = []
        for n, school in enumerate(school_ids):
            memberships.append(
                {"id": 1 + n, "user_id": 1 + n, "organisation_id": school, "role": "curator"}
            )
        for i in range(schools, people):
            programme = programmes[i % len(programmes)]
            k = i - schools
            role = "mentor" if k < pairs else "mentee"
            memberships.append(
                {
                    "id": 1 + i,
                    "user_id": 1 + i,
                    "organisation_id": programme["organisation_id"],
                    "programme_id": programme["id"],
                    "role": role,
                }
            )
            consents.append(
                {"subject_user_id": 1 + i, "organisation_id": programme["organisation_id"]}
            )
            if i % 3 == 0 and i % 11:  # most minors have a parent's consent too
                consents.append(
                    {
                        "subject_user_id": 1 + i,
                        "organisation_id": programme["organisation_id"],
                        "given_by": "guardian",
                    }
                )
        await _bulk(
            session,
            Membership,
            [{**m, "status": "active", "profile": {}, "created_at": created} for m in memberships],
        )
        await _bulk(
            session,
            Consent,
            [
                {"given_by": "self", "text_version": "bench", "given_at": created, **c}
                for c in consents
            ],
        )
        # Pair p: mentor membership schools+1+p and mentee schools+1+pairs+p — the same
        # programme, as i % programmes is equal for both when pairs is a multiple of it.
        by_id = {m["id"]: m for m in memberships}
        pair_rows, mentee_rows = [], []
        for p in range(pairs):
            mentor = by_id[schools + 1 + p]
            mentee = by_id[schools + 1 + pairs + p]
            activated = created + timedelta(days=rnd.randint(0, 60))
            pair_rows.append(
                {
                    "id": 1 + p,
                    "organisation_id": mentor["organisation_id"],
                    "programme_id": mentor["programme_id"],
                    "mentor_membership_id": mentor["id"],
                    "status": "active" if p % 20 else "completed",
                    "created_at": activated,
                    "activated_at": activated,
                }
            )
            mentee_rows.append({"pair_id": 1 + p, "mentee_membership_id": mentee["id"]})
        await _bulk(session, Pair, pair_rows)
        await _bulk(session, PairMentee, mentee_rows)
        meeting_rows, attendance_rows = [], []
        for n in range(meetings):
            p = n % pairs
            day = NOW.date() - timedelta(days=rnd.randint(0, 140))
            logged = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
            meeting_rows.append(
                {
                    "id": 1 + n,
                    "organisation_id": pair_rows[p]["organisation_id"],
                    "pair_id": 1 + p,
                    "kind": "regular",
                    "status": "held",
                    "day": day,
                    "format": "offline",
                    "logged_at": logged,
                    "created_at": logged,
                    "updated_at": logged,
                }
            )
            answered = rnd.random() < 0.9
            attendance_rows.append(
                {
                    "meeting_id": 1 + n,
                    "mentee_membership_id": mentee_rows[p]["mentee_membership_id"],
                    "present": True,
                    "confirmed": True if answered else None,
                    "disputed": rnd.random() < 0.01,
                    "rating": rnd.randint(1, 5) if answered else None,
                    "comment_shared": False,
                }
            )
            if len(meeting_rows) >= CHUNK:
                await _bulk(session, Meeting, meeting_rows)
                await _bulk(session, MeetingAttendance, attendance_rows)
                meeting_rows, attendance_rows = [], []
        await _bulk(session, Meeting, meeting_rows)
        await _bulk(session, MeetingAttendance, attendance_rows)
        await _bulk(
            session,
            PlanItem,
            [
                {
                    "pair_id": 1 + p,
                    "mentee_membership_id": mentee_rows[p]["mentee_membership_id"],
                    "kind": "task",
                    "title": f"Задача {k}",
                    "status": rnd.choice(("planned", "in_progress", "done", "dropped")),
                    "created_at": created,
                    "updated_at": created,
                }
                for p in range(pairs)
                for k in range(3)
            ],
        )
        await _bulk(
            session,
            PairFit,
            [
                {
                    "pair_id": 1 + p,
                    "mentee_membership_id": mentee_rows[p]["mentee_membership_id"],
                    "answer": rnd.choice(("fits", "fits", "fits", "unsure", "no")),
                    "answered_at": created,
                }
                for p in range(pairs)
            ],
        )
        waves = [
            {
                "id": programme["id"],
                "organisation_id": programme["organisation_id"],
                "programme_id": programme["id"],
                "questionnaire_key": "participant",
                "kind": "intermediate",
                "deadline": NOW + timedelta(days=rnd.randint(-3, 10)),
                "created_at": created,
            }
            for programme in programmes
        ]
        await _bulk(session, SurveyWave, waves)
        participants = [m for m in memberships if m["role"] != "curator"]
        responses = [
            {
                "id": 1 + n,
                "wave_id": m["programme_id"],
                "user_id": m["user_id"],
                "role": m["role"],
                "questionnaire": "q",
                "position": 0,
                "submitted_at": NOW - timedelta(days=1) if n % 3 else None,
                "created_at": created,
            }
            for n, m in enumerate(participants)
        ]
        await _bulk(session, SurveyResponse, responses)
        submitted = [r for r in responses if r["submitted_at"] is not None]
        per_response = max(1, -(-answers // max(len(submitted), 1)))
        answer_rows = [
            {
                "response_id": r["id"],
                "item_key": f"item{k}",
                "number": rnd.randint(1, 10),
                "answered_at": created,
            }
            for r in submitted
            for k in range(per_response)
        ][:answers]
        await _bulk(session, SurveyAnswer, answer_rows)
        await session.commit()
    await engine.dispose()
    return World(
        municipality.id,
        school_ids,
        pairs,
        meetings,
        len(answer_rows),
        time.perf_counter() - started,
    )


# ----- the measured steps -----------------------------------------------------------------

StepFn = Callable[[AsyncSession, World, datetime], Awaitable[Any]]


@dataclass(frozen=True)
class Step:
    name: str
    fn: StepFn


async def curator_digests_at_once(session: AsyncSession, world: World, now: datetime) -> Any:
    return await DigestService(session).schools(world.school_ids, now)


async def curator_digests_one_by_one(session: AsyncSession, world: World, now: datetime) -> Any:
    """What the sender does: each digest is built at send time for its own school."""
    return [await DigestService(session).schools([org], now) for org in world.school_ids]


_CATALOGS: list[tuple[Catalog, QuestionnaireCatalog]] = []


def catalogs() -> tuple[Catalog, QuestionnaireCatalog]:
    if not _CATALOGS:
        _CATALOGS.append((load_catalog(), load_questionnaires()))
    return _CATALOGS[0]


async def coordinator_indicators(session: AsyncSession, world: World, now: datetime) -> Any:
    """The coordinator's digest and the monitoring report: every school and the total."""
    catalog, questionnaires = catalogs()
    year = ind.school_year_of(now.date())
    return await ind.for_municipality(session, world.municipality_id, year, catalog, questionnaires)


STEPS: list[Step] = [
    Step("curator digests, all schools in one call", curator_digests_at_once),
    Step("curator digests, one school at a time", curator_digests_one_by_one),
    Step("coordinator's indicators, the municipality", coordinator_indicators),
]
KEPT = {STEPS[0].name, STEPS[2].name}  # what is rendered afterwards


@dataclass(frozen=True)
class Measured:
    seconds: float
    statements: int
    result: Any


async def measure_steps(url: str, world: World, runs: int = 3) -> dict[str, Measured]:
    """Each step on one engine, as the bot keeps its engine: the best of `runs` (the first
    warms SQLite's page cache and SQLAlchemy's compiled statements)."""
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    seen = [0]

    def count(*_: Any) -> None:
        seen[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    measured: dict[str, Measured] = {}
    try:
        for step in STEPS:
            for _ in range(runs):
                async with sessions() as session:
                    before = seen[0]
                    started = time.perf_counter()
                    result = await step.fn(session, world, NOW)
                    elapsed = time.perf_counter() - started
                if step.name not in KEPT:
                    result = None  # only what is rendered afterwards stays in memory
                best = measured.get(step.name)
                if best is None or elapsed < best.seconds:
                    measured[step.name] = Measured(elapsed, seen[0] - before, result)
    finally:
        await engine.dispose()
    return measured


async def render_all(
    digests: list[SchoolDigest], indicators: ind.Indicators
) -> tuple[float, int, int]:
    """Every school's text, chart and workbook (chart and workbook in the process pool),
    and the coordinator's (text, tall chart, workbook)."""
    core = create_core("ru")
    await core.startup()
    ctx = RenderContext(None, SYSTEM_CLOCK, core, "Europe/Moscow")
    started = time.perf_counter()
    messages = 0
    jobs = []
    for digest in digests:
        messages += len(digest_texts(ctx, digest, "ru"))
        if digest.empty:
            continue
        jobs.append(offload.off_loop(render_png, digest_chart(ctx, digest, "ru")))
        jobs.append(offload.off_loop(write_workbook, [digest_sheet(ctx, digest, "ru")]))
    jobs.append(offload.off_loop(render_tall_png, indicator_chart(ctx, "ru", indicators)))
    jobs.append(offload.off_loop(write_workbook, indicator_sheets(ctx, "ru", indicators)))
    files = await asyncio.gather(*jobs)
    return time.perf_counter() - started, messages, sum(len(f) for f in files)


def _mb(kilobytes: int) -> float:
    return kilobytes / 1024  # ru_maxrss is in kilobytes on Linux


def peak_rss_kb(hold: float = 0.0) -> int:
    """The process's own peak RSS (VmHWM: unlike ru_maxrss, not inherited from the process
    that forked it). Held a moment in a worker so that each worker answers once."""
    time.sleep(hold)
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _build_sync(url: str, sizes: tuple[int, int, int, int]) -> World:
    return asyncio.run(build_world(url, *sizes))


async def build_apart(url: str, sizes: tuple[int, int, int, int]) -> World:
    """The world is generated in a separate process, so that the generator's memory is not
    counted in the peak of the process that computes and renders the digests."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return await asyncio.get_running_loop().run_in_executor(pool, _build_sync, url, sizes)


# A render worker as the bot starts it (`python -m bot`: the pool does not import the bot's
# __main__ again, unlike this script's workers, which import this file and with it aiogram).
WORKER_PROBE = """
import pickle, sys
from bot.services.charts import render_png
from bot.services.workbook import write_workbook
chart, sheet = pickle.load(open(sys.argv[1], "rb"))
render_png(chart)
write_workbook([sheet])
print([l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")][0])
"""


def bot_worker_peak_kb(folder: str, digest: SchoolDigest, ctx: RenderContext) -> int:
    path = Path(folder) / "largest.pickle"
    path.write_bytes(
        pickle.dumps((digest_chart(ctx, digest, "ru"), digest_sheet(ctx, digest, "ru")))
    )
    done = subprocess.run(
        [sys.executable, "-c", WORKER_PROBE, str(path)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


def rss_now_kb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


async def run(args: argparse.Namespace) -> None:
    rows: list[tuple[str, str]] = []
    imported_kb = rss_now_kb()
    results: dict[str, dict[str, Measured]] = {}
    worlds: dict[str, World] = {}
    with tempfile.TemporaryDirectory() as folder:
        sizes = {
            "small": (args.schools, args.pairs // 10, args.meetings // 10, args.answers // 10),
            "full": (args.schools, args.pairs, args.meetings, args.answers),
        }
        for size, (schools, pairs, meetings, answers) in sizes.items():
            url = f"sqlite+aiosqlite:///{Path(folder) / f'{size}.sqlite3'}"
            world = await build_apart(url, (schools, pairs, meetings, answers))
            worlds[size] = world
            results[size] = await measure_steps(url, world)

        full = worlds["full"]
        rows.append(("world built (s)", f"{full.built_s:.1f}"))
        rows.append(
            (
                "schools / pairs / meetings / answers",
                f"{len(full.school_ids)} / {full.pairs} / {full.meetings} / {full.answers}",
            )
        )
        for step in STEPS:
            small_m, full_m = results["small"][step.name], results["full"][step.name]
            rows.append((f"{step.name}: time (s)", f"{full_m.seconds:.2f}"))
            rows.append(
                (
                    f"{step.name}: SQL statements ({worlds['small'].pairs} → {full.pairs} pairs)",
                    f"{small_m.statements} → {full_m.statements}",
                )
            )
        digests: list[SchoolDigest] = results["full"][STEPS[0].name].result
        indicators: ind.Indicators = results["full"][STEPS[2].name].result
        for size in results:  # nothing but the digests to render stays in memory
            results[size] = {
                name: Measured(m.seconds, m.statements, None) for name, m in results[size].items()
            }
        offload.configure(args.workers)
        tracemalloc.start()
        try:
            started = time.perf_counter()  # the pool's processes start and import once
            await asyncio.gather(
                *(offload.off_loop(peak_rss_kb, 0.2) for _ in range(max(args.workers, 1)))
            )
            pool_s = time.perf_counter() - started
            render_s, messages, file_bytes = await render_all(digests, indicators)
            workers_kb = await asyncio.gather(
                *(offload.off_loop(peak_rss_kb, 0.5) for _ in range(max(args.workers, 1)))
            )
        finally:
            offload.shutdown()
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        core = create_core("ru")
        await core.startup()
        largest = max(digests, key=lambda d: len(d.pairs))
        bot_worker = _mb(
            bot_worker_peak_kb(folder, largest, RenderContext(None, SYSTEM_CLOCK, core, "UTC"))
        )
    rows.append(
        (f"render all texts, charts, workbooks ({args.workers} workers) (s)", f"{render_s:.2f}")
    )
    rows.append(("process pool started (s)", f"{pool_s:.1f}"))
    rows.append(("messages / files (MB)", f"{messages} / {file_bytes / 2**20:.1f}"))
    self_peak = _mb(peak_rss_kb())
    child_peak = _mb(max(workers_kb))
    rows.append(
        (
            "peak RSS: this process (after imports) / this script's worker (MB)",
            f"{self_peak:.0f} ({_mb(imported_kb):.0f}) / {child_peak:.0f}",
        )
    )
    rows.append(("peak RSS: a render worker of the bot, largest school (MB)", f"{bot_worker:.0f}"))
    rows.append(("Python allocations while rendering, peak (MB)", f"{traced_peak / 2**20:.1f}"))

    width = max(len(name) for name, _ in rows)
    print(f"{'what':<{width}}  {'value':>16}")
    print(f"{'-' * width}  {'-' * 16}")
    for name, value in rows:
        print(f"{name:<{width}}  {value:>16}")
    at_once = results["full"][STEPS[0].name]
    coordinator = results["full"][STEPS[2].name]
    grows = any(
        results["small"][s.name].statements != results["full"][s.name].statements for s in STEPS
    )
    print(
        f"SUMMARY digests: {len(full.school_ids)} schools, {full.pairs} pairs, "
        f"{full.meetings} meetings on SQLite: all curator digests' data {at_once.seconds:.2f} s "
        f"in {at_once.statements} SQL statements, the coordinator's indicators "
        f"{coordinator.seconds:.2f} s in {coordinator.statements} (target < 2 s; statements "
        f"{'GROW' if grows else 'do not grow'} with pairs); rendered in {render_s:.1f} s, "
        f"peak {self_peak:.0f} MB in this process, {bot_worker:.0f} MB per bot render worker "
        f"(target < 300 MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--pairs", type=int, default=5000)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
