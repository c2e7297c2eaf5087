"""End to end: the real `python -m bot` against the fake Telegram. A mentor logs a usual
meeting in three taps; the mentee is asked to confirm it by a message the bot's own sender
delivers from the outbox, answers it, and says the pair does not fit — the curator hears."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time

import pytest
import pytest_asyncio
from sqlalchemy import update

from bot.storage.models import Consent, Membership, Organisation, Pair, PairMentee, User
from tests.e2e import BotProcess, Database, tap, track, wait_callback_answer
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.asyncio(loop_scope="module")

MENTOR, MENTEE, CURATOR = 8101, 8201, 8301


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_bot(
    shared_fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BotProcess]:
    process = BotProcess(shared_fake, tmp_path_factory.mktemp("e2e-meetings"))
    await process.start()
    try:
        yield process
    finally:
        await process.stop()


@pytest_asyncio.fixture(loop_scope="module")
async def bot(shared_bot: BotProcess, request: pytest.FixtureRequest) -> BotProcess:
    track(request, shared_bot)
    await shared_bot.fake.wait_idle()
    return shared_bot


@pytest.fixture
def fake(bot: BotProcess) -> FakeTelegram:
    return bot.fake


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def db(shared_bot: BotProcess) -> AsyncIterator[Database]:
    database = Database(shared_bot.database_url)
    try:
        yield database
    finally:
        await database.close()


async def seed_pair(db: Database) -> None:
    seeded = await db.seed_school(
        "Школа встреч", municipality="Округ встреч", forms=("teacher_teacher",)
    )
    programme_id = seeded.programmes["teacher_teacher"]
    async with db.sessions() as session:
        # Adults only, and no quiet hours in this school: the test may run at any hour.
        await session.execute(
            update(Organisation)
            .where(Organisation.id == seeded.school_id)
            .values(quiet_start=time(0), quiet_end=time(0))
        )
        ids = {}
        for telegram_id, name, role in (
            (MENTOR, "Сергеева Анна Петровна", "mentor"),
            (MENTEE, "Орлов Иван Сергеевич", "mentee"),
            (CURATOR, "Кузнецова Вера Павловна", "curator"),
        ):
            user = User(telegram_id=telegram_id, full_name=name, is_minor=False, locale="ru")
            session.add(user)
            await session.flush()
            membership = Membership(
                user_id=user.id,
                organisation_id=seeded.school_id,
                programme_id=None if role == "curator" else programme_id,
                role=role,
                status="active",
            )
            session.add(membership)
            if role != "curator":
                session.add(
                    Consent(
                        subject_user_id=user.id,
                        organisation_id=seeded.school_id,
                        given_by="self",
                        text_version="t",
                    )
                )
            await session.flush()
            ids[role] = membership.id
        pair = Pair(
            organisation_id=seeded.school_id,
            programme_id=programme_id,
            mentor_membership_id=ids["mentor"],
            status="active",
        )
        session.add(pair)
        await session.flush()
        session.add(PairMentee(pair_id=pair.id, mentee_membership_id=ids["mentee"]))
        await session.commit()


async def test_three_taps_then_the_mentee_is_asked_by_the_sender(
    fake: FakeTelegram, db: Database
) -> None:
    await seed_pair(db)
    mentor = fake.user(MENTOR, "Анна")
    mentee = fake.user(MENTEE, "Иван")
    curator = fake.user(CURATOR, "Вера")

    await mentor.send("/meeting")
    await mentor.wait_message("Когда она была?")
    await tap(mentor, "Сегодня", "Организационная · 45 мин · очно")
    await tap(mentor, "✅ Организационная · 45 мин · очно", "Встреча записана")
    await wait_callback_answer(fake, mentor, 1)
    assert len(mentor.callback_answers) == 2  # two taps: the pair was chosen for her

    asked = await mentee.wait_message("/meeting")
    assert "Наставник отметил встречу" in asked.plain
    await mentee.send("/meeting")
    await mentee.wait_message("Она состоялась?")
    await tap(mentee, "✅ Была", "от 1 до 5")
    await tap(mentee, "5", "комментарий")
    await tap(mentee, "Пропустить", "подходит?")
    await tap(mentee, "👎 Не подходит", "Спасибо")

    told = await curator.wait_message("не подходит")
    assert "Орлов Иван Сергеевич" in told.plain and "Сергеева Анна Петровна" in told.plain
