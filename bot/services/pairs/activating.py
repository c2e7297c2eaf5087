"""Activating: a proposed pair becomes active, the school's order is recorded for
several pairs, and each side accepts the agreement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from bot.services.access import Actor
from bot.services.errors import DomainError, InvalidInput
from bot.services.matching import LIVE_PAIR_STATUSES
from bot.services.pairs.model import ORDER_NUMBER_MAX, PairView
from bot.services.pairs.reading import ReadingMixin
from bot.services.pairs.texts import agreement_text
from bot.services.registration import clean_text
from bot.storage.models import Pair, PairMentee, Programme


class ActivatingMixin(ReadingMixin):
    async def activate(self, actor: Actor, pair_id: int) -> PairView:
        pair = await self._managed(actor, pair_id, "pair.activate")
        if pair.status != "proposed":
            raise DomainError("pairs-not-proposed")
        pair.status = "active"
        pair.activated_at = self.clock.now()
        programme = await self.session.get(Programme, pair.programme_id)
        if programme is not None:
            await self._advance(programme, "working")
        await self.audit.record(
            actor.user_id,
            "pair.activate",
            organisation_id=pair.organisation_id,
            object_type="pair",
            object_id=pair.id,
        )
        view = await self._view(pair.id)
        await self._tell_members(
            view,
            "pair-active",
            actor.user_id,
            # One tap to «Моя пара»: the agreement to accept and the partner's contact.
            _buttons=[[{"label": "notice-btn-pair", "open": "pair", "id": view.id}]],
        )
        await self._tell_parents_of_contact(view)
        await self._tell_other_curators(view, "active", actor)
        return view

    async def record_order(
        self, actor: Actor, pair_ids: Sequence[int], number: str, on: date
    ) -> list[PairView]:
        """The school's order (number and date) confirming several pairs at once."""
        if not pair_ids:
            raise InvalidInput("pairs-no-pair")
        number = clean_text(number, ORDER_NUMBER_MAX)
        pairs = {
            p.id: p for p in await self.session.scalars(select(Pair).where(Pair.id.in_(pair_ids)))
        }
        for pid in dict.fromkeys(pair_ids):
            pair = pairs.get(pid)
            await self.access.require_curator(
                actor,
                pair.organisation_id if pair else None,
                "pair.order",
                object_type="pair",
                object_id=pid,
            )
        if any(p.status not in LIVE_PAIR_STATUSES for p in pairs.values()):
            raise DomainError("pairs-not-live")
        for pair in pairs.values():
            pair.order_number = number
            pair.order_date = on
        first = next(iter(pairs.values()))
        await self.audit.record(
            actor.user_id,
            "pair.order",
            organisation_id=first.organisation_id,
            object_type="pair",
            object_id=first.id,
            pairs=sorted(pairs),
            number=number,
            date=on.isoformat(),
        )
        return await self._views(select(Pair).where(Pair.id.in_(pairs)).order_by(Pair.id))

    # --- both sides -------------------------------------------------------------------

    async def accept_agreement(self, actor: Actor, pair_id: int) -> PairView:
        """A member of an active pair accepts the agreement (a second tap changes nothing);
        anyone else is refused. See `accept_agreements`."""
        view, _ = await self.accept_agreements(actor, pair_id)
        return view

    async def accept_agreements(self, actor: Actor, pair_id: int) -> tuple[PairView, int]:
        """The agreement of this pair, accepted at once for every active pair of the person
        that has the same agreement text (same form, same variant for a pair with a child):
        a mentor with two pairs accepts once. Each pair keeps its own acceptance (reports
        count pairs). Returns this pair and how many pairs were accepted just now."""
        view = await self.get(actor, pair_id)
        if view.side_of(actor.user_id) is None:
            raise await self.access.deny(
                actor, "pair.agreement", object_type="pair", object_id=pair_id
            )
        if view.status != "active":
            raise DomainError("pairs-not-active")

        def text(v: PairView) -> str:
            return agreement_text(
                self.catalog,
                v.form_key,
                "ru",
                with_minor=v.with_minor,
                reader_is_minor=bool(actor.person.is_minor),
            )

        same = text(view)
        covered = [
            v
            for v in await self.mine(actor)
            if v.status == "active" and not v.accepted_by(actor.user_id) and text(v) == same
        ]
        if not view.accepted_by(actor.user_id) and all(v.id != view.id for v in covered):
            covered.append(view)
        now = self.clock.now()
        for v in covered:
            if v.side_of(actor.user_id) == "mentor":
                pair = await self.session.get(Pair, v.id)
                if pair is not None and pair.mentor_accepted_at is None:
                    pair.mentor_accepted_at = now
            for m in v.mentees:
                if m.user_id == actor.user_id:
                    link = await self.session.get(PairMentee, (v.id, m.membership_id))
                    if link is not None and link.accepted_at is None:
                        link.accepted_at = now
        await self.session.flush()
        return await self._view(pair_id), len(covered)
