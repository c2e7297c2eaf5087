"""Reading pairs: one pair for its curators and members, a person's own pairs, a
programme's pairs, and the programme's switches for the members' chat button."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select

from bot.services.access import Actor
from bot.services.errors import NotFound
from bot.services.matching import LIVE_PAIR_STATUSES
from bot.services.pairs.base import PairBase
from bot.services.pairs.model import PairView
from bot.storage.models import Membership, Pair, PairMentee, User


class ReadingMixin(PairBase):
    async def get(self, actor: Actor, pair_id: int) -> PairView:
        """A pair for its school's curators and its own members; anyone else is refused
        (and audited) alike whether the pair exists or not."""
        pair = await self.session.get(Pair, pair_id)
        if pair is not None and not actor.is_curator_of(pair.organisation_id):
            view = await self._view(pair.id)
            if view.side_of(actor.user_id) is not None:
                return view
            raise await self.access.deny(
                actor,
                "pair.view",
                object_type="pair",
                object_id=pair_id,
                target_organisation_id=pair.organisation_id,
            )
        await self.access.require_curator(
            actor,
            pair.organisation_id if pair else None,
            "pair.view",
            object_type="pair",
            object_id=pair_id,
        )
        if pair is None:
            raise NotFound()
        return await self._view(pair.id)

    async def mine(self, actor: Actor) -> list[PairView]:
        """The person's live pairs (and those ended in the last 30 days), as mentor or
        mentee: a mentor with several mentees sees each pair or group."""
        mine = select(Membership.id).where(
            Membership.user_id == actor.user_id, Membership.role.in_(("mentor", "mentee"))
        )
        recent = self.clock.now() - timedelta(days=30)
        query = (
            select(Pair)
            .where(
                (Pair.mentor_membership_id.in_(mine))
                | Pair.id.in_(
                    select(PairMentee.pair_id).where(PairMentee.mentee_membership_id.in_(mine))
                ),
                Pair.status.in_(LIVE_PAIR_STATUSES) | (Pair.ended_at >= recent),
            )
            .order_by(Pair.id)
        )
        return await self._views(query)

    async def of_programme(
        self, actor: Actor, programme_id: int, statuses: Sequence[str] | None = None
    ) -> list[PairView]:
        programme = await self.programme_for(actor, programme_id, "pair.list")
        query = select(Pair).where(Pair.programme_id == programme.id).order_by(Pair.id)
        if statuses:
            query = query.where(Pair.status.in_(statuses))
        return await self._views(query)

    async def set_contact_sharing(self, actor: Actor, programme_id: int, on: bool) -> bool:
        """Whether pair members get a button that opens each other's chat."""
        programme = await self.programme_for(actor, programme_id, "pair.contacts")
        programme.contact_sharing = on
        await self.audit.record(
            actor.user_id,
            "pair.contacts",
            organisation_id=programme.organisation_id,
            object_type="programme",
            object_id=programme.id,
            on=on,
        )
        return on

    async def set_minor_contact(self, actor: Actor, programme_id: int, on: bool) -> bool:
        """Whether a pair with a child gets the chat button too. Turned on, the parents of
        the children in the programme's live pairs are told."""
        programme = await self.programme_for(actor, programme_id, "pair.minor-contacts")
        was = programme.minor_contact
        programme.minor_contact = on
        await self.audit.record(
            actor.user_id,
            "pair.minor-contacts",
            organisation_id=programme.organisation_id,
            object_type="programme",
            object_id=programme.id,
            on=on,
        )
        if on and not was:
            for view in await self.of_programme(actor, programme.id, ("active",)):
                await self._tell_parents_of_contact(view)
        return on

    async def programme_has_minors(self, programme_id: int) -> bool:
        """Whether a child takes part in the programme (its curator then sees the switch)."""
        found = await self.session.scalar(
            select(Membership.id)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.programme_id == programme_id,
                Membership.status == "active",
                User.is_minor.is_(True),
            )
            .limit(1)
        )
        return found is not None
