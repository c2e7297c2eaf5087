"""Pairs through the real dispatcher and the fake Telegram: a curator forms a pair from
the suggestions and both people see it in their menu, accept the agreement and get a
button that opens the partner's chat; a forged pair id is refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.storage.models import AuditEntry, Notification, Pair, PairMentee
from tests.fake_telegram import FakeUser
from tests.harness import Running
from tests.pairs_world import Scene, add_participant, make_scene

CURATOR_TG, MENTOR_TG, KID_TG, OTHER_TG = 7101, 7102, 7103, 7104


async def scene_in(tg: Running) -> Scene:
    async with tg.app.session_factory() as session:
        scene = await make_scene(session)
        scene.curator.telegram_id = CURATOR_TG
        await add_participant(
            session,
            scene,
            "anna",
            "mentor",
            {
                "category": "mentor.student",
                "competences": "Математика, олимпиады",
                "ages": ["13-15"],
                "times": ["weekend"],
            },
            name="Анна Учителева",
            telegram_id=MENTOR_TG,
        )
        await add_participant(
            session,
            scene,
            "sport",
            "mentor",
            {"category": "mentor.student", "competences": "Футбол"},
            name="Игорь Спортов",
        )
        await add_participant(
            session,
            scene,
            "kolya",
            "mentee",
            {"help_topics": ["study"], "school_class": "8Б", "times": ["weekend"]},
            name="Коля Петров",
            is_minor=True,
            telegram_id=KID_TG,
        )
        await add_participant(
            session, scene, "masha", "mentee", {}, name="Маша Сидорова", telegram_id=OTHER_TG
        )
        await session.commit()
    return scene


async def rows(tg: Running, model: Any) -> list[Any]:
    async with tg.app.session_factory() as session:
        return list(await session.scalars(select(model)))


async def test_a_curator_forms_a_pair_and_both_people_see_it(tg: Running) -> None:
    await scene_in(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    body = curator.last.body
    assert "без пары: 2" in body
    assert "Без пары: 2" in curator.last.buttons()
    await curator.press("🧒 Коля Петров")
    card = curator.last.body
    assert "Подходящие наставники" in card
    assert "<b>Анна Учителева</b> — 82 из 100" in card
    assert "совпадает запрос: Математика" in card
    assert "удобное время: выходные" in card
    assert card.index("Анна Учителева") < card.index("Игорь Спортов")
    await curator.press("✅ Анна Учителева · 82")
    assert "Предложить пару" in curator.last.body
    await curator.press("✅ Предложить")
    assert "предложена" in curator.last.body
    await curator.press("▶️ Утвердить и начать работу")
    assert "работает" in curator.last.body

    [pair] = await rows(tg, Pair)
    assert pair.status == "active"
    queued = {(n.kind, n.recipient_user_id) for n in await rows(tg, Notification)}
    assert {k for k, _ in queued} == {"pair-proposed", "pair-active"}
    assert len(queued) == 4  # both notices to both people, none to the curator

    mentor = tg.fake.user(MENTOR_TG, "Анна")
    await mentor.send("/start")
    assert "ваши наставляемые — Коля Петров" in mentor.last.body
    await mentor.press("🤝 Моя пара")
    await mentor.press("работает: Коля Петров")
    assert "Соглашение о сотрудничестве" in mentor.last.body
    contact = [b for row in mentor.last.inline_buttons() for b in row if "url" in b]
    assert [b["text"] for b in contact] == ["💬 Написать: Коля Петров"]
    assert contact[0]["url"] == f"tg://user?id={KID_TG}"
    await mentor.press("✅ Принимаю соглашение")
    assert "Соглашение принято" in mentor.last.body

    kid = tg.fake.user(KID_TG, "Коля")
    await kid.send("/start")
    assert "твой наставник — Анна Учителева" in kid.last.body
    await kid.press("🤝 Моя пара")
    await kid.press("работает: Анна Учителева")
    assert "Твоя пара" in kid.last.body
    assert "Написать: Анна Учителева" in " ".join(kid.last.buttons())
    await kid.press("✅ Принимаю соглашение")
    [link] = await rows(tg, PairMentee)
    assert link.accepted_at is not None
    [pair] = await rows(tg, Pair)
    assert pair.mentor_accepted_at is not None


async def test_a_forged_pair_id_is_refused_and_audited(tg: Running) -> None:
    scene = await scene_in(tg)
    async with tg.app.session_factory() as session:
        pair = Pair(
            organisation_id=scene.school.id,
            programme_id=scene.programme.id,
            mentor_membership_id=scene.members["anna"].id,
            status="active",
        )
        session.add(pair)
        await session.flush()
        session.add(PairMentee(pair_id=pair.id, mentee_membership_id=scene.members["kolya"].id))
        other = Pair(
            organisation_id=scene.school.id,
            programme_id=scene.programme.id,
            mentor_membership_id=scene.members["sport"].id,
            status="active",
        )
        session.add(other)
        await session.flush()
        session.add(PairMentee(pair_id=other.id, mentee_membership_id=scene.members["masha"].id))
        await session.commit()
        own_id, foreign_id = pair.id, other.id
    kid: FakeUser = tg.fake.user(KID_TG, "Коля")
    await kid.send("/start")
    await kid.press("🤝 Моя пара")
    menu = kid.last
    [own_button] = [b for row in menu.inline_buttons() for b in row if "Анна" in b["text"]]
    data = str(own_button["callback_data"])
    assert data.endswith(str(own_id))
    await kid.press_data(data[: -len(str(own_id))] + str(foreign_id), message=menu)
    assert "нет доступа" in kid.callback_answers[-1]["text"]
    assert "Маша" not in "\n".join(kid.texts())
    denied = [a for a in await rows(tg, AuditEntry) if a.action == "denied"]
    assert denied and denied[-1].details["attempted"] == "pair.view"
