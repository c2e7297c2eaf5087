"""The mentee's answer: whether a held meeting happened («не было» goes to the curator),
a rating and comment, and after the first confirmed meeting whether the pair fits."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from bot.services.access import Actor
from bot.services.errors import DomainError, InvalidInput
from bot.services.meetings.context import MeetingBase
from bot.services.meetings.notices import MeetingNotices
from bot.services.meetings.rules import FIT_ANSWERS, clean_comment
from bot.services.meetings.views import PairContext, Pending
from bot.storage.models import Meeting, MeetingAttendance, Membership, Pair, PairFit, User


class AnswersMixin(MeetingBase):
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
