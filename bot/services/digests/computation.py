"""The digest's figures, loaded for many schools at once: one grouped statement per section
(GROUP BY school, programme or pair), so the number of statements is the same for one school
with three pairs and for fifty schools with thousands. `assembly.py` puts them together."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, distinct, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.digests.assembly import assemble
from bot.services.digests.model import (
    CHART_WEEKS,
    NO_NAME,
    PROGRAMME_KEPT_AFTER_END,
    SURVEY_MISSING_SHOWN,
    SURVEY_WARN_BEFORE,
    UNCONFIRMED_AFTER,
    SchoolDigest,
    monday_of,
)
from bot.services.meetings import DEFAULT_QUIET_DAYS
from bot.storage.models import (
    Candidate,
    Consent,
    Meeting,
    MeetingAttendance,
    Membership,
    Organisation,
    Pair,
    PairFit,
    PairMentee,
    PlanItem,
    Programme,
    SurveyResponse,
    SurveyWave,
    User,
)

_Rows = Sequence[Any]  # result rows (sqlalchemy Row)


class _Computation:
    """Loads each section of the digest into its attributes, in the order below; `assemble`
    reads them."""

    orgs: _Rows
    zones: dict[int, ZoneInfo]
    today: dict[int, date]
    window_start: date
    week_of: dict[int, date]
    programmes: _Rows
    programme_name: dict[int, str]
    quiet_days: dict[int, int]
    pairs: _Rows
    mentees: dict[int, list[tuple[int, str]]]
    per_pair: dict[int, tuple[int, Any, Any, int, int]]
    by_day: _Rows
    recent: dict[tuple[int, int], list[int]]
    fits: dict[int, list[tuple[int, str]]]
    plans: dict[int, tuple[int, int]]
    waves: _Rows
    missing_rows: _Rows
    people: _Rows

    def __init__(self, session: AsyncSession, ids: list[int], now: datetime) -> None:
        self.s = session
        self.ids = ids
        self.now = now

    async def run(self) -> list[SchoolDigest]:
        await self._load_schools()
        await self._load_programmes()
        await self._load_pairs()
        await self._load_meetings_per_pair()
        await self._load_meetings_by_day()
        await self._load_ratings()
        await self._load_fits()
        await self._load_plans()
        await self._load_waves()
        await self._load_people()
        return assemble(self)

    async def _load_schools(self) -> None:
        s, ids, now = self.s, self.ids, self.now
        self.orgs = (
            await s.execute(
                select(Organisation.id, Organisation.name, Organisation.timezone)
                .where(Organisation.id.in_(ids), Organisation.kind == "school")
                .order_by(Organisation.id)
            )
        ).all()
        self.zones = {org_id: ZoneInfo(tz) for org_id, _n, tz in self.orgs}
        self.today = {org_id: now.astimezone(zone).date() for org_id, zone in self.zones.items()}
        # The widest window any school needs: 8 weeks back from the earliest local Monday.
        earliest = min(self.today.values(), default=now.date())
        self.window_start = monday_of(earliest) - timedelta(weeks=CHART_WEEKS - 1)
        self.week_of = {org: monday_of(day) for org, day in self.today.items()}

    async def _load_programmes(self) -> None:
        s, ids, now = self.s, self.ids, self.now
        self.programmes = (
            await s.execute(
                select(
                    Programme.id,
                    Programme.organisation_id,
                    Programme.name,
                    Programme.stage,
                    Programme.quiet_pair_days,
                )
                .where(
                    Programme.organisation_id.in_(ids),
                    # Last year's programmes do not fill this week's digest.
                    Programme.period_end >= now.date() - PROGRAMME_KEPT_AFTER_END,
                )
                .order_by(Programme.period_start.desc(), Programme.id)
            )
        ).all()
        self.programme_name = {p.id: p.name for p in self.programmes}
        self.quiet_days = {p.id: p.quiet_pair_days or DEFAULT_QUIET_DAYS for p in self.programmes}

    async def _load_pairs(self) -> None:
        """The pairs with their mentor's name, then their mentees (membership, name)."""
        s, ids = self.s, self.ids
        mentor_user = aliased(User)
        self.pairs = (
            await s.execute(
                select(
                    Pair.id,
                    Pair.organisation_id,
                    Pair.programme_id,
                    Pair.status,
                    Pair.activated_at,
                    Pair.created_at,
                    mentor_user.full_name,
                    mentor_user.id.label("mentor_user_id"),
                )
                .join(Membership, Membership.id == Pair.mentor_membership_id)
                .join(mentor_user, mentor_user.id == Membership.user_id)
                .where(Pair.organisation_id.in_(ids))
                .order_by(Pair.id)
            )
        ).all()
        self.mentees = defaultdict(list)
        for pair_id, membership_id, name in await s.execute(
            select(PairMentee.pair_id, PairMentee.mentee_membership_id, User.full_name)
            .join(Pair, Pair.id == PairMentee.pair_id)
            .join(Membership, Membership.id == PairMentee.mentee_membership_id)
            .join(User, User.id == Membership.user_id)
            .where(Pair.organisation_id.in_(ids))
            .order_by(PairMentee.pair_id, Membership.id)
        ):
            self.mentees[pair_id].append((membership_id, name or NO_NAME))

    async def _load_meetings_per_pair(self) -> None:
        """Per pair, one pass over the meetings and their attendance: meetings held, the
        last one, the mentees' mean rating, disputed and long-unconfirmed attendances."""
        s, ids, now = self.s, self.ids, self.now
        held = Meeting.status == "held"
        attended = MeetingAttendance.meeting_id == Meeting.id
        stale = now - UNCONFIRMED_AFTER
        logged = func.coalesce(Meeting.logged_at, Meeting.created_at)
        self.per_pair = {
            pair_id: (int(n), last, avg, int(disputed or 0), int(unconfirmed or 0))
            for pair_id, n, last, avg, disputed, unconfirmed in await s.execute(
                select(
                    Meeting.pair_id,
                    func.count(distinct(Meeting.id)),
                    func.max(Meeting.day),
                    func.avg(MeetingAttendance.rating),
                    func.sum(case((MeetingAttendance.disputed.is_(True), 1), else_=0)),
                    func.sum(
                        case(
                            (
                                and_(
                                    MeetingAttendance.confirmed.is_(None),
                                    MeetingAttendance.present.is_(True),
                                    logged < stale,
                                ),
                                1,
                            ),
                            else_=0,
                        )
                    ),
                )
                .outerjoin(MeetingAttendance, attended)
                .where(Meeting.organisation_id.in_(ids), held)
                .group_by(Meeting.pair_id)
            )
        }

    async def _load_meetings_by_day(self) -> None:
        """Per school, programme and day within the chart's window: held, and confirmed by
        at least one mentee (rows: programmes × days, however many pairs)."""
        s, ids = self.s, self.ids
        held = Meeting.status == "held"
        attended = MeetingAttendance.meeting_id == Meeting.id
        self.by_day = (
            await s.execute(
                select(
                    Meeting.organisation_id,
                    Pair.programme_id,
                    Meeting.day,
                    func.count(distinct(Meeting.id)),
                    func.count(distinct(case((MeetingAttendance.confirmed.is_(True), Meeting.id)))),
                )
                .join(Pair, Pair.id == Meeting.pair_id)
                .outerjoin(MeetingAttendance, attended)
                .where(Meeting.organisation_id.in_(ids), held, Meeting.day >= self.window_start)
                .group_by(Meeting.organisation_id, Pair.programme_id, Meeting.day)
            )
        ).all()

    async def _load_ratings(self) -> None:
        """Each mentee's last six ratings in the pair (the last 3 against the 3 before)."""
        s, ids = self.s, self.ids
        held = Meeting.status == "held"
        ranked = (
            select(
                Meeting.pair_id.label("pair_id"),
                MeetingAttendance.mentee_membership_id.label("mentee"),
                MeetingAttendance.rating.label("rating"),
                func.row_number()
                .over(
                    partition_by=(Meeting.pair_id, MeetingAttendance.mentee_membership_id),
                    order_by=(Meeting.day.desc(), Meeting.id.desc()),
                )
                .label("n"),
            )
            .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
            .where(
                Meeting.organisation_id.in_(ids),
                held,
                MeetingAttendance.rating.is_not(None),
            )
            .subquery()
        )
        self.recent = defaultdict(list)
        for pair_id, mentee, rating, _n in await s.execute(
            select(ranked.c.pair_id, ranked.c.mentee, ranked.c.rating, ranked.c.n)
            .where(ranked.c.n <= 6)
            .order_by(ranked.c.pair_id, ranked.c.mentee, ranked.c.n)
        ):
            self.recent[(pair_id, mentee)].append(int(rating))

    async def _load_fits(self) -> None:
        self.fits = defaultdict(list)
        for pair_id, mentee, answer in await self.s.execute(
            select(PairFit.pair_id, PairFit.mentee_membership_id, PairFit.answer)
            .join(Pair, Pair.id == PairFit.pair_id)
            .where(Pair.organisation_id.in_(self.ids))
        ):
            self.fits[pair_id].append((mentee, answer))

    async def _load_plans(self) -> None:
        not_dropped = PlanItem.status != "dropped"
        self.plans = {
            pair_id: (int(done or 0), int(total or 0))
            for pair_id, done, total in await self.s.execute(
                select(
                    PlanItem.pair_id,
                    func.sum(case((PlanItem.status == "done", 1), else_=0)),
                    func.count(PlanItem.id),
                )
                .join(Pair, Pair.id == PlanItem.pair_id)
                .where(Pair.organisation_id.in_(self.ids), not_dropped)
                .group_by(PlanItem.pair_id)
            )
        }

    async def _load_waves(self) -> None:
        """The current (latest) wave of each programme, its completion, who is missing."""
        s, ids, now = self.s, self.ids, self.now
        latest = (
            select(func.max(SurveyWave.id))
            .where(SurveyWave.organisation_id.in_(ids))
            .group_by(SurveyWave.programme_id)
        )
        self.waves = (
            await s.execute(
                select(
                    SurveyWave.id,
                    SurveyWave.programme_id,
                    SurveyWave.organisation_id,
                    SurveyWave.kind,
                    SurveyWave.questionnaire_key,
                    SurveyWave.deadline,
                    func.count(SurveyResponse.id),
                    func.count(SurveyResponse.submitted_at),
                )
                .outerjoin(SurveyResponse, SurveyResponse.wave_id == SurveyWave.id)
                .where(SurveyWave.id.in_(latest))
                .group_by(SurveyWave.id)
            )
        ).all()
        self.missing_rows = (
            await s.execute(
                select(SurveyWave.organisation_id, User.full_name)
                .join(SurveyResponse, SurveyResponse.wave_id == SurveyWave.id)
                .join(User, User.id == SurveyResponse.user_id)
                .where(
                    SurveyWave.id.in_(latest),
                    SurveyWave.deadline <= now + SURVEY_WARN_BEFORE,
                    SurveyWave.deadline >= now - SURVEY_MISSING_SHOWN,
                    SurveyWave.programme_id.in_(list(self.programme_name)),
                    SurveyResponse.submitted_at.is_(None),
                )
                .order_by(SurveyWave.organisation_id, User.full_name)
            )
        ).all()

    async def _load_people(self) -> None:
        """People of the school: unreachable, unpaired (or choosing) mentees, minors waiting
        for a parent."""
        self.people = (
            await self.s.execute(
                select(
                    Membership.organisation_id,
                    Membership.id,
                    Membership.role,
                    Membership.status,
                    User.id,
                    User.full_name,
                    User.reachable,
                    User.telegram_id.is_not(None),
                    and_(
                        User.is_minor.is_(True),
                        exists().where(
                            Consent.subject_user_id == User.id,
                            Consent.organisation_id == Membership.organisation_id,
                            Consent.withdrawn_at.is_(None),
                            Consent.given_by == "self",
                        ),
                        ~exists().where(
                            Consent.subject_user_id == User.id,
                            Consent.organisation_id == Membership.organisation_id,
                            Consent.withdrawn_at.is_(None),
                            Consent.given_by.in_(("guardian", "paper")),
                        ),
                    ),
                    exists().where(
                        Candidate.mentee_membership_id == Membership.id,
                        Candidate.answer.is_(None) | (Candidate.answer == "chosen"),
                    ),
                )
                .join(User, User.id == Membership.user_id)
                .where(
                    Membership.organisation_id.in_(self.ids),
                    Membership.role.in_(("mentor", "mentee")),
                    Membership.status.in_(("registering", "active")),
                    User.anonymised_at.is_(None),
                )
                .order_by(Membership.organisation_id, User.full_name, Membership.id)
            )
        ).all()
