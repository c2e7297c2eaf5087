"""The curator's digest computed on a small prepared world: every number by hand
(tests/digest_world.py says why each one is what it is), the statements it costs, the
schedule in two time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import create_core
from bot.jobs.digest_render import digest_texts
from bot.jobs.render import RenderContext
from bot.services.digests import (
    KIND,
    Attention,
    DigestService,
    ProgrammeDigest,
    WaveProgress,
    WeekActivity,
    due_moment,
    for_recipient,
)
from bot.services.outbox import Outbox
from bot.storage.models import (
    Candidate,
    Membership,
    Notification,
    Organisation,
    Programme,
    User,
)
from tests.clock import FakeClock
from tests.digest_world import NOW, d, make_digest_world, meeting, working_pair
from tests.meetings_world import make_pair
from tests.pairs_world import add_participant
from tests.test_load_statements import counting


async def test_every_figure_of_a_prepared_school(session: AsyncSession) -> None:
    world = await make_digest_world(session)
    school = world.scene.school
    [digest] = await DigestService(session).schools([school.id], NOW)

    assert digest.name == "Школа № 7" and digest.week == "2026-W48"
    assert digest.today == date(2026, 11, 23)
    assert digest.attention == (
        Attention("quiet", 2, ("Наставник M2 — Ученик E2, Ученик E3", "Наставник M4 — Ученик E5")),
        Attention("low-rating", 1, ("Наставник M1 — Ученик E1",)),
        Attention("falling-rating", 1, ("Наставник M4 — Ученик E5",)),
        Attention("disputed", 1, ("Наставник M3 — Ученик E4",)),
        Attention("unconfirmed", 1, ("Наставник M3 — Ученик E4",)),
        Attention("misfit", 1, ("Наставник M2 — Ученик E2, Ученик E3",)),
        Attention("survey-missing", 2, ("Ученик E1", "Ученик E2")),
        Attention("unreachable", 1, ("Наставник M3",)),
        Attention("unpaired", 1, ("Ученик E7",)),
        Attention("guardian", 1, ("Ученик E8",)),
    )
    assert digest.programmes == (
        ProgrammeDigest(
            programme_id=world.scene.programme.id,
            name="Ученик — ученику",
            stage="matching",
            pairs_active=4,
            meetings_week=1,
            meetings_last_week=3,
            meetings_total=14,
            plan_done=1,
            plan_all=2,
            wave=WaveProgress("intermediate", "participant", 1, 3, date(2026, 11, 25)),
        ),
    )
    assert digest.weeks == tuple(
        WeekActivity(monday, held, confirmed)
        for monday, held, confirmed in (
            (d(10, 5), 2, 2),
            (d(10, 12), 2, 2),
            (d(10, 19), 2, 2),
            (d(10, 26), 1, 1),
            (d(11, 2), 2, 2),
            (d(11, 9), 0, 0),
            (d(11, 16), 3, 1),
            (d(11, 23), 1, 1),
        )
    )
    rows = {row.pair_id: row for row in digest.pairs}
    p1 = rows[world.pairs["p1"].id]
    assert (p1.mentor, p1.mentees, p1.status, p1.since) == (
        "Наставник M1",
        ("Ученик E1",),
        "active",
        d(10, 1),
    )
    assert (p1.meetings_held, p1.last_meeting, p1.rating) == (6, d(11, 23), 3.3)
    assert (p1.plan_done, p1.plan_all, p1.fit, p1.flags) == (1, 2, ("fits",), ("low-rating",))
    p2 = rows[world.pairs["p2"].id]
    assert (p2.meetings_held, p2.last_meeting, p2.rating, p2.fit) == (0, None, None, ("no",))
    assert p2.flags == ("quiet", "misfit")
    assert rows[world.pairs["p3"].id].flags == ("disputed", "unconfirmed")
    assert rows[world.pairs["p4"].id].flags == ("quiet", "falling-rating")
    p5 = rows[world.pairs["p5"].id]
    assert (p5.status, p5.flags, p5.meetings_held) == ("proposed", (), 0)


async def test_a_curator_who_mentors_reads_nothing_their_mentees_said_about_them(
    session: AsyncSession,
) -> None:
    """M2 curates the school and mentors p2 (a «не подходит») and M4 mentors p4 (falling
    ratings): in M2's copy p2 loses its fit answer and its line; the others stay."""
    world = await make_digest_world(session)
    [digest] = await DigestService(session).schools([world.scene.school.id], NOW)
    m2 = world.scene.members["M2"].user_id
    mine = for_recipient(digest, m2)
    keys = {a.key: a for a in mine.attention}
    assert "misfit" not in keys  # p2 was the only one
    assert keys["quiet"].count == 2  # not something the mentees said
    assert keys["falling-rating"] == Attention("falling-rating", 1, ("Наставник M4 — Ученик E5",))
    rows = {row.pair_id: row for row in mine.pairs}
    p2 = rows[world.pairs["p2"].id]
    assert (p2.rating, p2.fit, p2.flags) == (None, (), ("quiet",))
    assert rows[world.pairs["p1"].id].rating == 3.3  # someone else's pair: as it was
    # Anyone else reads the digest whole.
    assert for_recipient(digest, world.scene.curator.id) == digest


async def test_a_programme_that_ended_long_ago_leaves_the_digest(session: AsyncSession) -> None:
    """Last year's programme (ended two months ago): its pairs, waves and stage are no longer
    this week's news; people without a pair or consent still are."""
    world = await make_digest_world(session)
    world.scene.programme.period_end = NOW.date() - timedelta(days=60)
    await session.flush()
    [digest] = await DigestService(session).schools([world.scene.school.id], NOW)
    assert digest.programmes == () and digest.pairs == ()
    keys = {a.key for a in digest.attention}
    assert keys.isdisjoint({"quiet", "low-rating", "misfit", "survey-missing"})
    assert {"unpaired", "guardian"} <= keys


async def test_a_school_without_programmes_is_empty_and_others_are_apart(
    session: AsyncSession,
) -> None:
    world = await make_digest_world(session)
    digests = await DigestService(session).schools(
        [world.empty_school.id, world.scene.other_school.id, world.scene.school.id], NOW
    )
    by_id = {dg.organisation_id: dg for dg in digests}
    empty = by_id[world.empty_school.id]
    assert empty.empty and empty.pairs == () and empty.attention == ()
    assert empty.today == date(2026, 11, 23) and empty.week == "2026-W48"  # 16:30 there
    assert by_id[world.scene.other_school.id].empty
    assert not by_id[world.scene.school.id].empty


async def test_statements_do_not_grow_with_pairs_or_schools(session: AsyncSession) -> None:
    world = await make_digest_world(session)
    engine = session.bind
    service = DigestService(session)
    ids = [world.scene.school.id, world.empty_school.id]
    with counting(engine) as small:
        await service.schools(ids, NOW)
    # Ten more pairs with meetings and ratings, and two more schools.
    scene = world.scene
    for n in range(10):
        pair = await make_pair(session, scene, f"X{n}", [f"Y{n}"])
        await meeting(
            session,
            pair,
            d(11, 20),
            {scene.members[f"Y{n}"].id: {"confirmed": True, "rating": 4}},
        )
    more = [Organisation(kind="school", name=f"Ещё {n}", timezone="UTC") for n in range(2)]
    session.add_all(more)
    await session.flush()
    with counting(engine) as large:
        digests = await service.schools([*ids, *(o.id for o in more)], NOW)
    assert len(digests) == 4
    assert len(next(dg for dg in digests if dg.organisation_id == scene.school.id).pairs) == 15
    assert sum(large.values()) == sum(small.values()) <= 14


# ----- the schedule -----------------------------------------------------------------------


async def _curator(session: AsyncSession, school: Organisation, name: str) -> User:
    user = User(telegram_id=hash(name) % 10**9, full_name=name, is_minor=False, locale="ru")
    session.add(user)
    await session.flush()
    session.add(
        Membership(user_id=user.id, organisation_id=school.id, role="curator", status="active")
    )
    await session.flush()
    return user


async def _digests(session: AsyncSession) -> list[tuple[int | None, str]]:
    rows = await session.execute(
        select(Notification.organisation_id, Notification.period)
        .where(Notification.kind == KIND)
        .order_by(Notification.id)
    )
    return [(org, period) for org, period in rows]


async def test_the_schedule_in_two_time_zones(session: AsyncSession) -> None:
    kaliningrad = Organisation(kind="school", name="Калининград", timezone="Europe/Kaliningrad")
    vladivostok = Organisation(kind="school", name="Владивосток", timezone="Asia/Vladivostok")
    session.add_all([kaliningrad, vladivostok])
    await session.flush()
    await _curator(session, kaliningrad, "Куратор К")
    await _curator(session, vladivostok, "Куратор В")
    for school in (kaliningrad, vladivostok):
        await working_pair(session, school, datetime(2026, 11, 2, tzinfo=UTC))

    async def tick(moment: datetime) -> int:
        return await DigestService(session, Outbox(session, FakeClock(moment))).queue_weekly(moment)

    # Sunday 22 November, 21:00 UTC: still Sunday 23:00 in Kaliningrad (week 47, whose
    # moment, Monday 16 November 09:00, passed while the bot was down: it comes now, late,
    # but in its own week); already Monday 07:00 in Vladivostok (week 48, not yet).
    assert await tick(datetime(2026, 11, 22, 21, 0, tzinfo=UTC)) == 1
    assert await _digests(session) == [(kaliningrad.id, "2026-W47")]
    # 22:59 UTC: Kaliningrad is in week 48 now (Monday 00:59), nothing owed yet.
    assert await tick(datetime(2026, 11, 22, 22, 59, tzinfo=UTC)) == 0
    assert await tick(datetime(2026, 11, 22, 23, 0, tzinfo=UTC)) == 1  # 09:00 Vladivostok
    assert await tick(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)) == 0  # once a week
    assert await tick(datetime(2026, 11, 23, 6, 59, tzinfo=UTC)) == 0  # 08:59 Kaliningrad
    assert await tick(datetime(2026, 11, 23, 7, 0, tzinfo=UTC)) == 1  # 09:00 Kaliningrad
    assert await tick(datetime(2026, 11, 26, 7, 0, tzinfo=UTC)) == 0
    assert await _digests(session) == [
        (kaliningrad.id, "2026-W47"),
        (vladivostok.id, "2026-W48"),
        (kaliningrad.id, "2026-W48"),
    ]
    expires = await session.scalar(
        select(Notification.expires_at).where(Notification.period == "2026-W48").limit(1)
    )
    # Vladivostok's week ends on Sunday 29 November at midnight there (14:00 UTC).
    assert expires == datetime(2026, 11, 29, 14, 0, tzinfo=UTC)


async def test_a_school_moves_its_day_and_hour(session: AsyncSession) -> None:
    school = Organisation(
        kind="school", name="Школа", timezone="Europe/Moscow", digest_weekday=4, digest_hour=15
    )
    session.add(school)
    await session.flush()
    # Friday 27 November 15:00 Moscow = 12:00 UTC.
    assert due_moment(school.timezone, 4, 15, NOW) == datetime(2026, 11, 27, 12, tzinfo=UTC)
    await _curator(session, school, "Куратор")
    await working_pair(session, school, NOW - timedelta(days=7))
    service = DigestService(session, Outbox(session, FakeClock(NOW)))
    assert await service.queue_weekly(NOW + timedelta(days=4, hours=5)) == 0  # 11:30 UTC
    assert await service.queue_weekly(NOW + timedelta(days=4, hours=6)) == 1


async def test_the_text_in_english_escapes_every_name(session: AsyncSession) -> None:
    world = await make_digest_world(session)
    world.scene.users["E7"].full_name = "<b>Tom</b> & Jerry"
    await session.flush()
    [digest] = await DigestService(session).schools([world.scene.school.id], NOW)
    core = create_core("ru")
    await core.startup()
    ctx = RenderContext(None, FakeClock(NOW), core, "Europe/Moscow")
    [text] = digest_texts(ctx, digest, "en")
    assert text.startswith("📊 <b>Digest of “Школа № 7”</b>, week 2026-W48")
    assert "🧍 Mentees without a pair: 1\n<i>&lt;b&gt;Tom&lt;/b&gt; &amp; Jerry</i>" in text
    assert "💤 No meetings for a long time: 2 pairs" in text
    assert "Meetings: 1 this week, 3 last week, 14 in all" in text
    assert "Questionnaire (intermediate): 1 of 3, due 25.11" in text
    assert "<b>Tom</b>" not in text


async def test_namesakes_count_as_two_people_and_one_person_in_two_programmes_once(
    session: AsyncSession,
) -> None:
    world = await make_digest_world(session)
    namesake = await add_participant(
        session, world.scene, "M3bis", "mentor", {}, name="Наставник M3"
    )
    world.scene.users["M3bis"].reachable = False
    # M3 also mentors in a second programme of the school: still one person.
    second = Programme(
        organisation_id=world.scene.school.id,
        form_key="student_student",
        name="Второй поток",
        period_start=date(2026, 9, 1),
        period_end=date(2027, 5, 31),
    )
    session.add(second)
    await session.flush()
    session.add(
        Membership(
            user_id=world.scene.users["M3"].id,
            organisation_id=world.scene.school.id,
            programme_id=second.id,
            role="mentor",
            status="active",
        )
    )
    await session.flush()
    assert namesake.id
    [digest] = await DigestService(session).schools([world.scene.school.id], NOW)
    unreachable = next(a for a in digest.attention if a.key == "unreachable")
    assert unreachable == Attention("unreachable", 2, ("Наставник M3", "Наставник M3"))


async def test_a_mentee_choosing_among_offered_mentors_is_choosing_not_without_a_pair(
    session: AsyncSession,
) -> None:
    """«Наставляемые без пары» counts only mentees with nothing offered; one choosing among
    candidates is listed apart, and an offer that closed does not count as choosing."""
    world = await make_digest_world(session)
    scene = world.scene
    mentor = scene.members["M4"]
    for key, answers in (("E9", [None]), ("E10", ["chosen", "withdrawn"]), ("E11", ["declined"])):
        mentee = await add_participant(session, scene, key, "mentee", {}, name=f"Ученик {key}")
        for answer in answers:
            session.add(
                Candidate(
                    organisation_id=scene.school.id,
                    programme_id=scene.programme.id,
                    mentee_membership_id=mentee.id,
                    mentor_membership_id=mentor.id,
                    answer=answer,
                )
            )
    await session.flush()
    [digest] = await DigestService(session).schools([scene.school.id], NOW)
    found = {a.key: a for a in digest.attention}
    assert found["choosing"] == Attention("choosing", 2, ("Ученик E10", "Ученик E9"))
    assert found["unpaired"] == Attention("unpaired", 2, ("Ученик E11", "Ученик E7"))
    core = create_core("ru")
    await core.startup()
    ctx = RenderContext(None, FakeClock(NOW), core, "Europe/Moscow")
    [text] = digest_texts(ctx, digest, "ru")
    assert "🤔 Выбирают наставника из предложенных: 2\n<i>Ученик E10; Ученик E9</i>" in text
    assert "🧍 Наставляемые без пары: 2\n<i>Ученик E11; Ученик E7</i>" in text
