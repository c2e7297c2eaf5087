"""The questions of each role and form, and a profile checked against the catalogue."""

from __future__ import annotations

import pytest

from bot.services.catalog import load_catalog
from bot.services.errors import InvalidInput
from bot.services.registration import check_choice, check_profile, questions

CATALOG = load_catalog()


def form(key: str):  # type: ignore[no-untyped-def]
    found = CATALOG.form(key)
    assert found is not None
    return found


def test_teacher_teacher_mentor_gets_teacher_categories_and_no_mentee_ages() -> None:
    asked = questions(CATALOG, "mentor", form("teacher_teacher"), {})
    assert "is_minor" not in asked and "ages" not in asked and "workplace" not in asked
    assert asked[:2] == ["full_name", "category"]
    for forged in ("mentor.student", "mentor.parent", "student.gifted", "x"):
        with pytest.raises(InvalidInput):
            check_choice(CATALOG, "mentor", form("teacher_teacher"), "category", forged)
    assert check_choice(CATALOG, "mentor", form("teacher_teacher"), "category", "mentor.teacher")


def test_employer_mentor_is_asked_the_workplace_and_never_a_teacher_category() -> None:
    asked = questions(CATALOG, "mentor", form("employer_student"), {})
    assert "workplace" in asked and "ages" in asked
    with pytest.raises(InvalidInput):
        check_choice(CATALOG, "mentor", form("employer_student"), "category", "mentor.teacher")


def test_student_mentee_asked_age_first_and_help_topics_not_a_category() -> None:
    asked = questions(CATALOG, "mentee", form("teacher_student.prevention"), {})
    assert asked[0] == "is_minor"
    assert "category" not in asked and "help_topics" in asked and "school_class" in asked
    with pytest.raises(InvalidInput):
        check_choice(CATALOG, "mentee", form("student_student"), "category", "student.behaviour")


def test_teacher_mentee_chooses_help_topics_never_a_category() -> None:
    teachers = form("teacher_teacher")
    asked = questions(CATALOG, "mentee", teachers, {})
    assert asked == ["full_name", "subject", "years", "help_topics", "wishes", "times"]
    for label in ("teacher.burnout", "teacher.low_results", "student.gifted"):
        with pytest.raises(InvalidInput):
            check_choice(CATALOG, "mentee", teachers, "category", label)
    # A teacher is offered the teachers' topics only, a student the students' only.
    for forged in (["study"], ["teacher.burnout"]):
        with pytest.raises(InvalidInput):
            check_choice(CATALOG, "mentee", teachers, "help_topics", forged)
    pupils = form("student_student")
    with pytest.raises(InvalidInput):
        check_choice(CATALOG, "mentee", pupils, "help_topics", ["teaching.lessons"])
    picked = ["teaching.results", "teaching.workload"]
    assert check_choice(CATALOG, "mentee", teachers, "help_topics", picked) == [
        "teaching.workload",
        "teaching.results",
    ]


def test_student_mentor_gets_the_only_category_without_a_question() -> None:
    asked = questions(CATALOG, "mentor", form("student_student"), {})
    assert asked[0] == "is_minor" and "category" not in asked
    profile = {"competences": "Математика", "interests": "Шахматы", "ages": ["10-12"]}
    profile["times"] = ["weekend"]
    profile["capacity"] = "2"
    assert check_profile(CATALOG, "mentor", form("student_student"), profile)["category"] == (
        "mentor.student"
    )


@pytest.mark.parametrize(
    "profile",
    [
        # a student labelled with a sensitive category
        {
            "school_class": "7Б",
            "help_topics": [],
            "wishes": "x",
            "times": ["weekend"],
            "category": "student.hardship",
        },
        # a forged topic
        {"school_class": "7Б", "help_topics": ["hacking"], "wishes": "x", "times": ["weekend"]},
        # a missing answer
        {"school_class": "7Б", "help_topics": []},
        # a class that is not a class
        {"school_class": "седьмой", "help_topics": [], "wishes": "x", "times": ["weekend"]},
    ],
)
def test_a_profile_that_does_not_fit_is_refused(profile: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        check_profile(CATALOG, "mentee", form("student_student"), profile)


def test_a_mentor_says_how_many_mentees_and_a_mentee_when_they_can_meet() -> None:
    mentor = questions(CATALOG, "mentor", form("student_student"), {})
    assert mentor[mentor.index("times") + 1] == "capacity"
    for key in ("student_student", "teacher_teacher", "teacher_student.prevention"):
        asked = questions(CATALOG, "mentee", form(key), {})
        assert asked[-1] == "times" and "capacity" not in asked
    assert check_choice(CATALOG, "mentor", form("student_student"), "capacity", "5") == 5
    for forged in ("0", "6", "10", "x", True, ["3"], None):
        with pytest.raises(InvalidInput):
            check_choice(CATALOG, "mentor", form("student_student"), "capacity", forged)
    with pytest.raises(InvalidInput):  # a mentee has no capacity
        check_choice(CATALOG, "mentee", form("student_student"), "capacity", "3")
    profile = {
        "school_class": "7Б",
        "help_topics": ["study"],
        "wishes": "x",
        "times": ["weekend", "weekday_evening"],
    }
    clean = check_profile(CATALOG, "mentee", form("student_student"), profile)
    assert clean["times"] == ["weekday_evening", "weekend"]
    with pytest.raises(InvalidInput):
        check_profile(CATALOG, "mentee", form("student_student"), {**profile, "times": ["night"]})


def test_multiselect_values_are_deduplicated_in_menu_order() -> None:
    value = check_choice(
        CATALOG, "mentor", form("student_student"), "times", ["weekend", "weekday_day", "weekend"]
    )
    assert value == ["weekday_day", "weekend"]


async def test_only_the_schools_curator_sets_a_category_forged_ids_get_one_answer(
    session_factory,  # type: ignore[no-untyped-def]
) -> None:
    from bot.services.errors import AccessDenied
    from bot.services.hub import ServiceHub, ServiceSettings
    from bot.storage.models import Membership, User
    from tests.seed import make_school

    school = await make_school(session_factory)
    other = await make_school(session_factory, name="Школа № 9")
    async with session_factory() as session:
        pupil = User(telegram_id=4001, full_name="Сидоров Ваня", is_minor=True)
        stranger = User(telegram_id=4002, full_name="Чужой Куратор")
        session.add_all([pupil, stranger])
        await session.flush()
        mentee = Membership(
            user_id=pupil.id,
            organisation_id=school.school_id,
            programme_id=school.programme_ids["student_student"],
            role="mentee",
            status="active",
            profile={},
        )
        session.add_all(
            [
                mentee,
                Membership(
                    user_id=stranger.id,
                    organisation_id=other.school_id,
                    role="curator",
                    status="active",
                ),
            ]
        )
        await session.flush()
        mentee_id = mentee.id
        await session.commit()
        hub = ServiceHub(session, ServiceSettings())
        actor = await hub.access.actor(await hub.users.touch(4002, "ru"))
        for membership_id in (mentee_id, 999_999):
            with pytest.raises(AccessDenied):
                await hub.registration.set_category(actor, membership_id, "student.hardship")
        await session.rollback()
        refreshed = await session.get(Membership, mentee_id)
        assert refreshed is not None and "category" not in (refreshed.profile or {})
