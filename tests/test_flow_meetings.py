"""/meeting through the real dispatcher and the fake Telegram: the usual meeting in three
taps (counted), every optional step, a group meeting, the mentee's answers, planning with
a counter-proposal, the edit window, and forged callbacks from another pair's mentor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from bot.commands import commands_for_roles
from bot.jobs.meetings import run_meeting_jobs
from bot.services.errors import DomainError, InvalidInput
from bot.services.outbox import Outbox
from bot.storage.models import Meeting, MeetingAttendance, Notification, PairFit, Programme
from tests.clock import DAYTIME
from tests.fake_telegram import FakeUser
from tests.harness import Running
from tests.meetings_world import actor_of, make_pair, meetings_of
from tests.pairs_world import Scene, add_participant, make_scene
from tests.test_flow_staff import callback_data

MENTOR_TG, MENTOR2_TG, MENTEE_TG, MENTEE2_TG, CURATOR_TG = 7101, 7102, 7201, 7202, 7301


@dataclass
class World:
    scene: Scene
    pair_ids: list[int]


def today_moscow() -> date:
    return DAYTIME.astimezone(ZoneInfo("Europe/Moscow")).date()  # the tests' clock


async def world(tg: Running, groups: list[tuple[str, list[str]]], *, minor: bool = False) -> World:
    """Pairs (mentor key, mentee keys); m → 7101, m2 → 7102, a → 7201, b → 7202."""
    ids = {"m": MENTOR_TG, "m2": MENTOR2_TG, "a": MENTEE_TG, "b": MENTEE2_TG}
    async with tg.app.session_factory() as session:
        scene = await make_scene(session)
        scene.curator.telegram_id = CURATOR_TG
        pair_ids = []
        for mentor, mentees in groups:
            for key, role in [(mentor, "mentor"), *[(k, "mentee") for k in mentees]]:
                if key not in scene.members:
                    label = "Наставник" if role == "mentor" else "Ученик"
                    await add_participant(
                        session, scene, key, role, {}, name=f"{label} {key}",
                        telegram_id=ids.get(key), is_minor=minor and role == "mentee",
                    )  # fmt: skip
            pair = await make_pair(session, scene, mentor, mentees)
            pair_ids.append(pair.id)
        await session.commit()
    return World(scene, pair_ids)


async def meetings(tg: Running) -> list[Meeting]:
    async with tg.app.session_factory() as session:
        return list(await session.scalars(select(Meeting).order_by(Meeting.id)))


def presses(user: FakeUser) -> int:
    return len(user.callback_answers)


async def test_a_usual_meeting_in_three_taps(tg: Running) -> None:
    await world(tg, [("m", ["a"]), ("m", ["b"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    await mentor.send("/meeting")
    before = presses(mentor)
    await mentor.press("Ученик b")  # 1: the pair (chosen for a mentor with one pair)
    assert "Когда она была?" in mentor.last.plain
    await mentor.press("Сегодня")  # 2: the date
    assert "Организационная · 45 мин · очно" in mentor.last.plain
    await mentor.press("✅ Организационная · 45 мин · очно")  # 3: saves
    assert presses(mentor) - before == 3
    assert "Встреча записана" in mentor.last.plain
    [saved] = await meetings(tg)
    assert (saved.kind, saved.duration_min, saved.format, saved.status) == (
        "organisational",
        45,
        "offline",
        "held",
    )
    assert saved.day == today_moscow()

    # The next one repeats it with the next kind in the methodology's order.
    await mentor.send("/meeting")
    await mentor.press("Ученик b")
    await mentor.press("Сегодня")
    assert "✅ Пробная рабочая · 45 мин · очно" in mentor.last.buttons()


async def test_one_pair_is_chosen_for_the_mentor(tg: Running) -> None:
    await world(tg, [("m", ["a"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    await mentor.send("/meeting")
    before = presses(mentor)
    await mentor.press("Вчера")
    await mentor.press("✅ Организационная · 45 мин · очно")
    assert presses(mentor) - before == 2
    [saved] = await meetings(tg)
    assert saved.day == today_moscow() - timedelta(days=1)


async def test_every_field_can_be_changed_and_bad_text_gets_a_hint(tg: Running) -> None:
    await world(tg, [("m", ["a"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    await mentor.send("/meeting")
    await mentor.send("вчера вечером")
    assert "Не понял дату" in mentor.messages[-2].plain
    await mentor.press("📅 Другая дата")
    await mentor.send("31.13")
    assert "Не понял дату" in mentor.messages[-2].plain
    tomorrow = today_moscow() + timedelta(days=1)
    await mentor.send(f"{tomorrow:%d.%m.%Y}")
    assert "ещё не наступила" in mentor.messages[-2].plain
    typed = today_moscow() - timedelta(days=3)
    await mentor.send(f"{typed:%d.%m}")
    assert f"Дата: {typed:%d.%m.%Y}" in mentor.last.plain

    await mentor.press("Тип")
    await mentor.press("Регулярная")
    await mentor.press("Длительность")
    await mentor.send("сорок")
    assert "числом минут" in mentor.messages[-2].plain
    assert await meetings(tg) == []  # nothing half-saved
    await mentor.send("50")
    await mentor.press("Формат")
    await mentor.press("💻 Онлайн")
    await mentor.press("✏️ Тема")
    await mentor.send("Проект по <физике>")
    await mentor.press("✏️ Итог")
    await mentor.send("Составили план")
    body = mentor.last
    assert "Тема: Проект по <физике>" in body.plain
    assert "&lt;физике&gt;" in body.body
    assert "Итог: Составили план" in body.plain
    await mentor.press("✅ Регулярная · 50 мин · онлайн")
    [saved] = await meetings(tg)
    assert (saved.kind, saved.duration_min, saved.format) == ("regular", 50, "online")
    assert (saved.topic, saved.outcome, saved.day) == (
        "Проект по <физике>",
        "Составили план",
        typed,
    )


async def test_a_group_meeting_records_who_came(tg: Running) -> None:
    await world(tg, [("m", ["a", "b"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    await mentor.send("/meeting")
    await mentor.press("Сегодня")
    await mentor.press("👥 Кто был")
    await mentor.press("✅ Ученик b")
    assert "⬜ Ученик b" in mentor.last.buttons()
    await mentor.press("✅ Ученик a")
    await mentor.press("Готово")
    assert "хотя бы одного" in mentor.callback_answers[-1]["text"]
    await mentor.press("⬜ Ученик a")
    await mentor.press("Готово")
    assert "Были: Ученик a" in mentor.last.plain
    await mentor.press("✅ Организационная · 45 мин · очно")
    async with tg.app.session_factory() as session:
        rows = list(
            await session.scalars(
                select(MeetingAttendance).order_by(MeetingAttendance.mentee_membership_id)
            )
        )
        asked = list(
            await session.scalars(
                select(Notification.recipient_user_id).where(Notification.kind == "meeting-confirm")
            )
        )
    assert [r.present for r in rows] == [True, False]
    assert len(asked) == 1


async def test_the_mentee_confirms_rates_and_answers_the_fit_question(tg: Running) -> None:
    w = await world(tg, [("m", ["a"])], minor=True)
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    curator = tg.fake.user(CURATOR_TG, "Куратор")
    await mentor.send("/meeting")
    await mentor.press("Сегодня")
    await mentor.press("✅ Организационная · 45 мин · очно")

    # The sender delivered the request from the outbox, in «ты».
    assert any("Открой /meeting: подтверди" in m.plain for m in mentee.messages)
    await mentee.send("/meeting")
    assert "Она была?" in mentee.last.plain  # «ты» for a minor
    await mentee.press("✅ Была")
    assert "Оцени от 1 до 5" in mentee.last.plain
    await mentee.press("4")
    await mentee.send("Было интересно")
    await mentee.press("Только куратору")
    assert "Вам подходит работать вместе?" in mentee.last.plain
    await mentee.press("👎 Не подходит")
    assert "Спасибо" in mentee.last.plain

    async with tg.app.session_factory() as session:
        [row] = list(await session.scalars(select(MeetingAttendance)))
        fit = await session.get(PairFit, (w.pair_ids[0], row.mentee_membership_id))
        kinds = list(
            await session.scalars(
                select(Notification.kind).where(
                    Notification.recipient_user_id == w.scene.curator.id
                )
            )
        )
    assert (row.confirmed, row.rating, row.comment, row.comment_shared) == (
        True,
        4,
        "Было интересно",
        False,
    )
    assert fit is not None and fit.answer == "no"
    assert "pair-fit-no" in kinds
    assert any("не подходит" in m.plain and "Ученик a" in m.plain for m in curator.messages)

    # The mentor sees the confirmation, not the rating or the unshared comment.
    await mentor.send("/meeting")
    await mentor.press("📖 История")
    line = next(b for b in mentor.last.buttons() if "Организационная" in b)
    assert "✅" in line
    await mentor.press(line)
    assert "подтвердил" in mentor.last.plain
    assert "Оценка" not in mentor.last.plain and "Было интересно" not in mentor.last.plain


async def test_the_mentee_may_answer_later_or_skip_the_rating(tg: Running) -> None:
    await world(tg, [("m", ["a"])], minor=True)
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    await mentor.send("/meeting")
    await mentor.press("Сегодня")
    await mentor.press("✅ Организационная · 45 мин · очно")
    await mentee.send("/meeting")
    assert "Она была?" in mentee.last.plain
    # Not now: back to the menu; /meeting asks again later.
    await mentee.press("⏭ Позже, в меню")
    assert "Главное меню" in mentee.last.plain
    await mentee.send("/meeting")
    assert "Она была?" in mentee.last.plain
    await mentee.press("✅ Была")
    assert "Оцени от 1 до 5" in mentee.last.plain
    await mentee.press("Пропустить")  # a rating is never required
    assert "Оцени" not in mentee.last.plain
    assert mentee.last.buttons(), mentee.last.describe()


async def test_a_mentee_says_it_did_not_happen(tg: Running) -> None:
    w = await world(tg, [("m", ["a"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    await mentor.send("/meeting")
    await mentor.press("Сегодня")
    await mentor.press("✅ Организационная · 45 мин · очно")
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    await mentee.send("/meeting")
    assert "Она состоялась?" in mentee.last.plain  # «вы» for an adult
    await mentee.press("✖️ Не было")
    assert "Спасибо" in mentee.last.plain
    async with tg.app.session_factory() as session:
        flagged = await session.scalar(
            select(Notification).where(Notification.kind == "meeting-disputed")
        )
    assert flagged is not None and flagged.recipient_user_id == w.scene.curator.id


async def test_planning_with_a_counter_proposal_and_accept(tg: Running) -> None:
    await world(tg, [("m", ["a"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    await mentor.send("/meeting")
    await mentor.press("🗓 Планы")
    await mentor.press("🗓 Предложить время")
    await mentor.press("Завтра")
    await mentor.send("25:00")
    assert "Не понял время" in mentor.messages[-2].plain
    await mentor.send("15:30")
    tomorrow = today_moscow() + timedelta(days=1)
    assert f"{tomorrow:%d.%m} 15:30 — ждём ответа" in mentor.last.plain

    await mentee.send("/meeting")
    assert f"{tomorrow:%d.%m} 15:30 — предложено вам" in mentee.last.plain
    await mentee.press("🔁 Другое время")
    await mentee.press("Послезавтра")
    await mentee.press("16:00")
    later = today_moscow() + timedelta(days=2)
    assert f"{later:%d.%m} 16:00 — ждём ответа" in mentee.last.plain

    await mentor.send("/meeting")
    await mentor.press("🗓 Планы")
    assert f"{later:%d.%m} 16:00 — предложено вам" in mentor.last.plain
    await mentor.press("✅ Подходит")
    await mentor.send("/meeting")
    await mentor.press("🗓 Планы")
    assert f"{later:%d.%m} 16:00 — договорились" in mentor.last.plain
    [planned] = await meetings(tg)
    assert planned.status == "planned" and planned.agreed_at is not None


async def test_held_question_after_the_planned_time(tg: Running) -> None:
    w = await world(tg, [("m", ["a"])])
    async with tg.app.session_factory() as session:
        now = tg.clock.now()
        session.add(
            Meeting(
                organisation_id=w.scene.school.id,
                pair_id=w.pair_ids[0],
                kind="planning",
                status="planned",
                day=(now - timedelta(hours=2)).astimezone(ZoneInfo("Europe/Moscow")).date(),
                starts_at=now - timedelta(hours=2),
                duration_min=60,
                format="online",
                agreed_at=now - timedelta(days=1),
            )
        )
        await session.commit()
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    await mentor.send("/meeting")
    assert "Встреча состоялась?" in mentor.last.plain
    before = presses(mentor)
    await mentor.press("✅ Да, как планировали")
    assert presses(mentor) - before == 1
    assert "Встреча записана" in mentor.last.plain
    [held] = await meetings(tg)
    assert held.status == "held" and held.logged_at is not None


async def test_edit_window_in_the_dialog(tg: Running) -> None:
    await world(tg, [("m", ["a"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    await mentor.send("/meeting")
    await mentor.press("Сегодня")
    await mentor.press("✅ Организационная · 45 мин · очно")
    await mentor.press("📖 История")
    await mentor.press(next(b for b in mentor.last.buttons() if "Организационная" in b))
    await mentor.press("✏️ Изменить")
    await mentor.press("Длительность")
    await mentor.press("60")
    await mentor.press("💾 Сохранить: Организационная · 60 мин · очно")
    [saved] = await meetings(tg)
    assert saved.duration_min == 60

    async with tg.app.session_factory() as session:
        await session.execute(update(Meeting).values(logged_at=DAYTIME - timedelta(hours=49)))
        await session.commit()
    await mentor.send("/meeting")
    await mentor.press("📖 История")
    await mentor.press(next(b for b in mentor.last.buttons() if "Организационная" in b))
    assert "✏️ Изменить" not in mentor.last.buttons()
    assert "🗑 Удалить" not in mentor.last.buttons()


async def test_another_pairs_mentor_cannot_see_or_change_by_forged_callbacks(
    tg: Running,
) -> None:
    w = await world(tg, [("m", ["a"]), ("m2", ["b"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    await mentor.send("/meeting")
    await mentor.press("Сегодня")
    await mentor.press("✅ Организационная · 45 мин · очно")
    [theirs] = await meetings(tg)

    other = tg.fake.user(MENTOR2_TG, "Другой")
    await other.send("/meeting")
    await other.press("Сегодня")
    await other.press("✅ Организационная · 45 мин · очно")
    await other.press("📖 История")
    history = other.last
    label = next(b for b in history.buttons() if "Организационная" in b)
    prefix, _, _ = callback_data(history, label).rpartition(":")
    await other.press_data(f"{prefix}:{theirs.id}", message=history)
    assert "нет доступа" in other.callback_answers[-1]["text"]
    chat = "\n".join(m.plain for m in other.messages)
    assert "Ученик a" not in chat
    async with tg.app.session_factory() as session:
        still = await session.get(Meeting, theirs.id)
    assert still is not None and still.pair_id == w.pair_ids[0]


async def test_the_menu_opens_meetings_for_a_participant(tg: Running) -> None:
    await world(tg, [("m", ["a"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    await mentor.send("/start")
    await mentor.press("🗓 Встречи")
    assert "Когда она была?" in mentor.last.plain
    await mentor.press("Сегодня")
    await mentor.press("✅ Организационная · 45 мин · очно")
    assert len(await meetings(tg)) == 1
    # /meeting is in the Telegram menu of mentors, mentees and curators.
    for role in ("mentor", "mentee", "curator"):
        assert "meeting" in commands_for_roles({role})
    assert "meeting" not in commands_for_roles(set())


async def test_the_curator_logs_a_meeting_from_a_paper_diary(tg: Running) -> None:
    w = await world(tg, [("m", ["a"]), ("m2", ["b"])])
    curator = tg.fake.user(CURATOR_TG, "Куратор")
    await curator.send("/meeting")
    assert "Наставник m → Ученик a" in curator.last.buttons()
    await curator.press("Наставник m → Ученик a")
    await curator.press("Вчера")
    await curator.press("✅ Организационная · 45 мин · очно")
    [saved] = await meetings(tg)
    assert saved.pair_id == w.pair_ids[0] and saved.logged_by_user_id == w.scene.curator.id
    # Long after, the curator still edits it.
    async with tg.app.session_factory() as session:
        await session.execute(update(Meeting).values(logged_at=DAYTIME - timedelta(days=10)))
        await session.commit()
    await curator.press("📖 История")
    await curator.press(next(b for b in curator.last.buttons() if "Организационная" in b))
    await curator.press("🗑 Удалить")
    await curator.press("Да, удалить")
    assert await meetings(tg) == []


async def test_meeting_command_works_from_inside_a_text_step(tg: Running) -> None:
    await world(tg, [("m", ["a"])])
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    await mentor.send("/meeting")
    await mentor.press("Сегодня")
    await mentor.press("✏️ Тема")  # a window that takes typed text
    await mentor.send("/meeting")
    assert "Когда она была?" in mentor.last.plain
    assert await meetings(tg) == []


async def test_the_curator_sets_the_programmes_quiet_pair_days(tg: Running) -> None:
    w = await world(tg, [("m", ["a"])])
    curator = tg.fake.user(CURATOR_TG, "Куратор")
    await curator.send("/programmes")
    await curator.press("Ученик — ученику")
    assert "🔕 Пара без встреч: напомнить через 14 дн." in curator.last.buttons()
    await curator.press("🔕 Пара без встреч: напомнить через 14 дн.")
    assert "🔕 Пара без встреч: напомнить через 21 дн." in curator.last.buttons()
    async with tg.app.session_factory() as session:
        programme = await session.get(Programme, w.scene.programme.id)
        assert programme is not None and programme.quiet_pair_days == 21


async def test_reminders_go_out_by_the_scheduler_job(tg: Running) -> None:
    w = await world(tg, [("m", ["a"])])
    starts = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 15:00 in Moscow, tomorrow
    async with tg.app.session_factory() as session:
        session.add(
            Meeting(
                organisation_id=w.scene.school.id,
                pair_id=w.pair_ids[0],
                kind="regular",
                status="planned",
                day=date(2026, 11, 24),
                starts_at=starts,
                duration_min=45,
                format="offline",
                agreed_at=tg.clock.now(),
            )
        )
        await session.commit()
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    await run_meeting_jobs(tg.app.session_factory, tg.clock)
    await tg.deliver()
    assert not any("Напоминание" in m.plain for m in mentor.messages)
    tg.clock.set(starts - timedelta(hours=24))
    await run_meeting_jobs(tg.app.session_factory, tg.clock)
    await run_meeting_jobs(tg.app.session_factory, tg.clock)
    await tg.deliver()
    for user in (mentor, mentee):
        assert [m.plain for m in user.messages].count("Напоминание: встреча 24.11 15:00.") == 1
    tg.clock.set(starts - timedelta(hours=1))
    await run_meeting_jobs(tg.app.session_factory, tg.clock)
    await tg.deliver()
    assert any("Через час встреча, в 15:00" in m.plain for m in mentee.messages)
    tg.clock.set(starts + timedelta(hours=1))
    await run_meeting_jobs(tg.app.session_factory, tg.clock)
    await tg.deliver()
    assert any("Встреча 24.11 15:00 состоялась?" in m.plain for m in mentor.messages)
    await mentor.send("/meeting")
    await mentor.press("✅ Да, как планировали")
    assert "Встреча записана" in mentor.last.plain


async def test_a_reminder_says_the_time_really_left_and_never_comes_too_late(
    tg: Running,
) -> None:
    w = await world(tg, [("m", ["a"])])
    tg.clock.set(datetime(2026, 11, 23, 16, 0, tzinfo=UTC))  # 19:00 in Moscow
    starts = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 12:00 tomorrow: less than a day
    async with tg.app.session_factory() as session:
        session.add(
            Meeting(
                organisation_id=w.scene.school.id,
                pair_id=w.pair_ids[0],
                kind="regular",
                status="planned",
                day=starts.date(),
                starts_at=starts,
                duration_min=45,
                format="offline",
                agreed_at=tg.clock.now(),
            )
        )
        await session.commit()
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    await run_meeting_jobs(tg.app.session_factory, tg.clock)
    await tg.deliver()
    assert not any("Напоминание" in m.plain for m in mentee.messages)  # no «tomorrow» now
    tg.clock.set(starts - timedelta(hours=1))
    await run_meeting_jobs(tg.app.session_factory, tg.clock)
    tg.clock.set(starts - timedelta(minutes=40))  # the message goes out late
    await tg.deliver()
    local = starts.astimezone(ZoneInfo("Europe/Moscow"))
    assert [m.plain for m in mentee.messages] == [f"Через 40 мин встреча, в {local:%H:%M}."]
    async with tg.app.session_factory() as session:
        late = list(
            await session.scalars(
                select(Notification).where(Notification.kind == "meeting-reminder-1h")
            )
        )
    assert len(late) == 2  # the mentor's and the mentee's
    for row in late:  # neither is sent three minutes before the meeting
        assert row.expires_at is not None
        assert row.expires_at.replace(tzinfo=UTC) == starts - timedelta(minutes=10)


async def test_help_names_the_meeting_command(tg: Running) -> None:
    await world(tg, [("m", ["a"])], minor=True)
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    await mentor.send("/help")
    assert "встречи — /meeting" in mentor.last.plain
    await mentee.send("/help")
    assert "твой план — /plan, встречи — /meeting" in mentee.last.plain


async def test_an_agreed_meeting_is_moved_and_the_reminders_follow(tg: Running) -> None:
    w = await world(tg, [("m", ["a"]), ("m2", ["b"])])
    starts = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 15:00 in Moscow, tomorrow
    async with tg.app.session_factory() as session:
        meeting = Meeting(
            organisation_id=w.scene.school.id,
            pair_id=w.pair_ids[0],
            kind="regular",
            status="planned",
            day=date(2026, 11, 24),
            starts_at=starts,
            duration_min=45,
            format="offline",
            agreed_at=tg.clock.now(),
        )
        session.add(meeting)
        await session.commit()
        meeting_id = meeting.id
    mentor = tg.fake.user(MENTOR_TG, "Наставник")
    mentee = tg.fake.user(MENTEE_TG, "Ученик")
    other = tg.fake.user(MENTOR2_TG, "Наставник 2")
    await mentee.send("/meeting")  # a mentee lands on the plans
    assert "24.11 15:00 — договорились" in mentee.last.plain
    await mentee.press("🗓 Перенести встречу")
    await mentee.press("Послезавтра")
    await mentee.press("16:00")
    assert "25.11 16:00 — ждём ответа" in mentee.last.plain
    assert "🗓 Перенести встречу" not in mentee.last.buttons()  # nothing agreed now
    await tg.deliver()
    [notice] = [m for m in mentor.messages if "просит перенести встречу" in m.plain]
    assert "просит перенести встречу 24.11 15:00 на 25.11 16:00" in notice.plain
    # The notice names the button under it, and that button opens the plans.
    assert "Нажмите «🗓 Планы» ниже" in notice.plain and notice.buttons() == ["🗓 Планы"]
    # Another pair's mentor cannot move it, even by a forged call to the service.
    async with tg.app.session_factory() as session:
        service = meetings_of(session, tg.clock.now)
        stranger = await actor_of(session, w.scene, "m2")
        with pytest.raises(DomainError):
            await service.reschedule(stranger, meeting_id, day=date(2026, 11, 26), at=time(15))
    assert other.messages == [] or not any("перенести" in m.plain for m in other.messages)
    # The old time's reminder does not come; the mentor accepts the new time.
    tg.clock.set(starts - timedelta(hours=24))
    await run_meeting_jobs(tg.app.session_factory, tg.clock)
    await tg.deliver()
    assert not any("Напоминание" in m.plain for m in mentee.messages)
    await mentor.press("🗓 Планы", message=notice)
    assert "25.11 16:00 — предложено вам" in mentor.last.plain
    await mentor.press("✅ Подходит")
    new_start = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    tg.clock.set(new_start - timedelta(hours=24))
    await run_meeting_jobs(tg.app.session_factory, tg.clock)
    await tg.deliver()
    assert "Напоминание: встреча 25.11 16:00." in [m.plain for m in mentor.messages]
    # Once it is over it can no longer be moved.
    tg.clock.set(new_start + timedelta(hours=2))
    async with tg.app.session_factory() as session:
        service = meetings_of(session, tg.clock.now)
        mentor_actor = await actor_of(session, w.scene, "m")
        with pytest.raises(InvalidInput):
            await service.reschedule(mentor_actor, meeting_id, day=date(2026, 11, 23), at=time(15))


async def test_a_meeting_moved_away_and_back_gets_its_reminders_and_each_move_is_told(
    tg: Running,
) -> None:
    """Pending reminders of the old time are deleted (their keys carry that time), so a
    meeting moved back to it is reminded again; each move is announced, even to a time
    proposed before."""
    w = await world(tg, [("m", ["a"])])
    starts = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 15:00 in Moscow, tomorrow
    async with tg.app.session_factory() as session:
        meeting = Meeting(
            organisation_id=w.scene.school.id,
            pair_id=w.pair_ids[0],
            kind="regular",
            status="planned",
            day=date(2026, 11, 24),
            starts_at=starts,
            duration_min=45,
            format="offline",
            agreed_at=tg.clock.now(),
        )
        session.add(meeting)
        await session.flush()
        reminder = {
            "kind": "meeting-reminder-24h",
            "subject": f"meeting:{meeting.id}",
            "period": starts.isoformat(timespec="minutes"),
        }
        outbox = Outbox(session, tg.clock)
        mentor_id = w.scene.members["m"].user_id
        assert await outbox.enqueue(
            **reminder, recipient_user_id=mentor_id, delay=timedelta(hours=5)
        )
        await session.commit()
        meeting_id = meeting.id
    async with tg.app.session_factory() as session:
        service = meetings_of(session, tg.clock.now)
        mentee = await actor_of(session, w.scene, "a")
        mentor = await actor_of(session, w.scene, "m")
        for day, at in ((25, 16), (24, 15), (25, 16)):
            tg.clock.advance(minutes=1)
            await service.reschedule(mentee, meeting_id, day=date(2026, 11, day), at=time(at))
            await service.accept(mentor, meeting_id)
        await session.commit()
        moved = await session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.kind == "meeting-rescheduled")
        )
        assert moved == 3  # to 25.11, back to 24.11, to 25.11 again: three notices
        # The old time's reminder row is gone: the time can be reminded again.
        assert await Outbox(session, tg.clock).enqueue(**reminder, recipient_user_id=mentor_id)
