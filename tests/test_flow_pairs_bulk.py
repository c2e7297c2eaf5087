"""«✨ Предложения» through the real dispatcher and the fake Telegram: a curator pairs a
whole programme from the suggestions in a few taps (proposed together, approved
together), no mentor is suggested beyond their free places, a child without a parent's
consent is not listed, a stale or forged line is refused politely; the school's other
curator hears of it in one gathered message."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from bot.storage.models import Membership, Notification, Pair, PairMentee
from tests.fake_telegram import FakeUser
from tests.harness import Running
from tests.pairs_world import Scene, add_participant, give_consent, make_scene
from tests.test_flow_pairs import statements_of
from tests.test_flow_staff import callback_data

CURATOR_TG, COLLEAGUE_TG = 7301, 7302
LIMIT = 4096


@dataclass
class Walk:
    """The curator's taps and the screens they read (what the README's numbers count)."""

    user: FakeUser
    taps: int = 0
    screens: list[str] = field(default_factory=list)

    async def send(self, text: str) -> None:
        await self.user.send(text)
        self.read()

    async def press(self, label: str) -> None:
        self.taps += 1
        await self.user.press(label)
        self.read()

    def read(self) -> None:
        self.screens.append(self.user.last.plain)

    @property
    def chars(self) -> int:
        return sum(len(s) for s in self.screens)


async def programme_of(tg: Running, mentees: int, mentors: int) -> Scene:
    """`mentees` mentees who asked for help with study, `mentors` mentors of three places
    each, except the best-matching one («Звёздная»), who takes only one; a child whose
    parent has not consented; a second curator of the school."""
    async with tg.app.session_factory() as session:
        scene = await make_scene(session)
        scene.curator.telegram_id = CURATOR_TG
        colleague = Membership(
            user_id=scene.other_curator.id,
            organisation_id=scene.school.id,
            role="curator",
            status="active",
        )
        scene.other_curator.telegram_id = COLLEAGUE_TG
        session.add(colleague)
        await add_participant(
            session,
            scene,
            "star",
            "mentor",
            {
                "category": "mentor.student",
                "competences": "Математика, учёба, олимпиады",
                "ages": ["13-15"],
                "times": ["weekend"],
                "capacity": 1,
            },
            name="Звёздная Алла Петровна",
        )
        for i in range(mentors - 1):
            await add_participant(
                session,
                scene,
                f"m{i}",
                "mentor",
                {"category": "mentor.student", "competences": "Учёба и спорт"},
                name=f"Наставникова{i:02d} Ирина Сергеевна",
            )
        for i in range(mentees):
            await add_participant(
                session,
                scene,
                f"k{i}",
                "mentee",
                {"help_topics": ["study"], "school_class": "8Б", "times": ["weekend"]},
                name=f"Ученикова{i:02d} Дарья Александровна",
                is_minor=True,
            )
        await add_participant(
            session,
            scene,
            "unconsented",
            "mentee",
            {"help_topics": ["study"], "school_class": "7А"},
            name="Безсогласия Пётр Иванович",
            is_minor=True,
            consent=False,
        )
        await give_consent(session, scene.users["unconsented"], scene.school.id, complete=False)
        await session.commit()
    tg.fake.user(CURATOR_TG, "Вера")
    tg.fake.user(COLLEAGUE_TG, "Олег")
    return scene


async def rows(tg: Running, model: Any) -> list[Any]:
    async with tg.app.session_factory() as session:
        return list(await session.scalars(select(model)))


async def pair_everyone(tg: Running, mentees: int, mentors: int) -> Walk:
    scene = await programme_of(tg, mentees, mentors)
    walk = Walk(tg.fake.user(CURATOR_TG, "Вера"))
    await walk.send("/pairs")
    await walk.press("✨ Предложения")
    first = walk.user.last.plain
    assert f"лучший наставник для каждого без пары: {mentees} из {mentees}" in first
    assert "Безсогласия" not in first  # a child without a parent's consent is not listed
    assert "1. Ученикова00 Дарья Александровна → Звёздная Алла Петровна · " in first
    assert "совпадает запрос: Учёба" in first
    # Read every page before proposing (what a careful curator does).
    total_pages = -(-mentees // 8)
    for _ in range(total_pages - 1):
        await walk.press("›")
    assert total_pages == 1 or f"Страница {total_pages} из {total_pages}" in walk.user.last.plain
    await walk.press(f"📨 Предложить все ({mentees})")
    assert f"Предложено пар: {mentees}." in walk.user.last.plain
    await walk.press(f"▶️ Утвердить все ({mentees})")
    assert f"Пары работают: {mentees}" in walk.user.callback_answers[-1]["text"]

    pairs = await rows(tg, Pair)
    assert len(pairs) == mentees and {p.status for p in pairs} == {"active"}
    # No mentor beyond their places: «Звёздная» takes one, everyone else three.
    loads = Counter(p.mentor_membership_id for p in pairs)
    assert loads[scene.members["star"].id] == 1
    assert max(loads.values()) <= 3
    links = await rows(tg, PairMentee)
    assert scene.members["unconsented"].id not in {link.mentee_membership_id for link in links}
    # Every screen fits one Telegram message.
    sent = [m for m in walk.user.messages if m.text]
    assert all(len(m.plain) <= LIMIT and len(m.body) <= LIMIT for m in sent)
    assert all(len(s) <= LIMIT for s in walk.screens)
    return walk


async def test_seven_mentees_are_paired_from_the_suggestions_in_three_taps(tg: Running) -> None:
    walk = await pair_everyone(tg, 7, 3)
    assert walk.taps == 3
    print(f"\n7 mentees: taps={walk.taps} screens={len(walk.screens)} chars={walk.chars}")


async def test_twenty_mentees_are_paired_from_the_suggestions_in_under_ten_taps(
    tg: Running,
) -> None:
    walk = await pair_everyone(tg, 20, 8)
    assert walk.taps <= 10
    assert walk.taps == 5  # ✨, two pages more to read, «Предложить все», «Утвердить все»
    print(f"\n20 mentees: taps={walk.taps} screens={len(walk.screens)} chars={walk.chars}")


async def test_a_stale_or_forged_line_is_refused_politely(tg: Running) -> None:
    scene = await programme_of(tg, 3, 2)
    async with tg.app.session_factory() as session:
        stranger = Membership(
            user_id=scene.other_curator.id,
            organisation_id=scene.other_school.id,
            role="mentee",
            status="active",
            profile={},
        )
        session.add(stranger)
        await session.commit()
        foreign_id = stranger.id
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("✨ Предложения")
    screen = curator.last
    line = callback_data(screen, "✅ 1. Ученикова00 → Звёздная")
    await curator.press("✅ 1. Ученикова00 → Звёздная")
    assert "Пара предложена" in curator.callback_answers[-1]["text"]
    [pair] = await rows(tg, Pair)
    assert pair.status == "proposed"
    # The same line pressed again from the old screen: out of date, nothing is formed.
    await curator.press_data(line, message=screen)
    assert "неактуально" in curator.callback_answers[-1]["text"]
    # A mentee of another school put into the button: refused.
    own_id = str(scene.members["k0"].id)
    forged = line.replace(f":{own_id}:", f":{foreign_id}:")
    assert forged != line
    await curator.press_data(forged, message=screen)
    assert "нет доступа" in curator.callback_answers[-1]["text"]
    # A child without a parent's consent put into the button: not proposed.
    minor = line.replace(f":{own_id}:", f":{scene.members['unconsented'].id}:")
    await curator.press_data(minor, message=screen)
    assert "неактуально" in curator.callback_answers[-1]["text"]
    assert len(await rows(tg, Pair)) == 1
    # «Утвердить предложенные» approves the one proposed here.
    await curator.press("▶️ Утвердить предложенные (1)")
    await curator.press("▶️ Утвердить все (1)")
    assert [p.status for p in await rows(tg, Pair)] == ["active"]


async def test_twenty_pairs_at_once_cost_a_bounded_number_of_statements(tg: Running) -> None:
    await programme_of(tg, 20, 8)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("✨ Предложения")

    async def propose() -> None:
        await curator.press("📨 Предложить все (20)")

    async def approve() -> None:
        await curator.press("▶️ Утвердить все (20)")

    proposing = await statements_of(tg, propose)
    approving = await statements_of(tg, approve)
    print(f"\n20 pairs: propose all {proposing} statements, approve all {approving}")
    # What one `propose`/`activate` costs (with its notices to both people and the other
    # curator's gathered message), times 20, plus the screen: measured 524 and 358.
    assert proposing <= 20 * 27
    assert approving <= 20 * 19
    assert len(await rows(tg, Notification)) > 0


async def test_the_other_curator_reads_one_message_for_seven_pairs(tg: Running) -> None:
    await pair_everyone(tg, 7, 3)
    colleague = tg.fake.user(COLLEAGUE_TG, "Олег")
    await tg.deliver()
    assert colleague.messages == []  # gathered for a while
    tg.clock.advance(minutes=11)
    await tg.deliver()
    [told] = colleague.texts()
    assert told.startswith("🤝 Коллеги изменили пары за этот час (7):")
    lines = told.split("\n")[1:]
    assert len(lines) == 7
    assert all(
        line.startswith("• Кузнецова Вера Павловна утвердил(а) пару в «Ученик — ученику»: ")
        for line in lines
    )
    assert "Звёздная Алла Петровна → Ученикова00 Дарья Александровна" in told
    assert not any("Коллеги" in t for t in tg.fake.user(CURATOR_TG, "Вера").texts())


async def test_a_long_hour_of_changes_is_cut_with_and_more(tg: Running) -> None:
    await pair_everyone(tg, 20, 8)
    colleague = tg.fake.user(COLLEAGUE_TG, "Олег")
    tg.clock.advance(minutes=11)
    await tg.deliver()
    [told] = colleague.texts()
    assert told.startswith("🤝 Коллеги изменили пары за этот час (20):")
    assert len([line for line in told.split("\n") if line.startswith("• ")]) == 15
    assert told.endswith("и ещё 5")
    assert len(told) <= LIMIT
