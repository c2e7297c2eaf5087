"""Logging and editing a held meeting: the mentor (or the school's curator, from a paper
diary) records it, each mentee who was there is asked to confirm it, and an agreed meeting
whose time has passed is answered «состоялась» or «не состоялась». A mentor edits or
deletes their own log for 48 hours and until a mentee answered; after that only the
curator can."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import delete, select

from bot.services.access import Actor
from bot.services.errors import DomainError, InvalidInput
from bot.services.meetings.context import MeetingBase
from bot.services.meetings.notices import MeetingNotices
from bot.services.meetings.rules import (
    DURATION_MAX,
    FORMATS,
    KINDS,
    LOG_DAYS_BACK,
    clean_outcome,
    clean_topic,
)
from bot.services.meetings.views import MeetingView, PairContext, mentees_answer
from bot.storage.models import Meeting, MeetingAttendance, Pair


class RecordsMixin(MeetingBase):
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
        if mentees_answer(rows):
            await self.access.deny(
                actor, action, object_type="meeting", object_id=meeting_id, reason="answered"
            )
            raise DomainError("meeting-curator-only")
        return meeting, ctx, rows

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
            answered=mentees_answer(rows),
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
            answered=mentees_answer(rows),
            answers=answers,
        )
        await self.session.flush()

    # --- the held question: an agreed meeting whose time has passed -----------------------

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
