"""Ending a pair (completed or terminated) and replacing its mentor: the pair keeps its
id, plan, meetings and history; the old mentor's term ends."""

from __future__ import annotations

from sqlalchemy import select

from bot.services.access import Actor
from bot.services.errors import DomainError, InvalidInput
from bot.services.matching import LIVE_PAIR_STATUSES
from bot.services.pairs.forming import FormingMixin
from bot.services.pairs.model import END_REASONS, NOTE_MAX, OUTCOMES, PairView
from bot.services.registration import clean_text
from bot.storage.models import PairMentee, PairMentorTerm, User


class EndingMixin(FormingMixin):
    async def end(
        self,
        actor: Actor,
        pair_id: int,
        outcome: str,
        reason: str | None = None,
        note: str | None = None,
    ) -> PairView:
        """completed or terminated; a termination needs a reason from the list, or
        "other" with the reason typed."""
        pair = await self._managed(actor, pair_id, "pair.end")
        if outcome not in OUTCOMES:
            raise InvalidInput("pairs-outcome")
        if pair.status not in LIVE_PAIR_STATUSES:
            raise DomainError("pairs-not-live")
        if reason is not None and reason not in END_REASONS:
            raise InvalidInput("pairs-reason")
        if outcome == "terminated" and reason is None:
            raise InvalidInput("pairs-reason")
        if reason == "other":
            note = clean_text(note or "", NOTE_MAX)
        pair.status = outcome
        pair.end_reason = reason
        pair.end_note = note if reason == "other" else None
        pair.ended_at = self.clock.now()
        term = await self.session.scalar(
            select(PairMentorTerm).where(
                PairMentorTerm.pair_id == pair.id, PairMentorTerm.ended_at.is_(None)
            )
        )
        if term is not None:
            term.ended_at = pair.ended_at
        await self.audit.record(
            actor.user_id,
            "pair.end",
            organisation_id=pair.organisation_id,
            object_type="pair",
            object_id=pair.id,
            outcome=outcome,
            reason=reason,
        )
        view = await self._view(pair.id)
        await self._tell_members(
            view, "pair-ended", actor.user_id, outcome=outcome, reason=reason or "none"
        )
        await self._tell_other_curators(view, outcome, actor)
        return view

    async def replace_mentor(
        self, actor: Actor, pair_id: int, new_mentor_membership_id: int, reason: str = ""
    ) -> PairView:
        """A new mentor for a live pair: the pair keeps its id, plan, meetings and history;
        the old mentor's term ends; the new mentor accepts the agreement afresh."""
        pair = await self._managed(actor, pair_id, "pair.replace")
        if pair.status not in LIVE_PAIR_STATUSES:
            raise DomainError("pairs-not-live")
        if new_mentor_membership_id == pair.mentor_membership_id:
            raise DomainError("pairs-same-mentor")
        mentee_ids = list(
            await self.session.scalars(
                select(PairMentee.mentee_membership_id).where(PairMentee.pair_id == pair.id)
            )
        )
        (new_mentor, new_user), _ = await self._check_people(
            actor, "pair.replace", new_mentor_membership_id, [], pair.programme_id
        )
        old = await self._view(pair.id)
        now = self.clock.now()
        term = await self.session.scalar(
            select(PairMentorTerm).where(
                PairMentorTerm.pair_id == pair.id, PairMentorTerm.ended_at.is_(None)
            )
        )
        if term is None:  # a pair from before terms were kept: its mentor's term now
            term = PairMentorTerm(
                pair_id=pair.id,
                mentor_membership_id=pair.mentor_membership_id,
                started_at=pair.created_at,
            )
            self.session.add(term)
        term.ended_at = now
        term.end_reason = reason[:NOTE_MAX] or None
        self.session.add(
            PairMentorTerm(pair_id=pair.id, mentor_membership_id=new_mentor.id, started_at=now)
        )
        pair.mentor_membership_id = new_mentor.id
        pair.mentor_accepted_at = None
        await self.session.flush()
        await self.audit.record(
            actor.user_id,
            "pair.replace",
            organisation_id=pair.organisation_id,
            object_type="pair",
            object_id=pair.id,
            old_mentor=old.mentor.membership_id,
            new_mentor=new_mentor.id,
            mentees=mentee_ids,
        )
        view = await self._view(pair.id)
        await self._tell_replaced(actor, view, old, new_user)
        return view

    async def _tell_replaced(
        self, actor: Actor, view: PairView, old: PairView, new_user: User
    ) -> None:
        """The old mentor, the new one, the mentees and the other curators hear of it."""
        subject = f"pair:{view.id}"
        users = await self._users(view)
        old_user = await self.session.get(User, old.mentor.user_id)
        names = ", ".join(m.name for m in view.mentees)
        if old_user is not None:
            await self.notices.tell(
                "pair-mentor-removed",
                subject=subject,
                recipients=[old_user],
                organisation_id=view.organisation_id,
                args={"partner": names, "count": len(view.mentees)},
                exclude_user_id=actor.user_id,
            )
        await self.notices.tell(
            "pair-mentor-new",
            subject=subject,
            recipients=[new_user],
            organisation_id=view.organisation_id,
            args={"partner": names, "count": len(view.mentees)},
            exclude_user_id=actor.user_id,
        )
        await self.notices.tell(
            "pair-mentor-replaced",
            subject=subject,
            recipients=[users[m.user_id] for m in view.mentees if m.user_id in users],
            organisation_id=view.organisation_id,
            args={"partner": new_user.full_name or "", "old": old.mentor.name},
            exclude_user_id=actor.user_id,
        )
        await self._tell_other_curators(view, "replaced", actor, old=old.mentor.name)
