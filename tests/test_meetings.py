"""Meetings service: logging and the edit window, who sees what, the mentee's answers and
the fit question, planning, reminders with a controlled clock in two time zones with quiet
hours, «Встреча состоялась?», and the quiet-pair ladder."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied, DomainError, InvalidInput
from bot.services.meetings import (
    clean_clock,
    clean_day,
    clean_duration,
    reminder_moment,
    suggest_kind,
)
from bot.storage.models import AuditEntry, Meeting, MeetingAttendance, Membership, Organisation
from tests.meetings_world import (
    Clock,
    actor_of,
    clock_at,
    jobs_of,
    make_pair,
    meetings_of,
    notes,
)
from tests.pairs_world import actor, make_scene

TODAY = date(2026, 11, 23)


def noon() -> Clock:
    return clock_at(2026, 11, 23, 10, 0)  # 13:00 in Moscow


async def test_log_suggests_the_methodology_order_and_repeats_the_last_duration(
    session: AsyncSession,
) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    clock = noon()
    service = meetings_of(session, clock)
    mentor = await actor_of(session, scene, "m")
    ctx = await service.pair_context(mentor, pair.id, "t")
    first = await service.usual(ctx)
    assert (first.kind, first.duration_min, first.format) == ("organisational", 45, "offline")

    await service.log(
        mentor, pair.id, day=TODAY, kind="organisational", duration_min=60, format="online"
    )
    usual = await service.usual(ctx)
    assert (usual.kind, usual.duration_min, usual.format) == ("trial", 60, "online")
    assert suggest_kind(["organisational", "trial"]) == "planning"
    assert suggest_kind(["organisational", "trial", "planning", "regular"]) == "regular"

    # The mentee is asked to confirm, through the outbox.
    [ask] = await notes(session, "meeting-confirm")
    assert ask.recipient_user_id == scene.users["a"].id
    assert ask.args["day"] == "23.11"


async def test_dates_and_numbers_are_checked(session: AsyncSession) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    service = meetings_of(session, noon())
    mentor = await actor_of(session, scene, "m")
    with pytest.raises(InvalidInput) as future:
        await service.log(
            mentor, pair.id, day=TODAY + timedelta(days=1), kind="regular",
            duration_min=45, format="offline",
        )  # fmt: skip
    assert future.value.code == "meeting-date-future"
    with pytest.raises(InvalidInput):
        await service.log(
            mentor, pair.id, day=TODAY, kind="party", duration_min=45, format="offline"
        )
    assert await session.scalar(select(Meeting.id)) is None
    for bad in ("abc", "0", "2000", "1:xx", ""):
        with pytest.raises(InvalidInput):
            clean_duration(bad)
    assert clean_duration("50 мин") == 50
    assert clean_duration("1:30") == 90
    with pytest.raises(InvalidInput):
        clean_day("вчера вечером", TODAY)
    with pytest.raises(InvalidInput):
        clean_day("31.02", TODAY)
    assert clean_day("21.11", TODAY) == date(2026, 11, 21)
    assert clean_day("21.11.26", TODAY) == date(2026, 11, 21)
    with pytest.raises(InvalidInput):
        clean_clock("25:00")
    assert clean_clock("15.30") == time(15, 30)


async def test_edit_window_48_hours_then_only_the_curator(session: AsyncSession) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    clock = noon()
    service = meetings_of(session, clock)
    mentor = await actor_of(session, scene, "m")
    view = await service.log(
        mentor, pair.id, day=TODAY, kind="organisational", duration_min=45, format="offline"
    )
    assert view.can_edit
    clock.move(hours=47)
    edited = await service.edit(
        mentor, view.id, day=TODAY, kind="organisational", duration_min=50,
        format="offline", topic="Знакомство", outcome=None,
    )  # fmt: skip
    assert edited.duration_min == 50 and edited.topic == "Знакомство"

    clock.move(hours=2)  # 49 hours after logging
    assert not (await service.view(mentor, view.id)).can_edit
    with pytest.raises(DomainError) as locked:
        await service.edit(
            mentor, view.id, day=TODAY, kind="trial", duration_min=50,
            format="offline", topic=None, outcome=None,
        )  # fmt: skip
    assert locked.value.code == "meeting-locked"
    with pytest.raises(DomainError):
        await service.delete(mentor, view.id)

    curator = await actor(session, scene.curator)
    assert (await service.view(curator, view.id)).can_edit
    await service.edit(
        curator, view.id, day=TODAY, kind="trial", duration_min=50,
        format="offline", topic=None, outcome=None,
    )  # fmt: skip
    await service.delete(curator, view.id)
    assert await session.get(Meeting, view.id) is None


async def test_the_curator_logs_for_a_pair_and_strangers_cannot_see_or_change(
    session: AsyncSession,
) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    other_pair = await make_pair(session, scene, "m2", ["b"])
    service = meetings_of(session, noon())
    curator = await actor(session, scene.curator)
    logged = await service.log(
        curator, pair.id, day=TODAY, kind="organisational", duration_min=45, format="offline"
    )
    assert logged.can_edit

    stranger = await actor_of(session, scene, "m2")  # the mentor of another pair
    other_school = await actor(session, scene.other_curator)
    other_mentee = await actor_of(session, scene, "b")
    for who in (stranger, other_school, other_mentee):
        with pytest.raises(AccessDenied):
            await service.view(who, logged.id)
        with pytest.raises(AccessDenied):
            await service.history(who, pair.id)
        with pytest.raises(AccessDenied):
            await service.log(
                who, pair.id, day=TODAY, kind="regular", duration_min=45, format="offline"
            )
        with pytest.raises(AccessDenied):
            await service.delete(who, logged.id)
    # A missing meeting is refused like another pair's.
    with pytest.raises(AccessDenied):
        await service.view(stranger, 987_654)
    denied = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied")))
    assert len(denied) == 13
    # The mentee sees the pair's history; the other pair's mentor sees only their own.
    mentee = await actor_of(session, scene, "a")
    assert [v.id for v in await service.history(mentee, pair.id)] == [logged.id]
    assert await service.history(stranger, other_pair.id) == []


async def test_mentee_confirms_and_rates_the_mentor_never_sees_the_rating(
    session: AsyncSession,
) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    service = meetings_of(session, noon())
    mentor = await actor_of(session, scene, "m")
    mentee = await actor_of(session, scene, "a")
    view = await service.log(
        mentor, pair.id, day=TODAY, kind="organisational", duration_min=45, format="offline"
    )
    [pending] = await service.pending_for(mentee)
    assert pending.meeting_id == view.id
    with pytest.raises(DomainError):  # not before saying it happened
        await service.rate(mentee, view.id, rating=5)
    await service.confirm(mentee, view.id, happened=True)
    with pytest.raises(InvalidInput):
        await service.rate(mentee, view.id, rating=6)
    await service.rate(mentee, view.id, rating=2, comment="Было скучно", share=False)
    assert await service.pending_for(mentee) == []

    [seen_by_mentor] = (await service.view(mentor, view.id)).attendance
    assert seen_by_mentor.confirmed is True
    assert seen_by_mentor.rating is None and seen_by_mentor.comment is None
    curator = await actor(session, scene.curator)
    [seen_by_curator] = (await service.view(curator, view.id)).attendance
    assert (seen_by_curator.rating, seen_by_curator.comment) == (2, "Было скучно")

    # Shared, the comment reaches the mentor; the rating still does not.
    await service.rate(mentee, view.id, rating=3, comment="Спасибо!", share=True)
    [shared] = (await service.view(mentor, view.id)).attendance
    assert shared.comment == "Спасибо!" and shared.rating is None
    # A mentor cannot answer for the mentee.
    with pytest.raises(AccessDenied):
        await service.confirm(mentor, view.id, happened=True)


async def test_a_disputed_meeting_is_flagged_to_the_curator(session: AsyncSession) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    service = meetings_of(session, noon())
    mentor = await actor_of(session, scene, "m")
    mentee = await actor_of(session, scene, "a")
    view = await service.log(
        mentor, pair.id, day=TODAY, kind="regular", duration_min=45, format="offline"
    )
    await service.confirm(mentee, view.id, happened=False)
    row = await session.get(MeetingAttendance, (view.id, scene.members["a"].id))
    assert row is not None and row.disputed and row.confirmed is False
    [flag] = await notes(session, "meeting-disputed")
    assert flag.recipient_user_id == scene.curator.id
    assert flag.args["mentee"] == "Ученик a" and flag.args["mentor"] == "Наставник m"
    # What the mentee says goes to the curator, not to the mentor: the mentor still waits.
    assert (await service.view(mentor, view.id)).confirmation == "waiting"
    curator = await actor(session, scene.curator)
    assert (await service.view(curator, view.id)).confirmation == "disputed"


async def test_a_curator_who_mentors_the_pair_is_not_told_what_the_mentee_said(
    session: AsyncSession,
) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    mentor_user = scene.users["m"]
    session.add(
        Membership(
            user_id=mentor_user.id,
            organisation_id=scene.school.id,
            role="curator",
            status="active",
        )
    )
    await session.flush()
    service = meetings_of(session, noon())
    mentor = await actor_of(session, scene, "m")
    mentee = await actor_of(session, scene, "a")
    view = await service.log(
        mentor, pair.id, day=TODAY, kind="regular", duration_min=45, format="offline"
    )
    await service.confirm(mentee, view.id, happened=False)
    recipients = {n.recipient_user_id for n in await notes(session, "meeting-disputed")}
    assert recipients == {scene.curator.id}


async def test_fit_question_after_the_first_meeting(session: AsyncSession) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    service = meetings_of(session, noon())
    mentor = await actor_of(session, scene, "m")
    mentee = await actor_of(session, scene, "a")
    assert not await service.fit_due(mentee, pair.id)
    view = await service.log(
        mentor, pair.id, day=TODAY, kind="organisational", duration_min=45, format="offline"
    )
    assert not await service.fit_due(mentee, pair.id)  # not confirmed yet
    await service.confirm(mentee, view.id, happened=True)
    assert await service.fit_due(mentee, pair.id)
    await service.answer_fit(mentee, pair.id, "no")
    assert not await service.fit_due(mentee, pair.id)
    with pytest.raises(DomainError):
        await service.answer_fit(mentee, pair.id, "fits")
    [request] = await notes(session, "pair-fit-no")
    assert request.recipient_user_id == scene.curator.id
    with pytest.raises(AccessDenied):
        await service.answer_fit(mentor, pair.id, "fits")


async def test_a_group_meeting_records_who_came(session: AsyncSession) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a", "b", "c"])
    service = meetings_of(session, noon())
    mentor = await actor_of(session, scene, "m")
    came = [scene.members["a"].id, scene.members["c"].id]
    view = await service.log(
        mentor, pair.id, day=TODAY, kind="regular", duration_min=90, format="offline",
        present=came,
    )  # fmt: skip
    assert [a.present for a in view.attendance] == [True, False, True]
    asked = {n.recipient_user_id for n in await notes(session, "meeting-confirm")}
    assert asked == {scene.users["a"].id, scene.users["c"].id}
    with pytest.raises(InvalidInput):
        await service.log(
            mentor, pair.id, day=TODAY, kind="regular", duration_min=90, format="offline",
            present=[],
        )  # fmt: skip
    with pytest.raises(InvalidInput):  # someone from another pair
        await service.log(
            mentor, pair.id, day=TODAY, kind="regular", duration_min=90, format="offline",
            present=[scene.members["m"].id],
        )  # fmt: skip
    # b was not there: nothing to confirm.
    b = await actor_of(session, scene, "b")
    assert await service.pending_for(b) == []


async def test_planning_with_accept_and_counter_proposal(session: AsyncSession) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    clock = noon()
    service = meetings_of(session, clock)
    mentor = await actor_of(session, scene, "m")
    mentee = await actor_of(session, scene, "a")
    proposal = await service.propose(mentor, pair.id, day=date(2026, 11, 25), at=time(15, 0))
    assert proposal.starts_local is not None
    assert proposal.starts_local.hour == 15  # the school's time
    [told] = await notes(session, "meeting-proposed")
    assert told.recipient_user_id == scene.users["a"].id and told.args["when"] == "25.11 15:00"
    with pytest.raises(DomainError):  # one's own proposal waits for the other side
        await service.accept(mentor, proposal.id)

    await service.counter(mentee, proposal.id, day=date(2026, 11, 26), at=time(16, 30))
    [countered] = await notes(session, "meeting-countered")
    assert countered.recipient_user_id == scene.users["m"].id
    with pytest.raises(DomainError):
        await service.accept(mentee, proposal.id)
    agreed = await service.accept(mentor, proposal.id)
    assert agreed.agreed and agreed.day == date(2026, 11, 26)
    [both] = await service.planned(mentee, pair.id)
    assert both.agreed and both.starts_local is not None and both.starts_local.hour == 16
    assert (await notes(session, "meeting-agreed"))[0].recipient_user_id == scene.users["a"].id
    with pytest.raises(InvalidInput):
        await service.propose(mentor, pair.id, day=date(2026, 11, 22), at=time(15, 0))


async def test_a_meeting_with_a_child_is_not_planned_at_night(session: AsyncSession) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"], minor_mentees=True)
    service = meetings_of(session, noon())
    mentor = await actor_of(session, scene, "m")
    mentee = await actor_of(session, scene, "a")
    for late in (time(21, 30), time(6, 30)):
        with pytest.raises(InvalidInput) as refused:
            await service.propose(mentor, pair.id, day=date(2026, 11, 25), at=late)
        assert refused.value.code == "meeting-plan-night"
    proposal = await service.propose(mentor, pair.id, day=date(2026, 11, 25), at=time(16, 0))
    with pytest.raises(InvalidInput):
        await service.counter(mentee, proposal.id, day=date(2026, 11, 26), at=time(22, 0))
    # An adult pair may meet in the evening.
    adults = await make_pair(session, scene, "n", ["b"])
    evening = await service.propose(
        await actor_of(session, scene, "n"), adults.id, day=date(2026, 11, 25), at=time(21, 30)
    )
    assert evening.starts_local is not None and evening.starts_local.hour == 21


@pytest.mark.parametrize(
    ("timezone", "local_start", "want_24h", "want_1h"),
    [
        # Moscow (UTC+3), an afternoon meeting: a day and an hour before, as they are.
        ("Europe/Moscow", datetime(2026, 11, 26, 15, 0), datetime(2026, 11, 25, 15, 0),
         datetime(2026, 11, 26, 14, 0)),
        # Vladivostok (UTC+10), 07:30: a day before is in the night → the evening before
        # the night (20:30 the day before that); an hour before is night too, and the
        # morning (08:00) is after the meeting → no 1-hour reminder.
        ("Asia/Vladivostok", datetime(2026, 11, 26, 7, 30), datetime(2026, 11, 24, 20, 30),
         None),
        # 08:40 in Moscow: the 24-hour moment (08:40) is fine; the hour before (07:40) is
        # quiet → 08:00, still before the meeting.
        ("Europe/Moscow", datetime(2026, 11, 26, 8, 40), datetime(2026, 11, 25, 8, 40),
         datetime(2026, 11, 26, 8, 0)),
        # 21:30 in Vladivostok: a day before is 21:30, quiet → 20:30 that evening; the
        # hour before (20:30) is not quiet yet.
        ("Asia/Vladivostok", datetime(2026, 11, 26, 21, 30), datetime(2026, 11, 25, 20, 30),
         datetime(2026, 11, 26, 20, 30)),
    ],
)  # fmt: skip
def test_reminder_moments_avoid_quiet_hours(
    timezone: str, local_start: datetime, want_24h: datetime, want_1h: datetime | None
) -> None:
    zone = ZoneInfo(timezone)
    starts = local_start.replace(tzinfo=zone).astimezone(UTC)
    got_24 = reminder_moment(starts, timedelta(hours=24), timezone, time(21), time(8))
    got_1 = reminder_moment(starts, timedelta(hours=1), timezone, time(21), time(8))
    assert got_24 is not None
    assert got_24.astimezone(zone).replace(tzinfo=None) == want_24h
    if want_1h is None:
        assert got_1 is None
    else:
        assert got_1 is not None and got_1.astimezone(zone).replace(tzinfo=None) == want_1h


async def _agreed(session: AsyncSession, clock: Clock, tz: str, day: date, at: time) -> tuple:
    scene = await make_scene(session)
    scene.school.timezone = tz
    pair = await make_pair(session, scene, "m", ["a"], minor_mentees=True)
    service = meetings_of(session, clock)
    mentor = await actor_of(session, scene, "m")
    mentee = await actor_of(session, scene, "a")
    proposal = await service.propose(mentor, pair.id, day=day, at=at)
    await service.accept(mentee, proposal.id)
    return scene, pair, proposal


@pytest.mark.parametrize("tz", ["Europe/Moscow", "Asia/Vladivostok"])
async def test_reminders_by_the_clock_in_two_time_zones(session: AsyncSession, tz: str) -> None:
    clock = clock_at(2026, 11, 23, 0, 0)
    zone = ZoneInfo(tz)
    scene, _pair, _proposal = await _agreed(session, clock, tz, date(2026, 11, 26), time(7, 30))
    org = await session.get(Organisation, scene.school.id)
    assert org is not None
    starts = datetime(2026, 11, 26, 7, 30, tzinfo=zone).astimezone(UTC)
    jobs = jobs_of(session, clock)
    seen: dict[str, datetime] = {}
    # Walk the clock in 10-minute ticks up to the meeting; each reminder is queued once,
    # at its moment, and never at night in the school's time.
    clock.value = starts - timedelta(hours=48)
    while clock.value < starts + timedelta(hours=2):
        await jobs.tick()
        for row in await notes(session):
            if row.kind.startswith("meeting-reminder") and row.kind not in seen:
                seen[row.kind] = clock.value
                local = clock.value.astimezone(zone).time()
                assert time(8) <= local < time(21), (row.kind, local)
                last = timedelta(hours=1) if row.kind.endswith("24h") else timedelta(minutes=10)
                assert row.expires_at == starts - last
        clock.move(minutes=10)
    reminders = [n for n in await notes(session) if n.kind.startswith("meeting-reminder")]
    # Both sides get the 24-hour one; the 1-hour one would be at 06:30 → none.
    assert sorted((n.kind, n.recipient_user_id) for n in reminders) == sorted(
        [
            ("meeting-reminder-24h", scene.users["m"].id),
            ("meeting-reminder-24h", scene.users["a"].id),
        ]
    )
    evening = seen["meeting-reminder-24h"].astimezone(zone)
    assert (evening.date(), evening.time() >= time(20, 30)) == (date(2026, 11, 24), True)
    # After the meeting the mentor is asked once whether it took place.
    [ask] = await notes(session, "meeting-held-ask")
    assert ask.recipient_user_id == scene.users["m"].id


async def test_afternoon_meeting_gets_both_reminders_and_held_question(
    session: AsyncSession,
) -> None:
    clock = clock_at(2026, 11, 23, 8, 0)
    scene, _pair, proposal = await _agreed(
        session, clock, "Europe/Moscow", date(2026, 11, 25), time(15, 0)
    )
    jobs = jobs_of(session, clock)
    clock.value = datetime(2026, 11, 24, 11, 59, tzinfo=UTC)  # 14:59 the day before
    await jobs.tick()
    assert await notes(session, "meeting-reminder-24h") == []
    clock.move(minutes=1)
    await jobs.tick()
    await jobs.tick()
    assert len(await notes(session, "meeting-reminder-24h")) == 2
    clock.value = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # 14:00 local
    await jobs.tick()
    assert len(await notes(session, "meeting-reminder-1h")) == 2
    clock.value = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)  # after 15:00 + 45 min
    await jobs.tick()
    assert len(await notes(session, "meeting-held-ask")) == 1

    service = meetings_of(session, clock)
    mentor = await actor_of(session, scene, "m")
    [due] = await service.due_questions(mentor)
    assert due.id == proposal.id
    held = await service.held_as_planned(mentor, proposal.id)
    assert held.status == "held" and held.day == date(2026, 11, 25)
    assert await service.due_questions(mentor) == []
    assert len(await notes(session, "meeting-confirm")) == 1
    await jobs.tick()
    assert len(await notes(session, "meeting-held-ask")) == 1


async def test_a_meeting_that_did_not_happen(session: AsyncSession) -> None:
    clock = clock_at(2026, 11, 23, 8, 0)
    scene, pair, proposal = await _agreed(
        session, clock, "Europe/Moscow", date(2026, 11, 23), time(15, 0)
    )
    service = meetings_of(session, clock)
    mentor = await actor_of(session, scene, "m")
    with pytest.raises(DomainError):
        await service.not_held(mentor, proposal.id)  # not yet
    clock.move(hours=8)
    await service.not_held(mentor, proposal.id)
    [line] = await service.history(mentor, pair.id)
    assert line.status == "cancelled"
    assert await notes(session, "meeting-confirm") == []


async def test_quiet_pair_ladder_each_step_once(session: AsyncSession) -> None:
    scene = await make_scene(session)
    activated = datetime(2026, 11, 1, 9, tzinfo=UTC)
    pair = await make_pair(session, scene, "m", ["a"], activated_at=activated)
    clock = Clock(activated)
    jobs = jobs_of(session, clock)

    async def kinds() -> list[str]:
        return [n.kind for n in await notes(session) if n.kind.startswith("pair-quiet")]

    clock.move(days=13)
    await jobs.tick()
    assert await kinds() == []
    clock.move(days=1)  # day 14
    await jobs.tick()
    await jobs.tick()
    assert await kinds() == ["pair-quiet-nudge"]
    [nudge] = await notes(session, "pair-quiet-nudge")
    assert nudge.recipient_user_id == scene.users["m"].id and nudge.args["days"] == 14
    clock.move(days=7)  # day 21
    await jobs.tick()
    assert await kinds() == ["pair-quiet-nudge", "pair-quiet-curator"]
    clock.move(days=9)  # day 30
    await jobs.tick()
    await jobs.tick()
    assert await kinds() == ["pair-quiet-nudge", "pair-quiet-curator", "pair-quiet-close"]
    curator_rows = await notes(session, "pair-quiet-close")
    assert [n.recipient_user_id for n in curator_rows] == [scene.curator.id]

    # A meeting starts the count again; the programme's N is a setting.
    service = meetings_of(session, clock)
    mentor = await actor_of(session, scene, "m")
    await service.log(
        mentor, pair.id, day=clock.value.date(), kind="regular", duration_min=45,
        format="offline",
    )  # fmt: skip
    scene.programme.quiet_pair_days = 5
    clock.move(days=4)
    await jobs.tick()
    assert len(await notes(session, "pair-quiet-nudge")) == 1
    clock.move(days=1)
    await jobs.tick()
    assert len(await notes(session, "pair-quiet-nudge")) == 2
