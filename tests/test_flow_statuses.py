"""What a mentor or a mentee reads about where they are now (issue #22): the greeting and
the menu move with the programme, the notice that offers a choice carries the button that
opens it, and a mentor with several pairs accepts the same agreement once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.storage.models import Pair, PairMentee
from tests.harness import Running
from tests.pairs_world import add_participant
from tests.test_flow_pairs import MENTOR_TG, active_pair, scene_in

SVETA_TG = 7111


async def rows(tg: Running, model: Any) -> list[Any]:
    async with tg.app.session_factory() as session:
        return list(await session.scalars(select(model).order_by(*model.__mapper__.primary_key)))


async def test_a_mentor_with_two_pairs_accepts_the_same_agreement_once(tg: Running) -> None:
    scene = await scene_in(tg)
    async with tg.app.session_factory() as session:
        scene.school = await session.merge(scene.school)
        scene.programme = await session.merge(scene.programme)
        await add_participant(
            session, scene, "sveta", "mentee", {}, name="Света Котова", telegram_id=SVETA_TG
        )
        await session.commit()
    with_masha = await active_pair(tg, scene, "anna", "masha")
    with_sveta = await active_pair(tg, scene, "anna", "sveta")
    with_kolya = await active_pair(tg, scene, "anna", "kolya")  # a child: another text

    mentor = tg.fake.user(MENTOR_TG, "Анна")
    await mentor.send("/start")
    await mentor.press("🤝 Моя пара")
    await mentor.press("работает: Маша Сидорова")
    await mentor.press("✅ Принимаю соглашение")
    assert "сразу для всех ваших пар с этим соглашением: 2" in mentor.callback_answers[-1]["text"]
    assert "Соглашение принято" in mentor.last.body

    # The other adult's pair has the same text: accepted with it, in its own row.
    accepted = {p.id: p.mentor_accepted_at is not None for p in await rows(tg, Pair)}
    assert accepted == {with_masha: True, with_sveta: True, with_kolya: False}
    await mentor.press("◀️ Назад")
    await mentor.press("работает: Света Котова")
    assert "✅ Соглашение принято." in mentor.last.body
    assert "✅ Принимаю соглашение" not in mentor.last.buttons()
    # The pair with a child has the child's agreement: it is accepted on its own.
    await mentor.press("◀️ Назад")
    await mentor.press("работает: Коля Петров")
    assert "✅ Принимаю соглашение" in mentor.last.buttons()
    await mentor.press("✅ Принимаю соглашение")
    assert mentor.callback_answers[-1]["text"] == "Спасибо! Соглашение принято."
    assert all(p.mentor_accepted_at is not None for p in await rows(tg, Pair))
    assert all(link.accepted_at is None for link in await rows(tg, PairMentee))
