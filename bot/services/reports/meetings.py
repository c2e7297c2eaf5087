"""The meetings log: every meeting of the scope's pairs with each mentee's answers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.catalog import Catalog
from bot.services.questionnaires import QuestionnaireCatalog
from bot.services.reports.model import PairInfo, People
from bot.services.reports.people import load_people
from bot.services.reports.scope import Scope
from bot.storage.models import (
    Meeting,
    MeetingAttendance,
)

# --- the meetings log ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    mentee_membership_id: int
    present: bool
    confirmed: bool | None
    disputed: bool
    rating: int | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    pair: PairInfo
    kind: str
    status: str
    day: date
    starts_at: datetime | None  # local time of the school
    duration_min: int | None
    format: str
    topic: str | None
    outcome: str | None
    attendance: tuple[AttendanceRow, ...]


async def load_meetings(
    session: AsyncSession,
    scope: Scope,
    questionnaires: QuestionnaireCatalog,
    catalog: Catalog,
    *,
    viewer_user_id: int | None = None,
) -> tuple[People, list[MeetingRow]]:
    """Every planned, held or cancelled meeting of the scope's pairs, in date order, with
    each mentee's answers (ratings and comments hidden from the pair's own mentor)."""
    people = await load_people(
        session, scope, questionnaires, catalog, viewer_user_id=viewer_user_id
    )
    pairs = {p.id: p for p in people.pairs}
    if not pairs:
        return people, []
    timezones = {s.id: s.timezone for s in scope.schools}
    meetings = list(
        await session.scalars(
            select(Meeting)
            .where(Meeting.pair_id.in_(list(pairs)))
            .order_by(Meeting.day, Meeting.starts_at, Meeting.id)
        )
    )
    attendance: dict[int, list[AttendanceRow]] = defaultdict(list)
    for a in await session.scalars(
        select(MeetingAttendance)
        .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
        .where(Meeting.pair_id.in_(list(pairs)))
        .order_by(MeetingAttendance.meeting_id, MeetingAttendance.mentee_membership_id)
    ):
        person = people.people.get(a.mentee_membership_id)
        withdrawn = person is None or person.withdrawn
        attendance[a.meeting_id].append(
            AttendanceRow(
                a.mentee_membership_id,
                a.present,
                a.confirmed,
                a.disputed,
                a.rating,
                # The comment is for the school's curator: not for a coordinator.
                None if withdrawn or not scope.curator_view else a.comment,
            )
        )
    rows = []
    for m in meetings:
        pair = pairs[m.pair_id]
        marks = tuple(attendance.get(m.id, ()))
        if people.hides_ratings_of(pair):
            marks = tuple(
                AttendanceRow(
                    a.mentee_membership_id, a.present, a.confirmed, a.disputed, None, None
                )
                for a in marks
            )
        starts = m.starts_at
        if starts is not None:
            zone = ZoneInfo(timezones.get(pair.school_id, "UTC"))
            starts = (
                starts if starts.tzinfo else starts.replace(tzinfo=ZoneInfo("UTC"))
            ).astimezone(zone)
        rows.append(
            MeetingRow(
                m.id,
                pair,
                m.kind,
                m.status,
                m.day,
                starts,
                m.duration_min,
                m.format,
                m.topic,
                m.outcome,
                marks,
            )
        )
    return people, rows
