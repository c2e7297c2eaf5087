"""How many questionnaires wait for a person: the main menu's count, as one expression.

The person's arrival (bot.services.users) reads it with them, in the same statement, into
the update's read cache; `SurveyService.open_count` answers from there, or runs `OPEN_COUNT`
(built once) when the update has written something since."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.consent_rule import takes_part
from bot.storage.database import read_cache
from bot.storage.models import SurveyResponse, SurveyWave

# access.PARTICIPANT_ROLES (imported from there would be circular: access imports users).
_PARTICIPANTS = ("mentor", "mentee")
# The read cache's key (bot.storage.database.read_cache): (OPEN_COUNT_KEY, user id).
OPEN_COUNT_KEY = "surveys.open_count"


def open_surveys(user_id: Any, now: Any) -> Any:
    """The number of the person's questionnaires not submitted whose wave is still open
    (deadline >= now) and which they may be asked: a mentor's or mentee's only while their
    consent is complete (`takes_part`); the school's curators answer theirs as staff."""
    return (
        select(func.count(SurveyResponse.id))
        .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
        .where(
            SurveyResponse.user_id == user_id,
            SurveyResponse.submitted_at.is_(None),
            SurveyWave.deadline >= now,
            or_(
                SurveyResponse.role.not_in(_PARTICIPANTS),
                takes_part(SurveyResponse.user_id, SurveyWave.organisation_id),
            ),
        )
        .scalar_subquery()
    )


# Built once: the menu runs it when the arrival's count may be stale.
OPEN_COUNT = select(open_surveys(bindparam("user_id"), bindparam("now")))


async def open_count_of(session: AsyncSession, user_id: int, now: datetime) -> int:
    """`SurveyService.open_count`: the arrival's count while the update has written nothing
    since (bot.services.users), else `OPEN_COUNT`."""
    cache = read_cache(session)
    if cache is not None:
        known = cache.get((OPEN_COUNT_KEY, user_id))
        if known is not None:
            return int(known)
    count = await session.scalar(OPEN_COUNT, {"user_id": user_id, "now": now})
    return int(count or 0)
