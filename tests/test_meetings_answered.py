"""A meeting after a mentee answered about it: the answer is given once (a confirmed and
rated meeting does not silently become «не было»), the mentor can no longer change or delete
the record (a disputed one is the curator's evidence), and what the curator changes after
an answer is in the audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError
from bot.storage.models import AuditEntry, Meeting, MeetingAttendance
from tests.meetings_world import actor_of, clock_at, make_pair, meetings_of, notes
from tests.pairs_world import actor, make_scene
from tests.test_meetings import TODAY


async def audit(session: AsyncSession, action: str) -> list[AuditEntry]:
    rows = await session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    )
    return list(rows)


async def test_a_confirmed_and_rated_meeting_does_not_become_not_held(
    session: AsyncSession,
) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    service = meetings_of(session, clock_at(2026, 11, 23, 10, 0))
    mentor = await actor_of(session, scene, "m")
    mentee = await actor_of(session, scene, "a")
    view = await service.log(
        mentor, pair.id, day=TODAY, kind="regular", duration_min=45, format="offline"
    )
    await service.confirm(mentee, view.id, happened=True)
    await service.rate(mentee, view.id, rating=5, comment="Отлично")

    with pytest.raises(DomainError) as final:
        await service.confirm(mentee, view.id, happened=False)
    assert final.value.code == "meeting-answer-final"
    await service.confirm(mentee, view.id, happened=True)  # a second tap is no error

    row = await session.get(MeetingAttendance, (view.id, scene.members["a"].id))
    assert row is not None
    await session.refresh(row)
    assert (row.confirmed, row.disputed, row.rating) == (True, False, 5)
    assert await notes(session, "meeting-disputed") == []
    assert await audit(session, "meeting.disputed") == []


async def test_a_disputed_meeting_is_not_confirmed_afterwards_by_the_mentee(
    session: AsyncSession,
) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    service = meetings_of(session, clock_at(2026, 11, 23, 10, 0))
    mentor = await actor_of(session, scene, "m")
    mentee = await actor_of(session, scene, "a")
    view = await service.log(
        mentor, pair.id, day=TODAY, kind="regular", duration_min=45, format="offline"
    )
    await service.confirm(mentee, view.id, happened=False)
    with pytest.raises(DomainError) as final:
        await service.confirm(mentee, view.id, happened=True)
    assert final.value.code == "meeting-answer-final"
    row = await session.get(MeetingAttendance, (view.id, scene.members["a"].id))
    assert row is not None and (row.confirmed, row.disputed) == (False, True)


@pytest.mark.parametrize("happened", [True, False])
async def test_after_the_mentees_answer_the_record_is_the_curators(
    session: AsyncSession, happened: bool
) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    clock = clock_at(2026, 11, 23, 10, 0)
    service = meetings_of(session, clock)
    mentor = await actor_of(session, scene, "m")
    mentee = await actor_of(session, scene, "a")
    view = await service.log(
        mentor, pair.id, day=TODAY, kind="regular", duration_min=45, format="offline"
    )
    clock.move(hours=1)  # well within the mentor's 48 hours
    await service.confirm(mentee, view.id, happened=happened)

    seen = await service.view(mentor, view.id)
    assert not seen.can_edit and seen.curator_only
    with pytest.raises(DomainError) as edit:
        await service.edit(
            mentor, view.id, day=TODAY, kind="regular", duration_min=90,
            format="offline", topic=None, outcome=None,
        )  # fmt: skip
    assert edit.value.code == "meeting-curator-only"
    with pytest.raises(DomainError) as delete:
        await service.delete(mentor, view.id)
    assert delete.value.code == "meeting-curator-only"
    assert await session.get(Meeting, view.id) is not None
    refused = [e.details for e in await audit(session, "denied")]
    assert {(d["attempted"], d["reason"]) for d in refused} == {
        ("meeting.edit", "answered"),
        ("meeting.delete", "answered"),
    }

    # The curator may, and what they change is recorded with what it was.
    curator = await actor(session, scene.curator)
    assert (await service.view(curator, view.id)).can_edit
    await service.edit(
        curator, view.id, day=TODAY, kind="regular", duration_min=90,
        format="offline", topic="Разбор олимпиады", outcome=None,
    )  # fmt: skip
    [edited] = await audit(session, "meeting.edit")
    answered = "confirmed" if happened else "disputed"
    assert edited.actor_user_id == scene.curator.id
    assert edited.details == {
        "changed": ["duration_min", "topic"],
        "was": {"duration_min": 45},
        "answered": answered,
    }
    await service.delete(curator, view.id)
    [deleted] = await audit(session, "meeting.delete")
    assert deleted.actor_user_id == scene.curator.id
    assert deleted.details["answered"] == answered
    assert deleted.details["answers"] == {
        "confirmed": int(happened),
        "disputed": int(not happened),
        "rated": 0,
    }


async def test_before_the_mentees_answer_the_mentor_keeps_the_48_hours(
    session: AsyncSession,
) -> None:
    scene = await make_scene(session)
    pair = await make_pair(session, scene, "m", ["a"])
    service = meetings_of(session, clock_at(2026, 11, 23, 10, 0))
    mentor = await actor_of(session, scene, "m")
    view = await service.log(
        mentor, pair.id, day=TODAY, kind="regular", duration_min=45, format="offline"
    )
    seen = await service.view(mentor, view.id)
    assert seen.can_edit and not seen.curator_only
    await service.delete(mentor, view.id)
    assert await session.get(Meeting, view.id) is None
