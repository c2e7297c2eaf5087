"""A small school prepared so that every figure of its digest is known by hand.

"Now" is Monday 23 November 2026, 09:30 in Moscow (06:30 UTC): the local week is 23–29
November, the last one 16–22. See tests/test_digests.py for every expected number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import (
    Meeting,
    MeetingAttendance,
    Membership,
    Organisation,
    Pair,
    PairFit,
    PlanItem,
    Programme,
    SurveyResponse,
    SurveyWave,
)
from tests.meetings_world import make_pair
from tests.pairs_world import Scene, add_participant, add_person, give_consent, make_scene

NOW = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)


async def meeting(
    session: AsyncSession,
    pair: Pair,
    day: date,
    mentees: dict[int, dict[str, object]],
    *,
    logged_at: datetime | None = None,
) -> Meeting:
    """A held meeting; `mentees`: membership id → attendance fields (confirmed, rating…)."""
    moment = logged_at or datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=12
    )
    row = Meeting(
        organisation_id=pair.organisation_id,
        pair_id=pair.id,
        kind="regular",
        status="held",
        day=day,
        duration_min=45,
        logged_at=moment,
        created_at=moment,
        updated_at=moment,
    )
    session.add(row)
    await session.flush()
    for membership_id, fields in mentees.items():
        session.add(
            MeetingAttendance(meeting_id=row.id, mentee_membership_id=membership_id, **fields)
        )
    await session.flush()
    return row


async def working_pair(session: AsyncSession, school: Organisation, activated_at: datetime) -> Pair:
    """A programme of the school with one pair working since `activated_at` (a school past
    its set-up: its automatic digests come)."""
    programme = Programme(
        organisation_id=school.id,
        form_key="student_student",
        name="Программа",
        period_start=date(2026, 9, 1),
        period_end=date(2027, 5, 31),
        stage="working",
    )
    session.add(programme)
    await session.flush()
    person = await add_person(session, f"Наставник {school.name}")
    mentor = Membership(
        user_id=person.id,
        organisation_id=school.id,
        programme_id=programme.id,
        role="mentor",
        status="active",
    )
    session.add(mentor)
    await session.flush()
    pair = Pair(
        organisation_id=school.id,
        programme_id=programme.id,
        mentor_membership_id=mentor.id,
        status="active",
        activated_at=activated_at,
    )
    session.add(pair)
    await session.flush()
    return pair


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 9, tzinfo=UTC)


@dataclass
class DigestWorld:
    scene: Scene
    pairs: dict[str, Pair]
    empty_school: Organisation  # no programme yet


async def rated(
    session: AsyncSession, pair: Pair, mentee: int, days_ratings: list[tuple[date, int]]
) -> None:
    for day, rating in days_ratings:
        await meeting(session, pair, day, {mentee: {"confirmed": True, "rating": rating}})


async def make_digest_world(session: AsyncSession) -> DigestWorld:
    scene = await make_scene(session)
    scene.programme.quiet_pair_days = 14
    m = scene.members
    p1 = await make_pair(session, scene, "M1", ["E1"], activated_at=at(10, 1))
    p2 = await make_pair(session, scene, "M2", ["E2", "E3"], activated_at=at(11, 1))
    p3 = await make_pair(session, scene, "M3", ["E4"], activated_at=at(11, 10))
    p4 = await make_pair(session, scene, "M4", ["E5"], activated_at=at(9, 15))
    p5 = await make_pair(session, scene, "M1", ["E6"], activated_at=at(11, 20))
    p5.status = "proposed"
    await add_participant(session, scene, "E7", "mentee", {}, name="Ученик E7")
    e8 = await add_participant(
        session, scene, "E8", "mentee", {}, name="Ученик E8", is_minor=True, consent=False
    )
    e8.status = "registering"
    await give_consent(session, scene.users["E8"], scene.school.id, complete=False)
    scene.users["M3"].reachable = False

    e1, e4, e5 = m["E1"].id, m["E4"].id, m["E5"].id
    # Pair 1: last three ratings 2, 2, 2 (low), the three before 5, 5, 4.
    await rated(
        session,
        p1,
        e1,
        [
            (d(10, 5), 5),
            (d(10, 12), 5),
            (d(10, 19), 4),
            (d(11, 2), 2),
            (d(11, 16), 2),
            (d(11, 23), 2),
        ],
    )
    # Pair 3: one meeting unconfirmed since the 17th, one the mentee disputes.
    await meeting(session, p3, d(11, 17), {e4: {}})
    await meeting(session, p3, d(11, 20), {e4: {"confirmed": False, "disputed": True}})
    # Pair 4: 5, 5, 5 then 4, 3, 3 (falling by 1.67); last meeting 5 November (quiet).
    await rated(
        session,
        p4,
        e5,
        [
            (d(10, 1), 5),
            (d(10, 8), 5),
            (d(10, 15), 5),
            (d(10, 22), 4),
            (d(10, 29), 3),
            (d(11, 5), 3),
        ],
    )
    session.add_all(
        [
            PlanItem(pair_id=p1.id, mentee_membership_id=e1, kind="goal", title="a", status="done"),
            PlanItem(pair_id=p1.id, mentee_membership_id=e1, kind="task", title="b"),
            PlanItem(
                pair_id=p1.id, mentee_membership_id=e1, kind="task", title="c", status="dropped"
            ),
            PairFit(pair_id=p1.id, mentee_membership_id=e1, answer="fits"),
            PairFit(pair_id=p2.id, mentee_membership_id=m["E2"].id, answer="no"),
        ]
    )
    old = SurveyWave(
        organisation_id=scene.school.id,
        programme_id=scene.programme.id,
        questionnaire_key="participant",
        kind="entry",
        deadline=at(10, 1),
    )
    session.add(old)
    await session.flush()
    wave = SurveyWave(
        organisation_id=scene.school.id,
        programme_id=scene.programme.id,
        questionnaire_key="participant",
        kind="intermediate",
        deadline=NOW + timedelta(days=2),
    )
    session.add(wave)
    await session.flush()
    for key, role, submitted in (
        ("M1", "mentor", True),
        ("E1", "mentee", False),
        ("E2", "mentee", False),
    ):
        session.add(
            SurveyResponse(
                wave_id=wave.id,
                user_id=scene.users[key].id,
                role=role,
                questionnaire="q",
                submitted_at=NOW - timedelta(days=1) if submitted else None,
            )
        )
    # An older wave's unsubmitted response is not the current wave's business.
    session.add(
        SurveyResponse(
            wave_id=old.id, user_id=scene.users["E7"].id, role="mentee", questionnaire="q"
        )
    )
    empty = Organisation(kind="school", name="Школа без программ", timezone="Asia/Vladivostok")
    session.add(empty)
    await session.flush()
    return DigestWorld(scene, {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5}, empty)
