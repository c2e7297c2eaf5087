"""152-ФЗ: `/mydata` exports what is stored about a person; withdrawing consent anonymises it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import JSON, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import AuditService
from bot.services.errors import AccessDenied
from bot.services.personal_data import PersonalDataService, is_state_key_of
from bot.services.users import Person
from bot.storage.models import (
    AuditEntry,
    Base,
    Candidate,
    Consent,
    DialogState,
    GuardianLink,
    Meeting,
    MeetingAttendance,
    Membership,
    Notification,
    Organisation,
    Pair,
    PairFit,
    PairMentee,
    PairMentorTerm,
    PlanItem,
    Programme,
    SurveyAnswer,
    SurveyResponse,
    SurveyWave,
    User,
    utcnow,
)

BOT_ID = 42
MENTEE_TG = 7000123456
# Holds the mentee's digits inside it: must never be taken for the mentee.
LOOKALIKE_TG = 170001234560
MENTEE_NAME = "Петрова Алиса"
MENTOR_NAME = "Сидоров Борис"
CURATOR_NAME = "Кузнецова Вера"
GUARDIAN_NAME = "Петров Глеб"
OTHER_MENTEE_NAME = "Орлов Дмитрий"
STRANGER_NAME = "Лебедев Егор"


@dataclass
class World:
    school: Organisation
    programme: Programme
    curator: User
    mentor: User
    mentee: User
    guardian: User
    other_mentee: User
    stranger: User
    curator_m: Membership
    mentor_m: Membership
    mentee_m: Membership
    other_mentee_m: Membership
    pair: Pair
    group: Pair


def user(tg: int, name: str | None, *, minor: bool = False, locale: str = "ru") -> User:
    return User(telegram_id=tg, full_name=name, is_minor=minor, locale=locale, telegram_locale="ru")


async def build(session: AsyncSession) -> World:
    school = Organisation(kind="school", name="Школа №5", timezone="Asia/Yekaterinburg")
    other_school = Organisation(kind="school", name="Школа №9", timezone="Europe/Moscow")
    session.add_all([school, other_school])
    await session.flush()
    programme = Programme(
        organisation_id=school.id,
        form_key="student_student",
        name="Ученик–ученик 2026",
        period_start=date(2026, 9, 1),
        period_end=date(2027, 5, 31),
        stage="active",
    )
    session.add(programme)
    curator = user(5000001, CURATOR_NAME, locale="en")
    mentor = user(5000002, MENTOR_NAME)
    mentee = user(MENTEE_TG, MENTEE_NAME, minor=True)
    guardian = user(5000004, GUARDIAN_NAME)
    other_mentee = user(5000005, OTHER_MENTEE_NAME, minor=True)
    stranger = user(LOOKALIKE_TG, STRANGER_NAME)
    no_telegram_curator = User(telegram_id=None, full_name=None)
    other_curator = user(5000007, "Иванова Зоя")
    session.add_all(
        [
            curator,
            mentor,
            mentee,
            guardian,
            other_mentee,
            stranger,
            no_telegram_curator,
            other_curator,
        ]
    )
    await session.flush()
    curator_m = Membership(
        user_id=curator.id, organisation_id=school.id, role="curator", status="active"
    )
    retired_curator_m = Membership(
        user_id=guardian.id,
        organisation_id=school.id,
        role="curator",
        status="withdrawn",
    )
    anon_curator_m = Membership(
        user_id=no_telegram_curator.id,
        organisation_id=school.id,
        role="curator",
        status="active",
    )
    elsewhere_m = Membership(
        user_id=other_curator.id, organisation_id=other_school.id, role="curator", status="active"
    )
    mentor_m = Membership(
        user_id=mentor.id,
        organisation_id=school.id,
        programme_id=programme.id,
        role="mentor",
        status="active",
        profile={"category": "mentor.student", "class": "10А"},
    )
    mentee_m = Membership(
        user_id=mentee.id,
        organisation_id=school.id,
        programme_id=programme.id,
        role="mentee",
        status="active",
        profile={
            "category": "student.low_results",
            "class": "7Б",
            "interests": "Алиса любит шахматы",
            "age_band": "13-15",
        },
    )
    other_mentee_m = Membership(
        user_id=other_mentee.id,
        organisation_id=school.id,
        programme_id=programme.id,
        role="mentee",
        status="active",
        profile={"category": "student.gifted"},
    )
    session.add_all(
        [
            curator_m,
            retired_curator_m,
            anon_curator_m,
            elsewhere_m,
            mentor_m,
            mentee_m,
            other_mentee_m,
        ]
    )
    await session.flush()

    session.add_all(
        [
            Consent(
                subject_user_id=mentee.id,
                organisation_id=school.id,
                given_by="self",
                marked_by_user_id=mentee.id,
                text_version="2026-11",
            ),
            Consent(
                subject_user_id=mentee.id,
                organisation_id=school.id,
                given_by="guardian",
                marked_by_user_id=guardian.id,
                text_version="2026-11",
            ),
            Consent(
                subject_user_id=mentee.id,
                organisation_id=school.id,
                given_by="paper",
                marked_by_user_id=curator.id,
                text_version="2026-11",
            ),
            Consent(
                subject_user_id=mentor.id,
                organisation_id=school.id,
                given_by="self",
                marked_by_user_id=mentor.id,
                text_version="2026-11",
            ),
            GuardianLink(
                minor_user_id=mentee.id,
                organisation_id=school.id,
                guardian_user_id=guardian.id,
                code_hash="a" * 64,
                expires_at=utcnow() + timedelta(days=14),
                confirmed_at=utcnow(),
            ),
            GuardianLink(
                minor_user_id=mentee.id,
                organisation_id=school.id,
                code_hash="b" * 64,
                expires_at=utcnow() + timedelta(days=14),
            ),
        ]
    )
    pair = Pair(
        organisation_id=school.id,
        programme_id=programme.id,
        mentor_membership_id=mentor_m.id,
        status="active",
        order_number="12-о",
        order_date=date(2026, 9, 10),
    )
    group = Pair(
        organisation_id=school.id,
        programme_id=programme.id,
        mentor_membership_id=mentor_m.id,
        status="proposed",
    )
    session.add_all([pair, group])
    await session.flush()
    session.add_all(
        [
            # One live pair per mentee (the database keeps it): the mentee's is `pair`;
            # test_withdraw_leaves_a_group moves them into the group.
            PairMentee(pair_id=pair.id, mentee_membership_id=mentee_m.id),
            PairMentee(pair_id=group.id, mentee_membership_id=other_mentee_m.id),
            AuditEntry(
                actor_user_id=mentee.id,
                action="invite.redeem",
                organisation_id=school.id,
                object_type="invite",
                object_id=1,
                details={"role": "mentee"},
            ),
            AuditEntry(
                actor_user_id=curator.id,
                action="consent.paper",
                organisation_id=school.id,
                object_type="membership",
                object_id=mentee_m.id,
                details={},
            ),
            # The mentee's private chat: what they typed is in the dialog data.
            DialogState(
                key=f"fsm:{BOT_ID}:{MENTEE_TG}:{MENTEE_TG}:default",
                state="Registration:name",
                data={"full_name": MENTEE_NAME, "tg": MENTEE_TG},
            ),
            DialogState(
                key=f"fsm:{BOT_ID}:{MENTEE_TG}:{MENTEE_TG}:aiogd:context:Xy12",
                state="Main:menu",
                data={"dialog_data": {"typed": MENTEE_NAME}},
            ),
            # Someone else whose id contains the mentee's digits.
            DialogState(
                key=f"fsm:{BOT_ID}:{LOOKALIKE_TG}:{LOOKALIKE_TG}:default",
                state="Registration:name",
                data={"full_name": STRANGER_NAME},
            ),
        ]
    )
    await session.flush()
    world = World(
        school=school,
        programme=programme,
        curator=curator,
        mentor=mentor,
        mentee=mentee,
        guardian=guardian,
        other_mentee=other_mentee,
        stranger=stranger,
        curator_m=curator_m,
        mentor_m=mentor_m,
        mentee_m=mentee_m,
        other_mentee_m=other_mentee_m,
        pair=pair,
        group=group,
    )
    await session.commit()
    return world


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build(session)


@pytest.fixture
def service(session: AsyncSession) -> PersonalDataService:
    return PersonalDataService(session, AuditService(session))


def text_of(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


async def all_values(session: AsyncSession) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every non-empty value of every row of every table."""
    found = []
    for table in Base.metadata.sorted_tables:
        for row in (await session.execute(select(table))).mappings():
            for column, value in row.items():
                if value is None:
                    continue
                if isinstance(value, dict | list):
                    text = json.dumps(value, ensure_ascii=False)
                else:
                    text = str(value)
                found.append((table.name, str(column), text))
    return found


def mentions(text: str, telegram_id: int) -> bool:
    return re.search(rf"(?<!\d){telegram_id}(?!\d)", text) is not None


# ----- free text -------------------------------------------------------------------------

# What the mentee typed, and what others wrote about her pairs, one string per column.
TYPED: dict[tuple[str, str], str] = {
    ("meeting_attendance", "comment"): "Он на меня кричал, мне страшно",
    ("meeting", "topic"): "Дроби с Алисой",
    ("meeting", "outcome"): "Разобрали контрольную, Алиса плакала",
    ("plan_item", "title"): "Перестать бояться доски",
    ("candidate", "reason"): "Не сработаемся: у неё сложная семья",
    ("pair", "end_note"): "Переехала к бабушке в другой город",
    ("pair_mentor_term", "end_reason"): "Пожаловалась на прежнего наставника",
    ("survey_answer", "text"): "Дома не с кем поговорить",
    ("notification", "args"): "Напоминание: принести дневник",
    ("membership", "profile"): "Алиса любит шахматы",
    ("dialog_state", "data"): MENTEE_NAME,
    ("user_account", "full_name"): MENTEE_NAME,
}
# Text columns that hold codes, keys, hashes or what names an organisation or programme:
# nothing a person types about themself. A new text column is neither of these lists until
# someone decides what a withdrawal does with it (test_every_text_column_is_classified).
CODE_COLUMNS: frozenset[tuple[str, str]] = frozenset(
    {
        ("dialog_state", "key"),
        ("dialog_state", "state"),
        ("organisation", "kind"),
        ("organisation", "name"),
        ("organisation", "timezone"),
        ("user_account", "locale"),
        ("user_account", "telegram_locale"),
        ("audit_log", "action"),
        ("audit_log", "object_type"),
        ("audit_log", "details"),  # keys and ids (checked by the scan below all the same)
        ("consent", "given_by"),
        ("consent", "text_version"),
        ("guardian_link", "code_hash"),
        ("notification", "kind"),
        ("notification", "subject"),
        ("notification", "period"),
        ("notification", "batch"),
        ("notification", "locale"),
        ("notification", "status"),
        ("notification", "reason"),
        ("notification", "last_error"),
        ("notification", "claimed_by"),
        ("programme", "form_key"),
        ("programme", "name"),
        ("programme", "stage"),
        ("invite", "code_hash"),
        ("invite", "role"),
        ("membership", "role"),
        ("membership", "status"),
        ("recognition", "kind"),
        ("recognition", "subject"),
        ("survey_wave", "questionnaire_key"),
        ("survey_wave", "kind"),
        ("pair", "status"),
        ("pair", "order_number"),
        ("pair", "end_reason"),
        ("survey_response", "role"),
        ("survey_response", "questionnaire"),
        ("candidate", "answer"),
        ("meeting", "kind"),
        ("meeting", "status"),
        ("meeting", "format"),
        ("pair_fit", "answer"),  # a choice; the row itself goes with the withdrawal
        ("plan_item", "kind"),
        ("plan_item", "status"),
        ("survey_answer", "item_key"),
    }
)


def text_columns() -> set[tuple[str, str]]:
    return {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String | JSON)
    }


async def add_typed_text(session: AsyncSession, world: World) -> None:
    """The mentee's school life in free text: a meeting she commented on, her plan, a fit
    answer, a mentor who declined her, a questionnaire, a message still to come."""
    meeting = Meeting(
        organisation_id=world.school.id,
        pair_id=world.pair.id,
        kind="regular",
        status="held",
        day=date(2026, 11, 20),
        topic=TYPED["meeting", "topic"],
        outcome=TYPED["meeting", "outcome"],
        logged_by_user_id=world.mentor.id,
    )
    session.add(meeting)
    world.pair.end_note = TYPED["pair", "end_note"]
    wave = SurveyWave(
        organisation_id=world.school.id,
        programme_id=world.programme.id,
        questionnaire_key="participant",
        kind="entry",
        deadline=utcnow() + timedelta(days=7),
    )
    session.add(wave)
    await session.flush()
    response = SurveyResponse(
        wave_id=wave.id,
        user_id=world.mentee.id,
        role="mentee",
        questionnaire="mentee_entry",
        started_at=utcnow(),
        submitted_at=utcnow(),
    )
    session.add(response)
    await session.flush()
    session.add_all(
        [
            MeetingAttendance(
                meeting_id=meeting.id,
                mentee_membership_id=world.mentee_m.id,
                rating=2,
                comment=TYPED["meeting_attendance", "comment"],
            ),
            PairFit(pair_id=world.pair.id, mentee_membership_id=world.mentee_m.id, answer="no"),
            PlanItem(
                pair_id=world.pair.id,
                mentee_membership_id=world.mentee_m.id,
                kind="goal",
                title=TYPED["plan_item", "title"],
                created_by_user_id=world.mentee.id,
            ),
            Candidate(
                organisation_id=world.school.id,
                programme_id=world.programme.id,
                mentee_membership_id=world.mentee_m.id,
                mentor_membership_id=world.mentor_m.id,
                answer="declined",
                reason=TYPED["candidate", "reason"],
            ),
            PairMentorTerm(
                pair_id=world.pair.id,
                mentor_membership_id=world.mentor_m.id,
                ended_at=utcnow(),
                end_reason=TYPED["pair_mentor_term", "end_reason"],
            ),
            SurveyAnswer(response_id=response.id, item_key="q1", number=4),
            SurveyAnswer(
                response_id=response.id, item_key="q2", text=TYPED["survey_answer", "text"]
            ),
            Notification(
                kind="meeting-reminder",
                subject=f"meeting:{meeting.id}",
                recipient_user_id=world.mentee.id,
                args={"topic": TYPED["notification", "args"]},
                due_at=utcnow(),
                not_before=utcnow(),
                status="pending",
                created_at=utcnow(),
            ),
        ]
    )
    await session.commit()


def test_every_text_column_is_classified() -> None:
    """A new text column fails here until someone says whether a person types into it (then
    it joins TYPED, and the withdrawal must clear it) or it holds codes."""
    assert text_columns() - CODE_COLUMNS - set(TYPED) == set()
    assert set(TYPED) <= text_columns()


# ----- export ---------------------------------------------------------------------------


async def test_export_holds_own_data_and_nobody_elses(
    service: PersonalDataService, world: World
) -> None:
    data = await service.export(Person.of(world.mentee))
    assert data["user"]["full_name"] == MENTEE_NAME
    assert data["user"]["telegram_id"] == MENTEE_TG
    assert data["user"]["is_minor"] is True
    assert data["user"]["locale"] == "ru"
    assert isinstance(data["user"]["created_at"], str)

    [membership] = data["memberships"]
    assert membership["organisation"] == "Школа №5"
    assert membership["programme"] == "Ученик–ученик 2026"
    assert membership["role"] == "mentee"
    assert membership["profile"]["interests"] == "Алиса любит шахматы"

    assert sorted((c["given_by"], c["marked_by"]) for c in data["consents"]) == [
        ("guardian", "guardian"),
        ("paper", "curator"),
        ("self", "self"),
    ]
    assert sorted(g["confirmed"] for g in data["guardian_links_as_minor"]) == [False, True]
    assert data["guardian_links_as_guardian"] == []

    pairs = data["pairs"]
    assert len(pairs) == 1
    assert {p["role"] for p in pairs} == {"mentee"}
    assert {p["status"] for p in pairs} == {"active"}
    assert data["actions"] == [
        {"action": "invite.redeem", "at": data["actions"][0]["at"], "object_type": "invite"}
    ]

    text = text_of(data)
    for name in (MENTOR_NAME, CURATOR_NAME, GUARDIAN_NAME, OTHER_MENTEE_NAME, STRANGER_NAME):
        assert name not in text
    for other in (world.mentor, world.curator, world.guardian, world.other_mentee):
        assert other.telegram_id is not None
        assert not mentions(text, other.telegram_id)


async def test_guardian_export_lists_the_child(service: PersonalDataService, world: World) -> None:
    data = await service.export(Person.of(world.guardian))
    [child] = data["guardian_links_as_guardian"]
    assert child["child_full_name"] == MENTEE_NAME
    assert child["confirmed"] is True
    assert data["user"]["full_name"] == GUARDIAN_NAME
    text = text_of(data)
    for name in (MENTOR_NAME, CURATOR_NAME, OTHER_MENTEE_NAME):
        assert name not in text
    assert not mentions(text, MENTEE_TG)


async def test_the_curators_category_of_a_child_is_the_parents_to_read(
    session: AsyncSession, service: PersonalDataService, world: World
) -> None:
    await add_typed_text(session, world)
    child = await service.export(Person.of(world.mentee))
    [membership] = child["memberships"]
    assert "category" not in membership["profile"]
    assert "student.low_results" not in text_of(child)
    parent = await service.export(Person.of(world.guardian))
    [link] = parent["guardian_links_as_guardian"]
    assert link["child_memberships"] == [
        {
            "organisation": "Школа №5",
            "programme": "Ученик–ученик 2026",
            "role": "mentee",
            "status": "active",
            "category": "student.low_results",
        }
    ]
    for other in (world.mentor, world.other_mentee, world.curator):
        assert "student.low_results" not in text_of(await service.export(Person.of(other)))


async def test_export_holds_meetings_plan_fit_and_answers(
    session: AsyncSession, service: PersonalDataService, world: World
) -> None:
    await add_typed_text(session, world)
    data = await service.export(Person.of(world.mentee))
    [meeting] = data["meetings"]
    assert meeting["role"] == "mentee" and meeting["topic"] == TYPED["meeting", "topic"]
    assert meeting["my_answer"]["rating"] == 2
    assert meeting["my_answer"]["comment"] == TYPED["meeting_attendance", "comment"]
    [item] = data["plan"]
    assert item["title"] == TYPED["plan_item", "title"] and item["my_plan"] is True
    assert [f["answer"] for f in data["fit_answers"]] == ["no"]
    [questionnaire] = data["questionnaires"]
    assert {a["item"] for a in questionnaire["answers"]} == {"q1", "q2"}
    mentor = await service.export(Person.of(world.mentor))
    [seen] = mentor["meetings"]
    assert seen["role"] == "mentor" and seen["my_answer"] is None
    assert TYPED["meeting_attendance", "comment"] not in text_of(mentor)


async def test_mentor_export_has_pairs_without_mentees(
    service: PersonalDataService, world: World
) -> None:
    data = await service.export(Person.of(world.mentor))
    assert {p["role"] for p in data["pairs"]} == {"mentor"}
    assert len(data["pairs"]) == 2
    text = text_of(data)
    assert MENTEE_NAME not in text and OTHER_MENTEE_NAME not in text


async def test_export_json_is_readable_utf8(service: PersonalDataService, world: World) -> None:
    data = await service.export(Person.of(world.mentee))
    raw = service.export_json(data)
    assert MENTEE_NAME.encode() in raw  # not \u-escaped
    assert b"\n  " in raw  # indented
    assert json.loads(raw.decode("utf-8")) == data


# ----- withdrawal -----------------------------------------------------------------------


async def test_withdraw_by_self_leaves_no_trace(
    session: AsyncSession, service: PersonalDataService, world: World
) -> None:
    """Not her name, nor her Telegram id, nor a word she typed, nor what others wrote about
    her pairs, in any column of any table (the scan reads every value of every row)."""
    await add_typed_text(session, world)
    mentee_id = world.mentee.id
    before = await all_values(session)
    for (table, column), typed in TYPED.items():
        assert any(typed in text for t, c, text in before if (t, c) == (table, column)), (
            table,
            column,
        )
    result = await service.withdraw(mentee_id, by_user_id=mentee_id)
    await session.commit()

    assert result.subject_user_id == mentee_id
    assert result.subject_telegram_id == MENTEE_TG
    assert result.organisation_ids == (world.school.id,)
    for table, column, text in await all_values(session):
        assert MENTEE_NAME not in text, (table, column, text)
        assert "Алиса" not in text, (table, column, text)
        assert not mentions(text, MENTEE_TG), (table, column, text)
        for typed in TYPED.values():
            assert typed not in text, (table, column, text)
    # Her fit answer goes; her rating and the questionnaire's number stay, unnamed.
    assert await session.scalar(select(func.count()).select_from(PairFit)) == 0
    assert list(await session.scalars(select(MeetingAttendance.rating))) == [2]
    assert list(await session.scalars(select(SurveyAnswer.number))) == [4]


async def test_withdraw_ends_the_pair(
    session: AsyncSession, service: PersonalDataService, world: World
) -> None:
    result = await service.withdraw(world.mentee.id, by_user_id=world.mentee.id)
    await session.commit()
    assert result.ended_pairs == 1

    pair = await session.get(Pair, world.pair.id)
    assert pair is not None
    await session.refresh(pair)
    assert pair.status == "terminated"
    assert pair.end_reason == "consent_withdrawn"
    assert pair.ended_at is not None


async def test_withdraw_leaves_a_group_that_goes_on(
    session: AsyncSession, service: PersonalDataService, world: World
) -> None:
    # The mentee's pair ended; they are in a group now.
    world.pair.status = "completed"
    await session.flush()
    session.add(PairMentee(pair_id=world.group.id, mentee_membership_id=world.mentee_m.id))
    await session.commit()
    result = await service.withdraw(world.mentee.id, by_user_id=world.mentee.id)
    await session.commit()
    assert result.ended_pairs == 1

    group = await session.get(Pair, world.group.id)
    assert group is not None
    await session.refresh(group)
    assert group.status == "proposed"
    assert group.ended_at is None
    mentees = set(
        await session.scalars(
            select(PairMentee.mentee_membership_id).where(PairMentee.pair_id == group.id)
        )
    )
    assert mentees == {world.other_mentee_m.id}


async def test_withdraw_of_a_mentor_ends_all_their_pairs(
    session: AsyncSession, service: PersonalDataService, world: World
) -> None:
    result = await service.withdraw(world.mentor.id, by_user_id=world.mentor.id)
    await session.commit()
    assert result.ended_pairs == 2
    statuses = set(await session.scalars(select(Pair.status)))
    assert statuses == {"terminated"}


async def test_withdraw_names_the_schools_curators(
    service: PersonalDataService, world: World
) -> None:
    result = await service.withdraw(world.mentee.id, by_user_id=world.mentee.id)
    assert [(c.user_id, c.telegram_id, c.locale, c.organisation_name) for c in result.curators] == [
        (world.curator.id, 5000001, "en", "Школа №5")
    ]


async def test_a_curator_withdrawing_is_not_told_about_themself(
    service: PersonalDataService, world: World
) -> None:
    result = await service.withdraw(world.curator.id, by_user_id=world.curator.id)
    assert result.curators == ()
    assert result.organisation_ids == (world.school.id,)


async def test_withdraw_keeps_anonymous_aggregates(
    session: AsyncSession, service: PersonalDataService, world: World
) -> None:
    mentee_id, mentor_id, stranger_id = world.mentee.id, world.mentor.id, world.stranger.id
    mentee_m_id = world.mentee_m.id
    await service.withdraw(mentee_id, by_user_id=mentee_id)
    await session.commit()
    session.expire_all()

    consents = list(
        await session.scalars(select(Consent).where(Consent.subject_user_id == mentee_id))
    )
    assert len(consents) == 3
    assert all(c.withdrawn_at is not None for c in consents)
    assert {c.given_by for c in consents} == {"self", "guardian", "paper"}
    # The mentor's consent is untouched.
    mentor_consent = await session.scalar(
        select(Consent).where(Consent.subject_user_id == mentor_id)
    )
    assert mentor_consent is not None and mentor_consent.withdrawn_at is None

    membership = await session.get(Membership, mentee_m_id)
    assert membership is not None
    assert membership.role == "mentee"
    assert membership.status == "withdrawn"
    assert membership.ended_at is not None
    assert membership.profile == {"category": "student.low_results"}

    person = await session.get(User, mentee_id)
    assert person is not None
    assert person.is_minor is True
    assert person.full_name is None
    assert person.telegram_id is None
    assert person.locale is None and person.telegram_locale is None
    assert person.anonymised_at is not None

    assert (
        await session.scalar(select(GuardianLink).where(GuardianLink.minor_user_id == mentee_id))
        is None
    )

    keys = set(await session.scalars(select(DialogState.key)))
    assert keys == {f"fsm:{BOT_ID}:{LOOKALIKE_TG}:{LOOKALIKE_TG}:default"}

    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "consent.withdraw"))
    assert entry is not None
    assert (entry.actor_user_id, entry.object_type, entry.object_id) == (
        mentee_id,
        "user",
        mentee_id,
    )
    assert MENTEE_NAME not in json.dumps(entry.details, ensure_ascii=False)

    # Other people stay as they were.
    mentor = await session.get(User, mentor_id)
    assert mentor is not None and mentor.full_name == MENTOR_NAME
    stranger = await session.get(User, stranger_id)
    assert stranger is not None and stranger.telegram_id == LOOKALIKE_TG


async def test_withdraw_by_the_confirmed_guardian(
    session: AsyncSession, service: PersonalDataService, world: World
) -> None:
    assert await service.can_withdraw_for(world.guardian.id, world.mentee.id)
    result = await service.withdraw(world.mentee.id, by_user_id=world.guardian.id)
    await session.commit()
    assert result.subject_telegram_id == MENTEE_TG
    assert result.ended_pairs == 1
    for table, column, text in await all_values(session):
        assert MENTEE_NAME not in text, (table, column, text)
        assert not mentions(text, MENTEE_TG), (table, column, text)
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "consent.withdraw"))
    assert entry is not None and entry.actor_user_id == world.guardian.id
    # The guardian's own account is theirs to keep.
    guardian = await session.get(User, world.guardian.id)
    assert guardian is not None and guardian.full_name == GUARDIAN_NAME


@pytest.mark.parametrize("who", ["mentor", "curator", "stranger", "other_mentee"])
async def test_others_may_not_withdraw(
    session: AsyncSession, service: PersonalDataService, world: World, who: str
) -> None:
    actor: User = getattr(world, who)
    assert not await service.can_withdraw_for(actor.id, world.mentee.id)
    with pytest.raises(AccessDenied):
        await service.withdraw(world.mentee.id, by_user_id=actor.id)
    await session.commit()
    mentee = await session.get(User, world.mentee.id)
    assert mentee is not None
    await session.refresh(mentee)
    assert mentee.full_name == MENTEE_NAME
    denied = await session.scalar(select(AuditEntry).where(AuditEntry.action == "denied"))
    assert denied is not None and denied.actor_user_id == actor.id


async def test_an_unconfirmed_guardian_may_not_withdraw(
    session: AsyncSession, service: PersonalDataService, world: World
) -> None:
    session.add(
        GuardianLink(
            minor_user_id=world.mentee.id,
            organisation_id=world.school.id,
            guardian_user_id=world.stranger.id,
            code_hash="c" * 64,
            expires_at=utcnow() + timedelta(days=1),
        )
    )
    await session.flush()
    assert not await service.can_withdraw_for(world.stranger.id, world.mentee.id)


async def test_second_withdraw_is_harmless(
    session: AsyncSession, service: PersonalDataService, world: World
) -> None:
    mentee_id = world.mentee.id
    await service.withdraw(mentee_id, by_user_id=mentee_id)
    await session.commit()
    again = await service.withdraw(mentee_id, by_user_id=mentee_id)
    await session.commit()
    assert again.subject_telegram_id is None
    assert again.ended_pairs == 0
    assert again.curators == ()
    assert again.organisation_ids == ()
    person = await session.get(User, mentee_id)
    assert person is not None and person.is_minor is True and person.anonymised_at is not None
    # The guardian's link is gone, so they cannot withdraw a second time either.
    with pytest.raises(AccessDenied):
        await service.withdraw(mentee_id, by_user_id=world.guardian.id)


async def test_export_after_withdrawal_holds_nothing_personal(
    session: AsyncSession, service: PersonalDataService, world: World
) -> None:
    mentee_id = world.mentee.id
    await service.withdraw(mentee_id, by_user_id=mentee_id)
    await session.commit()
    person = await session.get(User, mentee_id)
    assert person is not None
    text = text_of(await service.export(Person.of(person)))
    assert MENTEE_NAME not in text and not mentions(text, MENTEE_TG)


async def test_dialog_state_can_be_forgotten_after_the_commit(
    session: AsyncSession, service: PersonalDataService, world: World
) -> None:
    mentee_id = world.mentee.id
    result = await service.withdraw(mentee_id, by_user_id=mentee_id, clear_dialog_state=False)
    await session.commit()
    assert len(set(await session.scalars(select(DialogState.key)))) == 3
    assert result.subject_telegram_id is not None
    assert await service.forget_dialog_state(result.subject_telegram_id) == 2
    await session.commit()
    keys = set(await session.scalars(select(DialogState.key)))
    assert keys == {f"fsm:{BOT_ID}:{LOOKALIKE_TG}:{LOOKALIKE_TG}:default"}
    for table, column, text in await all_values(session):
        assert not mentions(text, MENTEE_TG), (table, column, text)


def test_state_keys_match_whole_segments() -> None:
    tg = 70001
    assert is_state_key_of("fsm:1:70001:70001:default", tg)
    assert is_state_key_of("fsm:1:70001:70001:aiogd:stack:", tg)
    assert is_state_key_of("fsm:1:-100500:5:70001:default", tg)  # in a group topic
    assert is_state_key_of("fsm:1:-100500:-100500:aiogd:stack:<70001>", tg)
    assert not is_state_key_of("fsm:1:170001:170001:default", tg)
    assert not is_state_key_of("fsm:1:700012:700012:default", tg)
    assert not is_state_key_of("fsm:70001:5:5:default", tg)  # a bot id is not a person
    assert not is_state_key_of("fsm:1:-100500:-100500:aiogd:context:70001", tg)
    assert not is_state_key_of("garbage", tg)
