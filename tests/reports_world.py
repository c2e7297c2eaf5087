"""A small hand-checked world for /report and recognition: a municipality with two schools
(and a school of another municipality), pairs with meetings, ratings, plans, a withdrawn
mentee and entry/exit questionnaires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import (
    Meeting,
    MeetingAttendance,
    Membership,
    Organisation,
    Pair,
    PlanItem,
    Programme,
    SurveyAnswer,
    SurveyResponse,
    SurveyWave,
    User,
)
from tests.meetings_world import make_pair
from tests.pairs_world import Scene, add_participant, add_person, make_scene

CURATOR_TG, OTHER_CURATOR_TG, COORDINATOR_TG, MENTEE_TG, MENTOR_TG = 8301, 8302, 8303, 8304, 8305
SCHOOL2_CURATOR_TG = 8306


@dataclass
class ReportsWorld:
    scene: Scene
    municipality: Organisation
    other_municipality: Organisation
    school2: Organisation
    pair1: Pair  # Наставник m — Ученик a: 3 meetings held, ratings 5, 5, 4; growth +3
    pair2: Pair  # Наставник m2 — Ученик b, withdrawn c: 1 meeting held, ratings 3 and 2
    coordinator_id: int


def at(day: int, month: int = 11, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


async def meeting(
    session: AsyncSession,
    pair: Pair,
    day: date,
    marks: list[tuple[Membership, int | None, str | None]],
    *,
    status: str = "held",
    kind: str = "regular",
    topic: str | None = None,
    starts_at: datetime | None = None,
) -> Meeting:
    row = Meeting(
        organisation_id=pair.organisation_id,
        pair_id=pair.id,
        kind=kind,
        status=status,
        day=day,
        starts_at=starts_at,
        duration_min=45,
        format="offline",
        topic=topic,
        outcome="ok" if status == "held" else None,
    )
    session.add(row)
    await session.flush()
    for member, rating, comment in marks:
        session.add(
            MeetingAttendance(
                meeting_id=row.id,
                mentee_membership_id=member.id,
                confirmed=True if status == "held" else None,
                rating=rating,
                comment=comment,
            )
        )
    await session.flush()
    return row


async def answers(
    session: AsyncSession,
    wave: SurveyWave,
    user: User,
    role: str,
    questionnaire: str,
    values: dict[str, int],
) -> None:
    response = SurveyResponse(
        wave_id=wave.id,
        user_id=user.id,
        role=role,
        questionnaire=questionnaire,
        submitted_at=at(20, 11),
    )
    session.add(response)
    await session.flush()
    for key, value in values.items():
        session.add(SurveyAnswer(response_id=response.id, item_key=key, number=value))
    await session.flush()


async def make_world(session: AsyncSession) -> ReportsWorld:
    scene = await make_scene(session)
    scene.curator.telegram_id = CURATOR_TG
    scene.other_curator.telegram_id = OTHER_CURATOR_TG
    municipality = Organisation(kind="municipality", name="Город N", timezone="Europe/Moscow")
    other_municipality = Organisation(kind="municipality", name="Район Z", timezone="Europe/Moscow")
    session.add_all([municipality, other_municipality])
    await session.flush()
    scene.school.parent_id = municipality.id
    scene.other_school.parent_id = other_municipality.id
    school2 = Organisation(
        kind="school", name="Лицей № 2", timezone="Europe/Moscow", parent_id=municipality.id
    )
    session.add(school2)
    await session.flush()
    coordinator = await add_person(session, "Иванова Координатор", telegram_id=COORDINATOR_TG)
    curator2 = await add_person(session, "Петров Куратор", telegram_id=SCHOOL2_CURATOR_TG)
    session.add_all(
        [
            Membership(
                user_id=coordinator.id,
                organisation_id=municipality.id,
                role="coordinator",
                status="active",
            ),
            Membership(
                user_id=curator2.id, organisation_id=school2.id, role="curator", status="active"
            ),
        ]
    )
    await add_participant(
        session,
        scene,
        "m",
        "mentor",
        {"category": "mentor.student", "competences": "математика", "interests": "шахматы"},
        name="Наставник m",
        telegram_id=MENTOR_TG,
    )
    await add_participant(
        session,
        scene,
        "a",
        "mentee",
        {"school_class": "7Б", "help_topics": ["study"], "category": "student.low_results"},
        name="Ученик a",
        telegram_id=MENTEE_TG,
        is_minor=True,
    )
    pair1 = await make_pair(session, scene, "m", ["a"])
    pair2 = await make_pair(session, scene, "m2", ["b", "c"])
    a, b, c = scene.members["a"], scene.members["b"], scene.members["c"]
    await meeting(session, pair1, date(2026, 11, 2), [(a, 5, "Спасибо!")], kind="organisational")
    await meeting(session, pair1, date(2026, 11, 9), [(a, 5, None)], topic="Дроби")
    await meeting(session, pair1, date(2026, 11, 16), [(a, 4, None)])
    await meeting(
        session,
        pair1,
        date(2026, 11, 30),
        [],
        status="planned",
        starts_at=datetime(2026, 11, 30, 12, 30, tzinfo=UTC),  # 15:30 in Moscow
    )
    await meeting(session, pair2, date(2026, 11, 5), [(b, 3, None), (c, 2, "секрет")])
    session.add_all(
        [
            PlanItem(pair_id=pair1.id, mentee_membership_id=a.id, kind="goal", title="g1",
                     status="done"),
            PlanItem(pair_id=pair1.id, mentee_membership_id=a.id, kind="task", title="t1"),
        ]
    )  # fmt: skip
    # c withdrew: anonymised, only aggregates stay.
    c.status = "withdrawn"
    user_c = scene.users["c"]
    user_c.full_name = None
    user_c.telegram_id = None
    user_c.anonymised_at = at(20)
    # Questionnaires: a grew by 3 on both items, b by 1.
    entry = SurveyWave(
        organisation_id=scene.school.id,
        programme_id=scene.programme.id,
        questionnaire_key="participant",
        kind="entry",
        deadline=at(10, 9),
        created_at=at(1, 9),
    )
    exit_ = SurveyWave(
        organisation_id=scene.school.id,
        programme_id=scene.programme.id,
        questionnaire_key="participant",
        kind="exit",
        deadline=at(22, 11),
        created_at=at(15, 11),
    )
    session.add_all([entry, exit_])
    await session.flush()
    a_user, b_user = scene.users["a"], scene.users["b"]
    await answers(
        session, entry, a_user, "mentee", "mentee_entry", {"comfort": 5, "effectiveness": 6}
    )
    await answers(
        session, exit_, a_user, "mentee", "mentee_exit", {"comfort": 8, "effectiveness": 9}
    )
    await answers(session, entry, b_user, "mentee", "mentee_entry", {"comfort": 5})
    await answers(session, exit_, b_user, "mentee", "mentee_exit", {"comfort": 6})
    # The second school: one mentor, no pairs.
    programme2 = Programme(
        organisation_id=school2.id,
        form_key="teacher_teacher",
        name="Молодой учитель",
        period_start=date(2026, 9, 1),
        period_end=date(2027, 5, 31),
        stage="working",
    )
    session.add(programme2)
    await session.flush()
    teacher = await add_person(session, "Сидорова Анна")
    session.add(
        Membership(
            user_id=teacher.id,
            organisation_id=school2.id,
            programme_id=programme2.id,
            role="mentor",
            status="active",
        )
    )
    # The other municipality's school: a mentor nobody here may see.
    other_programme = Programme(
        organisation_id=scene.other_school.id,
        form_key="student_student",
        name="Чужая программа",
        period_start=date(2026, 9, 1),
        period_end=date(2027, 5, 31),
    )
    session.add(other_programme)
    await session.flush()
    stranger = await add_person(session, "Чужой Наставник")
    session.add(
        Membership(
            user_id=stranger.id,
            organisation_id=scene.other_school.id,
            programme_id=other_programme.id,
            role="mentor",
            status="active",
        )
    )
    await session.flush()
    return ReportsWorld(
        scene, municipality, other_municipality, school2, pair1, pair2, coordinator.id
    )
