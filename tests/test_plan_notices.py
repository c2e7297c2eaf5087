"""Plan changes gathered into one message per pair, recipient and hour."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.outbox import Outbox
from bot.services.plan_notices import KIND, PlanNotices
from bot.storage.models import Notification, Organisation, User
from tests.clock import FakeClock


async def test_in_a_group_each_mentee_who_changed_the_plan_is_named(
    session: AsyncSession,
) -> None:
    school = Organisation(kind="school", name="Школа", timezone="Europe/Moscow")
    mentor = User(telegram_id=501, full_name="Наставник", is_minor=False)
    session.add_all([school, mentor])
    await session.flush()
    notices = PlanNotices(session, Outbox(session, FakeClock()))
    for by, title in (("Аня", "Читать"), ("Борис", "Бегать"), ("Аня", "Писать")):
        change = {"what": "added", "kind": "task", "title": title, "status": "planned"}
        await notices.changed(
            pair_id=1, organisation_id=school.id, recipient=mentor, by=by, change=change
        )
    [row] = await session.scalars(select(Notification).where(Notification.kind == KIND))
    assert row.args["by"] == "Аня, Борис"
    assert [c["title"] for c in row.args["changes"]] == ["Читать", "Бегать", "Писать"]
