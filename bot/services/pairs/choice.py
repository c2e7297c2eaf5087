"""The mentee's choice: two or three candidates offered, one chosen, the chosen mentor's
answer (a proposed pair, or the mentee back to the curator), and what each side waits for."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select

from bot.services.access import Actor
from bot.services.errors import DomainError, InvalidInput
from bot.services.pairs.forming import FormingMixin
from bot.services.pairs.model import (
    ANSWER_DAYS,
    CHOICE_MAX,
    CHOICE_MIN,
    NOTE_MAX,
    REMINDER_AFTER,
    CandidateView,
    PairView,
)
from bot.services.registration import clean_text
from bot.storage.models import Candidate, Membership, User


class ChoiceMixin(FormingMixin):
    # --- the mentee's choice ------------------------------------------------------------

    async def offer(
        self, actor: Actor, mentee_membership_id: int, mentor_membership_ids: Sequence[int]
    ) -> list[CandidateView]:
        """Two or three candidates for the mentee to choose from (earlier open offers close)."""
        mentor_ids = list(dict.fromkeys(mentor_membership_ids))
        found = await self._members([mentee_membership_id, *mentor_ids])
        for mid in [mentee_membership_id, *mentor_ids]:
            named = found.get(mid)
            await self.access.require_curator(
                actor,
                named[0].organisation_id if named else None,
                "pair.offer",
                object_type="membership",
                object_id=mid,
            )
        if not CHOICE_MIN <= len(mentor_ids) <= CHOICE_MAX:
            raise InvalidInput("pairs-choice-count")
        mentee, mentee_user = found[mentee_membership_id]
        if mentee.role != "mentee":
            raise DomainError("pairs-wrong-role")
        for mid in mentor_ids:
            await self._check_people(actor, "pair.offer", mid, [mentee.id])
        await self._taken([mentee.id])
        await self._close_offers([mentee.id], "withdrawn", "new-offer")
        assert mentee.programme_id is not None
        for mid in mentor_ids:
            self.session.add(
                Candidate(
                    organisation_id=mentee.organisation_id,
                    programme_id=mentee.programme_id,
                    mentee_membership_id=mentee.id,
                    mentor_membership_id=mid,
                    offered_by_user_id=actor.user_id,
                )
            )
        await self.session.flush()
        await self.audit.record(
            actor.user_id,
            "pair.offer",
            organisation_id=mentee.organisation_id,
            object_type="membership",
            object_id=mentee.id,
            mentors=mentor_ids,
        )
        await self.notices.tell(
            "choice-offered",
            subject=f"mentee:{mentee.id}",
            recipients=[mentee_user],
            organisation_id=mentee.organisation_id,
            args={
                "count": len(mentor_ids),
                # Opens the choice itself (checked again by the opener).
                "_buttons": [[{"label": "notice-btn-choice", "open": "choice", "id": mentee.id}]],
            },
        )
        return await self._candidates(mentee.id)

    async def _candidates(self, mentee_membership_id: int) -> list[CandidateView]:
        rows = (
            await self.session.execute(
                select(Candidate, Membership.profile, User.full_name)
                .join(Membership, Membership.id == Candidate.mentor_membership_id)
                .join(User, User.id == Membership.user_id)
                .where(
                    Candidate.mentee_membership_id == mentee_membership_id,
                    Candidate.answer.is_(None) | (Candidate.answer == "chosen"),
                )
                .order_by(Candidate.id)
            )
        ).all()
        views = []
        for candidate, profile, name in rows:
            profile = profile or {}
            helps = [str(profile.get(k)) for k in ("competences", "interests") if profile.get(k)]
            times = profile.get("times")
            views.append(
                CandidateView(
                    id=candidate.id,
                    mentor_membership_id=candidate.mentor_membership_id,
                    name=name or "",
                    helps_with="; ".join(helps),
                    times=tuple(t for t in times if isinstance(t, str))
                    if isinstance(times, list)
                    else (),
                    answer=candidate.answer,
                )
            )
        return views

    async def my_choice(self, actor: Actor) -> tuple[int, list[CandidateView]] | None:
        """The mentee's open offer: their membership and the candidates, or None."""
        mentee_id = await self.session.scalar(
            select(Candidate.mentee_membership_id)
            .join(Membership, Membership.id == Candidate.mentee_membership_id)
            .where(
                Membership.user_id == actor.user_id,
                Candidate.answer.is_(None) | (Candidate.answer == "chosen"),
            )
            .order_by(Candidate.id.desc())
            .limit(1)
        )
        if mentee_id is None:
            return None
        return mentee_id, await self._candidates(mentee_id)

    async def _candidate_for(self, actor: Actor, candidate_id: int, side: str) -> Candidate:
        """The candidate row, for its mentee (side "mentee") or its mentor ("mentor")."""
        candidate = await self.session.get(Candidate, candidate_id)
        membership_id = (
            None
            if candidate is None
            else candidate.mentee_membership_id
            if side == "mentee"
            else candidate.mentor_membership_id
        )
        owner = await self.session.get(Membership, membership_id) if membership_id else None
        if candidate is None or owner is None or owner.user_id != actor.user_id:
            raise await self.access.deny(
                actor, f"pair.choice.{side}", object_type="candidate", object_id=candidate_id
            )
        return candidate

    async def choose(self, actor: Actor, candidate_id: int) -> CandidateView:
        """The mentee picks one candidate; the mentor has three days to answer."""
        candidate = await self._candidate_for(actor, candidate_id, "mentee")
        if candidate.answer is not None:
            raise DomainError("pairs-choice-closed")
        others = await self.session.scalars(
            select(Candidate).where(
                Candidate.mentee_membership_id == candidate.mentee_membership_id,
                Candidate.id != candidate.id,
                Candidate.answer.is_(None) | (Candidate.answer == "chosen"),
            )
        )
        now = self.clock.now()
        for other in others:
            other.answer, other.answered_at, other.reason = "withdrawn", now, "other-chosen"
        candidate.answer = "chosen"
        candidate.chosen_at = now
        await self.session.flush()
        people = await self._members(
            [candidate.mentee_membership_id, candidate.mentor_membership_id]
        )
        mentee_user = people[candidate.mentee_membership_id][1]
        mentor_user = people[candidate.mentor_membership_id][1]
        subject = f"candidate:{candidate.id}"
        args = {"partner": mentee_user.full_name or "", "days": ANSWER_DAYS}
        deadline = now + timedelta(days=ANSWER_DAYS)
        await self.notices.tell(
            "choice-chosen",
            subject=subject,
            recipients=[mentor_user],
            organisation_id=candidate.organisation_id,
            args=args,
            period="chosen",
        )
        await self.notices.tell(
            "choice-reminder",
            subject=subject,
            recipients=[mentor_user],
            organisation_id=candidate.organisation_id,
            args={**args, "days": ANSWER_DAYS - REMINDER_AFTER.days},
            period="reminder",
            delay=REMINDER_AFTER,
            expires_at=deadline,
        )
        await self.audit.record(
            actor.user_id,
            "pair.choose",
            organisation_id=candidate.organisation_id,
            object_type="candidate",
            object_id=candidate.id,
        )
        views = await self._candidates(candidate.mentee_membership_id)
        return next(v for v in views if v.id == candidate.id)

    async def ask_others(self, actor: Actor, mentee_membership_id: int) -> None:
        """The mentee asks the curator for other candidates."""
        membership = await self.session.get(Membership, mentee_membership_id)
        if membership is None or membership.user_id != actor.user_id:
            raise await self.access.deny(
                actor,
                "pair.choice.others",
                object_type="membership",
                object_id=mentee_membership_id,
            )
        open_ = list(
            await self.session.scalars(
                select(Candidate).where(
                    Candidate.mentee_membership_id == membership.id, Candidate.answer.is_(None)
                )
            )
        )
        if not open_:
            raise DomainError("pairs-choice-closed")
        await self._close_offers([membership.id], "withdrawn", "asked-others")
        user = await self.session.get(User, actor.user_id)
        await self.notices.tell_curators(
            "choice-others-curator",
            subject=f"mentee:{membership.id}",
            organisation_id=membership.organisation_id,
            args={"name": user.full_name if user else ""},
        )

    async def answer(
        self, actor: Actor, candidate_id: int, accept: bool, reason: str | None = None
    ) -> PairView | None:
        """The chosen mentor accepts (a proposed pair is formed for the curator to
        approve) or declines (the mentee goes back to the curator, with the reason)."""
        candidate = await self._candidate_for(actor, candidate_id, "mentor")
        if candidate.answer != "chosen":
            raise DomainError("pairs-choice-closed")
        await self.notices.cancel("choice-reminder", f"candidate:{candidate.id}")
        people = await self._members(
            [candidate.mentee_membership_id, candidate.mentor_membership_id]
        )
        mentee, mentee_user = people[candidate.mentee_membership_id]
        mentor, mentor_user = people[candidate.mentor_membership_id]
        candidate.answered_at = self.clock.now()
        if not accept:
            candidate.answer = "declined"
            candidate.reason = clean_text(reason, NOTE_MAX) if reason else None
            await self._tell_outcome(
                candidate, "declined", mentee_user, mentor_user, reason=candidate.reason or "-"
            )
            await self.audit.record(
                actor.user_id,
                "pair.choice.decline",
                organisation_id=candidate.organisation_id,
                object_type="candidate",
                object_id=candidate.id,
            )
            return None
        await self._taken([mentee.id])
        for membership, user in ((mentor, mentor_user), (mentee, mentee_user)):
            try:
                await self.consent.require_complete(user.id, membership.organisation_id)
            except DomainError:
                raise DomainError("pairs-consent-incomplete", name=user.full_name or "") from None
        candidate.answer = "accepted"
        pair = await self._create(mentor, [(mentee, mentee_user)], candidate.offered_by_user_id)
        candidate.pair_id = pair.id
        await self.audit.record(
            actor.user_id,
            "pair.choice.accept",
            organisation_id=candidate.organisation_id,
            object_type="candidate",
            object_id=candidate.id,
            pair=pair.id,
        )
        await self._tell_outcome(candidate, "accepted", mentee_user, mentor_user)
        return await self._view(pair.id)

    async def _tell_outcome(
        self,
        candidate: Candidate,
        outcome: str,
        mentee_user: User,
        mentor_user: User,
        *,
        reason: str | None = None,
    ) -> None:
        """How the mentee's choice ended (accepted, declined, expired): the mentee is told,
        and the school's curators (with the mentor's reason, when there is one)."""
        subject = f"candidate:{candidate.id}"
        args = {"name": mentee_user.full_name or "", "partner": mentor_user.full_name or ""}
        await self.notices.tell(
            f"choice-{outcome}",
            subject=subject,
            recipients=[mentee_user],
            organisation_id=candidate.organisation_id,
            args=args,
            period="answer",
        )
        await self.notices.tell_curators(
            f"choice-{outcome}-curator",
            subject=subject,
            organisation_id=candidate.organisation_id,
            args=args if reason is None else {**args, "reason": reason},
        )

    async def waiting(self, actor: Actor) -> list[tuple[int, str]]:
        """For a mentor: the mentees who chose them and wait for an answer
        (candidate id, the mentee's name)."""
        rows = (
            await self.session.execute(
                select(Candidate.id, User.full_name)
                .join(Membership, Membership.id == Candidate.mentee_membership_id)
                .join(User, User.id == Membership.user_id)
                .where(
                    Candidate.answer == "chosen",
                    Candidate.mentor_membership_id.in_(
                        select(Membership.id).where(Membership.user_id == actor.user_id)
                    ),
                )
                .order_by(Candidate.id)
            )
        ).all()
        return [(cid, name or "") for cid, name in rows]
