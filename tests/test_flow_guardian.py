"""A parent's confirmation and the notices about it are one transaction: when queueing the
notices fails, no confirmation is kept either (the parent is asked to try again, and the
retry works); on the normal path the notices are queued with the consent."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.services.outbox import Outbox
from bot.storage.models import Consent, GuardianLink, Notification, User
from tests.harness import Running
from tests.seed import invite, make_school
from tests.test_flow_delivery import add_curator, register_minor


async def recorded(tg: Running, child_tg: int) -> tuple[set[str], bool, set[str]]:
    """The child's consents, whether the link is confirmed, the notices queued about it."""
    async with tg.app.session_factory() as session:
        child = await session.scalar(select(User).where(User.telegram_id == child_tg))
        assert child is not None
        kinds = set(
            await session.scalars(
                select(Consent.given_by).where(
                    Consent.subject_user_id == child.id, Consent.withdrawn_at.is_(None)
                )
            )
        )
        link = await session.scalar(
            select(GuardianLink).where(GuardianLink.minor_user_id == child.id)
        )
        notices = set(
            await session.scalars(
                select(Notification.kind).where(Notification.kind.like("guardian-confirmed%"))
            )
        )
    return kinds, link is not None and link.confirmed_at is not None, notices


async def test_a_failure_queueing_the_notices_keeps_no_confirmation(
    tg: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = await make_school(tg.app.session_factory)
    await add_curator(tg, 3500, school.school_id)
    payload = await invite(
        tg.app.session_factory,
        organisation_id=school.school_id,
        role="mentee",
        programme_id=school.programme_ids["student_student"],
    )
    guardian_payload = await register_minor(tg, 3501, payload, "Сидоров Пётр", "ru")
    mother = tg.fake.user(3503, "Мама", language_code="ru")
    await mother.send(f"/start {guardian_payload}")

    school_event = Outbox.school_event

    async def broken(self: Outbox, organisation_id: int, **kwargs: Any) -> Any:
        if kwargs.get("kind") == "guardian-confirmed-curator":
            raise RuntimeError("the outbox is not there")
        return await school_event(self, organisation_id, **kwargs)

    monkeypatch.setattr(Outbox, "school_event", broken)
    await mother.press("✅ Даю согласие")
    assert "Попробуйте ещё раз" in mother.callback_answers[-1]["text"]
    assert not any("Спасибо" in t for t in mother.texts())
    # Nothing of it stayed: no consent the curators were never told of.
    assert await recorded(tg, 3501) == ({"self"}, False, set())

    monkeypatch.setattr(Outbox, "school_event", school_event)
    await mother.press("✅ Даю согласие")  # the same screen, tried again
    assert any("Спасибо" in t for t in mother.texts())
    kinds, confirmed, notices = await recorded(tg, 3501)
    assert kinds == {"self", "guardian"} and confirmed
    assert notices == {"guardian-confirmed", "guardian-confirmed-curator"}
