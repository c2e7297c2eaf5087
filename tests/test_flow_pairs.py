"""Pairs through the real dispatcher and the fake Telegram: a curator forms a pair from
the suggestions and both people see it in their menu, accept the agreement and get a
button that opens the partner's chat; a forged pair id is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select, update

from bot.services.notify import notify_withdrawal
from bot.storage.models import (
    AuditEntry,
    GuardianLink,
    Membership,
    Notification,
    Pair,
    PairMentee,
    PlanItem,
    Programme,
    User,
)
from tests.fake_telegram import FakeUser
from tests.harness import Running
from tests.pairs_world import Scene, add_participant, hub_of, make_scene
from tests.test_flow_staff import callback_data

CURATOR_TG, MENTOR_TG, KID_TG, OTHER_TG, SPORT_TG = 7101, 7102, 7103, 7104, 7105


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
            telegram_id=SPORT_TG,
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
    # Everyone has opened the bot before (so what the sender delivers reaches a chat).
    for telegram_id, name in (
        (CURATOR_TG, "Вера"),
        (MENTOR_TG, "Анна"),
        (KID_TG, "Коля"),
        (OTHER_TG, "Маша"),
        (SPORT_TG, "Игорь"),
    ):
        tg.fake.user(telegram_id, name)
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
    assert "совпадает запрос: Учёба" in card
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
    # A pair with a child: no adult promises secrecy, and there is no direct chat by default.
    assert "наставник обязательно сообщает об этом куратору" in mentor.last.plain
    assert "остаётся между нами" not in mentor.last.plain
    assert not [b for row in mentor.last.inline_buttons() for b in row if "url" in b]
    assert "прямой связи через Telegram нет" in mentor.last.plain
    await mentor.press("✅ Принимаю соглашение")
    assert "Соглашение принято" in mentor.last.body

    kid = tg.fake.user(KID_TG, "Коля")
    await kid.send("/start")
    assert "твой наставник — Анна Учителева" in kid.last.body
    await kid.press("🤝 Моя пара")
    await kid.press("работает: Анна Учителева")
    assert "Твоя пара" in kid.last.body
    # The child's own short version, in «ты».
    assert "Ты участвуешь по желанию" in kid.last.plain
    assert "он расскажет куратору — чтобы помочь" in kid.last.plain
    assert "Написать" not in " ".join(kid.last.buttons())
    assert "Общайтесь с наставником на встречах в школе" in kid.last.plain
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


def checked(user: FakeUser, label: str) -> None:
    assert any(b.startswith("✅") and label in b for b in user.last.buttons()), user.last.describe()


async def test_the_mentee_chooses_from_offered_mentors_and_the_mentor_answers(
    tg: Running,
) -> None:
    await scene_in(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("🧒 Коля Петров")
    await curator.press("🗳 Предложить 2–3 на выбор")
    await curator.press("Анна Учителева · 82")
    await curator.press("Готово")
    assert "двух или трёх" in curator.callback_answers[-1]["text"]  # one is not enough
    await curator.press("Игорь Спортов · 30")
    checked(curator, "Анна Учителева")
    await curator.press("Готово")
    assert "Кандидаты предложены: 2" in curator.callback_answers[-1]["text"]

    kid = tg.fake.user(KID_TG, "Коля")
    await kid.send("/start")
    assert "Куратор предложил тебе наставников" in kid.last.body
    await kid.press("🤝 Моя пара")
    await kid.press("🗳 Выбрать наставника")
    body = kid.last.body
    assert "Выбери наставника" in body
    assert "Поможет с: Математика, олимпиады" in body
    assert "Когда встречается: выходные" in body
    assert "из 100" not in body and "82" not in body  # no scores for the mentee
    await kid.press("Выбрать: Анна Учителева")
    assert "ответит в течение 3 дней" in kid.callback_answers[-1]["text"]
    assert "Ждём ответа наставника" in kid.last.body

    mentor = tg.fake.user(MENTOR_TG, "Анна")
    await mentor.send("/start")
    assert "Вас выбрали наставником: Коля Петров" in mentor.last.body
    await mentor.press("🤝 Моя пара")
    await mentor.press("📨 Ответить: Коля Петров")
    await mentor.press("✅ Согласен(на)")
    [pair] = await rows(tg, Pair)
    assert pair.status == "proposed"
    kinds = [n.kind for n in await rows(tg, Notification)]
    assert "choice-accepted-curator" in kinds and "choice-accepted" in kinds
    reminder = next(n for n in await rows(tg, Notification) if n.kind == "choice-reminder")
    assert reminder.status == "skipped"  # answered in time: no reminder


async def test_a_mentor_declines_with_a_reason_the_curator_reads(tg: Running) -> None:
    scene = await scene_in(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("Маша Сидорова")
    await curator.press("🗳 Предложить 2–3 на выбор")
    await curator.press("Анна Учителева")
    await curator.press("Игорь Спортов")
    await curator.press("Готово")
    masha = tg.fake.user(OTHER_TG, "Маша")
    await masha.send("/start")
    await masha.press("🤝 Моя пара")
    await masha.press("🗳 Выбрать наставника")
    assert "Выберите наставника" in masha.last.body  # an adult hears «вы»
    await masha.press("Выбрать: Игорь Спортов")
    sport = tg.fake.user(SPORT_TG, "Игорь")
    await sport.send("/start")
    await sport.press("🤝 Моя пара")
    await sport.press("📨 Ответить: Маша Сидорова")
    await sport.press("❌ Не могу")
    await sport.send("Уезжаю на сборы до весны")
    assert "куратор подберёт другого" in sport.last.body or any(
        "куратор подберёт другого" in t for t in sport.texts()
    )
    told = [n for n in await rows(tg, Notification) if n.kind == "choice-declined-curator"]
    assert [n.recipient_user_id for n in told] == [scene.curator.id]
    assert [n.kind for n in await rows(tg, Notification) if n.kind == "choice-declined"]
    await tg.deliver()
    assert any(
        "Игорь Спортов отказался(ась) наставлять: Маша Сидорова. Причина: Уезжаю на сборы до весны"
        in t
        for t in curator.texts()
    )
    assert any("Игорь Спортов сейчас не может быть наставником" in t for t in masha.texts())
    assert await rows(tg, Pair) == []


async def active_pair(tg: Running, scene: Scene, mentor: str, *mentees: str) -> int:
    async with tg.app.session_factory() as session:
        pair = Pair(
            organisation_id=scene.school.id,
            programme_id=scene.programme.id,
            mentor_membership_id=scene.members[mentor].id,
            status="active",
        )
        session.add(pair)
        await session.flush()
        for key in mentees:
            session.add(PairMentee(pair_id=pair.id, mentee_membership_id=scene.members[key].id))
        await session.commit()
        return pair.id


async def test_both_sides_edit_the_plan_and_the_curator_reads_it(tg: Running) -> None:
    scene = await scene_in(tg)
    await active_pair(tg, scene, "anna", "kolya")
    kid = tg.fake.user(KID_TG, "Коля")
    await kid.send("/plan")
    assert "Пока пусто. Добавь цель или задачу." in kid.last.body  # «ты» for a child
    mentor = tg.fake.user(MENTOR_TG, "Анна")
    await mentor.send("/plan")
    assert "План развития: Коля Петров" in mentor.last.body
    assert "Добавьте цель или задачу" in mentor.last.body
    await mentor.press("➕ Цель")
    await mentor.send("Четвёрка по алгебре в четверти")
    await mentor.press("Через месяц")
    assert "Цель: Четвёрка по алгебре в четверти, до " in mentor.last.body

    await kid.send("/plan")
    assert "Четвёрка по алгебре" in kid.last.body
    await kid.press("➕ Задача")
    await kid.send("Решать 5 задач в неделю")
    await kid.press("Без срока")
    await kid.press("▫️ Четвёрка по алгебре")
    await kid.press("⏳ в работе")
    assert "⏳ Цель: Четвёрка по алгебре" in kid.last.body

    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/plan")  # one working pair: straight to its plan
    body = curator.last.body
    assert "Решать 5 задач в неделю" in body and "⏳ Цель" in body
    assert "➕ Цель" not in curator.last.buttons()  # the curator reads, the pair writes
    items = await rows(tg, PlanItem)
    assert {i.created_by_user_id for i in items} == {
        scene.users["anna"].id,
        scene.users["kolya"].id,
    }


async def test_plan_edits_reach_the_other_side_once_an_hour(tg: Running) -> None:
    scene = await scene_in(tg)
    await active_pair(tg, scene, "anna", "kolya")
    kid = tg.fake.user(KID_TG, "Коля")
    mentor = tg.fake.user(MENTOR_TG, "Анна")
    await mentor.send("/plan")
    await mentor.press("➕ Цель")
    await mentor.send("Четвёрка по алгебре в четверти")
    await mentor.press("Через месяц")
    await tg.deliver()
    assert not any("план развития" in t for t in kid.texts())  # gathered for a while
    tg.clock.advance(minutes=11)
    await tg.deliver()
    assert (
        "Анна Учителева обновил(а) твой план развития:\n"
        "• добавлено — Цель: «Четвёрка по алгебре в четверти»"
    ) in kid.texts()[-1]
    assert not any("обновил(а) план" in t for t in mentor.texts())  # not told of their own

    # Two edits by the mentee in a row: one message to the mentor, both changes in it.
    await kid.send("/plan")
    await kid.press("➕ Задача")
    await kid.send("Решать 5 задач в неделю")
    await kid.press("Без срока")
    await kid.press("▫️ Четвёрка по алгебре")
    await kid.press("⏳ в работе")
    tg.clock.advance(minutes=11)
    await tg.deliver()
    told = [t for t in mentor.texts() if "обновил(а) план развития" in t]
    assert len(told) == 1
    assert "Коля Петров обновил(а) план развития:" in told[0]
    assert "• добавлено — Задача: «Решать 5 задач в неделю»" in told[0]
    assert "• Цель «Четвёрка по алгебре в четверти»: в работе" in told[0]

    # Another edit within the hour waits for the next hour's message.
    await kid.press("⏳ Четвёрка по алгебре")
    await kid.press("✅ выполнено")
    tg.clock.advance(minutes=5)  # 06:57: this hour's message went out at 06:52
    await tg.deliver()
    assert len([t for t in mentor.texts() if "обновил(а) план развития" in t]) == 1
    tg.clock.advance(hours=1)
    await tg.deliver()
    told = [t for t in mentor.texts() if "обновил(а) план развития" in t]
    assert len(told) == 2
    assert "• Цель «Четвёрка по алгебре в четверти»: выполнено" in told[1]


async def test_a_plan_notice_about_someone_who_withdrew_is_not_sent(tg: Running) -> None:
    """The mentor adds a goal (the notice to the child gathers for ten minutes), then
    withdraws consent: the child never reads the mentor's words, and no row keeps them."""
    scene = await scene_in(tg)
    await active_pair(tg, scene, "anna", "kolya")
    kid = tg.fake.user(KID_TG, "Коля")
    mentor = tg.fake.user(MENTOR_TG, "Анна")
    await mentor.send("/plan")
    await mentor.press("➕ Цель")
    await mentor.send("Секретная цель наставника")
    await mentor.press("Через месяц")
    async with tg.app.session_factory() as session:
        hub = hub_of(session)
        anna = scene.members["anna"].user_id
        withdrawal = await hub.personal_data.withdraw(anna, by_user_id=anna)
        await notify_withdrawal(hub, withdrawal, "Анна Учителева")
        await session.commit()
    tg.clock.advance(minutes=11)
    await tg.deliver()
    assert not any("план развития" in t for t in kid.texts())
    async with tg.app.session_factory() as session:
        kept = await session.scalars(select(Notification.args))
        assert "Секретная" not in str(list(kept))


async def test_order_replacement_and_termination_from_the_curators_screens(tg: Running) -> None:
    scene = await scene_in(tg)
    first = await active_pair(tg, scene, "anna", "kolya")
    await active_pair(tg, scene, "sport", "masha")
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("📄 Приказ о парах")
    # Both sides named shortly, so a long name does not hide the mentee.
    assert "🤝 Анна У. → Коля П." in [b.removeprefix("✅ ") for b in curator.last.buttons()]
    await curator.press("Анна У. → Коля П.")
    await curator.press("Игорь С. → Маша С.")
    await curator.press("Готово")
    await curator.send("45 от 31.02.2026")
    assert any("Напишите номер и дату" in t for t in curator.texts())
    await curator.send("45-о от 01.10.2026")
    assert any("Приказ № 45-о от 01.10.2026 записан для пар: 2" in t for t in curator.texts())
    assert {(p.order_number, str(p.order_date)) for p in await rows(tg, Pair)} == {
        ("45-о", "2026-10-01")
    }

    await curator.press("🤝 Пары и группы (2)")
    await curator.press("🤝 Анна У. → Коля П.")
    assert "Приказ № 45-о от 01.10.2026" in curator.last.body
    await curator.press("🔁 Заменить наставника")
    await curator.press("Игорь Спортов (1/3)")
    assert "Прежние наставники: Анна Учителева" in curator.last.body
    assert "Наставник: Игорь Спортов" in curator.last.body
    await curator.press("⛔ Прекратить")
    await curator.press("Другое (написать)")
    await curator.send("Семья переехала")
    assert "прекращена" in curator.last.body and "Семья переехала" in curator.last.body
    pair = next(p for p in await rows(tg, Pair) if p.id == first)
    assert (pair.status, pair.end_reason, pair.end_note) == (
        "terminated",
        "other",
        "Семья переехала",
    )
    assert pair.id == first  # the same pair, its history kept


async def test_with_contact_sharing_off_there_is_no_chat_button(tg: Running) -> None:
    scene = await scene_in(tg)
    await active_pair(tg, scene, "anna", "kolya")
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("📇 Контакты в парах: видны")
    assert "📇 Контакты в парах: скрыты" in curator.last.buttons()
    kid = tg.fake.user(KID_TG, "Коля")
    await kid.send("/start")
    await kid.press("🤝 Моя пара")
    await kid.press("работает: Анна Учителева")
    assert "Контакты в этой программе передаёт куратор" in kid.last.body
    assert not [b for row in kid.last.inline_buttons() for b in row if "url" in b]
    audit = [a for a in await rows(tg, AuditEntry) if a.action == "pair.contacts"]
    assert [a.details["on"] for a in audit] == [False]


async def test_pair_labels_name_both_sides_and_tell_the_same_people_apart(
    tg: Running,
) -> None:
    scene = await scene_in(tg)
    async with tg.app.session_factory() as session:
        await add_participant(
            session, scene, "long", "mentor", {"category": "mentor.student"},
            name="Санаров Владимир Алексеевич", telegram_id=7107,
        )  # fmt: skip
        await session.commit()
    await active_pair(tg, scene, "long", "kolya")
    ended = []
    for _ in range(2):  # the same two people, twice in pairs that ended
        ended.append(await active_pair(tg, scene, "long", "masha"))
        async with tg.app.session_factory() as session:
            await session.execute(
                update(Pair).where(Pair.id == ended[-1]).values(status="completed")
            )
            await session.commit()
    await active_pair(tg, scene, "long", "masha")
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("🤝 Пары и группы (2)")
    labels = curator.last.buttons()
    assert "🤝 Санаров В. → Коля П." in labels
    assert "🤝 Санаров В. → Маша С." in labels
    assert {f"🏁 Санаров В. → Маша С. #{i}" for i in ended} <= set(labels)
    assert len(set(labels)) == len(labels)


async def kolyas_mother(tg: Running, scene: Scene) -> FakeUser:
    """Коля's mother, who confirmed his consent in the bot."""
    async with tg.app.session_factory() as session:
        parent = User(telegram_id=7106, full_name="Петрова Ольга", locale="ru")
        session.add(parent)
        await session.flush()
        session.add(
            GuardianLink(
                minor_user_id=scene.users["kolya"].id,
                organisation_id=scene.school.id,
                guardian_user_id=parent.id,
                code_hash="h" * 64,
                expires_at=datetime.now(UTC),
                confirmed_at=datetime.now(UTC),
            )
        )
        await session.commit()
    return tg.fake.user(7106, "Ольга")


async def test_the_curator_turns_on_a_childs_chat_and_the_parent_is_told(tg: Running) -> None:
    scene = await scene_in(tg)
    mother = await kolyas_mother(tg, scene)
    await active_pair(tg, scene, "anna", "kolya")
    await active_pair(tg, scene, "sport", "masha")  # adults only: chat as before
    masha = tg.fake.user(OTHER_TG, "Маша")
    await masha.send("/start")
    await masha.press("🤝 Моя пара")
    await masha.press("работает: Игорь Спортов")
    assert "Написать: Игорь Спортов" in " ".join(masha.last.buttons())
    assert "доверили друг другу" in masha.last.plain  # no child: the form's own text

    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("👶 Чат с детьми: выключен")
    assert "👶 Чат с детьми: включён" in curator.last.buttons()
    await tg.deliver()
    told = [m.plain for m in mother.messages]
    assert len(told) == 1, told
    assert "прямую связь в Telegram между Коля Петров и Анна Учителева" in told[0]
    assert "Если вы против" in told[0]
    kid = tg.fake.user(KID_TG, "Коля")
    await kid.send("/start")
    await kid.press("🤝 Моя пара")
    await kid.press("работает: Анна Учителева")
    contact = [b for row in kid.last.inline_buttons() for b in row if "url" in b]
    assert [b["text"] for b in contact] == ["💬 Написать: Анна Учителева"]
    audit = [a for a in await rows(tg, AuditEntry) if a.action == "pair.minor-contacts"]
    assert [a.details["on"] for a in audit] == [True]
    # Turned off and on again: the parent is not told a second time of the same pair.
    await curator.press("👶 Чат с детьми: включён")
    await curator.press("👶 Чат с детьми: выключен")
    await tg.deliver()
    assert len(mother.messages) == 1


async def test_a_pair_with_a_child_started_while_the_chat_is_on_tells_the_parent(
    tg: Running,
) -> None:
    scene = await scene_in(tg)
    mother = await kolyas_mother(tg, scene)
    async with tg.app.session_factory() as session:
        await session.execute(
            update(Programme).where(Programme.id == scene.programme.id).values(minor_contact=True)
        )
        await session.commit()
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    await curator.press("🧒 Коля Петров")
    await curator.press("✅ Анна Учителева · 82")
    await curator.press("✅ Предложить")
    await tg.deliver()
    assert mother.messages == []  # proposed only
    await curator.press("▶️ Утвердить и начать работу")
    await tg.deliver()
    assert ["Коля Петров и Анна Учителева" in m.plain for m in mother.messages] == [True]


async def bulk(tg: Running, scene: Scene, mentors: int, mentees: int) -> None:
    async with tg.app.session_factory() as session:
        for i in range(mentors):
            await add_participant(
                session,
                scene,
                f"bm{i}",
                "mentor",
                {"category": "mentor.student"},
                name=f"Наставник {i:03d}",
            )
        for i in range(mentees):
            await add_participant(
                session,
                scene,
                f"bk{i}",
                "mentee",
                {"help_topics": ["study"]},
                name=f"Ученик {i:03d}",
            )
        await session.commit()


async def statements_of(tg: Running, action: Any) -> int:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(tg.app.engine.sync_engine, "before_cursor_execute", record)
    try:
        await action()
    finally:
        event.remove(tg.app.engine.sync_engine, "before_cursor_execute", record)
    return len(seen)


async def test_the_curators_screens_do_not_grow_with_the_school(tg: Running) -> None:
    scene = await scene_in(tg)
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")

    async def screens() -> None:
        await curator.send("/pairs")
        await curator.press("🧒 Коля Петров")
        await curator.press("◀️ Назад")

    few = await statements_of(tg, screens)
    await bulk(tg, scene, 150, 350)
    many = await statements_of(tg, screens)
    assert many == few
    await curator.send("/pairs")
    assert "без пары: 352" in curator.last.body
    assert "‹" in curator.last.buttons() and "1/44" in curator.last.buttons()


async def test_a_curator_cannot_reach_another_schools_people_with_forged_callbacks(
    tg: Running,
) -> None:
    scene = await scene_in(tg)
    async with tg.app.session_factory() as session:
        stranger = User(telegram_id=7199, full_name="Чужой Ученик", is_minor=False)
        session.add(stranger)
        await session.flush()
        foreign = Membership(
            user_id=stranger.id,
            organisation_id=scene.other_school.id,
            role="mentee",
            status="active",
            profile={},
        )
        session.add(foreign)
        await session.commit()
        foreign_id = foreign.id
    curator = tg.fake.user(CURATOR_TG, "Вера")
    await curator.send("/pairs")
    screen = curator.last
    real = callback_data(screen, "🧒 Коля Петров")
    own_id = str(scene.members["kolya"].id)
    assert real.endswith(own_id)
    await curator.press_data(real[: -len(own_id)] + str(foreign_id), message=screen)
    assert "нет доступа" in curator.callback_answers[-1]["text"]
    assert "Чужой Ученик" not in "\n".join(curator.texts())
    # A forged mentor in the suggestions list of our own mentee: refused as well.
    await curator.send("/pairs")
    await curator.press("🧒 Коля Петров")
    card = curator.last
    suggested = callback_data(card, "✅ Анна Учителева · 82")
    mentor_id = str(scene.members["anna"].id)
    await curator.press_data(suggested[: -len(mentor_id)] + str(foreign_id), message=card)
    await curator.press("✅ Предложить")
    assert "нет доступа" in curator.callback_answers[-1]["text"]
    assert await rows(tg, Pair) == []
    denied = [a for a in await rows(tg, AuditEntry) if a.action == "denied"]
    assert {a.details["attempted"] for a in denied} >= {"pairs.suggest", "pair.propose"}
