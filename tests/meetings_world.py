"""Active pairs with a controlled clock: the scene for the meetings tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import Actor
from bot.services.meetings import MeetingJobs, MeetingService
from bot.storage.models import Membership, Notification, Pair, PairMentee, User
from tests.pairs_world import Scene, actor, add_participant, hub_of


@dataclass
class Clock:
    value: datetime

    def __call__(self) -> datetime:
        return self.value

    def move(self, **delta: float) -> None:
        self.value += timedelta(**delta)


def clock_at(*args: int) -> Clock:
    return Clock(datetime(*args, tzinfo=UTC))  # type: ignore[misc]


async def make_pair(
    session: AsyncSession,
    scene: Scene,
    mentor: str,
    mentees: list[str],
    *,
    activated_at: datetime | None = None,
    minor_mentees: bool = False,
) -> Pair:
    """An active pair (or group) of new participants named by key."""
    if mentor not in scene.members:
        await add_participant(session, scene, mentor, "mentor", {}, name=f"Наставник {mentor}")
    for key in mentees:
        if key not in scene.members:
            await add_participant(
                session, scene, key, "mentee", {}, name=f"Ученик {key}", is_minor=minor_mentees
            )
    pair = Pair(
        organisation_id=scene.school.id,
        programme_id=scene.programme.id,
        mentor_membership_id=scene.members[mentor].id,
        status="active",
        activated_at=activated_at or datetime(2026, 11, 1, 9, tzinfo=UTC),
        created_at=activated_at or datetime(2026, 11, 1, 9, tzinfo=UTC),
    )
    session.add(pair)
    await session.flush()
    for key in mentees:
        session.add(PairMentee(pair_id=pair.id, mentee_membership_id=scene.members[key].id))
    await session.flush()
    return pair


def meetings_of(session: AsyncSession, clock: Clock) -> MeetingService:
    hub = hub_of(session)
    return MeetingService(session, hub.access, hub.audit, clock)


def jobs_of(session: AsyncSession, clock: Clock) -> MeetingJobs:
    return MeetingJobs(session, clock)


async def actor_of(session: AsyncSession, scene: Scene, key: str) -> Actor:
    return await actor(session, scene.users[key])


async def notes(session: AsyncSession, kind: str | None = None) -> list[Notification]:
    query = select(Notification).order_by(Notification.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(await session.scalars(query))


async def user_of(session: AsyncSession, membership: Membership) -> User:
    user = await session.get(User, membership.user_id)
    assert user is not None
    return user
