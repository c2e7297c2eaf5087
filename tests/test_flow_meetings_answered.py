"""/meeting after a mentee answered, through the real dispatcher and the fake Telegram:
the mentor's screen offers no change or deletion of the record any more (a stale one is
refused politely and the record stays), and a mentee's screen that was open while their
answer was saved elsewhere does not turn a confirmed, rated meeting into «не было»."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.models import Meeting, MeetingAttendance, Notification
from tests.harness import Running
from tests.pairs_world import actor, hub_of
from tests.test_flow_meetings import CURATOR_TG, MENTEE_TG, MENTOR_TG, world

CURATOR_ONLY = "Эту запись теперь может изменить или удалить только куратор"


async def test_the_mentor_cannot_delete_a_meeting_the_mentee_disputed(tg: Running) -> None:
    await world(tg, [("m", ["a"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    await mentor.send("/meeting")
    await mentor.press("Сегодня")
    await mentor.press("✅ Организационная · 45 мин · очно")
    await mentor.send("/meeting")
    await mentor.press("📖 История")
    await mentor.press(next(b for b in mentor.last.buttons() if "Организационная" in b))
    assert "🗑 Удалить" in mentor.last.buttons()  # nobody answered yet: the mentor's 48 hours
    screen = mentor.last

    await mentee.send("/meeting")
    await mentee.press("✖️ Не было")

    # The screen opened before the answer: the deletion is refused, the record stays.
    await mentor.press("🗑 Удалить", message=screen)
    await mentor.press("Да, удалить")
    assert CURATOR_ONLY in mentor.callback_answers[-1]["text"]
    async with tg.app.session_factory() as session:
        assert await session.scalar(select(Meeting.id)) is not None

    # Opened again, it says so and offers nothing that would be refused; the mentor is not
    # told what the mentee said (that is for the curator).
    await mentor.send("/meeting")
    await mentor.press("📖 История")
    await mentor.press(next(b for b in mentor.last.buttons() if "Организационная" in b))
    assert CURATOR_ONLY in mentor.last.plain
    assert "не было" not in mentor.last.plain
    assert not {"🗑 Удалить", "✏️ Изменить"} & set(mentor.last.buttons())


async def test_the_mentor_cannot_change_a_confirmed_meeting(tg: Running) -> None:
    await world(tg, [("m", ["a"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    await mentor.send("/meeting")
    await mentor.press("Сегодня")
    await mentor.press("✅ Организационная · 45 мин · очно")
    await mentor.send("/meeting")
    await mentor.press("📖 История")
    await mentor.press(next(b for b in mentor.last.buttons() if "Организационная" in b))
    screen = mentor.last

    await mentee.send("/meeting")
    await mentee.press("✅ Была")
    await mentee.press("5")

    await mentor.press("✏️ Изменить", message=screen)
    assert CURATOR_ONLY in mentor.callback_answers[-1]["text"]
    assert CURATOR_ONLY in mentor.last.plain
    assert "подтвердил" in mentor.last.plain
    assert not {"🗑 Удалить", "✏️ Изменить"} & set(mentor.last.buttons())

    # The curator still can (and it goes into the audit: see test_meetings_answered).
    curator = tg.fake.user(CURATOR_TG, "Куратор")
    await curator.send("/meeting")
    await curator.press(next(b for b in curator.last.buttons() if "Наставник m" in b))
    await curator.press("📖 История")
    await curator.press(next(b for b in curator.last.buttons() if "Организационная" in b))
    assert {"🗑 Удалить", "✏️ Изменить"} <= set(curator.last.buttons())


async def test_a_mentee_cannot_flip_a_confirmed_rated_meeting_to_not_held(tg: Running) -> None:
    w = await world(tg, [("m", ["a"])], minor=True)
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    await mentor.send("/meeting")
    await mentor.press("Сегодня")
    await mentor.press("✅ Организационная · 45 мин · очно")
    await mentee.send("/meeting")
    assert "Она была?" in mentee.last.plain

    # Meanwhile the answer is saved by another update (another process, another device).
    async with tg.app.session_factory() as session:
        meetings = hub_of(session).meetings
        me = await actor(session, w.scene.users["a"])
        meeting_id = await session.scalar(select(Meeting.id))
        assert meeting_id is not None
        await meetings.confirm(me, meeting_id, happened=True)
        await meetings.rate(me, meeting_id, rating=5)
        await session.commit()

    await mentee.press("✖️ Не было")
    assert "Ты уже ответил(а) про эту встречу" in mentee.callback_answers[-1]["text"]
    assert "Ты уже ответил(а) про встречу" in mentee.last.plain
    assert "✖️ Не было" not in mentee.last.buttons()
    async with tg.app.session_factory() as session:
        row = await session.scalar(select(MeetingAttendance))
        disputed = await session.scalar(
            select(Notification.id).where(Notification.kind == "meeting-disputed")
        )
    assert row is not None and (row.confirmed, row.disputed, row.rating) == (True, False, 5)
    assert disputed is None  # the curator is not told of a «не было» that did not count
