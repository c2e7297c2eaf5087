"""What the greeting and the menu say about a mentor's pairs costs the same number of
statements with one pair as with twelve (the hot path: every menu reads it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import status as st
from bot.storage.models import Meeting, Pair, PairMentee
from tests.pairs_world import Scene, actor, add_participant, hub_of, make_scene
from tests.test_load_statements import counting

NOW = datetime.now(UTC)


async def mentor_with_pairs(session: AsyncSession, scene: Scene, key: str, count: int) -> None:
    mentor = await add_participant(session, scene, key, "mentor", {}, name=f"Наставник {key}")
    for n in range(count):
        mentee = await add_participant(session, scene, f"{key}-{n}", "mentee", {})
        pair = Pair(
            organisation_id=scene.school.id,
            programme_id=scene.programme.id,
            mentor_membership_id=mentor.id,
            status="active",
            mentor_accepted_at=NOW,
        )
        session.add(pair)
        await session.flush()
        session.add(PairMentee(pair_id=pair.id, mentee_membership_id=mentee.id))
        for days, status in ((-3, "held"), (2 + n, "planned")):
            at = NOW + timedelta(days=days)
            session.add(
                Meeting(
                    organisation_id=scene.school.id,
                    pair_id=pair.id,
                    kind="regular",
                    status=status,
                    day=at.date(),
                    starts_at=at,
                    agreed_at=NOW,
                )
            )
    await session.flush()


async def test_a_mentors_steps_cost_the_same_for_one_pair_and_for_twelve(
    session: AsyncSession,
) -> None:
    scene = await make_scene(session)
    await mentor_with_pairs(session, scene, "one", 1)
    await mentor_with_pairs(session, scene, "many", 12)
    await session.commit()
    engine = session.bind
    seen = {}
    for key in ("one", "many"):
        person = await actor(session, scene.users[key])
        with counting(engine) as statements:  # type: ignore[arg-type]
            standing = await hub_of(session).status.standing(person)
        seen[key] = dict(statements)
        assert [s.state for s in standing.steps] == [st.MEETING] * len(standing.pairs)
    assert len(standing.steps) == 12
    # The next meetings in the school's zone (Moscow), the nearest one of each pair.
    first = standing.steps[0].meeting_at
    assert first is not None and first.utcoffset() == timedelta(hours=3)
    assert first == (NOW + timedelta(days=2)).astimezone(first.tzinfo)
    assert seen["one"] == seen["many"], seen
