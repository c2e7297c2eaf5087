"""Meetings: logged by a pair's mentor (or the school's curator, from a paper diary),
planned by either side and agreed by the other, confirmed and rated by each mentee.

Every call is checked here from the ids the client sent: a pair's mentor and mentees see
its meetings, the school's curators see and fix everything; nobody else learns whether a
pair or meeting exists (the same refusal and audit row as another school's). A mentor
edits or deletes their own log for 48 hours, after that only the curator can.

What the bot says to others (a mentee asked to confirm, the curator told of a dispute, a
proposal to the other side) is queued through the outbox in the acting update's
transaction; reminders and the quiet-pair ladder are computed by `MeetingJobs.tick`, which
the scheduler calls. Time comes from an injectable clock. No aiogram here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.errors import AccessDenied, DomainError, InvalidInput, NotFound
from bot.services.numbers import calendar_day, clock_time, whole_number
from bot.services.registration import clean_text

if TYPE_CHECKING:
    from bot.services.outbox import Queued
from bot.storage.models import (
    Meeting,
    MeetingAttendance,
    Membership,
    Notification,
    Organisation,
    Pair,
    PairFit,
    PairMentee,
    Programme,
    User,
    utcnow,
)

# The methodology's order (Р-145): the kind suggested next follows the pair's history.
KINDS = ("organisational", "trial", "planning", "regular", "final")
FORMATS = ("offline", "online")
DURATIONS = (30, 45, 60, 90)
DURATION_MAX = 600
DEFAULT_DURATION = 45
TOPIC_MAX = 200
OUTCOME_MAX = 1000
COMMENT_MAX = 1000
EDIT_WINDOW = timedelta(hours=48)
LOG_DAYS_BACK = 366
PLAN_DAYS_AHEAD = 120
# No meeting with a minor is planned between these hours (local time).
# A notification's argument with a meeting's start (ISO): the renderer adds `left`, the time
# really left when the message goes out.
STARTS_AT_ARG = "starts_at"
MINOR_NIGHT_START = time(21, 0)
MINOR_NIGHT_END = time(7, 0)
FIT_ANSWERS = ("fits", "unsure", "no")
DEFAULT_QUIET_DAYS = 14
QUIET_CHOICES = (7, 10, 14, 21, 30)
# The quiet-pair ladder: days after the programme's N (14 → 14, 21, 30).
LADDER = (("nudge", 0), ("curator", 7), ("close", 16))
REMINDER_24H = timedelta(hours=24)
REMINDER_1H = timedelta(hours=1)
# A reminder whose moment passed longer ago than this is not queued (a meeting agreed less
# than a day ahead gets no «tomorrow» seconds later), and one not sent by the last moment it
# helps expires: the day-before one when the hour-before one is due, that one shortly before.
REMINDER_GRACE = timedelta(minutes=15)
REMINDER_LAST_MOMENT = {
    "meeting-reminder-24h": REMINDER_1H,
    "meeting-reminder-1h": timedelta(minutes=10),
}
# A 24-hour reminder that would fall in the night goes this long before the night starts.
EVENING_MARGIN = timedelta(minutes=30)

Clock = Callable[[], datetime]


def clean_duration(text: str) -> int:
    """A typed duration in minutes: «50», «50 мин», «1:30» (hours:minutes)."""
    value = text.strip().lower().rstrip(".")
    for suffix in ("минут", "мин", "min", "m"):
        if value.endswith(suffix):
            value = value[: -len(suffix)].strip()
            break
    code, limit = "meeting-duration", DURATION_MAX
    if ":" in value:
        hours, minutes = value.split(":", 1)
        length = clock_time(hours, minutes, code, limit=limit)
        total = length.hour * 60 + length.minute
    else:
        total = whole_number(value, code, low=0, high=DURATION_MAX, limit=limit)
    if not 5 <= total <= DURATION_MAX:
        raise InvalidInput(code, limit=limit)
    return total


def clean_day(text: str, today: date) -> date:
    """A typed date: «23.11», «23.11.2026», «2026-11-23»."""
    value = text.strip().rstrip(".")
    parts = value.split("-") if "-" in value else value.replace("/", ".").split(".")
    if "-" in value and len(parts) == 3:
        return calendar_day(parts[2], parts[1], parts[0], "meeting-date")
    if "-" not in value and len(parts) == 2:
        return calendar_day(parts[0], parts[1], today.year, "meeting-date")
    if "-" not in value and len(parts) == 3:
        return calendar_day(parts[0], parts[1], parts[2], "meeting-date")
    raise InvalidInput("meeting-date")


def clean_clock(text: str) -> time:
    """A typed time of day: «15:30», «15.30», «15»."""
    value = text.strip().replace(".", ":").replace("-", ":")
    hours, _, minutes = value.partition(":")
    return clock_time(hours, minutes if ":" in value else "0", "meeting-time")


def clean_topic(text: str) -> str:
    return clean_text(text, TOPIC_MAX)


def clean_outcome(text: str) -> str:
    return clean_text(text, OUTCOME_MAX)


def clean_comment(text: str) -> str:
    return clean_text(text, COMMENT_MAX)


def suggest_kind(held: Sequence[str]) -> str:
    """The next kind in the methodology's order: the first of организационная, пробная,
    планирование not held yet, then регулярная."""
    done = set(held)
    for kind in KINDS[:3]:
        if kind not in done:
            return kind
    return "regular"


@dataclass(frozen=True, slots=True)
class Person_:
    membership_id: int
    user_id: int
    name: str
    is_minor: bool


@dataclass(frozen=True, slots=True)
class PairContext:
    """A pair as the meeting rules need it, and who is asking."""

    pair_id: int
    organisation_id: int
    programme_id: int
    timezone: str
    quiet_start: time
    quiet_end: time
    quiet_days: int
    status: str
    mentor: Person_
    mentees: tuple[Person_, ...]
    side: str  # mentor | mentee | curator

    @property
    def is_group(self) -> bool:
        return len(self.mentees) > 1

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def mentee_of(self, user_id: int) -> Person_ | None:
        return next((m for m in self.mentees if m.user_id == user_id), None)

    def label(self) -> str:
        return ", ".join(m.name for m in self.mentees)


@dataclass(frozen=True, slots=True)
class PairChoice:
    pair_id: int
    mentor_name: str
    mentee_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Usual:
    """What the one-tap button repeats: the suggested kind with the pair's last duration
    and format."""

    kind: str
    duration_min: int
    format: str


@dataclass(frozen=True, slots=True)
class AttendanceView:
    membership_id: int
    name: str
    present: bool
    confirmed: bool | None
    disputed: bool
    rating: int | None  # only for the curator
    comment: str | None  # the curator; the mentor only when shared


@dataclass(frozen=True, slots=True)
class MeetingView:
    id: int
    pair_id: int
    kind: str
    status: str
    day: date
    starts_local: datetime | None
    duration_min: int | None
    format: str
    topic: str | None
    outcome: str | None
    agreed: bool
    proposed_by_me: bool
    attendance: tuple[AttendanceView, ...]
    can_edit: bool
    # The mentor's record is the curator's now: a mentee answered (confirmed or disputed).
    curator_only: bool = False

    @property
    def confirmation(self) -> str:
        """all | disputed | waiting | none: the mentees' answers in one word."""
        present = [a for a in self.attendance if a.present]
        if not present:
            return "none"
        if any(a.disputed for a in present):
            return "disputed"
        if all(a.confirmed for a in present):
            return "all"
        return "waiting"


@dataclass(frozen=True, slots=True)
class Pending:
    """A held meeting a mentee has not answered yet."""

    meeting_id: int
    pair_id: int
    kind: str
    day: date
    mentor_name: str


def _young(user: User | None) -> str:
    return "yes" if user is not None and user.is_minor else "no"


class MeetingService:
    def __init__(
        self,
        session: AsyncSession,
        access: AccessService,
        audit: AuditService,
        clock: Clock = utcnow,
    ) -> None:
        self.session = session
        self.access = access
        self.audit = audit
        self.clock = clock

    # --- access ---------------------------------------------------------------------------

    async def _context(self, pair: Pair, actor: Actor | None) -> PairContext:
        org = await self.session.get(Organisation, pair.organisation_id)
        programme = await self.session.get(Programme, pair.programme_id)
        assert org is not None and programme is not None
        mentor_row = (
            await self.session.execute(
                select(Membership.id, User)
                .join(User, User.id == Membership.user_id)
                .where(Membership.id == pair.mentor_membership_id)
            )
        ).one()
        mentee_rows = (
            await self.session.execute(
                select(Membership.id, User)
                .join(PairMentee, PairMentee.mentee_membership_id == Membership.id)
                .join(User, User.id == Membership.user_id)
                .where(PairMentee.pair_id == pair.id)
                .order_by(Membership.id)
            )
        ).all()
        return self._assemble(pair, org, programme, mentor_row, list(mentee_rows), actor)

    async def _contexts(self, pairs: Sequence[Pair], actor: Actor | None) -> dict[int, PairContext]:
        """`_context` for many pairs at once: four queries however many pairs."""
        if not pairs:
            return {}
        orgs = {
            o.id: o
            for o in await self.session.scalars(
                select(Organisation).where(Organisation.id.in_({p.organisation_id for p in pairs}))
            )
        }
        programmes = {
            p.id: p
            for p in await self.session.scalars(
                select(Programme).where(Programme.id.in_({p.programme_id for p in pairs}))
            )
        }
        mentors = {
            membership_id: (membership_id, user)
            for membership_id, user in await self.session.execute(
                select(Membership.id, User)
                .join(User, User.id == Membership.user_id)
                .where(Membership.id.in_({p.mentor_membership_id for p in pairs}))
            )
        }
        mentees: dict[int, list[tuple[int, User]]] = {}
        for pair_id, membership_id, user in await self.session.execute(
            select(PairMentee.pair_id, Membership.id, User)
            .join(Membership, Membership.id == PairMentee.mentee_membership_id)
            .join(User, User.id == Membership.user_id)
            .where(PairMentee.pair_id.in_({p.id for p in pairs}))
            .order_by(Membership.id)
        ):
            mentees.setdefault(pair_id, []).append((membership_id, user))
        return {
            pair.id: self._assemble(
                pair,
                orgs[pair.organisation_id],
                programmes[pair.programme_id],
                mentors[pair.mentor_membership_id],
                mentees.get(pair.id, []),
                actor,
            )
            for pair in pairs
        }

    @staticmethod
    def _assemble(
        pair: Pair,
        org: Organisation,
        programme: Programme,
        mentor_row: Any,
        mentee_rows: Sequence[Any],
        actor: Actor | None,
    ) -> PairContext:
        def person(membership_id: int, user: User) -> Person_:
            return Person_(membership_id, user.id, user.full_name or "—", bool(user.is_minor))

        mentor = person(*mentor_row)
        mentees = tuple(person(*row) for row in mentee_rows)
        side = "curator"
        if actor is not None:
            if mentor.user_id == actor.user_id:
                side = "mentor"
            elif any(m.user_id == actor.user_id for m in mentees):
                side = "mentee"
        return PairContext(
            pair_id=pair.id,
            organisation_id=pair.organisation_id,
            programme_id=pair.programme_id,
            timezone=org.timezone,
            quiet_start=org.quiet_start,
            quiet_end=org.quiet_end,
            quiet_days=programme.quiet_pair_days or DEFAULT_QUIET_DAYS,
            status=pair.status,
            mentor=mentor,
            mentees=mentees,
            side=side,
        )

    async def pair_context(
        self, actor: Actor, pair_id: int, action: str, *, sides: Iterable[str] = ("mentor",)
    ) -> PairContext:
        """The pair if `actor` is one of `sides` of it or the school's curator; otherwise
        the same refusal whether the pair is missing or someone else's."""
        pair = await self.session.get(Pair, pair_id)
        if pair is not None:
            ctx = await self._context(pair, actor)
            if ctx.side in sides:
                return ctx
            if actor.is_curator_of(pair.organisation_id):
                return ctx if ctx.side == "curator" else _as_curator(ctx)
        await self.access.require_curator(
            actor,
            pair.organisation_id if pair is not None else None,
            action,
            object_type="pair",
            object_id=pair_id,
        )
        raise NotFound()  # pragma: no cover - require_curator raised

    async def _meeting(
        self, actor: Actor, meeting_id: int, action: str, *, sides: Iterable[str]
    ) -> tuple[Meeting, PairContext]:
        meeting = await self.session.get(Meeting, meeting_id)
        if meeting is None:
            await self.access.require_curator(
                actor, None, action, object_type="meeting", object_id=meeting_id
            )
            raise NotFound()  # pragma: no cover
        ctx = await self.pair_context(actor, meeting.pair_id, action, sides=sides)
        return meeting, ctx

    # --- the programme's setting ----------------------------------------------------------

    async def _programme(self, actor: Actor, programme_id: int, action: str) -> Programme:
        programme = await self.session.get(Programme, programme_id)
        await self.access.require_curator(
            actor,
            programme.organisation_id if programme is not None else None,
            action,
            object_type="programme",
            object_id=programme_id,
        )
        assert programme is not None
        return programme

    async def quiet_days(self, actor: Actor, programme_id: int) -> int:
        programme = await self._programme(actor, programme_id, "programme.quiet_days")
        return programme.quiet_pair_days or DEFAULT_QUIET_DAYS

    async def next_quiet_days(self, actor: Actor, programme_id: int) -> int:
        """The curator steps the programme's quiet-pair days through QUIET_CHOICES."""
        programme = await self._programme(actor, programme_id, "programme.quiet_days")
        current = programme.quiet_pair_days or DEFAULT_QUIET_DAYS
        later = [d for d in QUIET_CHOICES if d > current]
        programme.quiet_pair_days = later[0] if later else QUIET_CHOICES[0]
        await self.audit.record(
            actor.user_id,
            "programme.quiet_days",
            organisation_id=programme.organisation_id,
            object_type="programme",
            object_id=programme.id,
            days=programme.quiet_pair_days,
        )
        return programme.quiet_pair_days

    # --- choosing a pair ------------------------------------------------------------------

    async def pairs_for(self, actor: Actor, side: str = "mentor") -> list[PairChoice]:
        """Active pairs where the person is the mentor (or a mentee); for a curator, the
        active pairs of their schools."""
        if side == "curator":
            schools = {r.organisation_id for r in actor.active("curator")}
            query = select(Pair).where(Pair.organisation_id.in_(schools))
        else:
            role = "mentor" if side == "mentor" else "mentee"
            memberships = [r.membership_id for r in actor.active(role)]
            if side == "mentor":
                query = select(Pair).where(Pair.mentor_membership_id.in_(memberships))
            else:
                query = (
                    select(Pair)
                    .join(PairMentee, PairMentee.pair_id == Pair.id)
                    .where(PairMentee.mentee_membership_id.in_(memberships))
                )
        pairs = (
            select(Pair.id, User.full_name)
            .join(Membership, Membership.id == Pair.mentor_membership_id)
            .join(User, User.id == Membership.user_id)
            .where(Pair.id.in_(query.where(Pair.status == "active").with_only_columns(Pair.id)))
            .order_by(Pair.id)
        )
        mentors = (await self.session.execute(pairs)).all()
        # The names in two statements, however many pairs the list holds.
        mentees: dict[int, list[str]] = {}
        rows = await self.session.execute(
            select(PairMentee.pair_id, User.full_name)
            .join(Membership, Membership.id == PairMentee.mentee_membership_id)
            .join(User, User.id == Membership.user_id)
            .where(PairMentee.pair_id.in_([pair_id for pair_id, _ in mentors]))
            .order_by(PairMentee.pair_id, Membership.id)
        )
        for pair_id, name in rows:
            mentees.setdefault(pair_id, []).append(name or "—")
        return [
            PairChoice(pair_id, name or "—", tuple(mentees.get(pair_id, ())))
            for pair_id, name in mentors
        ]

    # --- logging --------------------------------------------------------------------------

    def today(self, ctx: PairContext) -> date:
        return self.clock().astimezone(ctx.zone).date()

    async def usual(self, ctx: PairContext) -> Usual:
        held = list(
            await self.session.scalars(
                select(Meeting)
                .where(Meeting.pair_id == ctx.pair_id, Meeting.status == "held")
                .order_by(Meeting.day.desc(), Meeting.id.desc())
            )
        )
        kind = suggest_kind([m.kind for m in held])
        if not held:
            return Usual(kind, DEFAULT_DURATION, "offline")
        last = held[0]
        return Usual(kind, last.duration_min or DEFAULT_DURATION, last.format)

    def check_day(self, ctx: PairContext, day: date) -> date:
        today = self.today(ctx)
        if day > today:
            raise InvalidInput("meeting-date-future")
        if day < today - timedelta(days=LOG_DAYS_BACK):
            raise InvalidInput("meeting-date-old")
        return day

    def _check_fields(self, kind: str, duration: int, fmt: str) -> None:
        if kind not in KINDS or fmt not in FORMATS or not 5 <= duration <= DURATION_MAX:
            raise InvalidInput("meeting-fields")

    async def log(
        self,
        actor: Actor,
        pair_id: int,
        *,
        day: date,
        kind: str,
        duration_min: int,
        format: str,
        topic: str | None = None,
        outcome: str | None = None,
        present: Iterable[int] | None = None,
    ) -> MeetingView:
        """Record a held meeting; each mentee who was there is asked to confirm it."""
        ctx = await self.pair_context(actor, pair_id, "meeting.log")
        if ctx.status != "active":
            raise DomainError("meeting-pair-inactive")
        self.check_day(ctx, day)
        self._check_fields(kind, duration_min, format)
        chosen = self._present(ctx, present)
        now = self.clock()
        meeting = Meeting(
            organisation_id=ctx.organisation_id,
            pair_id=ctx.pair_id,
            kind=kind,
            status="held",
            day=day,
            duration_min=duration_min,
            format=format,
            topic=clean_topic(topic) if topic else None,
            outcome=clean_outcome(outcome) if outcome else None,
            logged_by_user_id=actor.user_id,
            logged_at=now,
            created_at=now,
            updated_at=now,
        )
        self.session.add(meeting)
        await self.session.flush()
        await self._attendance(meeting, ctx, chosen)
        await self.audit.record(
            actor.user_id,
            "meeting.log",
            organisation_id=ctx.organisation_id,
            object_type="meeting",
            object_id=meeting.id,
            pair_id=ctx.pair_id,
            by=ctx.side,
        )
        return await self.view(actor, meeting.id)

    def _present(self, ctx: PairContext, present: Iterable[int] | None) -> set[int]:
        everyone = {m.membership_id for m in ctx.mentees}
        if present is None:
            return everyone
        chosen = set(present)
        if not chosen or not chosen <= everyone:
            raise InvalidInput("meeting-attendance")
        return chosen

    async def _attendance(self, meeting: Meeting, ctx: PairContext, present: set[int]) -> None:
        for mentee in ctx.mentees:
            here = mentee.membership_id in present
            self.session.add(
                MeetingAttendance(
                    meeting_id=meeting.id,
                    mentee_membership_id=mentee.membership_id,
                    present=here,
                )
            )
        await self.session.flush()
        notices = MeetingNotices(self.session, self.clock)
        for mentee in ctx.mentees:
            if mentee.membership_id in present:
                await notices.tell(
                    "meeting-confirm",
                    subject=f"meeting:{meeting.id}",
                    user_ids=[mentee.user_id],
                    organisation_id=ctx.organisation_id,
                    args={
                        "day": meeting.day.strftime("%d.%m"),
                        "kind": meeting.kind,
                        "_buttons": [
                            [
                                {
                                    "label": "notice-btn-meeting-ask",
                                    "open": "meeting-ask",
                                    "id": meeting.id,
                                }
                            ]
                        ],
                    },
                )

    async def _editable(
        self, actor: Actor, meeting_id: int, action: str
    ) -> tuple[Meeting, PairContext, list[MeetingAttendance]]:
        """The meeting for its curator, or for the mentor who logged it: within 48 hours and
        only until a mentee answered — a confirmed (and rated) or disputed record is the
        curator's evidence, theirs alone to change."""
        meeting, ctx = await self._meeting(actor, meeting_id, action, sides=("mentor",))
        rows = (await self._rows([meeting.id]))[meeting.id]
        if ctx.side == "curator" or actor.is_curator_of(ctx.organisation_id):
            return meeting, ctx, rows
        if meeting.status != "held" or not self._within_window(meeting, actor):
            await self.access.deny(
                actor, action, object_type="meeting", object_id=meeting_id, reason="window"
            )
            raise DomainError("meeting-locked")
        if _answered(rows):
            await self.access.deny(
                actor, action, object_type="meeting", object_id=meeting_id, reason="answered"
            )
            raise DomainError("meeting-curator-only")
        return meeting, ctx, rows

    def _within_window(self, meeting: Meeting, actor: Actor) -> bool:
        return (
            meeting.logged_by_user_id == actor.user_id
            and meeting.logged_at is not None
            and self.clock() - meeting.logged_at <= EDIT_WINDOW
        )

    async def edit(
        self,
        actor: Actor,
        meeting_id: int,
        *,
        day: date,
        kind: str,
        duration_min: int,
        format: str,
        topic: str | None,
        outcome: str | None,
        present: Iterable[int] | None = None,
    ) -> MeetingView:
        meeting, ctx, rows = await self._editable(actor, meeting_id, "meeting.edit")
        self.check_day(ctx, day)
        self._check_fields(kind, duration_min, format)
        chosen = self._present(ctx, present)
        before = {
            "day": meeting.day.isoformat(),
            "kind": meeting.kind,
            "duration_min": meeting.duration_min,
            "format": meeting.format,
            "present": sorted(r.mentee_membership_id for r in rows if r.present),
            "topic": meeting.topic,
            "outcome": meeting.outcome,
        }
        meeting.day = day
        meeting.kind = kind
        meeting.duration_min = duration_min
        meeting.format = format
        meeting.topic = clean_topic(topic) if topic else None
        meeting.outcome = clean_outcome(outcome) if outcome else None
        meeting.updated_at = self.clock()
        for row in rows:
            row.present = row.mentee_membership_id in chosen
        after = {
            "day": meeting.day.isoformat(),
            "kind": meeting.kind,
            "duration_min": meeting.duration_min,
            "format": meeting.format,
            "present": sorted(chosen & {r.mentee_membership_id for r in rows}),
            "topic": meeting.topic,
            "outcome": meeting.outcome,
        }
        changed = [key for key in before if before[key] != after[key]]
        # What was (the free text only by name: it is the pair's, and a withdrawal takes it).
        was = {key: before[key] for key in changed if key not in ("topic", "outcome")}
        await self.audit.record(
            actor.user_id,
            "meeting.edit",
            organisation_id=ctx.organisation_id,
            object_type="meeting",
            object_id=meeting.id,
            changed=changed,
            was=was,
            answered=_answered(rows),
        )
        await self.session.flush()
        return await self.view(actor, meeting.id)

    async def delete(self, actor: Actor, meeting_id: int) -> None:
        meeting, ctx, rows = await self._editable(actor, meeting_id, "meeting.delete")
        answers = {
            "confirmed": sum(1 for r in rows if r.confirmed),
            "disputed": sum(1 for r in rows if r.disputed),
            "rated": sum(1 for r in rows if r.rating is not None),
        }
        await self.session.execute(
            delete(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
        )
        await self.session.delete(meeting)
        await self.audit.record(
            actor.user_id,
            "meeting.delete",
            organisation_id=ctx.organisation_id,
            object_type="meeting",
            object_id=meeting_id,
            pair_id=ctx.pair_id,
            day=meeting.day.isoformat(),
            kind=meeting.kind,
            answered=_answered(rows),
            answers=answers,
        )
        await self.session.flush()

    # --- reading --------------------------------------------------------------------------

    def _view(
        self, meeting: Meeting, ctx: PairContext, actor: Actor, rows: Sequence[MeetingAttendance]
    ) -> MeetingView:
        names = {m.membership_id: m for m in ctx.mentees}
        curator = ctx.side == "curator"
        me = ctx.mentee_of(actor.user_id)
        attendance = []
        for row in rows:
            person = names.get(row.mentee_membership_id)
            own = me is not None and me.membership_id == row.mentee_membership_id
            if ctx.side == "mentee" and not own:
                continue  # a mentee of a group sees only their own answer
            shared = row.comment_shared and ctx.side == "mentor"
            attendance.append(
                AttendanceView(
                    membership_id=row.mentee_membership_id,
                    name=person.name if person else "—",
                    present=row.present,
                    # The mentee told the curator, not the mentor: the mentor sees no answer yet.
                    disputed=row.disputed and ctx.side != "mentor",
                    confirmed=None if row.disputed and ctx.side == "mentor" else row.confirmed,
                    rating=row.rating if curator or own else None,
                    comment=row.comment if curator or own or shared else None,
                )
            )
        starts_local = meeting.starts_at.astimezone(ctx.zone) if meeting.starts_at else None
        by_curator = curator or actor.is_curator_of(ctx.organisation_id)
        mentors_own = ctx.side == "mentor" and self._within_window(meeting, actor)
        curator_only = mentors_own and not by_curator and _answered(rows) is not None
        can_edit = meeting.status == "held" and (by_curator or (mentors_own and not curator_only))
        return MeetingView(
            id=meeting.id,
            pair_id=meeting.pair_id,
            kind=meeting.kind,
            status=meeting.status,
            day=meeting.day,
            starts_local=starts_local,
            duration_min=meeting.duration_min,
            format=meeting.format,
            topic=meeting.topic,
            outcome=meeting.outcome,
            agreed=meeting.agreed_at is not None,
            proposed_by_me=meeting.proposed_by_user_id == actor.user_id,
            attendance=tuple(attendance),
            can_edit=can_edit,
            curator_only=meeting.status == "held" and curator_only,
        )

    async def _rows(self, meeting_ids: Sequence[int]) -> dict[int, list[MeetingAttendance]]:
        rows: dict[int, list[MeetingAttendance]] = {i: [] for i in meeting_ids}
        if meeting_ids:
            for row in await self.session.scalars(
                select(MeetingAttendance)
                .where(MeetingAttendance.meeting_id.in_(meeting_ids))
                .order_by(MeetingAttendance.mentee_membership_id)
            ):
                rows[row.meeting_id].append(row)
        return rows

    async def view(self, actor: Actor, meeting_id: int) -> MeetingView:
        meeting, ctx = await self._meeting(
            actor, meeting_id, "meeting.view", sides=("mentor", "mentee")
        )
        rows = await self._rows([meeting.id])
        return self._view(meeting, ctx, actor, rows[meeting.id])

    async def history(self, actor: Actor, pair_id: int) -> list[MeetingView]:
        """Held and cancelled meetings of the pair, newest first."""
        ctx = await self.pair_context(actor, pair_id, "meeting.history", sides=("mentor", "mentee"))
        meetings = list(
            await self.session.scalars(
                select(Meeting)
                .where(Meeting.pair_id == pair_id, Meeting.status != "planned")
                .order_by(Meeting.day.desc(), Meeting.id.desc())
            )
        )
        rows = await self._rows([m.id for m in meetings])
        return [self._view(m, ctx, actor, rows[m.id]) for m in meetings]

    # --- planning -------------------------------------------------------------------------

    def local_moment(self, ctx: PairContext, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=ctx.zone).astimezone(UTC)

    async def planned(self, actor: Actor, pair_id: int) -> list[MeetingView]:
        ctx = await self.pair_context(actor, pair_id, "meeting.planned", sides=("mentor", "mentee"))
        meetings = list(
            await self.session.scalars(
                select(Meeting)
                .where(Meeting.pair_id == pair_id, Meeting.status == "planned")
                .order_by(Meeting.starts_at)
            )
        )
        return [self._view(m, ctx, actor, []) for m in meetings]

    def _check_future(self, ctx: PairContext, moment: datetime) -> None:
        now = self.clock()
        if moment <= now:
            raise InvalidInput("meeting-plan-past")
        if moment > now + timedelta(days=PLAN_DAYS_AHEAD):
            raise InvalidInput("meeting-plan-far")
        if any(m.is_minor for m in ctx.mentees) and _quiet(
            moment.astimezone(ctx.zone).time(), MINOR_NIGHT_START, MINOR_NIGHT_END
        ):
            # A child is not met (nor reminded) at night.
            raise InvalidInput("meeting-plan-night")

    async def propose(
        self,
        actor: Actor,
        pair_id: int,
        *,
        day: date,
        at: time,
        duration_min: int | None = None,
        format: str | None = None,
    ) -> MeetingView:
        """The mentor or a mentee proposes the next meeting; the other side is asked."""
        ctx = await self.pair_context(actor, pair_id, "meeting.propose", sides=("mentor", "mentee"))
        if ctx.side == "curator":
            raise await self.access.deny(actor, "meeting.propose", object_id=pair_id)
        if ctx.status != "active":
            raise DomainError("meeting-pair-inactive")
        moment = self.local_moment(ctx, day, at)
        self._check_future(ctx, moment)
        usual = await self.usual(ctx)
        now = self.clock()
        meeting = Meeting(
            organisation_id=ctx.organisation_id,
            pair_id=ctx.pair_id,
            kind=usual.kind,
            status="planned",
            day=day,
            starts_at=moment,
            duration_min=duration_min or usual.duration_min,
            format=format if format in FORMATS else usual.format,
            proposed_by_user_id=actor.user_id,
            created_at=now,
            updated_at=now,
        )
        self.session.add(meeting)
        await self.session.flush()
        await self._tell_other_side(ctx, actor, meeting, "meeting-proposed")
        await self.audit.record(
            actor.user_id,
            "meeting.propose",
            organisation_id=ctx.organisation_id,
            object_type="meeting",
            object_id=meeting.id,
        )
        return self._view(meeting, ctx, actor, [])

    async def _tell_other_side(
        self, ctx: PairContext, actor: Actor, meeting: Meeting, kind: str
    ) -> None:
        others = [ctx.mentor, *ctx.mentees]
        assert meeting.starts_at is not None
        local = meeting.starts_at.astimezone(ctx.zone)
        await MeetingNotices(self.session, self.clock).tell(
            kind,
            subject=f"meeting:{meeting.id}",
            user_ids=[p.user_id for p in others if p.user_id != actor.user_id],
            organisation_id=ctx.organisation_id,
            args={"when": local.strftime("%d.%m %H:%M"), "name": _name_of(ctx, actor)},
            period=local.isoformat(timespec="minutes"),
        )

    async def _open_proposal(
        self, actor: Actor, meeting_id: int, action: str
    ) -> tuple[Meeting, PairContext]:
        meeting, ctx = await self._meeting(actor, meeting_id, action, sides=("mentor", "mentee"))
        if ctx.side == "curator":
            raise await self.access.deny(actor, action, object_id=meeting_id)
        if meeting.status != "planned" or meeting.agreed_at is not None:
            raise DomainError("meeting-not-open")
        if meeting.proposed_by_user_id == actor.user_id:
            raise DomainError("meeting-own-proposal")
        return meeting, ctx

    async def accept(self, actor: Actor, meeting_id: int) -> MeetingView:
        meeting, ctx = await self._open_proposal(actor, meeting_id, "meeting.accept")
        meeting.agreed_at = self.clock()
        meeting.updated_at = self.clock()
        await self._tell_other_side(ctx, actor, meeting, "meeting-agreed")
        await self.session.flush()
        return self._view(meeting, ctx, actor, [])

    async def counter(self, actor: Actor, meeting_id: int, *, day: date, at: time) -> MeetingView:
        meeting, ctx = await self._open_proposal(actor, meeting_id, "meeting.counter")
        moment = self.local_moment(ctx, day, at)
        self._check_future(ctx, moment)
        meeting.day = day
        meeting.starts_at = moment
        meeting.proposed_by_user_id = actor.user_id
        meeting.updated_at = self.clock()
        await self._tell_other_side(ctx, actor, meeting, "meeting-countered")
        await self.session.flush()
        return self._view(meeting, ctx, actor, [])

    async def reschedule(
        self, actor: Actor, meeting_id: int, *, day: date, at: time
    ) -> MeetingView:
        """Either side moves an agreed meeting: the new time becomes a proposal the other
        side accepts or answers with another time (as with a new proposal). The reminders
        and «Встреча состоялась?» of the old time are not sent; the job queues them again
        for the new time once it is agreed."""
        meeting, ctx = await self._meeting(
            actor, meeting_id, "meeting.reschedule", sides=("mentor", "mentee")
        )
        if ctx.side == "curator":
            raise await self.access.deny(actor, "meeting.reschedule", object_id=meeting_id)
        if meeting.status != "planned" or meeting.agreed_at is None or meeting.starts_at is None:
            raise DomainError("meeting-not-agreed")
        moment = self.local_moment(ctx, day, at)
        self._check_future(ctx, moment)
        old = meeting.starts_at.astimezone(ctx.zone)
        meeting.day = day
        meeting.starts_at = moment
        meeting.agreed_at = None
        meeting.proposed_by_user_id = actor.user_id
        meeting.updated_at = self.clock()
        # Deleted, not marked: their keys carry the old time, and a meeting moved back to
        # it must get its reminders again.
        await self.session.execute(
            delete(Notification)
            .where(
                Notification.subject == f"meeting:{meeting.id}",
                Notification.kind.in_(RESCHEDULE_DROPS),
                Notification.status == "pending",
            )
            .execution_options(synchronize_session=False)
        )
        local = moment.astimezone(ctx.zone)
        others = [ctx.mentor, *ctx.mentees]
        await MeetingNotices(self.session, self.clock).tell(
            "meeting-rescheduled",
            subject=f"meeting:{meeting.id}",
            user_ids=[p.user_id for p in others if p.user_id != actor.user_id],
            organisation_id=ctx.organisation_id,
            args={
                "old": old.strftime("%d.%m %H:%M"),
                "when": local.strftime("%d.%m %H:%M"),
                "name": _name_of(ctx, actor),
                # Opens the pair's planned meetings, where the new time is answered.
                "_buttons": [
                    [
                        {
                            "label": "notice-btn-meeting-planned",
                            "open": "meeting-planned",
                            "id": ctx.pair_id,
                        }
                    ]
                ],
            },
            # Each move is news, even back to a time proposed before.
            period=f"moved:{self.clock():%Y%m%d%H%M%S}",
        )
        await self.session.flush()
        await self.audit.record(
            actor.user_id,
            "meeting.reschedule",
            organisation_id=ctx.organisation_id,
            object_type="meeting",
            object_id=meeting.id,
        )
        return self._view(meeting, ctx, actor, [])

    async def due_questions(self, actor: Actor) -> list[MeetingView]:
        """Agreed meetings of the mentor's pairs whose time has passed, not answered yet:
        «Встреча состоялась?»."""
        memberships = [r.membership_id for r in actor.active("mentor")]
        if not memberships:
            return []
        meetings = list(
            await self.session.scalars(
                select(Meeting)
                .join(Pair, Pair.id == Meeting.pair_id)
                .where(
                    Pair.mentor_membership_id.in_(memberships),
                    Pair.status == "active",
                    Meeting.status == "planned",
                    Meeting.agreed_at.is_not(None),
                    Meeting.starts_at <= self.clock(),
                )
                .order_by(Meeting.starts_at)
            )
        )
        if not meetings:
            return []
        pairs = await self.session.scalars(
            select(Pair).where(Pair.id.in_({m.pair_id for m in meetings}))
        )
        contexts = await self._contexts(list(pairs), actor)
        return [self._view(m, contexts[m.pair_id], actor, []) for m in meetings]

    async def held_as_planned(self, actor: Actor, meeting_id: int) -> MeetingView:
        meeting, ctx = await self._due(actor, meeting_id, "meeting.held")
        now = self.clock()
        meeting.status = "held"
        meeting.logged_by_user_id = actor.user_id
        meeting.logged_at = now
        meeting.updated_at = now
        await self.session.flush()
        await self._attendance(meeting, ctx, {m.membership_id for m in ctx.mentees})
        await self.audit.record(
            actor.user_id,
            "meeting.log",
            organisation_id=ctx.organisation_id,
            object_type="meeting",
            object_id=meeting.id,
            pair_id=ctx.pair_id,
            by=ctx.side,
            planned=True,
        )
        return await self.view(actor, meeting.id)

    async def not_held(self, actor: Actor, meeting_id: int) -> None:
        meeting, ctx = await self._due(actor, meeting_id, "meeting.not_held")
        meeting.status = "cancelled"
        meeting.logged_by_user_id = actor.user_id
        meeting.logged_at = self.clock()
        meeting.updated_at = self.clock()
        await self.audit.record(
            actor.user_id,
            "meeting.not_held",
            organisation_id=ctx.organisation_id,
            object_type="meeting",
            object_id=meeting.id,
        )
        await self.session.flush()

    async def _due(self, actor: Actor, meeting_id: int, action: str) -> tuple[Meeting, PairContext]:
        meeting, ctx = await self._meeting(actor, meeting_id, action, sides=("mentor",))
        if meeting.status != "planned" or meeting.starts_at is None:
            raise DomainError("meeting-not-open")
        if meeting.starts_at > self.clock():
            raise DomainError("meeting-not-yet")
        return meeting, ctx

    # --- the mentee's side ----------------------------------------------------------------

    async def pending_for(self, actor: Actor) -> list[Pending]:
        """Held meetings the mentee was at and has not answered, oldest first."""
        memberships = [r.membership_id for r in actor.active("mentee")]
        if not memberships:
            return []
        mentor = aliased(Membership)
        rows = (
            await self.session.execute(
                select(Meeting, User.full_name)
                .join(MeetingAttendance, MeetingAttendance.meeting_id == Meeting.id)
                .join(Pair, Pair.id == Meeting.pair_id)
                .join(mentor, mentor.id == Pair.mentor_membership_id)
                .join(User, User.id == mentor.user_id)
                .where(
                    MeetingAttendance.mentee_membership_id.in_(memberships),
                    MeetingAttendance.present.is_(True),
                    MeetingAttendance.confirmed.is_(None),
                    Meeting.status == "held",
                )
                .order_by(Meeting.day, Meeting.id)
            )
        ).all()
        return [
            Pending(meeting.id, meeting.pair_id, meeting.kind, meeting.day, name or "—")
            for meeting, name in rows
        ]

    async def _own_row(
        self, actor: Actor, meeting_id: int, action: str
    ) -> tuple[Meeting, PairContext, MeetingAttendance]:
        meeting, ctx = await self._meeting(actor, meeting_id, action, sides=("mentee",))
        me = ctx.mentee_of(actor.user_id)
        row = None
        if me is not None and meeting.status == "held":
            row = await self.session.get(MeetingAttendance, (meeting.id, me.membership_id))
        if row is None:
            raise await self.access.deny(actor, action, object_type="meeting", object_id=meeting_id)
        return meeting, ctx, row

    async def confirm(self, actor: Actor, meeting_id: int, *, happened: bool) -> None:
        """The mentee says whether the meeting happened; «не было» goes to the curator.

        The answer is given once: the same answer again is a second tap; another one is
        refused ("meeting-answer-final") — a confirmed and rated meeting does not silently
        become «не было», only the curator changes it. One conditional statement records
        it, so two answers at once (two processes) cannot both land."""
        meeting, ctx, row = await self._own_row(actor, meeting_id, "meeting.confirm")
        if row.confirmed is not None or not await self._record_answer(row, happened):
            if row.confirmed is not happened:
                raise DomainError("meeting-answer-final")
            return  # a second tap
        if not happened:
            me = ctx.mentee_of(actor.user_id)
            await MeetingNotices(self.session, self.clock).tell_curators(
                "meeting-disputed",
                subject=f"meeting:{meeting.id}",
                organisation_id=ctx.organisation_id,
                mentor_user_id=ctx.mentor.user_id,
                args={
                    "mentee": me.name if me else "—",
                    "mentor": ctx.mentor.name,
                    "day": meeting.day.strftime("%d.%m.%Y"),
                },
                period=f"mentee:{row.mentee_membership_id}",
            )
            await self.audit.record(
                actor.user_id,
                "meeting.disputed",
                organisation_id=ctx.organisation_id,
                object_type="meeting",
                object_id=meeting.id,
            )
        await self.session.flush()

    async def _record_answer(self, row: MeetingAttendance, happened: bool) -> bool:
        """Only while unanswered; False (and the row as it is now) when an answer is there."""
        answered = await self.session.execute(
            update(MeetingAttendance)
            .where(
                MeetingAttendance.meeting_id == row.meeting_id,
                MeetingAttendance.mentee_membership_id == row.mentee_membership_id,
                MeetingAttendance.confirmed.is_(None),
            )
            .values(confirmed=happened, disputed=not happened, answered_at=self.clock())
            .execution_options(synchronize_session=False)
        )
        await self.session.refresh(row)
        return bool(answered.rowcount == 1)  # type: ignore[attr-defined]

    async def rate(
        self,
        actor: Actor,
        meeting_id: int,
        *,
        rating: int,
        comment: str | None = None,
        share: bool = False,
    ) -> None:
        """A rating 1–5 (never shown to the mentor) and a comment for the curator, also
        for the mentor when the mentee shares it."""
        if rating not in range(1, 6):
            raise InvalidInput("meeting-rating")
        _meeting, _ctx, row = await self._own_row(actor, meeting_id, "meeting.rate")
        if row.confirmed is not True:
            raise DomainError("meeting-not-confirmed")
        row.rating = rating
        row.comment = clean_comment(comment) if comment else None
        row.comment_shared = bool(share and row.comment)
        row.answered_at = self.clock()
        await self.session.flush()

    async def fit_due(self, actor: Actor, pair_id: int) -> bool:
        """True after the mentee's first confirmed meeting, until they answered."""
        ctx = await self.pair_context(actor, pair_id, "meeting.fit", sides=("mentee",))
        me = ctx.mentee_of(actor.user_id)
        if me is None:
            return False
        if await self.session.get(PairFit, (pair_id, me.membership_id)) is not None:
            return False
        confirmed = await self.session.scalar(
            select(func.count())
            .select_from(MeetingAttendance)
            .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
            .where(
                Meeting.pair_id == pair_id,
                MeetingAttendance.mentee_membership_id == me.membership_id,
                MeetingAttendance.confirmed.is_(True),
            )
        )
        return bool(confirmed)

    async def answer_fit(self, actor: Actor, pair_id: int, answer: str) -> None:
        if answer not in FIT_ANSWERS:
            raise InvalidInput("meeting-fit")
        ctx = await self.pair_context(actor, pair_id, "meeting.fit", sides=("mentee",))
        me = ctx.mentee_of(actor.user_id)
        if me is None:
            raise await self.access.deny(
                actor, "meeting.fit", object_type="pair", object_id=pair_id
            )
        if await self.session.get(PairFit, (pair_id, me.membership_id)) is not None:
            raise DomainError("meeting-fit-answered")
        self.session.add(
            PairFit(
                pair_id=pair_id,
                mentee_membership_id=me.membership_id,
                answer=answer,
                answered_at=self.clock(),
            )
        )
        if answer == "no":
            await MeetingNotices(self.session, self.clock).tell_curators(
                "pair-fit-no",
                subject=f"pair:{pair_id}",
                organisation_id=ctx.organisation_id,
                mentor_user_id=ctx.mentor.user_id,
                args={"mentee": me.name, "mentor": ctx.mentor.name},
                period=f"mentee:{me.membership_id}",
            )
        await self.audit.record(
            actor.user_id,
            "pair.fit",
            organisation_id=ctx.organisation_id,
            object_type="pair",
            object_id=pair_id,
            answer=answer,
        )
        await self.session.flush()


def _answered(rows: Iterable[MeetingAttendance]) -> str | None:
    """disputed | confirmed | None: whether a mentee answered about the meeting."""
    answers = [r for r in rows if r.confirmed is not None or r.disputed]
    if any(r.disputed for r in answers):
        return "disputed"
    return "confirmed" if answers else None


def _as_curator(ctx: PairContext) -> PairContext:
    from dataclasses import replace

    return replace(ctx, side="curator")


def _name_of(ctx: PairContext, actor: Actor) -> str:
    if ctx.mentor.user_id == actor.user_id:
        return ctx.mentor.name
    me = ctx.mentee_of(actor.user_id)
    return me.name if me else "—"


# --- notices ---------------------------------------------------------------------------------

# kind -> Fluent message (locales/*/meetings.ftl), for the renderer.
# What a moved meeting no longer sends for its old time.
RESCHEDULE_DROPS = (
    "meeting-reminder-24h",
    "meeting-reminder-1h",
    "meeting-held-ask",
    "meeting-agreed",  # the old time agreed, not yet delivered
)

MESSAGES = {
    "meeting-confirm": "meetings-notice-confirm",
    "meeting-disputed": "meetings-notice-disputed",
    "meeting-proposed": "meetings-notice-proposed",
    "meeting-countered": "meetings-notice-countered",
    "meeting-agreed": "meetings-notice-agreed",
    "meeting-rescheduled": "meetings-notice-rescheduled",
    "meeting-reminder-24h": "meetings-notice-reminder-24h",
    "meeting-reminder-1h": "meetings-notice-reminder-1h",
    "meeting-held-ask": "meetings-notice-held-ask",
    "pair-fit-no": "meetings-notice-fit-no",
    "pair-quiet-nudge": "meetings-notice-quiet-nudge",
    "pair-quiet-curator": "meetings-notice-quiet-curator",
    "pair-quiet-close": "meetings-notice-quiet-close",
}


class MeetingNotices:
    """The one place the meetings feature queues messages (through the outbox)."""

    def __init__(self, session: AsyncSession, clock: Clock = utcnow) -> None:
        self.session = session
        self.clock = clock

    async def tell(
        self,
        kind: str,
        *,
        subject: str,
        user_ids: Iterable[int],
        organisation_id: int,
        args: dict[str, Any],
        period: str = "",
        not_before: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> int:
        from bot.services.outbox import Outbox

        assert kind in MESSAGES, kind
        outbox = Outbox(self.session, _FixedClock(self.clock))
        now = self.clock()
        queued = 0
        for user_id in user_ids:
            user = await self.session.get(User, user_id)
            if user is None or user.anonymised_at is not None:
                continue
            queued += await outbox.enqueue(
                kind=kind,
                subject=subject,
                recipient_user_id=user_id,
                args={**args, "young": _young(user)},
                period=period,
                organisation_id=organisation_id,
                delay=max((not_before or now) - now, timedelta(0)),
                expires_at=expires_at,
            )
        return queued

    async def tell_curators(
        self,
        kind: str,
        *,
        subject: str,
        organisation_id: int,
        args: dict[str, Any],
        period: str = "",
        mentor_user_id: int | None = None,
    ) -> int:
        """The school's curators, except the pair's own mentor when they are a curator too:
        what a mentee says about the mentor never reaches the mentor."""
        from bot.services.outbox import curators_of

        ids = await curators_of(self.session, organisation_id, exclude_user_id=mentor_user_id)
        return await self.tell(
            kind,
            subject=subject,
            user_ids=ids,
            organisation_id=organisation_id,
            args=args,
            period=period,
        )


class _FixedClock:
    """The outbox's clock protocol over a plain `now` function."""

    def __init__(self, now: Clock) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now()

    def monotonic(self) -> float:  # pragma: no cover - the outbox does not use it
        return 0.0

    async def sleep(self, seconds: float) -> None:  # pragma: no cover
        return None


# --- what the scheduler computes each tick ---------------------------------------------------


def _quiet(local: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def reminder_moment(
    starts_at: datetime, before: timedelta, timezone: str, quiet_start: time, quiet_end: time
) -> datetime | None:
    """When to remind about a meeting at `starts_at`, `before` ahead, never in the quiet
    hours: a 24-hour reminder that would fall in the night moves to the evening before the
    night (EVENING_MARGIN before it starts); a 1-hour one moves to the morning when the
    night ends, or is dropped when that is not before the meeting."""
    zone = ZoneInfo(timezone)
    moment = starts_at - before
    local = moment.astimezone(zone)
    if not _quiet(local.time(), quiet_start, quiet_end):
        return moment
    if before >= REMINDER_24H:
        # The evening the night began: step back to the last moment before quiet_start.
        day = local.date()
        if quiet_start > quiet_end and local.time() < quiet_end:
            day -= timedelta(days=1)
        evening = datetime.combine(day, quiet_start, tzinfo=zone) - EVENING_MARGIN
        return evening.astimezone(UTC)
    day = local.date()
    if local.time() >= quiet_start > quiet_end:
        day += timedelta(days=1)
    morning = datetime.combine(day, quiet_end, tzinfo=zone).astimezone(UTC)
    return morning if morning < starts_at else None


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
        for row in await Outbox(self.session, _FixedClock(lambda: fixed)).enqueue_many(rows):
            if row.kind == "meeting-held-ask":
                result.held_asks += 1
            elif row.kind.startswith("meeting-reminder"):
                result.reminders += 1
            else:
                result.ladder += 1
        return result


__all__ = [
    "DURATIONS",
    "FIT_ANSWERS",
    "FORMATS",
    "KINDS",
    "MESSAGES",
    "AccessDenied",
    "MeetingJobs",
    "MeetingNotices",
    "MeetingService",
    "MeetingView",
    "PairChoice",
    "PairContext",
    "Pending",
    "TickResult",
    "Usual",
    "clean_clock",
    "clean_day",
    "clean_duration",
    "reminder_moment",
    "suggest_kind",
]
