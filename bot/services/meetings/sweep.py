"""What the scheduler computes each tick (`MeetingJobs`): reminders before agreed meetings,
«Встреча состоялась?» after them, and the quiet-pair ladder (a nudge to the mentor, then
the curator, then the curator asked to close or re-pair)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.meetings.notices import FixedClock
from bot.services.meetings.rules import (
    DEFAULT_QUIET_DAYS,
    LADDER,
    REMINDER_1H,
    REMINDER_24H,
    REMINDER_GRACE,
    REMINDER_LAST_MOMENT,
    STARTS_AT_ARG,
    Clock,
    reminder_moment,
)
from bot.storage.models import (
    Meeting,
    Membership,
    Organisation,
    Pair,
    PairMentee,
    Programme,
    User,
    utcnow,
)

if TYPE_CHECKING:
    from bot.services.outbox import Queued


@dataclass
class TickResult:
    reminders: int = 0
    held_asks: int = 0
    ladder: int = 0

    def add(self, other: TickResult) -> None:
        self.reminders += other.reminders
        self.held_asks += other.held_asks
        self.ladder += other.ladder


@dataclass(frozen=True, slots=True)
class DueMeeting:
    """An agreed meeting near its time or just past it: a reminder or the held question
    may be due."""

    meeting_id: int
    pair_id: int
    organisation_id: int
    timezone: str
    quiet_start: time
    quiet_end: time
    starts_at: datetime
    duration_min: int | None


@dataclass(frozen=True, slots=True)
class QuietPair:
    """A pair without a held meeting for at least its programme's N days."""

    pair_id: int
    organisation_id: int
    since: date  # the last held meeting, or the day the pair began
    days: int
    quiet_days: int


SweepWork = DueMeeting | QuietPair

_SWEEP_KINDS = (
    "meeting-reminder-24h",
    "meeting-reminder-1h",
    "meeting-held-ask",
    "pair-quiet-nudge",
    "pair-quiet-curator",
    "pair-quiet-close",
)


@dataclass(frozen=True, slots=True)
class _Recipient:
    user_id: int
    name: str | None
    is_minor: bool
    anonymised: bool


class MeetingJobs:
    """Due work for the scheduler: reminders 24 h and 1 h before agreed meetings,
    «Встреча состоялась?» after them, and the quiet-pair ladder. Idempotent: each
    message has its outbox key, so calling it every tick queues each once.

    Set-based: one pass reads what may be due (`due_work`: the agreed meetings near their
    time, the pairs quiet for their programme's N days), then who each message goes to and
    which of them were queued before (`messages`), and queues the rest in bulk inserts
    (`queue`). Seven statements read it all, however many pairs there are (up to
    READ_CHUNK meetings and pairs; more take four statements per READ_CHUNK); the
    scheduler's job writes WRITE_CHUNK messages per short transaction (one INSERT each).
    """

    LOOKAHEAD = timedelta(hours=48)
    ASK_FOR = timedelta(days=14)  # «Встреча состоялась?» is not asked about older ones
    READ_CHUNK = 5000  # meetings and quiet pairs whose people are read in one statement
    WRITE_CHUNK = 1000  # messages queued per write transaction

    def __init__(self, session: AsyncSession, clock: Clock = utcnow) -> None:
        self.session = session
        self.clock = clock

    async def tick(self) -> TickResult:
        """Everything due, queued in the caller's session and transaction."""
        now = self.clock()
        return await self.queue(await self.messages(await self.due_work(now), now), now)

    async def messages(self, work: Sequence[SweepWork], now: datetime) -> list[Queued]:
        """What is due for `work` and was not queued before, READ_CHUNK at a time."""
        rows: list[Queued] = []
        for start in range(0, len(work), self.READ_CHUNK):
            rows += await self.notifications(work[start : start + self.READ_CHUNK], now)
        return rows

    # --- what may be due ------------------------------------------------------------------

    async def due_work(self, now: datetime) -> list[SweepWork]:
        """The agreed meetings between 14 days ago and 48 hours ahead, then the quiet pairs
        (three statements, however many pairs there are)."""
        rows = (
            await self.session.execute(
                select(
                    Meeting.id,
                    Meeting.pair_id,
                    Organisation.id,
                    Organisation.timezone,
                    Organisation.quiet_start,
                    Organisation.quiet_end,
                    Meeting.starts_at,
                    Meeting.duration_min,
                )
                .join(Pair, Pair.id == Meeting.pair_id)
                .join(Organisation, Organisation.id == Meeting.organisation_id)
                .where(
                    # The school's date of the meeting is within a day of the UTC one: the
                    # index on the day finds the few near now among all the meetings.
                    Meeting.day >= (now - self.ASK_FOR).date() - timedelta(days=1),
                    Meeting.day <= (now + self.LOOKAHEAD).date() + timedelta(days=1),
                    Meeting.status == "planned",
                    Meeting.agreed_at.is_not(None),
                    Meeting.starts_at.is_not(None),
                    Meeting.starts_at <= now + self.LOOKAHEAD,
                    Meeting.starts_at >= now - self.ASK_FOR,
                    Pair.status == "active",
                )
                .order_by(Meeting.starts_at, Meeting.id)
            )
        ).all()
        work: list[SweepWork] = [
            DueMeeting(mid, pid, org, tz, start, end, starts_at, duration)
            for mid, pid, org, tz, start, end, starts_at, duration in rows
            if starts_at is not None
        ]
        work.extend(await self._quiet_pairs(now))
        return work

    async def _quiet_pairs(self, now: datetime) -> list[QuietPair]:
        quiet_days = func.coalesce(func.nullif(Programme.quiet_pair_days, 0), DEFAULT_QUIET_DAYS)
        settings = list(await self.session.scalars(select(quiet_days).distinct()))
        if not settings:
            return []
        held = Meeting.status == "held"
        last_held = (
            select(func.max(Meeting.day))
            .where(Meeting.pair_id == Pair.id, held)
            .correlate(Pair)
            .scalar_subquery()
        )
        began = func.coalesce(Pair.activated_at, Pair.created_at)
        # A sieve in UTC days that lets through every pair quiet for N days in its school's
        # own date (time zones are at most a day off UTC); the exact count follows below.
        # A pair with a meeting held after the sieve's day is not quiet: the index on the
        # day finds those among the recent meetings only.
        utc_today = now.astimezone(UTC).date()
        sieve = []
        for n in settings:
            last_by = utc_today + timedelta(days=1 - n)
            began_by = datetime.combine(utc_today + timedelta(days=3 - n), time(0), tzinfo=UTC)
            sieve.append(
                and_(
                    quiet_days == n,
                    Pair.id.not_in(select(Meeting.pair_id).where(held, Meeting.day > last_by)),
                    or_(
                        began < began_by,
                        exists().where(Meeting.pair_id == Pair.id, held).correlate(Pair),
                    ),
                )
            )
        rows = (
            await self.session.execute(
                select(
                    Pair.id,
                    Pair.organisation_id,
                    Organisation.timezone,
                    quiet_days,
                    last_held,
                    began,
                )
                .join(Programme, Programme.id == Pair.programme_id)
                .join(Organisation, Organisation.id == Pair.organisation_id)
                .where(Pair.status == "active", or_(*sieve))
                .order_by(Pair.id)
            )
        ).all()
        quiet = []
        for pair_id, organisation_id, timezone, n, last, start in rows:
            zone = ZoneInfo(timezone)
            today = now.astimezone(zone).date()
            since: date = last if last is not None else start.astimezone(zone).date()
            days = (today - since).days
            if days >= n:
                quiet.append(QuietPair(pair_id, organisation_id, since, days, n))
        return quiet

    # --- who is told what -----------------------------------------------------------------

    async def notifications(self, work: Sequence[SweepWork], now: datetime) -> list[Queued]:
        """The messages due for `work` that were not queued before (four statements)."""
        from bot.services.outbox import Queued, queued_keys

        pair_ids = sorted({w.pair_id for w in work})
        people = await self._people(pair_ids)
        subjects = [
            f"meeting:{w.meeting_id}" if isinstance(w, DueMeeting) else f"pair:{w.pair_id}"
            for w in work
        ]
        before = await queued_keys(self.session, _SWEEP_KINDS, subjects)
        curators = await self._curators(
            {w.organisation_id for w in work if isinstance(w, QuietPair)}
        )
        rows: list[Queued] = []

        def tell(
            kind: str,
            subject: str,
            recipients: Iterable[_Recipient],
            organisation_id: int,
            args: dict[str, Any],
            period: str,
            expires_at: datetime | None = None,
        ) -> None:
            for person in recipients:
                if person.anonymised:
                    continue
                row = Queued(
                    kind=kind,
                    subject=subject,
                    recipient_user_id=person.user_id,
                    args={**args, "young": "yes" if person.is_minor else "no"},
                    period=period,
                    organisation_id=organisation_id,
                    expires_at=expires_at,
                )
                if row.key not in before:
                    rows.append(row)

        for item in work:
            pair_people = people.get(item.pair_id, [])
            if isinstance(item, DueMeeting):
                self._meeting_notices(item, pair_people, now, tell)
            else:
                self._ladder_notices(item, pair_people, curators, tell)
        return rows

    def _meeting_notices(
        self, item: DueMeeting, people: list[_Recipient], now: datetime, tell: Any
    ) -> None:
        starts_at = item.starts_at
        local = starts_at.astimezone(ZoneInfo(item.timezone))
        args = {"when": local.strftime("%d.%m %H:%M"), "time": local.strftime("%H:%M")}
        period = starts_at.isoformat(timespec="minutes")
        subject = f"meeting:{item.meeting_id}"
        if starts_at > now:
            # The text says the time really left when it is sent (bot/jobs/render.py).
            reminder_args = {**args, STARTS_AT_ARG: starts_at.isoformat()}
            for kind, before in (
                ("meeting-reminder-24h", REMINDER_24H),
                ("meeting-reminder-1h", REMINDER_1H),
            ):
                at = reminder_moment(
                    starts_at, before, item.timezone, item.quiet_start, item.quiet_end
                )
                if at is None or at > now or now - at > REMINDER_GRACE:
                    continue  # not yet, or its moment passed (agreed later, or a long stop)
                if kind == "meeting-reminder-24h" and starts_at - now <= REMINDER_1H:
                    continue  # too late for «tomorrow»: the 1-hour one says it
                expires = starts_at - REMINDER_LAST_MOMENT[kind]
                tell(kind, subject, people, item.organisation_id, reminder_args, period, expires)
            return
        ends = starts_at + timedelta(minutes=item.duration_min or 0)
        if ends <= now and people:
            button = {"label": "notice-btn-meeting-held", "open": "meeting-held"}
            tell(
                "meeting-held-ask",
                subject,
                people[:1],  # the mentor
                item.organisation_id,
                {**args, "_buttons": [[{**button, "id": item.meeting_id}]]},
                period,
            )

    def _ladder_notices(
        self,
        item: QuietPair,
        people: list[_Recipient],
        curators: dict[int, list[_Recipient]],
        tell: Any,
    ) -> None:
        if not people:
            return
        mentor, mentees = people[0], people[1:]
        args: dict[str, Any] = {
            "days": item.days,
            "mentor": mentor.name or "—",
            "mentees": ", ".join(m.name or "—" for m in mentees),
        }
        subject = f"pair:{item.pair_id}"
        period = item.since.isoformat()
        for step, extra in LADDER:
            if item.days < item.quiet_days + extra:
                continue
            if step == "nudge":
                tell("pair-quiet-nudge", subject, [mentor], item.organisation_id, args, period)
                continue
            buttons: dict[str, Any] = {}
            if step == "close":  # close or re-pair: one tap to the pair's card
                buttons["_buttons"] = [
                    [
                        {
                            "label": "notice-btn-pair-curator",
                            "open": "pair-curator",
                            "id": item.pair_id,
                        }
                    ]
                ]
            tell(
                f"pair-quiet-{step}",
                subject,
                curators.get(item.organisation_id, []),
                item.organisation_id,
                {**args, **buttons},
                period,
            )

    async def _people(self, pair_ids: Sequence[int]) -> dict[int, list[_Recipient]]:
        """Each pair's mentor first, then its mentees (two statements for all pairs)."""
        if not pair_ids:
            return {}
        mentors = await self.session.execute(
            select(Pair.id, User.id, User.full_name, User.is_minor, User.anonymised_at)
            .join(Membership, Membership.id == Pair.mentor_membership_id)
            .join(User, User.id == Membership.user_id)
            .where(Pair.id.in_(pair_ids))
        )
        people: dict[int, list[_Recipient]] = {}
        for pair_id, user_id, name, minor, anonymised in mentors:
            people[pair_id] = [_Recipient(user_id, name, bool(minor), anonymised is not None)]
        mentees = await self.session.execute(
            select(PairMentee.pair_id, User.id, User.full_name, User.is_minor, User.anonymised_at)
            .join(Membership, Membership.id == PairMentee.mentee_membership_id)
            .join(User, User.id == Membership.user_id)
            .where(PairMentee.pair_id.in_(pair_ids))
            .order_by(PairMentee.pair_id, Membership.id)
        )
        for pair_id, user_id, name, minor, anonymised in mentees:
            if pair_id in people:
                people[pair_id].append(
                    _Recipient(user_id, name, bool(minor), anonymised is not None)
                )
        return people

    async def _curators(self, organisation_ids: set[int]) -> dict[int, list[_Recipient]]:
        """The schools' curators who can be messaged (`curators_of`, for many schools)."""
        if not organisation_ids:
            return {}
        rows = await self.session.execute(
            select(
                Membership.organisation_id,
                User.id,
                User.full_name,
                User.is_minor,
                User.anonymised_at,
            )
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id.in_(sorted(organisation_ids)),
                Membership.role == "curator",
                Membership.status == "active",
                User.telegram_id.is_not(None),
            )
            .distinct()
            .order_by(Membership.organisation_id, User.id)
        )
        found: dict[int, list[_Recipient]] = {}
        for organisation_id, user_id, name, minor, anonymised in rows:
            found.setdefault(organisation_id, []).append(
                _Recipient(user_id, name, bool(minor), anonymised is not None)
            )
        return found

    # --- queueing -------------------------------------------------------------------------

    async def queue(self, rows: Sequence[Queued], now: datetime) -> TickResult:
        """Queue the rows (one bulk insert per thousand); counts what was new."""
        from bot.services.outbox import Outbox

        result = TickResult()
        if not rows:
            return result
        fixed = now
        for row in await Outbox(self.session, FixedClock(lambda: fixed)).enqueue_many(rows):
            if row.kind == "meeting-held-ask":
                result.held_asks += 1
            elif row.kind.startswith("meeting-reminder"):
                result.reminders += 1
            else:
                result.ladder += 1
        return result
