"""Forged callback data through the real dispatcher: a curator who edits the id in a
button's data gets the same answer whether that id is another school's object or no
object at all, and both attempts are audited alike."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.storage.models import AuditEntry, Membership, User
from tests.harness import Running
from tests.seed import make_school
from tests.test_flow_staff import add_membership, add_user, callback_data, curator_of

MISSING = 987_654


async def denied_rows(tg: Running, telegram_id: int) -> list[AuditEntry]:
    async with tg.app.session_factory() as session:
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        assert user is not None
        return list(
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "denied", AuditEntry.actor_user_id == user.id)
                .order_by(AuditEntry.id)
            )
        )


@pytest.mark.parametrize("screen", ["programmes", "participants"])
async def test_forged_ids_missing_or_foreign_get_one_answer(tg: Running, screen: str) -> None:
    own = await make_school(tg.app.session_factory, name="Своя школа")
    other = await make_school(tg.app.session_factory, name="Чужая школа")
    # One participant in each school, so that both lists have a button to copy.
    for school, telegram_id, name in ((own, 4001, "Свой Ученик"), (other, 4002, "Чужой Ученик")):
        user_id = await add_user(tg, telegram_id, full_name=name)
        await add_membership(
            tg,
            user_id,
            school.school_id,
            "mentee",
            programme_id=school.programme_ids["teacher_teacher"],
        )
    async with tg.app.session_factory() as session:
        foreign_membership = await session.scalar(
            select(Membership.id).join(User).where(User.telegram_id == 4002)
        )
    assert foreign_membership is not None
    curator = await curator_of(tg, 4003, own.school_id)
    await curator.send("/start")
    if screen == "programmes":
        await curator.press("📋 Программы")
        label = "Программа teacher_teacher"
        foreign = other.programme_ids["teacher_teacher"]
        attempted = "programme.view"
    else:
        await curator.press("👥 Участники")
        label = next(b for b in curator.last.buttons() if "Свой Ученик" in b)
        foreign = foreign_membership
        attempted = "participant.view"
    menu = curator.last
    prefix, _, _ = callback_data(menu, label).rpartition(":")

    await curator.press_data(f"{prefix}:{MISSING}", message=menu)
    await curator.press_data(f"{prefix}:{foreign}", message=menu)

    missing_answer, foreign_answer = curator.callback_answers[-2:]
    assert missing_answer["text"] == foreign_answer["text"]
    assert "нет доступа" in foreign_answer["text"]
    chat = "\n".join(m.plain for m in curator.messages)
    assert "Чужая школа" not in chat and "Чужой Ученик" not in chat
    first, second = await denied_rows(tg, 4003)
    for row, object_id in ((first, MISSING), (second, foreign)):
        assert row.details["attempted"] == attempted
        assert row.object_id == object_id
    assert sorted(first.details) == sorted(second.details)
    assert first.object_type == second.object_type
