"""What questionnaires and a participant's meeting questions cost in SQL does not grow with
the number of pairs: launching a wave, reminding, the tick that hands an open wave to
those who may answer now, the results, a mentee's unanswered meetings and a mentor's
«Встреча состоялась?» — the same statements for 5 pairs and for 500."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import SystemClock
from bot.services.hub import ServiceHub, ServiceSettings
from bot.storage.models import (
    Consent,
    Meeting,
    MeetingAttendance,
    Membership,
    Notification,
    Organisation,
    Pair,
    PairMentee,
    Programme,
    SurveyAnswer,
    SurveyResponse,
    SurveyWave,
    User,
)
from tests.harness import ADMIN_ID
from tests.seed import admin_actor
from tests.test_load_statements import counting

SMALL, LARGE = 5, 500
SETTINGS = ServiceSettings(admin_ids=frozenset({ADMIN_ID}))


class At(SystemClock):
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


@dataclass
class World:
    school_id: int
    programme_id: int
    mentors: list[tuple[int, int]]  # (user id, membership id)
    mentees: list[tuple[int, int]]
    pair_ids: list[int]


async def _ids(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert; the new ids in order."""
    if not rows:
        return []
    result = await session.execute(insert(model).returning(model.id), rows)
    return [int(i) for i in result.scalars()]


async def world(
    sessions: async_sessionmaker[AsyncSession],
    pairs: int,
    *,
    one_mentor: bool = False,
    parent_consent: bool = True,
) -> World:
    """A school with `pairs` pairs (every mentee a minor, every mentor an adult), all of
    them consented (a parent too, unless `parent_consent` is False); with `one_mentor`
    one mentor has them all."""
    async with sessions() as session:
        school = Organisation(kind="school", name="Школа", timezone="Europe/Moscow")
        session.add(school)
        await session.flush()
        programme = Programme(
            organisation_id=school.id,
            form_key="teacher_student",
            name="Программа",
            period_start=date(2026, 9, 1),
            period_end=date(2027, 8, 31),
        )
        session.add(programme)
        await session.flush()
        mentor_count = 1 if one_mentor else pairs
        people = await _ids(
            session,
            User,
            [
                {"telegram_id": None, "full_name": f"Наставник {n}", "is_minor": False}
                for n in range(mentor_count)
            ]
            + [
                {"telegram_id": None, "full_name": f"Ученик {n}", "is_minor": True}
                for n in range(pairs)
            ],
        )
        # Telegram ids from the user ids: unique across worlds in one database.
        await session.execute(
            User.__table__.update()
            .where(User.id.in_(people))
            .values(telegram_id=User.id + 900_000_000)
        )
        mentor_users, mentee_users = people[:mentor_count], people[mentor_count:]
        roles = [("mentor", u) for u in mentor_users] + [("mentee", u) for u in mentee_users]
        memberships = await _ids(
            session,
            Membership,
            [
                {
                    "user_id": u,
                    "organisation_id": school.id,
                    "programme_id": programme.id,
                    "role": role,
                    "status": "active",
                    "profile": {},
                }
                for role, u in roles
            ],
        )
        consents = [
            {"subject_user_id": u, "organisation_id": school.id, "given_by": "self"} for u in people
        ]
        if parent_consent:
            consents += [
                {"subject_user_id": u, "organisation_id": school.id, "given_by": "guardian"}
                for u in mentee_users
            ]
        await session.execute(insert(Consent), [{**c, "text_version": "t"} for c in consents])
        mentors = list(zip(mentor_users, memberships[:mentor_count], strict=True))
        mentees = list(zip(mentee_users, memberships[mentor_count:], strict=True))
        pair_ids = await _ids(
            session,
            Pair,
            [
                {
                    "organisation_id": school.id,
                    "programme_id": programme.id,
                    "mentor_membership_id": mentors[0 if one_mentor else n][1],
                    "status": "active",
                }
                for n in range(pairs)
            ],
        )
        await session.execute(
            insert(PairMentee),
            [
                {"pair_id": p, "mentee_membership_id": m[1]}
                for p, m in zip(pair_ids, mentees, strict=True)
            ],
        )
        await session.commit()
        return World(school.id, programme.id, mentors, mentees, pair_ids)


async def measure(
    sessions: async_sessionmaker[AsyncSession],
    action: Callable[[ServiceHub], Any],
    now: datetime | None = None,
) -> tuple[Counter[str], Any]:
    """Statements of one action and its commit, with the admin already known."""
    engine = sessions.kw["bind"]
    settings = SETTINGS
    if now is not None:
        settings = ServiceSettings(admin_ids=frozenset({ADMIN_ID}), clock=At(now))
    async with sessions() as session:
        hub = ServiceHub(session, settings)
        await admin_actor(hub)
        await session.commit()
        with counting(engine) as seen:
            result = await action(hub)
            await session.commit()
    return seen, result


def same(small: Counter[str], large: Counter[str]) -> None:
    assert small, "nothing measured?"
    assert large == small, f"{SMALL} pairs: {dict(small)}; {LARGE} pairs: {dict(large)}"


async def count(sessions: async_sessionmaker[AsyncSession], model: Any, *where: Any) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


DEADLINE = date.today() + timedelta(days=20)


async def launch_for(hub: ServiceHub, programme_id: int) -> int:
    wave = await hub.surveys.launch(await admin_actor(hub), programme_id, "exit", DEADLINE)
    return wave.id


async def test_launching_a_wave_and_reminding_cost_the_same_for_5_and_500_pairs(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    measured = {}
    for pairs in (SMALL, LARGE):
        w = await world(session_factory, pairs)
        launched, wave_id = await measure(
            session_factory, lambda hub, w=w: launch_for(hub, w.programme_id)
        )
        assert (
            await count(session_factory, SurveyResponse, SurveyResponse.wave_id == wave_id)
            == 2 * pairs
        )
        invited = await count(
            session_factory,
            Notification,
            Notification.kind == "survey-invite",
            Notification.period == f"wave:{wave_id}",
        )
        assert invited == 2 * pairs

        async def remind(hub: ServiceHub, wave_id: int = wave_id) -> int:
            return await hub.surveys.remind_missing(await admin_actor(hub), wave_id)

        reminded, sent = await measure(session_factory, remind)
        assert sent == 2 * pairs
        measured[pairs] = (launched, reminded)
    same(measured[SMALL][0], measured[LARGE][0])
    same(measured[SMALL][1], measured[LARGE][1])


async def test_giving_an_open_wave_after_consent_costs_the_same_for_5_and_500(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    measured = {}
    for pairs in (SMALL, LARGE):
        w = await world(session_factory, pairs, parent_consent=False)
        # Launched a moment from now (after the people joined): only the mentors.
        later = datetime.now(UTC) + timedelta(minutes=1)
        _, wave_id = await measure(
            session_factory, lambda hub, w=w: launch_for(hub, w.programme_id), now=later
        )
        assert (
            await count(session_factory, SurveyResponse, SurveyResponse.wave_id == wave_id) == pairs
        )
        async with session_factory() as session:
            await session.execute(
                insert(Consent),
                [
                    {
                        "subject_user_id": u,
                        "organisation_id": w.school_id,
                        "given_by": "guardian",
                        "text_version": "t",
                    }
                    for u, _ in w.mentees
                ],
            )
            await session.commit()
        ticked, queued = await measure(session_factory, lambda hub: hub.surveys.tick(), now=later)
        assert queued == pairs  # each child's invitation
        assert (
            await count(session_factory, SurveyResponse, SurveyResponse.wave_id == wave_id)
            == 2 * pairs
        )
        measured[pairs] = ticked
        async with session_factory() as session:  # the next tick sees one school's wave
            await session.execute(
                update(SurveyWave).values(deadline=datetime.now(UTC) - timedelta(days=1))
            )
            await session.commit()
    same(measured[SMALL], measured[LARGE])


async def answered(sessions: async_sessionmaker[AsyncSession], w: World) -> None:
    """An entry and an exit wave everybody answered (two scale items and a free text)."""
    now = datetime.now(UTC)
    async with sessions() as session:
        people = [(u, "mentor") for u, _ in w.mentors] + [(u, "mentee") for u, _ in w.mentees]
        for kind in ("entry", "exit"):
            wave = SurveyWave(
                organisation_id=w.school_id,
                programme_id=w.programme_id,
                questionnaire_key="participant",
                kind=kind,
                deadline=now - timedelta(days=1),
                created_at=now - timedelta(days=10 if kind == "entry" else 5),
            )
            session.add(wave)
            await session.flush()
            responses = await _ids(
                session,
                SurveyResponse,
                [
                    {
                        "wave_id": wave.id,
                        "user_id": u,
                        "role": role,
                        "questionnaire": f"{role}_{kind}",
                        "submitted_at": now - timedelta(days=2),
                    }
                    for u, role in people
                ],
            )
            answers: list[dict[str, Any]] = []
            for response_id in responses:
                answers += [
                    {"response_id": response_id, "item_key": "effectiveness", "number": 7},
                    {"response_id": response_id, "item_key": "comfort", "number": 8},
                    {"response_id": response_id, "item_key": "met_before_where", "text": "Тут"},
                ]
            await session.execute(insert(SurveyAnswer), answers)
        await session.commit()


async def test_results_cost_the_same_for_5_and_500_pairs(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    measured = {}
    for pairs in (SMALL, LARGE):
        w = await world(session_factory, pairs)
        await answered(session_factory, w)

        async def results(hub: ServiceHub, w: World = w) -> Any:
            return await hub.surveys.results(await admin_actor(hub), w.programme_id, "ru")

        seen, result = await measure(session_factory, results)
        assert [c.submitted for c in result.completion] == [2 * pairs, 2 * pairs]
        assert len({r.name for r in result.raw}) == 2 * pairs
        measured[pairs] = seen
    same(measured[SMALL], measured[LARGE])


async def measure_as(
    sessions: async_sessionmaker[AsyncSession], user_id: int, call: Callable[[ServiceHub, Any], Any]
) -> tuple[Counter[str], Any]:
    """Statements of one call made for a person whose roles are already known."""
    async with sessions() as session:
        hub = ServiceHub(session, SETTINGS)
        person = await hub.users.get(user_id)
        assert person is not None
        actor = await hub.access.actor(person)
        with counting(sessions.kw["bind"]) as seen:
            result = await call(hub, actor)
    return seen, result


async def test_a_mentees_unanswered_meetings_cost_the_same_for_5_and_500(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    measured = {}
    for meetings in (SMALL, LARGE):
        w = await world(session_factory, 1)
        [(mentee, membership)] = w.mentees
        async with session_factory() as session:
            ids = await _ids(
                session,
                Meeting,
                [
                    {
                        "organisation_id": w.school_id,
                        "pair_id": w.pair_ids[0],
                        "kind": "regular",
                        "status": "held",
                        "day": date(2026, 10, 1) + timedelta(days=n % 200),
                    }
                    for n in range(meetings)
                ],
            )
            await session.execute(
                insert(MeetingAttendance),
                [{"meeting_id": i, "mentee_membership_id": membership} for i in ids],
            )
            await session.commit()

        seen, result = await measure_as(
            session_factory, mentee, lambda hub, actor: hub.meetings.pending_for(actor)
        )
        assert len(result) == meetings and {p.mentor_name for p in result} == {"Наставник 0"}
        measured[meetings] = seen
    same(measured[SMALL], measured[LARGE])


async def test_a_mentors_due_meeting_questions_cost_the_same_for_5_and_500_pairs(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    measured = {}
    for pairs in (SMALL, LARGE):
        w = await world(session_factory, pairs, one_mentor=True)
        [(mentor, _)] = w.mentors
        past = datetime.now(UTC) - timedelta(hours=2)
        async with session_factory() as session:
            await session.execute(
                insert(Meeting),
                [
                    {
                        "organisation_id": w.school_id,
                        "pair_id": p,
                        "kind": "regular",
                        "status": "planned",
                        "day": past.date(),
                        "starts_at": past,
                        "agreed_at": past - timedelta(days=1),
                    }
                    for p in w.pair_ids
                ],
            )
            await session.commit()

        seen, result = await measure_as(
            session_factory, mentor, lambda hub, actor: hub.meetings.due_questions(actor)
        )
        assert len(result) == pairs
        assert {v.pair_id for v in result} == set(w.pair_ids)
        measured[pairs] = seen
    same(measured[SMALL], measured[LARGE])
