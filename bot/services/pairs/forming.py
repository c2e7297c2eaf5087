"""Creating and proposing: the people a curator named checked (one programme, live,
consent complete), a pair or group proposed, and the mentee's open offers closed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.services.access import Actor
from bot.services.errors import DomainError, InvalidInput
from bot.services.matching import LIVE_PAIR_STATUSES
from bot.services.pairs.base import PairBase
from bot.services.pairs.model import PairView
from bot.storage.models import (
    Candidate,
    Membership,
    Pair,
    PairMentee,
    PairMentorTerm,
    Programme,
    User,
)


class FormingMixin(PairBase):
    async def _check_people(
        self,
        actor: Actor,
        action: str,
        mentor_id: int,
        mentee_ids: Sequence[int],
        programme_id: int | None = None,
    ) -> tuple[tuple[Membership, User], list[tuple[Membership, User]]]:
        """Every id the client named is a live participant of one programme of the actor's
        school; a missing or foreign one is refused alike; consent is complete."""
        found = await self._members([mentor_id, *mentee_ids])
        for mid in [mentor_id, *mentee_ids]:
            named = found.get(mid)
            await self.access.require_curator(
                actor,
                named[0].organisation_id if named else None,
                action,
                object_type="membership",
                object_id=mid,
            )
        mentor = found[mentor_id]
        mentees = [found[m] for m in dict.fromkeys(mentee_ids)]
        programme_id = programme_id or mentor[0].programme_id
        for membership, user in [mentor, *mentees]:
            if (
                membership.programme_id != programme_id
                or membership.status != "active"
                or user.anonymised_at is not None
            ):
                raise DomainError("pairs-not-participant")
        if mentor[0].role != "mentor" or any(m.role != "mentee" for m, _ in mentees):
            raise DomainError("pairs-wrong-role")
        for membership, user in [mentor, *mentees]:
            try:
                await self.consent.require_complete(user.id, membership.organisation_id)
            except DomainError:
                raise DomainError("pairs-consent-incomplete", name=user.full_name or "") from None
        return mentor, mentees

    async def _taken(self, mentee_ids: Sequence[int], except_pair: int | None = None) -> None:
        query = (
            select(PairMentee.mentee_membership_id)
            .join(Pair, Pair.id == PairMentee.pair_id)
            .where(
                PairMentee.mentee_membership_id.in_(mentee_ids),
                Pair.status.in_(LIVE_PAIR_STATUSES),
            )
        )
        if except_pair is not None:
            query = query.where(Pair.id != except_pair)
        if (await self.session.scalars(query)).first() is not None:
            raise DomainError("pairs-mentee-taken")

    async def propose(
        self,
        actor: Actor,
        mentor_membership_id: int,
        mentee_membership_ids: Sequence[int],
        *,
        created_by_user_id: int | None = None,
    ) -> PairView:
        """A pair (one mentee) or a group (several), proposed by the curator."""
        if not mentee_membership_ids:
            raise InvalidInput("pairs-no-mentee")
        (mentor, _), mentees = await self._check_people(
            actor, "pair.propose", mentor_membership_id, mentee_membership_ids
        )
        await self._taken([m.id for m, _ in mentees])
        pair = await self._create(mentor, mentees, created_by_user_id or actor.user_id)
        await self._close_offers([m.id for m, _ in mentees], "withdrawn", "paired")
        view = await self._view(pair.id)
        await self.audit.record(
            actor.user_id,
            "pair.propose",
            organisation_id=pair.organisation_id,
            object_type="pair",
            object_id=pair.id,
            mentor=mentor.id,
            mentees=[m.id for m, _ in mentees],
        )
        await self._tell_members(view, "pair-proposed", actor.user_id)
        await self._tell_other_curators(view, "proposed", actor)
        return view

    async def _create(
        self, mentor: Membership, mentees: Sequence[tuple[Membership, User]], by: int | None
    ) -> Pair:
        assert mentor.programme_id is not None
        pair = Pair(
            organisation_id=mentor.organisation_id,
            programme_id=mentor.programme_id,
            mentor_membership_id=mentor.id,
            status="proposed",
            created_by_user_id=by,
        )
        self.session.add(pair)
        await self.session.flush()
        try:
            # `_taken` looked first, but another update may be forming a pair for the same
            # mentee right now: the database's index (one live pair per mentee) decides.
            async with self.session.begin_nested():
                self.session.add_all(
                    [PairMentee(pair_id=pair.id, mentee_membership_id=m.id) for m, _ in mentees]
                )
        except IntegrityError:
            raise DomainError("pairs-mentee-taken") from None
        self.session.add(
            PairMentorTerm(
                pair_id=pair.id, mentor_membership_id=mentor.id, started_at=self.clock.now()
            )
        )
        await self.session.flush()
        programme = await self.session.get(Programme, pair.programme_id)
        if programme is not None:
            await self._advance(programme, "matching")
        return pair

    async def _close_offers(self, mentee_ids: Sequence[int], answer: str, reason: str) -> None:
        for candidate in await self.session.scalars(
            select(Candidate).where(
                Candidate.mentee_membership_id.in_(mentee_ids),
                Candidate.answer.is_(None) | (Candidate.answer == "chosen"),
            )
        ):
            if candidate.answer == "chosen":
                await self.notices.cancel("choice-reminder", f"candidate:{candidate.id}")
            candidate.answer = answer
            candidate.answered_at = self.clock.now()
            candidate.reason = reason
