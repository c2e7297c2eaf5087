"""Planning and moving a meeting: either side of the pair proposes a time, the other
accepts it or answers with another; an agreed meeting is moved the same way. What the
other side is told is queued through the outbox in the acting update's transaction."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select

from bot.services.access import Actor
from bot.services.errors import DomainError, InvalidInput
from bot.services.meetings.context import MeetingBase
from bot.services.meetings.notices import RESCHEDULE_DROPS, MeetingNotices
from bot.services.meetings.rules import (
    FORMATS,
    MINOR_NIGHT_END,
    MINOR_NIGHT_START,
    PLAN_DAYS_AHEAD,
    in_window,
)
from bot.services.meetings.views import MeetingView, PairContext, name_of
from bot.storage.models import Meeting, Notification


class PlanningMixin(MeetingBase):
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
        if any(m.is_minor for m in ctx.mentees) and in_window(
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
            args={"when": local.strftime("%d.%m %H:%M"), "name": name_of(ctx, actor)},
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
                "name": name_of(ctx, actor),
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
