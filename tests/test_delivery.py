"""The outbox and the one sender, against the fake Telegram, on a clock the test moves.

Each test says what a person receives (or not), and checks that every row ends sent,
skipped or failed with a reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram_i18n.cores.base import BaseCore
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.factory import create_bot
from bot.i18n import create_core
from bot.jobs.parts import Part
from bot.jobs.render import Renderer
from bot.jobs.sender import Sender
from bot.services.outbox import (
    SCHOOL_SUMMARY_GATHER,
    UNREACHABLE_SUMMARY_GATHER,
    Delivery,
    DeliveryQueue,
    Outbox,
    subscribe,
    wake_after_commit,
)
from bot.services.quiet import QuietHours
from bot.storage.database import create_engine, create_session_factory
from bot.storage.models import Membership, Notification, Organisation, User
from bot.telegram.budget import SendBudget
from tests.clock import DAYTIME, FakeClock
from tests.fake_telegram import FakeTelegram
from tests.harness import make_settings


@dataclass
class World:
    sessions: async_sessionmaker[AsyncSession]
    fake: FakeTelegram
    bot: Bot
    clock: FakeClock
    core: BaseCore[Any]

    def sender(self, worker: str = "w1", **options: Any) -> Sender:
        queue = DeliveryQueue(self.sessions, worker=worker, clock=self.clock)
        options.setdefault("request_timeout", 1)
        return Sender(self.bot, queue, Renderer(self.core, "ru"), clock=self.clock, **options)

    async def school(
        self, name: str = "Школа № 1", timezone: str = "Europe/Moscow", **quiet: time
    ) -> int:
        async with self.sessions() as session:
            org = Organisation(kind="school", name=name, timezone=timezone, **quiet)
            session.add(org)
            await session.commit()
            return org.id

    async def person(
        self,
        telegram_id: int,
        name: str,
        *,
        school_id: int | None = None,
        role: str = "mentee",
        minor: bool = False,
        locale: str | None = None,
        telegram_locale: str | None = "ru",
    ) -> int:
        self.fake.user(telegram_id, name.split()[-1], language_code=telegram_locale)
        async with self.sessions() as session:
            user = User(
                telegram_id=telegram_id,
                full_name=name,
                is_minor=minor,
                locale=locale,
                telegram_locale=telegram_locale,
            )
            session.add(user)
            await session.flush()
            if school_id is not None:
                session.add(
                    Membership(
                        user_id=user.id, organisation_id=school_id, role=role, status="active"
                    )
                )
            await session.commit()
            return user.id

    async def enqueue(self, **values: Any) -> bool:
        async with self.sessions() as session:
            queued = await Outbox(session, self.clock).enqueue(**values)
            await session.commit()
        return queued

    async def rows(self) -> list[Notification]:
        async with self.sessions() as session:
            return list(await session.scalars(select(Notification).order_by(Notification.id)))

    async def statuses(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in await self.rows():
            key = row.status if row.reason is None else f"{row.status}:{row.reason}"
            counts[key] = counts.get(key, 0) + 1
        return counts

    def texts_of(self, telegram_id: int) -> list[str]:
        return self.fake.user(telegram_id).texts()


@pytest.fixture
async def world(
    session_factory: async_sessionmaker[AsyncSession], fake: FakeTelegram
) -> AsyncIterator[World]:
    bot = create_bot(make_settings("sqlite+aiosqlite://", fake.base_url))
    core = create_core("ru")
    await core.startup()
    try:
        yield World(session_factory, fake, bot, FakeClock(), core)
    finally:
        await bot.session.close()


def paper(recipient: int, org: int | None = None, **more: Any) -> dict[str, Any]:
    return {
        "kind": "paper-consent",
        "subject": f"user:{recipient}",
        "recipient_user_id": recipient,
        "organisation_id": org,
        **more,
    }


# ----- the outbox -------------------------------------------------------------------------


async def test_a_rolled_back_action_queues_nothing(world: World) -> None:
    school = await world.school()
    pupil = await world.person(101, "Иванов Ваня", school_id=school)
    woken: list[bool] = []
    unsubscribe = subscribe(lambda: woken.append(True))
    try:
        async with world.sessions() as session:
            await Outbox(session, world.clock).enqueue(**paper(pupil, school))
            await session.rollback()
        assert await world.rows() == []
        assert woken == []
        async with world.sessions() as session:
            await Outbox(session, world.clock).enqueue(**paper(pupil, school))
            await session.commit()
            wake_after_commit(session)
        assert len(await world.rows()) == 1
        assert woken == [True]  # the sender is woken right after the commit
    finally:
        unsubscribe()
    await world.sender().drain()
    assert any("согласие на бумаге" in t for t in world.texts_of(101))


async def test_the_same_key_is_queued_once(world: World) -> None:
    pupil = await world.person(102, "Петров Петя")
    assert await world.enqueue(**paper(pupil)) is True
    assert await world.enqueue(**paper(pupil)) is False
    assert await world.enqueue(**paper(pupil, period="2026-11-24")) is True
    assert len(await world.rows()) == 2


# ----- restarts and downtime --------------------------------------------------------------


async def test_a_restart_does_not_resend(world: World) -> None:
    ids = [await world.person(200 + i, f"Участник {i}") for i in range(3)]
    for user_id in ids:
        await world.enqueue(**paper(user_id))
    await world.sender("first").drain()
    assert len(world.fake.calls_of("sendMessage")) == 3
    # A new process (new worker name) starts on the same database: nothing is sent again.
    await world.sender("second").drain()
    assert len(world.fake.calls_of("sendMessage")) == 3
    assert await world.statuses() == {"sent": 3}


async def test_a_clean_stop_gives_back_what_was_not_sent(world: World) -> None:
    user_id = await world.person(220, "Долгов Дима")
    for period in ("1", "2", "3"):
        await world.enqueue(**paper(user_id, period=period))
    sender = world.sender("stopping")
    real_sleep = world.clock.sleep

    async def stop_while_waiting(seconds: float) -> None:
        await sender.stop()  # SIGTERM while the chat's next message waits its second
        await real_sleep(seconds)

    world.clock.sleep = stop_while_waiting  # type: ignore[method-assign]
    await sender.run()
    world.clock.sleep = real_sleep  # type: ignore[method-assign]
    assert len(world.texts_of(220)) == 1
    rows = await world.rows()
    assert [r.status for r in rows].count("sent") == 1
    assert all(r.claimed_by is None for r in rows)  # the rest is free for the next start
    await world.sender("restarted").drain(follow=5)
    assert len(world.texts_of(220)) == 3
    assert await world.statuses() == {"sent": 3}


async def test_a_row_claimed_by_a_dead_process_is_taken_over_after_the_lease(
    world: World,
) -> None:
    user_id = await world.person(210, "Сидоров Саша")
    await world.enqueue(**paper(user_id))
    dead = DeliveryQueue(world.sessions, worker="dead", clock=world.clock)
    claimed = await dead.claim(10)  # ...and the process is killed before sending
    assert len(claimed.deliveries) == 1
    alive = world.sender("alive")
    await alive.drain()
    assert world.fake.calls_of("sendMessage") == []  # the lease still holds
    world.clock.advance(minutes=6)
    await alive.drain()
    assert len(world.fake.calls_of("sendMessage")) == 1
    assert await world.statuses() == {"sent": 1}


async def test_downtime_is_caught_up_and_what_expired_is_skipped(world: World) -> None:
    school = await world.school()
    fresh = await world.person(301, "Новиков Коля", school_id=school)
    stale = await world.person(302, "Старов Олег", school_id=school)
    await world.enqueue(**paper(fresh, school))
    await world.enqueue(**paper(stale, school, expires_at=world.clock.now() + timedelta(hours=1)))
    world.clock.advance(hours=3)  # the bot was down; it is still daytime in Moscow
    await world.sender().drain()
    assert len(world.texts_of(301)) == 1
    assert world.texts_of(302) == []
    assert await world.statuses() == {"sent": 1, "skipped:expired": 1}


# ----- quiet hours ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "offset"),
    [
        ("Europe/Moscow", 3),
        ("Asia/Omsk", 6),
        ("Asia/Krasnoyarsk", 7),
        ("Asia/Kamchatka", 12),
    ],
)
async def test_quiet_hours_in_the_schools_own_time_zone(
    world: World, zone: str, offset: int
) -> None:
    school = await world.school(timezone=zone)
    adult = await world.person(401, "Учитель Анна", school_id=school, role="mentor")
    # 23:00 local time on 23 November.
    night = datetime(2026, 11, 23, 23, 0, tzinfo=UTC) - timedelta(hours=offset)
    world.clock.set(night) if night > world.clock.now() else None
    clock = FakeClock(night)
    world.clock = clock
    await world.enqueue(**paper(adult, school))
    sender = world.sender()
    await sender.drain()
    assert world.texts_of(401) == []
    (row,) = await world.rows()
    morning = datetime(2026, 11, 24, 8, 0, tzinfo=UTC) - timedelta(hours=offset)
    assert row.not_before == morning and row.status == "pending"
    clock.set(morning - timedelta(minutes=1))
    await sender.drain()
    assert world.texts_of(401) == []
    clock.set(morning)
    await sender.drain()
    assert len(world.texts_of(401)) == 1
    assert await world.statuses() == {"sent": 1}


def test_quiet_hours_windows() -> None:
    moscow = QuietHours("Europe/Moscow")
    assert moscow.is_quiet(datetime(2026, 11, 23, 18, 0, tzinfo=UTC))  # 21:00
    assert not moscow.is_quiet(datetime(2026, 11, 23, 17, 59, tzinfo=UTC))
    assert not moscow.is_quiet(datetime(2026, 11, 23, 5, 0, tzinfo=UTC))  # 08:00
    day = QuietHours("Europe/Moscow", time(13, 0), time(15, 0))
    assert day.is_quiet(datetime(2026, 11, 23, 10, 30, tzinfo=UTC))
    assert not day.is_quiet(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    assert not QuietHours("Europe/Moscow", time(0, 0), time(0, 0)).is_quiet(DAYTIME)


async def test_a_minor_never_gets_a_message_at_night_whatever_its_kind(world: World) -> None:
    # The school switched its quiet hours off; an urgent kind goes to adults at night.
    school = await world.school(quiet_start=time(0, 0), quiet_end=time(0, 0))
    adult = await world.person(501, "Взрослый Иван", school_id=school)
    child = await world.person(502, "Маленький Петя", school_id=school, minor=True)
    world.clock = FakeClock(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))  # 23:00 in Moscow
    for kind in ("paper-consent", "withdrawn-goodbye"):
        for user_id in (adult, child):
            await world.enqueue(
                kind=kind,
                subject=f"user:{user_id}",
                recipient_user_id=user_id,
                organisation_id=school,
            )
    sender = world.sender()
    await sender.drain()
    assert len(world.texts_of(501)) == 2
    assert world.texts_of(502) == []
    world.clock.set(datetime(2026, 11, 24, 4, 59, tzinfo=UTC))  # 07:59
    await sender.drain()
    assert world.texts_of(502) == []
    world.clock.set(datetime(2026, 11, 24, 5, 0, tzinfo=UTC))  # 08:00
    await sender.drain()
    assert len(world.texts_of(502)) == 2
    assert await world.statuses() == {"sent": 4}


async def test_a_minor_whose_school_is_withdrawn_waits_for_the_morning_of_that_school(
    world: World,
) -> None:
    """The issue's case: a parent withdrew consent at 02:14 of the child's night. The goodbye
    has no school, the child's membership is already withdrawn and the child anonymised, and
    it is daytime in Moscow (the default zone): the child still hears it at 08:00 at home."""
    school = await world.school(timezone="Asia/Vladivostok")  # UTC+10
    child = await world.person(511, "Ночная Лиза", school_id=school, minor=True)
    async with world.sessions() as session:
        await session.execute(update(Membership).values(status="withdrawn"))
        await session.execute(
            update(User).where(User.id == child).values(telegram_id=None, full_name=None)
        )
        await session.commit()
    world.clock = FakeClock(datetime(2026, 11, 23, 16, 14, tzinfo=UTC))  # 02:14 there
    await world.enqueue(
        kind="withdrawn-goodbye",
        subject=f"goodbye:{child}",
        recipient_user_id=child,
        chat_id=511,
        locale="ru",
    )
    sender = world.sender()
    await sender.drain()
    assert world.texts_of(511) == []
    (row,) = await world.rows()
    morning = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 08:00 in Vladivostok
    assert row.status == "pending" and row.not_before == morning
    world.clock.set(morning)
    await sender.drain()
    assert len(world.texts_of(511)) == 1
    assert await world.statuses() == {"sent": 1}


async def test_a_minor_with_no_school_known_waits_for_the_morning_everywhere(
    world: World,
) -> None:
    await world.school(timezone="Asia/Vladivostok")  # 08:00–21:00 there is 22:00–11:00 UTC
    await world.school(timezone="Europe/Moscow")  # and here 05:00–18:00 UTC
    child = await world.person(512, "Без Школы", minor=True)
    world.clock = FakeClock(datetime(2026, 11, 23, 16, 14, tzinfo=UTC))  # 19:14 in Moscow
    await world.enqueue(kind="paper-consent", subject=f"user:{child}", recipient_user_id=child)
    sender = world.sender()
    await sender.drain()
    assert world.texts_of(512) == []
    (row,) = await world.rows()
    # Vladivostok wakes at 22:00 UTC, when Moscow sleeps: the morning of both is 05:00 UTC.
    assert row.not_before == datetime(2026, 11, 24, 5, 0, tzinfo=UTC)


async def test_quiet_hours_are_checked_again_at_the_moment_of_sending(world: World) -> None:
    """Claimed at 20:59:59, built for a second (a digest takes longer): at 21:00 it is night,
    so the row goes back to the outbox until 08:00 instead of reaching the child."""
    school = await world.school()
    child = await world.person(513, "Вечерний Миша", school_id=school, minor=True)
    world.clock = FakeClock(datetime(2026, 11, 23, 17, 59, 59, tzinfo=UTC))  # 20:59:59
    await world.enqueue(**paper(child, school))
    sender = world.sender()
    clock = world.clock

    class SlowRenderer(Renderer):
        async def parts(self, delivery: Delivery) -> list[Part]:
            built = await super().parts(delivery)
            await clock.sleep(1)
            return built

    sender.renderer = SlowRenderer(world.core, "ru")
    await sender.drain()
    assert clock.now() == datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # 21:00
    assert world.texts_of(513) == []
    morning = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    (row,) = await world.rows()
    assert (row.status, row.not_before, row.claimed_by) == ("pending", morning, None)
    clock.set(morning)
    await sender.drain()
    assert len(world.texts_of(513)) == 1
    assert await world.statuses() == {"sent": 1}


# ----- language ---------------------------------------------------------------------------


async def test_each_person_gets_their_own_language(world: World) -> None:
    chose_english = await world.person(601, "Smith John", locale="en", telegram_locale="ru")
    telegram_english = await world.person(602, "Brown Ann", telegram_locale="en-GB")
    chose_russian = await world.person(603, "Орлова Вера", locale="ru", telegram_locale="en")
    unknown = await world.person(604, "Müller Max", telegram_locale="de")
    for user_id in (chose_english, telegram_english, chose_russian, unknown):
        await world.enqueue(**paper(user_id))
    await world.sender().drain()
    assert "paper consent was received" in world.texts_of(601)[0]
    assert "paper consent was received" in world.texts_of(602)[0]
    assert "бумаге" in world.texts_of(603)[0]
    assert "бумаге" in world.texts_of(604)[0]  # DEFAULT_LOCALE


# ----- faults -----------------------------------------------------------------------------


async def test_429_5xx_and_timeouts_are_retried_and_every_row_ends(world: World) -> None:
    ids = [await world.person(700 + i, f"Участник {i}") for i in range(6)]
    for user_id in ids:
        await world.enqueue(**paper(user_id))
    world.fake.fail_next("sendMessage", error_code=429, retry_after=3)
    world.fake.fail_next("sendMessage", error_code=500, times=2)
    world.fake.fail_next("sendMessage", error_code=502)
    world.fake.hang_next("sendMessage", 1.5)  # longer than the sender's 1 s timeout
    sender = world.sender()
    await sender.drain(follow=600)
    assert await world.statuses() == {"sent": 6}
    for i in range(6):
        assert len(world.texts_of(700 + i)) == 1  # each once, nobody twice
    assert sender.stats.retry_after == 1
    assert sender.stats.retried == 4  # two 500s, a 502 and a timeout


async def test_a_row_that_keeps_failing_ends_failed_with_a_reason(world: World) -> None:
    user_id = await world.person(720, "Неудачник Вася")
    await world.enqueue(**paper(user_id))
    world.fake.fail_next("sendMessage", error_code=500, times=10)
    await world.sender(max_attempts=3).drain(follow=3600)
    (row,) = await world.rows()
    assert (row.status, row.reason, row.attempts) == ("failed", "gave-up", 3)
    assert (row.last_error and "500" in row.last_error) or "Internal" in (row.last_error or "")


async def test_403_marks_unreachable_skips_the_rest_and_curators_get_one_summary(
    world: World,
) -> None:
    school = await world.school("Лицей № 2")
    await world.person(800, "Куратор Ольга", school_id=school, role="curator")
    blocked = []
    for i in range(3):
        user_id = await world.person(801 + i, f"Блоков Иван{i}", school_id=school)
        world.fake.user(801 + i).block()
        blocked.append(user_id)
        await world.enqueue(**paper(user_id, school))
        await world.enqueue(**paper(user_id, school, period="again"))
    sender = world.sender()
    await sender.drain()
    async with world.sessions() as session:
        reachable = list(await session.scalars(select(User.reachable).where(User.id.in_(blocked))))
    assert reachable == [False, False, False]
    assert world.texts_of(800) == []  # gathering
    world.clock.advance(seconds=UNREACHABLE_SUMMARY_GATHER.total_seconds())
    await sender.drain()
    (summary,) = world.texts_of(800)
    assert "Лицей № 2" in summary and "3 участника" in summary
    assert all(f"Блоков Иван{i}" in summary for i in range(3))
    statuses = await world.statuses()
    assert statuses == {"failed:blocked": 3, "skipped:unreachable": 3, "sent": 3}


async def test_a_person_who_withdrew_is_skipped(world: World) -> None:
    user_id = await world.person(850, "Ушедший Пётр")
    await world.enqueue(**paper(user_id))
    async with world.sessions() as session:
        await session.execute(update(User).values(telegram_id=None, full_name=None))
        await session.commit()
    await world.sender().drain()
    assert world.fake.calls_of("sendMessage") == []
    assert await world.statuses() == {"skipped:withdrew": 1}


# ----- summaries --------------------------------------------------------------------------


async def test_curators_get_one_summary_of_registrations_and_confirmations(world: World) -> None:
    school = await world.school("Школа № 9")
    await world.person(900, "Куратор Первый", school_id=school, role="curator")
    await world.person(901, "Куратор Второй", school_id=school, role="curator", locale="en")
    # Evening: the first registrations come at 20:30, the rest after 21:00 (quiet hours).
    world.clock = FakeClock(datetime(2026, 11, 23, 17, 30, tzinfo=UTC))
    names = ["Алексеев Андрей", "Борисова Белла", "Васильев <Виктор>"]
    for i, name in enumerate(names):
        async with world.sessions() as session:
            await Outbox(session, world.clock).school_event(
                school,
                kind="registered",
                subject=f"user:{910 + i}",
                args={"name": name, "role": "mentee"},
            )
            await session.commit()
        world.clock.advance(minutes=20)
    async with world.sessions() as session:
        await Outbox(session, world.clock).school_event(
            school,
            kind="guardian-confirmed-curator",
            subject="user:910",
            args={"name": "Алексеев Андрей"},
        )
        await session.commit()
    sender = world.sender()
    await sender.drain()
    world.clock.advance(seconds=SCHOOL_SUMMARY_GATHER.total_seconds())
    await sender.drain()
    assert world.texts_of(900) == [] and world.texts_of(901) == []  # 21:30: quiet hours
    world.clock.set(datetime(2026, 11, 24, 5, 0, tzinfo=UTC))  # 08:00 in Moscow
    await sender.drain()
    (ru,) = world.texts_of(900)
    (en,) = world.texts_of(901)
    assert "Зарегистрировались 3 участника" in ru and "Школа № 9" in ru
    assert "Родитель подтвердил согласие за 1 участника: Алексеев Андрей" in ru
    assert all(name in ru for name in ("Алексеев Андрей", "Борисова Белла"))
    assert "Васильев <Виктор>" in world.fake.user(900).messages[0].plain  # escaped HTML
    assert "3 participants registered" in en
    assert await world.statuses() == {"sent": 8}


async def test_rows_waiting_past_their_lease_are_not_sent_twice(world: World) -> None:
    """130 queued, and one 429 with retry_after=400: the rows claimed before the wait sat in
    memory past their 5-minute lease, were claimed again and went out twice (57 of them)."""
    ids = [await world.person(1500 + i, f"Участник {i}") for i in range(130)]
    for user_id in ids:
        await world.enqueue(**paper(user_id))
    world.fake.fail_next("sendMessage", error_code=429, retry_after=400)
    sender = world.sender()
    await sender.drain(follow=3600)
    assert [len(world.texts_of(1500 + i)) for i in range(130)] == [1] * 130
    assert len([c for c in world.fake.calls_of("sendMessage") if c.ok]) == 130
    assert await world.statuses() == {"sent": 130}


# ----- several processes ------------------------------------------------------------------


async def test_a_process_whose_lease_lapsed_cannot_send_what_another_took_over(
    world: World,
) -> None:
    ids = [await world.person(1700 + i, f"Участник {i}") for i in range(3)]
    for user_id in ids:
        await world.enqueue(**paper(user_id))
    first = world.sender("process-1")
    held = (await first.queue.claim(10)).deliveries  # then it stalls past its lease
    assert len(held) == 3
    world.clock.advance(seconds=first.queue.lease.total_seconds() + 1)
    await world.sender("process-2").drain()
    assert await first.queue.renew(held) == []  # not its lease any more: nothing to send
    assert [len(world.texts_of(1700 + i)) for i in range(3)] == [1, 1, 1]


async def test_two_senders_deliver_each_row_exactly_once(world: World) -> None:
    ids = [await world.person(1000 + i, f"Участник {i}") for i in range(20)]
    for user_id in ids:
        for period in ("a", "b", "c"):
            await world.enqueue(**paper(user_id, period=period))
    first = world.sender("process-1", batch_size=8)
    # The other "process" has an engine (a connection pool) of its own.
    url = world.sessions.kw["bind"].url.render_as_string(hide_password=False)
    other_engine = create_engine(url)
    second = Sender(
        world.bot,
        DeliveryQueue(create_session_factory(other_engine), worker="process-2", clock=world.clock),
        Renderer(world.core, "ru"),
        clock=world.clock,
        batch_size=8,
    )
    # A row one process claimed is not claimed by the other.
    taken = [i for d in (await first.queue.claim(8)).deliveries for i in d.ids]
    rest = [i for d in (await second.queue.claim(100)).deliveries for i in d.ids]
    assert len(taken) == 8 and len(rest) == 52 and not set(taken) & set(rest)
    await first.queue.release(taken)
    await second.queue.release(rest)
    # Both running at once: each row goes out exactly once.
    try:
        await asyncio.gather(first.drain(follow=60), second.drain(follow=60))
    finally:
        await other_engine.dispose()
    assert len(world.fake.calls_of("sendMessage")) == 60
    for i in range(20):
        assert len(world.texts_of(1000 + i)) == 3
    async with world.sessions() as session:
        pending = await session.scalar(select(func.count()).where(Notification.status != "sent"))
    assert pending == 0


# ----- the limiter ------------------------------------------------------------------------


async def test_the_outbox_spaces_messages_overall_and_per_chat() -> None:
    clock = FakeClock()
    budget = SendBudget(rate=10, seconds_per_chat=1.0, clock=clock)
    start = clock.monotonic()
    moments = []
    for chat in (1, 2, 3, 1, 1):
        await budget.take_spare(chat)
        moments.append(round(clock.monotonic() - start, 3))
    # 0.1 s apart overall; chat 1 waits a full second between its messages.
    assert moments == [0.0, 0.1, 0.2, 1.0, 2.0]
    budget.pause_spare(5)
    assert not await budget.take_spare(4)  # paused: the sender waits
    assert budget.spare_paused_for() == 5
