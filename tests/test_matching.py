"""Suggested mentors: ranked as expected on prepared profiles, with the reasons in words;
weights from a data file a deployment overrides; a bounded number of SQL statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied
from bot.services.matching import (
    Label,
    MatchingError,
    MenteeProfile,
    MentorProfile,
    Topic,
    load_rules,
    rank,
)
from bot.storage.models import Pair, PairMentee
from tests.pairs_world import actor, add_participant, hub_of, make_scene

RULES = load_rules()

MATHS = {
    "category": "mentor.student",
    "competences": "Математика, подготовка к олимпиадам",
    "interests": "шахматы, проекты по физике",
    "ages": ["13-15"],
    "times": ["weekday_evening", "weekend"],
}
SPORT = {
    "category": "mentor.student",
    "competences": "Футбол и волейбол",
    "interests": "спорт, туризм",
    "ages": ["10-12"],
    "times": ["weekday_morning"],
}
VETERAN = {  # fits a teacher-teacher form, not a student-student one
    "category": "mentor.teaching_veteran",
    "competences": "Математика, методика урока",
    "interests": "олимпиады",
    "ages": ["adult"],
    "times": ["weekday_evening"],
}
MENTEE = {
    "help_topics": ["study", "projects"],
    "wishes": "Хочу лучше понимать математику",
    "school_class": "8Б",
    "times": ["weekday_evening"],
}


def mentor(mid: int, name: str, profile: dict[str, Any], load: int = 0) -> MentorProfile:
    return MentorProfile.of(mid, mid, name, profile, load, RULES.default_capacity)


def mentee(profile: dict[str, Any]) -> MenteeProfile:
    return MenteeProfile.of(1, profile, True, "student")


def test_the_maths_mentor_comes_first_with_every_reason() -> None:
    ranked = rank(
        mentee(MENTEE),
        [
            mentor(2, "Спортов Игорь", SPORT),
            mentor(3, "Ветеранова Анна", VETERAN),
            mentor(4, "Числов Пётр", MATHS),
        ],
        RULES,
        "student",
    )
    assert [s.name for s in ranked] == ["Числов Пётр", "Ветеранова Анна", "Спортов Игорь"]
    best = ranked[0]
    assert best.score == 100
    reasons = {r.key: r for r in best.reasons}
    assert set(reasons) == {"topics", "ages", "times", "capacity", "form"}
    # Named as the catalogue names them, never a word form the mentor typed.
    assert reasons["topics"].args["topics"] == (
        Topic("projects"),
        Topic("study"),
        Label("pairs-reason-own-words"),
    )
    assert reasons["ages"].args["age"] == Label("age-band-13-15")
    assert reasons["times"].args["times"] == (Label("meeting-time-weekday_evening"),)
    assert reasons["capacity"].args == {"free": 3, "capacity": 3}
    # The veteran knows maths and meets in the evening, but is not a student mentor
    # and prefers adults: topics + times + capacity, no ages, no form.
    veteran = ranked[1]
    assert {r.key for r in veteran.reasons} == {"topics", "times", "capacity"}
    assert veteran.score == 35 + 15 + 15
    assert ranked[2].score == 15 + 15  # only room and the form
    assert all(0 <= s.score <= 100 for s in ranked)


def test_the_mentees_times_score_on_the_overlap_and_say_so() -> None:
    evening_and_weekend = {**MENTEE, "times": ["weekday_evening", "weekend"]}
    half = rank(mentee(evening_and_weekend), [mentor(3, "В", VETERAN)], RULES, "student")[0]
    whole = rank(mentee(evening_and_weekend), [mentor(4, "Ч", MATHS)], RULES, "student")[0]
    assert {r.key for r in half.reasons} >= {"times"}
    assert half.score == 35 + round(15 / 2) + 15  # one time of two in common
    assert whole.score == 100
    # Both said when they can meet and nothing is in common: a reason against.
    sport = rank(mentee(MENTEE), [mentor(2, "С", SPORT)], RULES, "student")[0]
    against = [r for r in sport.reasons if not r.good]
    assert [r.key for r in against] == ["no_times"]
    # A mentee from before the question (no times): nothing for or against.
    old = rank(mentee({**MENTEE, "times": []}), [mentor(2, "С", SPORT)], RULES, "student")[0]
    assert not {"times", "no_times"} & {r.key for r in old.reasons}


def test_a_full_mentor_says_so_and_falls_behind_an_equal_one() -> None:
    full = mentor(2, "Алексеев Антон", {**MATHS, "capacity": 1}, load=1)
    free = mentor(3, "Борисов Борис", MATHS, load=1)
    ranked = rank(mentee(MENTEE), [full, free], RULES, "student")
    assert [s.name for s in ranked] == ["Борисов Борис", "Алексеев Антон"]
    bad = [r for r in ranked[1].reasons if not r.good]
    assert [r.key for r in bad] == ["full"]
    assert ranked[0].score - ranked[1].score == 15


def test_missing_profile_keys_score_zero_and_never_fail() -> None:
    odd = mentor(2, "Пустов Павел", {"competences": 5, "ages": "13-15", "capacity": "many"})
    ranked = rank(mentee({"help_topics": "study"}), [odd], RULES, "student")
    assert ranked[0].score == 15  # only room: the default capacity
    assert {r.key for r in ranked[0].reasons} == {"capacity"}
    assert rank(mentee({}), [mentor(3, "Х", {})], RULES, None)[0].score == 15


def test_a_teacher_mentee_matches_by_category_and_adult_age() -> None:
    profile = {"category": "teacher.digital_skills", "subject": "История"}
    ict = mentor(
        2,
        "Цифрова Ольга",
        {
            "category": "mentor.teacher",
            "competences": "ИКТ, цифровые сервисы, презентации",
            "ages": ["adult"],
            "times": [],
        },
    )
    ranked = rank(MenteeProfile.of(1, profile, False, "teacher"), [ict], RULES, "teacher")
    keys = {r.key for r in ranked[0].reasons}
    assert keys == {"topics", "ages", "capacity", "form"}
    assert ranked[0].score == 85


def test_a_deployment_overrides_one_weight(tmp_path: Path) -> None:
    extra = tmp_path / "matching.toml"
    extra.write_text("[weights]\ntimes = 0\nform = 0\n", encoding="utf-8")
    rules = load_rules(extra)
    assert rules.weights["times"] == 0 and rules.weights["topics"] == 35
    best = rank(mentee(MENTEE), [mentor(4, "Числов Пётр", MATHS)], rules, "student")[0]
    assert best.score == 100  # the weights left still sum to the full score
    extra.write_text("[weights]\ntimes = -1\n", encoding="utf-8")
    with pytest.raises(MatchingError):
        load_rules(extra)
    extra.write_text("[weights\n", encoding="utf-8")
    with pytest.raises(MatchingError):
        load_rules(extra)


@contextmanager
def statements(session: AsyncSession) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    engine = session.bind.sync_engine  # type: ignore[union-attr]
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_suggestions_from_the_database_in_a_fixed_number_of_statements(
    session: AsyncSession,
) -> None:
    scene = await make_scene(session)
    kid = await add_participant(session, scene, "kid", "mentee", MENTEE, is_minor=True)
    await add_participant(session, scene, "maths", "mentor", MATHS, name="Числов Пётр")
    await add_participant(session, scene, "sport", "mentor", SPORT, name="Спортов Игорь")
    busy = await add_participant(
        session, scene, "busy", "mentor", {**MATHS, "capacity": 1}, name="Занятов Иван"
    )
    other_kid = await add_participant(session, scene, "k2", "mentee", {})
    pair = Pair(
        organisation_id=scene.school.id,
        programme_id=scene.programme.id,
        mentor_membership_id=busy.id,
        status="active",
    )
    session.add(pair)
    await session.flush()
    session.add(PairMentee(pair_id=pair.id, mentee_membership_id=other_kid.id))
    await session.flush()
    curator = await actor(session, scene.curator)
    hub = hub_of(session)
    with statements(session) as few:
        ranked = await hub.matching.suggest(curator, kid.id)
    assert [s.name for s in ranked] == ["Числов Пётр", "Занятов Иван", "Спортов Игорь"]
    assert [r.key for r in ranked[1].reasons if not r.good] == ["full"]
    for i in range(40):
        await add_participant(session, scene, f"m{i}", "mentor", SPORT)
    session.expunge_all()
    with statements(session) as many:
        ranked = await hub.matching.suggest(curator, kid.id, limit=None)
    assert len(ranked) == 43
    assert len(many) == len(few) <= 4


async def test_another_schools_curator_is_refused_and_audited(session: AsyncSession) -> None:
    scene = await make_scene(session)
    kid = await add_participant(session, scene, "kid", "mentee", MENTEE)
    stranger = await actor(session, scene.other_curator)
    with pytest.raises(AccessDenied):
        await hub_of(session).matching.suggest(stranger, kid.id)
    with pytest.raises(AccessDenied):  # a missing id: the same answer
        await hub_of(session).matching.suggest(stranger, 10_000)


def test_every_help_topic_and_mentee_category_has_words_to_match() -> None:
    """A teacher's wishes («Методика урока») find mentors as a student's topics do."""
    from bot.services.catalog import load_catalog

    catalog = load_catalog()
    keys = [t.key for t in catalog.help_topics(include_hidden=True)]
    keys += [c.key for c in catalog.mentee_categories(include_hidden=True)]
    assert "teaching.lessons" in keys
    assert [key for key in keys if not RULES.words.get(key)] == []
