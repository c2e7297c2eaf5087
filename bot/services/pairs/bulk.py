"""«✨ Предложения»: the best mentor for every free mentee, proposed together, then
approved together."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.services.access import Actor
from bot.services.errors import DomainError
from bot.services.matching import Assignment, MatchingService, MenteeProfile, assign
from bot.services.pairs.activating import ActivatingMixin
from bot.services.pairs.forming import FormingMixin
from bot.services.pairs.model import PairView
from bot.services.pairs.roster import RosterMixin
from bot.storage.models import Candidate, Membership, User


class BulkMixin(FormingMixin, ActivatingMixin, RosterMixin):
    # --- «✨ Предложения»: the best mentor for every free mentee, proposed together ----

    async def suggest_all(self, actor: Actor, programme_id: int) -> list[Assignment]:
        """A line per mentee without a pair (consent complete, not choosing among offered
        candidates): the mentor `matching.assign` gives them, no mentor suggested to more
        mentees than their free places. A fixed number of statements for any school."""
        programme = await self.programme_for(actor, programme_id, "pair.suggest-all")
        roster = await self.roster(actor, programme.id)
        choosing = set(
            await self.session.scalars(
                select(Candidate.mentee_membership_id).where(
                    Candidate.programme_id == programme.id,
                    Candidate.answer.is_(None) | (Candidate.answer == "chosen"),
                )
            )
        )
        free = [
            r
            for r in roster.rows
            if r.role == "mentee"
            and r.pair_id is None
            and r.consent_complete
            and r.membership_id not in choosing
        ]
        ready_mentors = {r.membership_id for r in roster.rows if r.role == "mentor"}
        ready_mentors &= {r.membership_id for r in roster.rows if r.consent_complete}
        if not free:
            return []
        profiles = {
            mid: (profile or {}, minor)
            for mid, profile, minor in (
                await self.session.execute(
                    select(Membership.id, Membership.profile, User.is_minor)
                    .join(User, User.id == Membership.user_id)
                    .where(Membership.id.in_([r.membership_id for r in free]))
                )
            ).all()
        }
        form = self.catalog.form(programme.form_key)
        matching = MatchingService(self.session, self.access, self.catalog, self.rules)
        mentors = [
            m for m in await matching.mentors_of(programme.id) if m.membership_id in ready_mentors
        ]
        mentees = [
            (
                MenteeProfile.of(
                    r.membership_id,
                    profiles.get(r.membership_id, ({}, None))[0],
                    profiles.get(r.membership_id, ({}, None))[1],
                    form.mentee_kind if form else None,
                    self.rules.min_word,
                ),
                r.name,
            )
            for r in free
        ]
        return assign(mentees, mentors, self.rules, form.mentor_kind if form else None)

    async def propose_suggested(
        self, actor: Actor, programme_id: int, only: int | None = None
    ) -> list[PairView]:
        """«Предложить все» (or one line, `only` = the mentee): the suggestions are worked
        out again here, never taken from the client, and each is proposed through
        `propose` (its checks, its notices) in the caller's one transaction."""
        if only is not None:
            await self.access.load_curated(actor, Membership, only, "pair.propose")
        lines = [
            line
            for line in await self.suggest_all(actor, programme_id)
            if line.suggestion is not None and (only is None or line.mentee_membership_id == only)
        ]
        if not lines:
            raise DomainError("pairs-suggestion-gone")
        views = []
        for line in lines:
            assert line.suggestion is not None
            views.append(
                await self.propose(
                    actor, line.suggestion.mentor_membership_id, [line.mentee_membership_id]
                )
            )
        return views

    async def activate_many(self, actor: Actor, pair_ids: Sequence[int]) -> list[PairView]:
        """«Утвердить все»: each pair goes through `activate` (access, its notices); pairs
        already active (a second tap) are left as they are."""
        pending = []
        for pid in dict.fromkeys(pair_ids):
            pair = await self._managed(actor, pid, "pair.activate")
            if pair.status == "proposed":
                pending.append(pair.id)
        if not pending:
            raise DomainError("pairs-not-proposed")
        return [await self.activate(actor, pid) for pid in pending]
