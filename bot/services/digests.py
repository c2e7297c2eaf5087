"""The curator's weekly digest: what needs attention in a school, how each programme goes,
the weeks' activity and a row per pair — computed for many schools at once.

Every figure comes from grouped queries over the whole set of schools (GROUP BY school,
programme or pair): the number of SQL statements is the same for one school with three pairs
and for fifty schools with thousands. The result is plain dataclasses (picklable: the chart
and the workbook are drawn from them in another process).

Names are personal data: a digest goes to the school's curators only. A mentee's ratings are
for the curators as well (never the mentor), so they appear here and nowhere else.
Withdrawn people are anonymised: they count in the figures, never by name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, distinct, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput
from bot.services.meetings import DEFAULT_QUIET_DAYS
from bot.services.outbox import ASKED, Outbox, Queued
from bot.storage.models import (
    Candidate,
    Consent,
    Meeting,
    MeetingAttendance,
    Membership,
    Notification,
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

# What needs attention, in the order the digest lists it.
ATTENTION = (
    "quiet",  # no meeting for the programme's quiet_pair_days
    "low-rating",  # the mean of a mentee's last 3 ratings is 2 or less
    "falling-rating",  # the last 3 ratings' mean fell by 1 or more against the 3 before
    "disputed",  # a mentee said «не было»
    "unconfirmed",  # held more than 3 days ago and a mentee has not confirmed
    "misfit",  # a mentee answered «не подходит»
    "survey-missing",  # the current wave's deadline is within 3 days or past, not submitted
    "unreachable",  # blocked the bot (the outbox marked them)
    "unpaired",  # an active mentee without a proposed or active pair, nothing offered
    "choosing",  # an active mentee without a pair, choosing among offered candidates
    "guardian",  # a minor whose parent has not agreed yet
)
NAMES_SHOWN = 5
LOW_RATING = 2.0
FALL_BY = 1.0
UNCONFIRMED_AFTER = timedelta(days=3)
SURVEY_WARN_BEFORE = timedelta(days=3)
SURVEY_MISSING_SHOWN = timedelta(days=14)  # after the deadline: then it is the results' matter
PROGRAMME_KEPT_AFTER_END = timedelta(days=30)
CHART_WEEKS = 8
OPEN_PAIR = ("proposed", "active")
NO_NAME = "—"
DIGEST_HOURS = range(7, 21)  # the hours a school may choose (local)
KIND = "curator-digest"  # built at send time by bot/jobs/digest_render.py


@dataclass(frozen=True, slots=True)
class Attention:
    key: str  # one of ATTENTION
    count: int
    names: tuple[str, ...]  # the first NAMES_SHOWN (pairs: "mentor — mentees")


@dataclass(frozen=True, slots=True)
class WaveProgress:
    kind: str  # entry | intermediate | exit | pulse
    set: str  # participant | pulse | conditions | swot
    submitted: int
    expected: int
    deadline: date  # the school's local date


@dataclass(frozen=True, slots=True)
class ProgrammeDigest:
    programme_id: int
    name: str
    stage: str
    pairs_active: int
    meetings_week: int  # held this local Monday–Sunday
    meetings_last_week: int
    meetings_total: int
    plan_done: int
    plan_all: int  # items not dropped
    wave: WaveProgress | None  # the latest wave launched


@dataclass(frozen=True, slots=True)
class WeekActivity:
    monday: date
    held: int
    confirmed: int  # held meetings at least one mentee confirmed


@dataclass(frozen=True, slots=True)
class PairRow:
    pair_id: int
    programme: str
    mentor: str
    mentees: tuple[str, ...]
    status: str  # proposed | active | completed | terminated
    since: date | None  # activated (or created), local date
    meetings_held: int
    last_meeting: date | None
    rating: float | None  # the mentees' mean rating, 1 decimal: curators only
    plan_done: int
    plan_all: int
    fit: tuple[str, ...]  # the mentees' answers: fits | unsure | no
    flags: tuple[str, ...]  # attention keys that concern this pair
    mentor_user_id: int | None = None
    label: str = ""  # "mentor — mentees", as in the attention lines


@dataclass(frozen=True, slots=True)
class SchoolDigest:
    organisation_id: int
    name: str
    timezone: str
    today: date  # local
    week: str  # ISO week, e.g. "2026-W48"
    attention: tuple[Attention, ...]  # only the non-empty ones, in ATTENTION order
    programmes: tuple[ProgrammeDigest, ...]
    weeks: tuple[WeekActivity, ...]  # oldest first, the current week last
    pairs: tuple[PairRow, ...]

    @property
    def empty(self) -> bool:
        return not self.programmes


# What a pair's mentees said or did about their mentor: never shown to that mentor, even
# when the mentor is also a curator of the school (DESIGN.md: it goes to the curator only).
ABOUT_THE_MENTOR = ("low-rating", "falling-rating", "disputed", "misfit")


def for_recipient(digest: SchoolDigest, user_id: int) -> SchoolDigest:
    """The digest as this curator may read it: the pairs they mentor themselves lose their
    mentees' ratings, fit answers and disputes, in the attention lines and in the rows."""
    own = {p.pair_id for p in digest.pairs if p.mentor_user_id == user_id}
    if not own:
        return digest
    pairs = tuple(
        replace(
            p,
            rating=None,
            fit=(),
            flags=tuple(f for f in p.flags if f not in ABOUT_THE_MENTOR),
        )
        if p.pair_id in own
        else p
        for p in digest.pairs
    )
    attention: list[Attention] = []
    for item in digest.attention:
        if item.key in ABOUT_THE_MENTOR:
            flagged = [p for p in pairs if item.key in p.flags]
            if flagged:
                names = tuple(p.label for p in flagged[:NAMES_SHOWN])
                attention.append(Attention(item.key, len(flagged), names))
        else:
            attention.append(item)
    return replace(digest, pairs=pairs, attention=tuple(attention))


def subject_of(organisation_id: int) -> str:
    return f"school:{organisation_id}"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def due_moment(timezone: str, weekday: int, hour: int, now: datetime) -> datetime:
    """This local week's digest moment of a school (UTC)."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    day = monday_of(today) + timedelta(days=weekday)
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def end_of_week(timezone: str, now: datetime) -> datetime:
    zone = ZoneInfo(timezone)
    monday = monday_of(now.astimezone(zone).date())
    return datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    organisation_id: int
    name: str
    timezone: str
    weekday: int  # 0 = Monday
    hour: int


@dataclass(frozen=True, slots=True)
class DueSchool:
    organisation_id: int
    week: str  # the school's local ISO week
    expires_at: datetime  # the end of that week


@dataclass
class _Names:
    count: int = 0
    names: list[str] = field(default_factory=list)

    def add(self, name: str | None) -> None:
        self.count += 1
        if name and len(self.names) < NAMES_SHOWN:
            self.names.append(name)


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class DigestService:
    """Computing reads only (a short session, closed before rendering); queueing writes
    outbox rows in the caller's transaction."""

    def __init__(
        self,
        session: AsyncSession,
        outbox: Outbox | None = None,
        access: AccessService | None = None,
        audit: AuditService | None = None,
    ) -> None:
        self.session = session
        self.outbox = outbox
        self.access = access
        self.audit = audit

    async def _school(self, actor: Actor, organisation_id: int, action: str) -> Organisation:
        assert self.access is not None, "DigestService(..., access) checks who asks"
        org = await self.session.get(Organisation, organisation_id)
        school = org.id if org is not None and org.kind == "school" else None
        await self.access.require_curator(
            actor, school, action, object_type="organisation", object_id=organisation_id
        )
        assert org is not None
        return org

    async def schedule(self, actor: Actor, organisation_id: int) -> DigestSchedule:
        org = await self._school(actor, organisation_id, "digest.schedule.view")
        return DigestSchedule(org.id, org.name, org.timezone, org.digest_weekday, org.digest_hour)

    async def set_schedule(
        self, actor: Actor, organisation_id: int, *, weekday: int, hour: int
    ) -> DigestSchedule:
        """A curator (or the admin) moves the school's digest; the values are checked here
        like typed text, whatever button they came from."""
        org = await self._school(actor, organisation_id, "digest.schedule.set")
        if weekday not in range(7) or hour not in DIGEST_HOURS:
            raise InvalidInput("digest-schedule")
        org.digest_weekday = weekday
        org.digest_hour = hour
        await self.session.flush()
        assert self.audit is not None
        await self.audit.record(
            actor.user_id,
            "digest.schedule.set",
            organisation_id=org.id,
            object_type="organisation",
            object_id=org.id,
            weekday=weekday,
            hour=hour,
        )
        return DigestSchedule(org.id, org.name, org.timezone, weekday, hour)

    async def schools_for(self, actor: Actor) -> list[tuple[int, str]]:
        """The schools whose digest the person may ask for: a curator's own, every school
        for an admin (by name)."""
        query = select(Organisation.id, Organisation.name).where(Organisation.kind == "school")
        if not actor.is_admin:
            query = query.where(
                Organisation.id.in_({r.organisation_id for r in actor.active("curator")})
            )
        rows = await self.session.execute(query.order_by(Organisation.name, Organisation.id))
        return [(org_id, name) for org_id, name in rows]

    async def ask(self, actor: Actor, organisation_id: int, now: datetime) -> bool:
        """`/digest`: the school's digest for this person now (a curator of the school or
        an admin; any other id is refused the same way, whether the school exists or not)."""
        org = await self._school(actor, organisation_id, "digest.ask")
        return await self.queue_now(org.id, actor.user_id, now)

    async def queue_weekly(self, now: datetime) -> int:
        """Queue this week's digest for every curator of every school whose moment came.
        Rows already queued this week are looked up first (one statement), so a tick that
        finds nothing new writes nothing; the outbox's unique key guards the rest."""
        due = {d.organisation_id: d for d in await self.due_schools(now)}
        if not due:
            return 0
        curators = (
            await self.session.execute(
                select(Membership.organisation_id, Membership.user_id)
                .join(User, User.id == Membership.user_id)
                .where(
                    Membership.organisation_id.in_(list(due)),
                    Membership.role == "curator",
                    Membership.status == "active",
                    User.telegram_id.is_not(None),
                )
                .distinct()
            )
        ).all()
        if not curators:
            return 0
        queued_before = set(
            (
                await self.session.execute(
                    select(Notification.subject, Notification.recipient_user_id).where(
                        Notification.kind == KIND,
                        Notification.period.in_({d.week for d in due.values()}),
                        Notification.subject.in_([subject_of(org) for org in due]),
                    )
                )
            ).all()
        )
        assert self.outbox is not None, "DigestService(session, outbox) queues digests"
        rows = [
            Queued(
                kind=KIND,
                subject=subject_of(org),
                recipient_user_id=user_id,
                args={"organisation_id": org},
                period=due[org].week,
                organisation_id=org,
                expires_at=due[org].expires_at,
            )
            for org, user_id in curators
            if (subject_of(org), user_id) not in queued_before
        ]
        # One bulk insert for every school whose moment came (the same rows as `_enqueue`).
        return len(await self.outbox.enqueue_many(rows))

    async def queue_now(self, organisation_id: int, user_id: int, now: datetime) -> bool:
        """`/digest`: this week's digest for one person now (access checked by the caller).
        The period carries the minute, so it can be asked for again later."""
        return await self._enqueue(
            organisation_id,
            user_id,
            f"now:{now.strftime('%Y%m%d%H%M')}",
            now + timedelta(hours=1),
            asked=True,
        )

    async def _enqueue(
        self, org: int, user_id: int, period: str, expires_at: datetime, *, asked: bool = False
    ) -> bool:
        assert self.outbox is not None, "DigestService(session, outbox) queues digests"
        args: dict[str, object] = {"organisation_id": org}
        if asked:
            args[ASKED] = True
        return await self.outbox.enqueue(
            kind=KIND,
            subject=subject_of(org),
            recipient_user_id=user_id,
            args=args,
            period=period,
            organisation_id=org,
            expires_at=expires_at,
        )

    async def due_schools(self, now: datetime) -> list[DueSchool]:
        """Schools whose digest moment of this (local) week has come: one statement.

        A school being set up gets no automatic digest: the first comes at the first digest
        moment after a pair of the school started working (`/digest` comes at once anyway)."""
        first_pair = (
            select(func.min(Pair.activated_at))
            .where(Pair.organisation_id == Organisation.id, Pair.activated_at.is_not(None))
            .scalar_subquery()
        )
        rows = await self.session.execute(
            select(
                Organisation.id,
                Organisation.timezone,
                Organisation.digest_weekday,
                Organisation.digest_hour,
                first_pair,
            ).where(Organisation.kind == "school")
        )
        due = []
        for org_id, timezone, weekday, hour, first_active in rows:
            moment = due_moment(timezone, weekday, hour, now)
            if first_active is None or _as_utc(first_active) > moment:
                continue  # no pair yet when this week's moment came: still setting up
            if now >= moment:
                local = now.astimezone(ZoneInfo(timezone)).date()
                due.append(DueSchool(org_id, iso_week(local), end_of_week(timezone, now)))
        return due

    async def schools(self, organisation_ids: Sequence[int], now: datetime) -> list[SchoolDigest]:
        """The digests of these schools (ids that are not schools are left out)."""
        ids = sorted(set(organisation_ids))
        if not ids:
            return []
        return await _Computation(self.session, ids, now).run()


class _Computation:
    def __init__(self, session: AsyncSession, ids: list[int], now: datetime) -> None:
        self.s = session
        self.ids = ids
        self.now = now

    async def run(self) -> list[SchoolDigest]:
        s, ids, now = self.s, self.ids, self.now
        orgs = (
            await s.execute(
                select(Organisation.id, Organisation.name, Organisation.timezone)
                .where(Organisation.id.in_(ids), Organisation.kind == "school")
                .order_by(Organisation.id)
            )
        ).all()
        zones = {org_id: ZoneInfo(tz) for org_id, _n, tz in orgs}
        today = {org_id: now.astimezone(zone).date() for org_id, zone in zones.items()}
        # The widest window any school needs: 8 weeks back from the earliest local Monday.
        earliest = min(today.values(), default=now.date())
        window_start = monday_of(earliest) - timedelta(weeks=CHART_WEEKS - 1)

        programmes = (
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
        programme_name = {p.id: p.name for p in programmes}
        quiet_days = {p.id: p.quiet_pair_days or DEFAULT_QUIET_DAYS for p in programmes}

        mentor_user = aliased(User)
        pairs = (
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
        mentees: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for pair_id, membership_id, name in await s.execute(
            select(PairMentee.pair_id, PairMentee.mentee_membership_id, User.full_name)
            .join(Pair, Pair.id == PairMentee.pair_id)
            .join(Membership, Membership.id == PairMentee.mentee_membership_id)
            .join(User, User.id == Membership.user_id)
            .where(Pair.organisation_id.in_(ids))
            .order_by(PairMentee.pair_id, Membership.id)
        ):
            mentees[pair_id].append((membership_id, name or NO_NAME))

        held = Meeting.status == "held"
        attended = MeetingAttendance.meeting_id == Meeting.id
        # Per pair, one pass over the meetings and their attendance: meetings held, the
        # last one, the mentees' mean rating, disputed and long-unconfirmed attendances.
        stale = now - UNCONFIRMED_AFTER
        logged = func.coalesce(Meeting.logged_at, Meeting.created_at)
        per_pair = {
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

        # Per school, programme and day within the chart's window: held, and confirmed by
        # at least one mentee (rows: programmes × days, however many pairs).
        week_of = {org: monday_of(day) for org, day in today.items()}
        by_day = (
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
                .where(Meeting.organisation_id.in_(ids), held, Meeting.day >= window_start)
                .group_by(Meeting.organisation_id, Pair.programme_id, Meeting.day)
            )
        ).all()

        # Ratings: each mentee's last six in the pair (the last 3 against the 3 before).
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
        recent: dict[tuple[int, int], list[int]] = defaultdict(list)
        for pair_id, mentee, rating, _n in await s.execute(
            select(ranked.c.pair_id, ranked.c.mentee, ranked.c.rating, ranked.c.n)
            .where(ranked.c.n <= 6)
            .order_by(ranked.c.pair_id, ranked.c.mentee, ranked.c.n)
        ):
            recent[(pair_id, mentee)].append(int(rating))

        fits: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for pair_id, mentee, answer in await s.execute(
            select(PairFit.pair_id, PairFit.mentee_membership_id, PairFit.answer)
            .join(Pair, Pair.id == PairFit.pair_id)
            .where(Pair.organisation_id.in_(ids))
        ):
            fits[pair_id].append((mentee, answer))

        not_dropped = PlanItem.status != "dropped"
        plans = {
            pair_id: (int(done or 0), int(total or 0))
            for pair_id, done, total in await s.execute(
                select(
                    PlanItem.pair_id,
                    func.sum(case((PlanItem.status == "done", 1), else_=0)),
                    func.count(PlanItem.id),
                )
                .join(Pair, Pair.id == PlanItem.pair_id)
                .where(Pair.organisation_id.in_(ids), not_dropped)
                .group_by(PlanItem.pair_id)
            )
        }

        # The current (latest) wave of each programme, its completion, who is missing.
        latest = (
            select(func.max(SurveyWave.id))
            .where(SurveyWave.organisation_id.in_(ids))
            .group_by(SurveyWave.programme_id)
        )
        waves = (
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
        missing_rows = (
            await s.execute(
                select(SurveyWave.organisation_id, User.full_name)
                .join(SurveyResponse, SurveyResponse.wave_id == SurveyWave.id)
                .join(User, User.id == SurveyResponse.user_id)
                .where(
                    SurveyWave.id.in_(latest),
                    SurveyWave.deadline <= now + SURVEY_WARN_BEFORE,
                    SurveyWave.deadline >= now - SURVEY_MISSING_SHOWN,
                    SurveyWave.programme_id.in_(list(programme_name)),
                    SurveyResponse.submitted_at.is_(None),
                )
                .order_by(SurveyWave.organisation_id, User.full_name)
            )
        ).all()

        # People of the school: unreachable, unpaired (or choosing) mentees, minors waiting
        # for a parent.
        people = (
            await s.execute(
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
                    Membership.organisation_id.in_(ids),
                    Membership.role.in_(("mentor", "mentee")),
                    Membership.status.in_(("registering", "active")),
                    User.anonymised_at.is_(None),
                )
                .order_by(Membership.organisation_id, User.full_name, Membership.id)
            )
        ).all()

        # ----- put together, per school ------------------------------------------------
        attention: dict[int, dict[str, _Names]] = {
            org: {key: _Names() for key in ATTENTION} for org in zones
        }
        paired_mentees: set[int] = set()
        pair_rows: dict[int, list[PairRow]] = defaultdict(list)
        programme_pairs: dict[int, int] = defaultdict(int)
        programme_plan: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        programme_total: dict[int, int] = defaultdict(int)
        programme_week: dict[int, int] = defaultdict(int)
        programme_last_week: dict[int, int] = defaultdict(int)
        weeks: dict[int, dict[date, list[int]]] = {
            org: {week_of[org] - timedelta(weeks=k): [0, 0] for k in range(CHART_WEEKS - 1, -1, -1)}
            for org in zones
        }
        for org, programme_id, day, n, confirmed in by_day:
            if org not in zones:
                continue
            monday = monday_of(day)
            if monday in weeks[org]:
                weeks[org][monday][0] += int(n)
                weeks[org][monday][1] += int(confirmed or 0)
            if monday == week_of[org]:
                programme_week[programme_id] += int(n)
            elif monday == week_of[org] - timedelta(weeks=1):
                programme_last_week[programme_id] += int(n)

        for pair in pairs:
            org = pair.organisation_id
            if org not in zones or pair.programme_id not in programme_name:
                continue
            zone = zones[org]
            label = f"{pair.full_name or NO_NAME} — " + ", ".join(
                name for _m, name in mentees[pair.id]
            )
            count, last, avg, disputed, unconfirmed = per_pair.get(pair.id, (0, None, None, 0, 0))
            programme_total[pair.programme_id] += count
            done, total = plans.get(pair.id, (0, 0))
            is_open = pair.status in OPEN_PAIR
            if is_open:
                paired_mentees.update(m for m, _n in mentees[pair.id])
            flags: list[str] = []
            if pair.status == "active":
                programme_pairs[pair.programme_id] += 1
                programme_plan[pair.programme_id][0] += done
                programme_plan[pair.programme_id][1] += total
                since_day: date | None = last
                if since_day is None:
                    start = _as_utc(pair.activated_at or pair.created_at)
                    since_day = start.astimezone(zone).date()
                if (today[org] - since_day).days >= quiet_days.get(
                    pair.programme_id, DEFAULT_QUIET_DAYS
                ):
                    flags.append("quiet")
                low = falling = False
                for membership_id, _name in mentees[pair.id]:
                    ratings = recent.get((pair.id, membership_id), [])
                    last3, before = ratings[:3], ratings[3:6]
                    if len(last3) == 3 and sum(last3) / 3 <= LOW_RATING:
                        low = True
                    elif len(before) == 3 and sum(before) / 3 - sum(last3) / 3 >= FALL_BY:
                        falling = True
                if low:
                    flags.append("low-rating")
                if falling:
                    flags.append("falling-rating")
            if is_open and disputed:
                flags.append("disputed")
            if is_open and unconfirmed:
                flags.append("unconfirmed")
            answers = fits.get(pair.id, [])
            if is_open and any(answer == "no" for _m, answer in answers):
                flags.append("misfit")
            for flag in flags:
                attention[org][flag].add(label)
            start_at = pair.activated_at or pair.created_at
            pair_rows[org].append(
                PairRow(
                    pair_id=pair.id,
                    programme=programme_name.get(pair.programme_id, ""),
                    mentor=pair.full_name or NO_NAME,
                    mentees=tuple(name for _m, name in mentees[pair.id]),
                    status=pair.status,
                    since=_as_utc(start_at).astimezone(zone).date() if start_at else None,
                    meetings_held=count,
                    last_meeting=last,
                    rating=round(float(avg), 1) if avg is not None else None,
                    plan_done=done,
                    plan_all=total,
                    fit=tuple(answer for _m, answer in answers),
                    flags=tuple(flags),
                    mentor_user_id=pair.mentor_user_id,
                    label=label,
                )
            )

        wave_of: dict[int, WaveProgress] = {}
        for _id, programme_id, org, kind, set_key, deadline, expected, submitted in waves:
            if org not in zones:
                continue
            wave_of[programme_id] = WaveProgress(
                kind=kind,
                set=set_key,
                submitted=int(submitted),
                expected=int(expected),
                deadline=_as_utc(deadline).astimezone(zones[org]).date(),
            )
        for org, name in missing_rows:
            if org in zones:
                attention[org]["survey-missing"].add(name or NO_NAME)

        seen: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for row in people:
            org, membership_id, role, status, user_id, name, reachable, has_chat = row[:8]
            waiting, choosing = row[8:]
            if org not in zones:
                continue
            # One person with two memberships (two programmes) counts once per school.
            if not reachable and has_chat and (org, user_id) not in seen["unreachable"]:
                seen["unreachable"].add((org, user_id))
                attention[org]["unreachable"].add(name or NO_NAME)
            if waiting and (org, user_id) not in seen["guardian"]:
                seen["guardian"].add((org, user_id))
                attention[org]["guardian"].add(name or NO_NAME)
            if role == "mentee" and status == "active" and membership_id not in paired_mentees:
                # Choosing among offered mentors is a step of pairing, not "without a pair".
                attention[org]["choosing" if choosing else "unpaired"].add(name or NO_NAME)

        result = []
        for org_id, org_name, timezone in orgs:
            org_programmes = tuple(
                ProgrammeDigest(
                    programme_id=p.id,
                    name=p.name,
                    stage=p.stage,
                    pairs_active=programme_pairs[p.id],
                    meetings_week=programme_week[p.id],
                    meetings_last_week=programme_last_week[p.id],
                    meetings_total=programme_total[p.id],
                    plan_done=programme_plan[p.id][0],
                    plan_all=programme_plan[p.id][1],
                    wave=wave_of.get(p.id),
                )
                for p in programmes
                if p.organisation_id == org_id
            )
            result.append(
                SchoolDigest(
                    organisation_id=org_id,
                    name=org_name,
                    timezone=timezone,
                    today=today[org_id],
                    week=iso_week(today[org_id]),
                    attention=tuple(
                        Attention(key, found.count, tuple(found.names))
                        for key, found in attention[org_id].items()
                        if found.count
                    ),
                    programmes=org_programmes,
                    weeks=tuple(
                        WeekActivity(monday, held_n, confirmed_n)
                        for monday, (held_n, confirmed_n) in weeks[org_id].items()
                    ),
                    pairs=tuple(pair_rows[org_id]),
                )
            )
        return result
