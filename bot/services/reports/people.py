"""The bases of mentors and mentees: people, pairs, meetings held, ratings, plan progress
and entry → exit change, read with a fixed number of statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.catalog import Catalog
from bot.services.questionnaires import QuestionnaireCatalog
from bot.services.reports.model import PairInfo, People, Person, ProgrammeInfo, _local_date
from bot.services.reports.scope import Scope
from bot.services.reports.waves import survey_growth
from bot.storage.models import (
    Meeting,
    MeetingAttendance,
    Membership,
    Pair,
    PairMentee,
    PlanItem,
    Programme,
    User,
)


async def load_programmes(session: AsyncSession, scope: Scope) -> dict[int, ProgrammeInfo]:
    rows = await session.scalars(
        select(Programme)
        .where(Programme.organisation_id.in_(scope.school_ids))
        .order_by(Programme.organisation_id, Programme.id)
    )
    return {
        p.id: ProgrammeInfo(
            p.id, p.organisation_id, p.name, p.form_key, p.period_start, p.period_end, p.stage
        )
        for p in rows
    }


async def load_people(
    session: AsyncSession,
    scope: Scope,
    questionnaires: QuestionnaireCatalog,
    catalog: Catalog,
    *,
    viewer_user_id: int | None = None,
    programme_ids: Iterable[int] | None = None,
) -> People:
    """Mentors and mentees of the scope's programmes with their pairs, meetings held,
    ratings, plan progress and entry → exit change: a fixed number of statements."""
    result = People(scope, viewer_user_id=viewer_user_id)
    result.programmes = await load_programmes(session, scope)
    if programme_ids is not None:
        wanted = set(programme_ids)
        result.programmes = {k: v for k, v in result.programmes.items() if k in wanted}
    ids = list(result.programmes)
    if not ids:
        return result
    await _load_members(session, scope, ids, result)
    await _load_pairs(session, ids, result)
    pair_ids = [p.id for p in result.pairs]
    if pair_ids:
        await _load_activity(session, pair_ids, result)
    growth = await survey_growth(session, result.programmes, questionnaires, catalog)
    result.growth, result.satisfaction = growth
    return result


async def _load_members(
    session: AsyncSession, scope: Scope, ids: list[int], result: People
) -> None:
    """The mentors and mentees of these programmes (a withdrawn person without a name)."""
    timezones = {s.id: s.timezone for s in scope.schools}
    rows = await session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.programme_id.in_(ids),
            Membership.role.in_(("mentor", "mentee")),
            Membership.status != "registering",
        )
        .order_by(Membership.organisation_id, User.full_name, Membership.id)
    )
    for m, u in rows:
        result.people[m.id] = Person(
            m.id,
            u.id,
            m.organisation_id,
            m.programme_id,
            m.role,
            None if (m.status == "withdrawn" or u.anonymised_at is not None) else u.full_name,
            u.telegram_id,
            u.is_minor,
            dict(m.profile or {}),
            _local_date(m.created_at, timezones.get(m.organisation_id, "UTC")),
            m.status,
        )


async def _load_pairs(session: AsyncSession, ids: list[int], result: People) -> None:
    """The programmes' pairs (not the proposed ones) with their mentees."""
    mentees: dict[int, list[int]] = defaultdict(list)
    for pair_id, mentee_id in await session.execute(
        select(PairMentee.pair_id, PairMentee.mentee_membership_id)
        .join(Pair, Pair.id == PairMentee.pair_id)
        .where(Pair.programme_id.in_(ids))
        .order_by(PairMentee.pair_id, PairMentee.mentee_membership_id)
    ):
        mentees[pair_id].append(mentee_id)
    for p in await session.scalars(
        select(Pair).where(Pair.programme_id.in_(ids), Pair.status != "proposed").order_by(Pair.id)
    ):
        result.pairs.append(
            PairInfo(
                p.id,
                p.organisation_id,
                p.programme_id,
                p.mentor_membership_id,
                tuple(mentees.get(p.id, ())),
                p.status,
            )
        )


async def _load_activity(session: AsyncSession, pair_ids: list[int], result: People) -> None:
    """Meetings held per pair; attendances, ratings and plan progress per mentee."""
    held = await session.execute(
        select(Meeting.pair_id, func.count(Meeting.id))
        .where(Meeting.pair_id.in_(pair_ids), Meeting.status == "held")
        .group_by(Meeting.pair_id)
    )
    result.held = {pair_id: int(n) for pair_id, n in held}
    ratings = await session.execute(
        select(
            MeetingAttendance.mentee_membership_id,
            func.count(),
            func.count(MeetingAttendance.rating),
            func.coalesce(func.sum(MeetingAttendance.rating), 0),
        )
        .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
        .where(
            Meeting.pair_id.in_(pair_ids),
            Meeting.status == "held",
            MeetingAttendance.present.is_(True),
        )
        .group_by(MeetingAttendance.mentee_membership_id)
    )
    for mentee_id, attended, rated, total in ratings:
        result.attended[mentee_id] = int(attended)
        result.ratings[mentee_id] = (int(rated), int(total or 0))
    plan = await session.execute(
        select(
            PlanItem.mentee_membership_id,
            func.count(case((PlanItem.status == "done", 1))),
            func.count(PlanItem.id),
        )
        .where(PlanItem.pair_id.in_(pair_ids), PlanItem.status != "dropped")
        .group_by(PlanItem.mentee_membership_id)
    )
    result.plan = {m: (int(done), int(total)) for m, done, total in plan}
