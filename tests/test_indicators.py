"""The municipal indicators, each worked out by hand on tests/municipal_world.py."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import indicators
from bot.services.catalog import load_catalog
from bot.services.questionnaires import load_questionnaires
from bot.storage.models import Headcount
from tests.municipal_world import build_municipal
from tests.test_load_statements import counting

CATALOG = load_catalog()
QUESTIONNAIRES = load_questionnaires()


async def compute(session: AsyncSession, municipality_id: int) -> indicators.Indicators:
    return await indicators.for_municipality(
        session, municipality_id, 2026, CATALOG, QUESTIONNAIRES
    )


def test_the_school_year_starts_on_the_first_of_september() -> None:
    assert indicators.school_year_of(date(2026, 8, 31)) == 2025
    assert indicators.school_year_of(date(2026, 9, 1)) == 2026
    assert indicators.school_year_of(date(2027, 5, 25)) == 2026


async def test_every_indicator_of_a_school_by_hand(session: AsyncSession) -> None:
    world = await build_municipal(session)
    result = await compute(session, world.municipality.id)
    assert [s.name for s in result.schools] == ["Школа № 1", "Школа № 2"]
    one, two = result.schools
    # s1, s2 are in a group that started; s3's pair never did; last year's mentee is out.
    assert (one.student_mentees.count, one.student_mentees.percent) == (2, 2.0)
    # Mentor A (category «обучающийся»); B's pair never started.
    assert (one.student_mentors.count, one.student_mentors.percent) == (1, 1.0)
    # y1 is a young specialist (of 4 young teachers); y2 is not.
    assert (one.young_teacher_mentees.count, one.young_teacher_mentees.percent) == (1, 25.0)
    # T1 is a teacher (of 20); the veteran is not one of the school's teachers.
    assert (one.teacher_mentors.count, one.teacher_mentors.percent) == (1, 5.0)
    assert one.pairs_by_form == {"student_student": 1, "teacher_teacher": 2}
    assert one.mentors_by_category == {
        "mentor.student": 1,
        "mentor.teacher": 1,
        "mentor.teaching_veteran": 1,
    }
    # 2 held in October + 1 in November; not the disputed, the planned or August's.
    assert one.meetings_held == 3
    assert (one.mentees, one.mentors) == (4, 3)  # s1, s2, y1, y2; A, T1, V
    # Exit: s1 (9, 9) → 88.9; s2 (10, 8) → (100 + 77.8) / 2 = 88.9; s3 did not submit.
    assert one.satisfaction == 89 and one.responses == 2
    # effectiveness 5 → (9 + 10) / 2 = +4.5; comfort 7 → (9 + 8) / 2 = +1.5; mean +3.0.
    assert one.change == 3.0
    # School 2: no headcounts, so no shares; a mentor without a category counts by form.
    assert two.headcounts is None
    assert (two.student_mentees.count, two.student_mentees.percent) == (1, None)
    assert (two.student_mentors.count, two.student_mentors.percent) == (1, None)
    assert two.mentors_by_category == {"": 1}
    assert two.meetings_held == 1
    # Only an intermediate wave: s4 answered 1 and 1 → 0; no exit yet, so no change.
    assert two.satisfaction == 0 and two.change is None
    assert [s.name for s in result.missing_headcounts] == ["Школа № 2"]


async def test_the_totals(session: AsyncSession) -> None:
    world = await build_municipal(session)
    total = (await compute(session, world.municipality.id)).total
    assert total.student_mentees.count == 3
    # School 2 has no headcount: the municipality's share is unknown, not guessed.
    assert total.student_mentees.percent is None
    assert total.pairs_by_form == {"student_student": 2, "teacher_teacher": 2}
    assert total.pairs == 4 and total.mentors == 4
    assert total.meetings_held == 4
    # Over every answer: (88.9 + 88.9 + 0) / 3 = 59.3.
    assert total.satisfaction == 59 and total.responses == 3
    assert total.change == 3.0


async def test_with_every_headcount_the_total_shares_add_up(session: AsyncSession) -> None:
    world = await build_municipal(session)
    session.add(
        Headcount(
            organisation_id=world.schools["2"].id,
            year=2026,
            students_10_18=50,
            teachers=10,
            young_teachers=0,
        )
    )
    await session.flush()
    result = await compute(session, world.municipality.id)
    assert result.missing_headcounts == []
    total = result.total
    assert (total.student_mentees.count, total.student_mentees.base) == (3, 150)
    assert total.student_mentees.percent == 2.0
    assert total.teacher_mentors.percent == round(100 / 30, 1)
    # A headcount of 0 young teachers gives no share (nothing to divide by).
    assert result.schools[1].young_teacher_mentees.percent is None


async def test_headcounts_of_another_year_do_not_count(session: AsyncSession) -> None:
    world = await build_municipal(session)
    result = await indicators.for_municipality(
        session, world.municipality.id, 2027, CATALOG, QUESTIONNAIRES
    )
    assert all(s.headcounts is None for s in result.schools)
    assert result.total.pairs == 0 and result.total.meetings_held == 0


async def test_one_school_and_another_municipality(session: AsyncSession) -> None:
    world = await build_municipal(session)
    one = await indicators.for_school(session, world.schools["1"].id, 2026, CATALOG, QUESTIONNAIRES)
    assert [s.name for s in one.schools] == ["Школа № 1"]
    assert one.total.meetings_held == 3
    other = await compute(session, world.other_municipality.id)
    assert [s.name for s in other.schools] == ["Лицей № 3"]
    assert other.total.pairs == 1


async def test_statements_do_not_grow_with_schools_or_pairs(session: AsyncSession) -> None:
    world = await build_municipal(session)
    engine = session.bind
    with counting(engine) as small:  # type: ignore[arg-type]
        await compute(session, world.municipality.id)
    bigger = await build_municipal(
        session, coordinator_tg=811, curator_tg=812, other_coordinator_tg=813, curator2_tg=814
    )
    # Move the second world's schools under the first municipality: twice the schools/pairs.
    for school in (bigger.schools["1"], bigger.schools["2"]):
        school.parent_id = world.municipality.id
    await session.flush()
    with counting(engine) as big:  # type: ignore[arg-type]
        result = await compute(session, world.municipality.id)
    assert len(result.schools) == 4
    assert sum(big.values()) == sum(small.values()) <= 10
