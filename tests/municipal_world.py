"""A small municipality, built straight in the database, whose every indicator is worked
out by hand in tests/test_indicators.py (and reused by the end-to-end tests).

Школа № 1 (headcounts 100 students, 20 teachers, 4 young teachers):
  «Ученик — ученику» (student_student, 2026/27):
    group: mentor A (mentor.student) with mentees s1, s2 — active; meetings: 2 held,
      1 held but disputed, 1 planned, 1 held in August 2026 (last school year)
    pair: mentor B (mentor.student) with s3 — proposed, never started
    entry wave: s1 effectiveness 5, comfort 7; exit wave: s1 9/9, s2 10/8, s3 1/1 not
      submitted
  «Учитель — учителю» (teacher_teacher, 2026/27):
    pair: mentor T1 (mentor.teacher) with y1 (teacher.young_specialist) — 1 meeting held
    pair: mentor V (mentor.teaching_veteran) with y2 (teacher.burnout) — completed
  «Прошлый год» (student_student, 2025/26): a pair — not this school year
Школа № 2 (no headcounts):
  «Ученик — ученику»: mentor C (no category) with s4 — 1 meeting held;
    intermediate wave: s4 effectiveness 1, comfort 1
Школа № 3 in another municipality: a pair, never counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import (
    Headcount,
    Meeting,
    MeetingAttendance,
    Membership,
    Organisation,
    Pair,
    PairMentee,
    Programme,
    SurveyAnswer,
    SurveyResponse,
    SurveyWave,
    User,
)

STARTED = datetime(2026, 10, 1, 9, tzinfo=UTC)


@dataclass
class Municipal:
    municipality: Organisation
    other_municipality: Organisation
    schools: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)
    pairs: dict[str, Pair] = field(default_factory=dict)


class Builder:
    def __init__(self, session: AsyncSession, world: Municipal, telegram_base: int) -> None:
        self.session = session
        self.world = world
        self.next_tg = telegram_base

    async def user(self, key: str, name: str, *, telegram_id: int | None = None) -> User:
        if telegram_id is None:
            self.next_tg += 1
            telegram_id = self.next_tg
        user = User(telegram_id=telegram_id, full_name=name, is_minor=False, locale="ru")
        self.session.add(user)
        await self.session.flush()
        self.world.users[key] = user
        return user

    async def staff(self, key: str, name: str, org: Organisation, role: str, tg: int) -> User:
        user = await self.user(key, name, telegram_id=tg)
        self.session.add(
            Membership(user_id=user.id, organisation_id=org.id, role=role, status="active")
        )
        await self.session.flush()
        return user

    async def programme(
        self, school: Organisation, form: str, name: str, start: date = date(2026, 9, 1)
    ) -> Programme:
        programme = Programme(
            organisation_id=school.id,
            form_key=form,
            name=name,
            period_start=start,
            period_end=date(start.year + 1, 5, 31),
            stage="work",
        )
        self.session.add(programme)
        await self.session.flush()
        return programme

    async def member(
        self, key: str, programme: Programme, role: str, profile: dict[str, Any]
    ) -> Membership:
        user = await self.user(key, f"Участник {key}")
        membership = Membership(
            user_id=user.id,
            organisation_id=programme.organisation_id,
            programme_id=programme.id,
            role=role,
            status="active",
            profile=profile,
        )
        self.session.add(membership)
        await self.session.flush()
        self.world.members[key] = membership
        return membership

    async def pair(
        self,
        key: str,
        programme: Programme,
        mentor: str,
        mentees: list[str],
        *,
        status: str = "active",
    ) -> Pair:
        pair = Pair(
            organisation_id=programme.organisation_id,
            programme_id=programme.id,
            mentor_membership_id=self.world.members[mentor].id,
            status=status,
            activated_at=None if status == "proposed" else STARTED,
        )
        self.session.add(pair)
        await self.session.flush()
        for mentee in mentees:
            self.session.add(
                PairMentee(pair_id=pair.id, mentee_membership_id=self.world.members[mentee].id)
            )
        await self.session.flush()
        self.world.pairs[key] = pair
        return pair

    async def meeting(
        self, pair: Pair, day: date, *, status: str = "held", disputed_by: str | None = None
    ) -> None:
        meeting = Meeting(
            organisation_id=pair.organisation_id,
            pair_id=pair.id,
            kind="regular",
            status=status,
            day=day,
        )
        self.session.add(meeting)
        await self.session.flush()
        if disputed_by is not None:
            self.session.add(
                MeetingAttendance(
                    meeting_id=meeting.id,
                    mentee_membership_id=self.world.members[disputed_by].id,
                    confirmed=False,
                    disputed=True,
                )
            )
            await self.session.flush()

    async def wave(
        self,
        programme: Programme,
        kind: str,
        answers: dict[str, dict[str, int]],
        *,
        unsubmitted: tuple[str, ...] = (),
    ) -> None:
        wave = SurveyWave(
            organisation_id=programme.organisation_id,
            programme_id=programme.id,
            questionnaire_key="participant",
            kind=kind,
            deadline=datetime(2026, 11, 30, tzinfo=UTC),
        )
        self.session.add(wave)
        await self.session.flush()
        for key, values in answers.items():
            role = self.world.members[key].role
            response = SurveyResponse(
                wave_id=wave.id,
                user_id=self.world.users[key].id,
                role=role,
                questionnaire=f"{role}_{'entry' if kind == 'entry' else 'exit'}",
                submitted_at=None if key in unsubmitted else datetime(2026, 11, 10, tzinfo=UTC),
            )
            self.session.add(response)
            await self.session.flush()
            for item, number in values.items():
                self.session.add(
                    SurveyAnswer(response_id=response.id, item_key=item, number=number)
                )
        await self.session.flush()


async def build_municipal(
    session: AsyncSession,
    *,
    coordinator_tg: int = 801,
    curator_tg: int = 802,
    other_coordinator_tg: int = 803,
    curator2_tg: int = 804,
    timezone: str = "Asia/Omsk",
) -> Municipal:
    municipality = Organisation(kind="municipality", name="Усть-Ишимский район", timezone=timezone)
    other = Organisation(kind="municipality", name="Город Кызыл", timezone="Asia/Krasnoyarsk")
    session.add_all([municipality, other])
    await session.flush()
    world = Municipal(municipality, other)
    school1 = Organisation(
        kind="school", name="Школа № 1", timezone=timezone, parent_id=municipality.id
    )
    school2 = Organisation(
        kind="school", name="Школа № 2", timezone=timezone, parent_id=municipality.id
    )
    school3 = Organisation(
        kind="school", name="Лицей № 3", timezone="Asia/Krasnoyarsk", parent_id=other.id
    )
    session.add_all([school1, school2, school3])
    await session.flush()
    world.schools = {"1": school1, "2": school2, "3": school3}
    b = Builder(session, world, 7_100_000_000 + coordinator_tg * 1000)
    await b.staff("coordinator", "Черкасова Мария", municipality, "coordinator", coordinator_tg)
    await b.staff("curator", "Кузнецова Вера", school1, "curator", curator_tg)
    await b.staff("curator2", "Орлов Пётр", school2, "curator", curator2_tg)
    await b.staff("other_coordinator", "Куулар Лариса", other, "coordinator", other_coordinator_tg)
    session.add(
        Headcount(
            organisation_id=school1.id, year=2026, students_10_18=100, teachers=20, young_teachers=4
        )
    )
    # School 1, students.
    ss = await b.programme(school1, "student_student", "Ученик — ученику")
    await b.member("A", ss, "mentor", {"category": "mentor.student"})
    await b.member("B", ss, "mentor", {"category": "mentor.student"})
    for key in ("s1", "s2", "s3"):
        await b.member(key, ss, "mentee", {"school_class": "7А"})
    group = await b.pair("group", ss, "A", ["s1", "s2"])
    await b.pair("proposed", ss, "B", ["s3"], status="proposed")
    await b.meeting(group, date(2026, 10, 5))
    await b.meeting(group, date(2026, 10, 12))
    await b.meeting(group, date(2026, 10, 19), disputed_by="s1")
    await b.meeting(group, date(2026, 12, 1), status="planned")
    await b.meeting(group, date(2026, 8, 20))
    await b.wave(ss, "entry", {"s1": {"effectiveness": 5, "comfort": 7}})
    await b.wave(
        ss,
        "exit",
        {
            "s1": {"effectiveness": 9, "comfort": 9},
            "s2": {"effectiveness": 10, "comfort": 8},
            "s3": {"effectiveness": 1, "comfort": 1},
        },
        unsubmitted=("s3",),
    )
    # School 1, teachers.
    tt = await b.programme(school1, "teacher_teacher", "Учитель — учителю")
    await b.member("T1", tt, "mentor", {"category": "mentor.teacher"})
    await b.member("V", tt, "mentor", {"category": "mentor.teaching_veteran"})
    await b.member("y1", tt, "mentee", {"category": "teacher.young_specialist", "years": 1})
    await b.member("y2", tt, "mentee", {"category": "teacher.burnout", "years": 12})
    young = await b.pair("young", tt, "T1", ["y1"])
    await b.pair("veteran", tt, "V", ["y2"], status="completed")
    await b.meeting(young, date(2026, 11, 2))
    # School 1, last year.
    old = await b.programme(school1, "student_student", "Прошлый год", date(2025, 9, 1))
    await b.member("old_mentor", old, "mentor", {"category": "mentor.student"})
    await b.member("old_mentee", old, "mentee", {})
    await b.pair("old", old, "old_mentor", ["old_mentee"], status="completed")
    # School 2.
    ss2 = await b.programme(school2, "student_student", "Ученик — ученику")
    await b.member("C", ss2, "mentor", {})
    await b.member("s4", ss2, "mentee", {})
    pair4 = await b.pair("pair4", ss2, "C", ["s4"])
    await b.meeting(pair4, date(2026, 11, 3))
    await b.wave(ss2, "intermediate", {"s4": {"effectiveness": 1, "comfort": 1}})
    # Another municipality.
    ss3 = await b.programme(school3, "student_student", "Чужая программа")
    await b.member("D", ss3, "mentor", {"category": "mentor.student"})
    await b.member("s5", ss3, "mentee", {})
    pair5 = await b.pair("pair5", ss3, "D", ["s5"])
    await b.meeting(pair5, date(2026, 11, 3))
    await session.flush()
    return world
