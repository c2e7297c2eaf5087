"""Suggestion time for 500 mentees × 300 mentors on SQLite, and SQL statements per call.

Run from the repository root:  .venv/bin/python benchmarks/pairs.py [--mentees 500] [--mentors 300]

Builds a migrated SQLite database in a temporary folder with one school, one programme,
the mentors and mentees (varied profiles, complete consent, some pairs already formed),
then asks for suggestions for every mentee as the school's curator, and opens the
curator's roster (the /pairs screen's data). Prints a table and one summary line.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, select

from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.users import Person
from bot.storage.database import create_engine, create_session_factory
from bot.storage.migrate import upgrade_async
from bot.storage.models import (
    Consent,
    Membership,
    Organisation,
    Pair,
    PairMentee,
    Programme,
    User,
)

TOPICS = ["study", "friends", "career", "clubs_sport", "projects", "settling_in"]
COMPETENCES = [
    "Математика, олимпиады",
    "Русский язык и литература",
    "Футбол, волейбол",
    "Программирование, проекты",
    "Музыка и театр",
    "Профориентация, выбор вуза",
    "Психология общения",
    "Химия, биология",
]
AGES = ["10-12", "13-15", "16-18"]
TIMES = ["weekday_morning", "weekday_day", "weekday_evening", "weekend"]


async def build(url: str, mentees: int, mentors: int, seed: int = 15) -> tuple[int, int, list[int]]:
    await upgrade_async(url)
    rnd = random.Random(seed)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    async with sessions() as session:
        school = Organisation(kind="school", name="Школа № 1", timezone="Europe/Moscow")
        session.add(school)
        await session.flush()
        programme = Programme(
            organisation_id=school.id,
            form_key="student_student",
            name="Ученик — ученику",
            period_start=date(2026, 9, 1),
            period_end=date(2027, 5, 31),
        )
        curator = User(telegram_id=1, full_name="Куратор Вера")
        session.add_all([programme, curator])
        await session.flush()
        session.add(
            Membership(
                user_id=curator.id, organisation_id=school.id, role="curator", status="active"
            )
        )
        people = mentors + mentees
        await session.execute(
            insert(User),
            [
                {
                    "telegram_id": 10_000 + i,
                    "full_name": f"Участник {i:04d}",
                    "is_minor": i >= mentors,
                }
                for i in range(people)
            ],
        )
        first_id = curator.id + 1
        rows: list[dict[str, Any]] = []
        for i in range(people):
            if i < mentors:
                profile: dict[str, Any] = {
                    "category": "mentor.student",
                    "competences": rnd.choice(COMPETENCES),
                    "interests": rnd.choice(COMPETENCES),
                    "ages": rnd.sample(AGES, rnd.randint(1, 2)),
                    "times": rnd.sample(TIMES, rnd.randint(1, 3)),
                    "capacity": rnd.randint(1, 4),
                }
                role = "mentor"
            else:
                profile = {
                    "help_topics": rnd.sample(TOPICS, rnd.randint(1, 3)),
                    "wishes": rnd.choice(["хочу подтянуть математику", "найти друзей", ""]),
                    "school_class": f"{rnd.randint(5, 11)}А",
                    "times": rnd.sample(TIMES, rnd.randint(1, 2)),
                }
                role = "mentee"
            rows.append(
                {
                    "user_id": first_id + i,
                    "organisation_id": school.id,
                    "programme_id": programme.id,
                    "role": role,
                    "status": "active",
                    "profile": profile,
                }
            )
        await session.execute(insert(Membership), rows)
        await session.execute(
            insert(Consent),
            [
                {
                    "subject_user_id": first_id + i,
                    "organisation_id": school.id,
                    "given_by": kind,
                    "text_version": "bench",
                }
                for i in range(people)
                for kind in (("self", "guardian") if i >= mentors else ("self",))
            ],
        )
        await session.commit()
        memberships = list(
            await session.scalars(
                select(Membership.id).where(Membership.role != "curator").order_by(Membership.id)
            )
        )
        mentor_ids, mentee_ids = memberships[:mentors], memberships[mentors:]
        # A fifth of the mentees already paired, so loads are not all zero.
        for n, mentee in enumerate(mentee_ids[: mentees // 5]):
            pair = Pair(
                organisation_id=school.id,
                programme_id=programme.id,
                mentor_membership_id=mentor_ids[n % mentors],
                status="active",
            )
            session.add(pair)
            await session.flush()
            session.add(PairMentee(pair_id=pair.id, mentee_membership_id=mentee))
        await session.commit()
    await engine.dispose()
    return programme.id, curator.id, mentee_ids


async def run(mentees: int, mentors: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        started = time.perf_counter()
        programme_id, curator_id, mentee_ids = await build(url, mentees, mentors)
        built = time.perf_counter() - started

        engine = create_engine(url)
        sessions = create_session_factory(engine)
        statements: list[int] = [0]

        def count(*_: Any) -> None:
            statements[0] += 1

        event.listen(engine.sync_engine, "before_cursor_execute", count)
        settings = ServiceSettings()
        times: list[float] = []
        per_call: list[int] = []
        async with sessions() as session:
            hub = ServiceHub(session, settings)
            user = await session.get(User, curator_id)
            assert user is not None
            actor = await hub.access.actor(Person.of(user))
            for mentee in mentee_ids:
                before = statements[0]
                t0 = time.perf_counter()
                ranked = await hub.matching.suggest(actor, mentee)
                times.append(time.perf_counter() - t0)
                per_call.append(statements[0] - before)
                assert ranked and len(ranked) <= 10
                session.expunge_all()
            before = statements[0]
            t0 = time.perf_counter()
            roster = await hub.pairs.roster(actor, programme_id)
            roster_time = time.perf_counter() - t0
            roster_statements = statements[0] - before
        await engine.dispose()

    ms = sorted(t * 1000 for t in times)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    print(f"{'what':<34} {'value':>12}")
    print(f"{'-' * 34} {'-' * 12}")
    print(f"{'mentors × mentees':<34} {f'{mentors} × {mentees}':>12}")
    print(f"{'database built (s)':<34} {built:>12.2f}")
    print(f"{'suggestions computed':<34} {len(ms):>12}")
    print(f"{'suggestion time, median (ms)':<34} {statistics.median(ms):>12.1f}")
    print(f"{'suggestion time, p95 (ms)':<34} {p95:>12.1f}")
    print(f"{'suggestion time, max (ms)':<34} {ms[-1]:>12.1f}")
    print(f"{'all suggestions (s)':<34} {sum(times):>12.2f}")
    print(f"{'SQL statements per suggestion':<34} {f'{min(per_call)}–{max(per_call)}':>12}")
    print(
        f"{'roster of ' + str(len(roster.rows)) + ' people (ms)':<34} {roster_time * 1000:>12.1f}"
    )
    print(f"{'roster SQL statements':<34} {roster_statements:>12}")
    print(
        f"SUMMARY pairs: {mentees} mentees × {mentors} mentors on SQLite: median "
        f"{statistics.median(ms):.1f} ms, p95 {p95:.1f} ms per suggestion, "
        f"{max(per_call)} SQL statements each; roster {roster_statements} statements"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=500)
    parser.add_argument("--mentors", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(run(args.mentees, args.mentors))


if __name__ == "__main__":
    main()
