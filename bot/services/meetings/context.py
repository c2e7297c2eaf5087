"""What every part of `MeetingService` shares: the pair as the meeting rules see it, who
is asking and on which side, a meeting loaded for them, and a meeting as they are shown it.

Every call is checked here from the ids the client sent: a pair's mentor and mentees see
its meetings, the school's curators see and fix everything; nobody else learns whether a
pair or meeting exists (the same refusal and audit row as another school's).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.errors import NotFound
from bot.services.meetings.rules import (
    DEFAULT_DURATION,
    DEFAULT_QUIET_DAYS,
    EDIT_WINDOW,
    Clock,
    suggest_kind,
)
from bot.services.meetings.views import (
    AttendanceView,
    MeetingView,
    PairChoice,
    PairContext,
    Person_,
    Usual,
    as_curator,
    mentees_answer,
)
from bot.storage.models import (
    Meeting,
    MeetingAttendance,
    Membership,
    Organisation,
    Pair,
    PairMentee,
    Programme,
    User,
    utcnow,
)


class MeetingBase:
    """The session, access, audit and clock, and the helpers each concern uses."""

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
                return ctx if ctx.side == "curator" else as_curator(ctx)
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

    # --- the pair's day and habits --------------------------------------------------------

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
        curator_only = mentors_own and not by_curator and mentees_answer(rows) is not None
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

    # --- time ------------------------------------------------------------------------------

    def local_moment(self, ctx: PairContext, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=ctx.zone).astimezone(UTC)

    def _within_window(self, meeting: Meeting, actor: Actor) -> bool:
        return (
            meeting.logged_by_user_id == actor.user_id
            and meeting.logged_at is not None
            and self.clock() - meeting.logged_at <= EDIT_WINDOW
        )
