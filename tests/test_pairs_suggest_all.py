"""«✨ Предложения» in the service, on every database backend: the best mentor for every
free mentee, never more mentees to a mentor than their free places, worked out again on
the server for «Предложить все», a mentee choosing among candidates left alone."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied, DomainError
from bot.storage.models import Pair
from tests.pairs_world import actor, add_participant, hub_of, make_scene

MENTEE = {"help_topics": ["study"], "school_class": "8Б", "times": ["weekend"]}


async def test_suggestions_respect_places_and_are_proposed_together(
    session: AsyncSession,
) -> None:
    scene = await make_scene(session)
    await add_participant(
        session,
        scene,
        "star",
        "mentor",
        {
            "category": "mentor.student",
            "competences": "Учёба",
            "ages": ["13-15"],
            "times": ["weekend"],
            "capacity": 1,
        },
        name="Звёздная Алла",
    )
    await add_participant(
        session,
        scene,
        "plain",
        "mentor",
        {"category": "mentor.student", "competences": "Учёба", "capacity": 2},
        name="Простая Ольга",
    )
    for i in range(4):
        await add_participant(session, scene, f"k{i}", "mentee", MENTEE, name=f"Ученик {i}")
    await add_participant(
        session, scene, "nokid", "mentee", MENTEE, name="Без согласия", is_minor=True, consent=False
    )
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    lines = await pairs.suggest_all(curator, scene.programme.id)
    assert [line.mentee_name for line in lines] == [f"Ученик {i}" for i in range(4)]
    given = Counter(line.suggestion.name for line in lines if line.suggestion)
    assert given == {"Звёздная Алла": 1, "Простая Ольга": 2}
    assert lines[0].suggestion and lines[0].suggestion.name == "Звёздная Алла"
    assert lines[3].suggestion is None  # no places left for the fourth

    # Another school's curator can neither see nor propose them.
    with pytest.raises(AccessDenied):
        await pairs.suggest_all(await actor(session, scene.other_curator), scene.programme.id)
    with pytest.raises(AccessDenied):
        await pairs.propose_suggested(await actor(session, scene.other_curator), scene.programme.id)

    views = await pairs.propose_suggested(curator, scene.programme.id)
    assert len(views) == 3
    # Asked again: nothing left to propose; a line for a paired mentee is out of date.
    with pytest.raises(DomainError) as gone:
        await pairs.propose_suggested(curator, scene.programme.id, only=scene.members["k0"].id)
    assert gone.value.code == "pairs-suggestion-gone"
    with pytest.raises(DomainError):
        await pairs.propose_suggested(curator, scene.programme.id)
    active = await pairs.activate_many(curator, [v.id for v in views])
    assert {v.status for v in active} == {"active"}
    with pytest.raises(DomainError):  # a second «Утвердить все»
        await pairs.activate_many(curator, [v.id for v in views])
    loads = Counter(p.mentor_membership_id for p in await session.scalars(select(Pair)))
    assert loads == {scene.members["star"].id: 1, scene.members["plain"].id: 2}


async def test_a_mentee_choosing_among_candidates_is_not_suggested(session: AsyncSession) -> None:
    scene = await make_scene(session)
    for key in ("a", "b"):
        await add_participant(
            session, scene, key, "mentor", {"category": "mentor.student"}, name=f"Наставник {key}"
        )
    await add_participant(session, scene, "kid", "mentee", MENTEE, name="Выбирающий")
    curator = await actor(session, scene.curator)
    pairs = hub_of(session).pairs
    await pairs.offer(curator, scene.members["kid"].id, [scene.members[k].id for k in "ab"])
    assert await pairs.suggest_all(curator, scene.programme.id) == []
